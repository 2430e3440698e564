"""Report writers: how a report becomes text or bytes, and how it reaches a file safely.

A writer is contributed through the ``plan_rules_writers`` hook; the built-in ones (text and
JSON) come from the ``builtin`` plugin like any other. :func:`write_atomically` writes to a
temporary file beside the target and renames it into place, so a crash never leaves half a
report behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .errors import WriteError

if TYPE_CHECKING:
    from .report import Report

__all__ = ["Writer", "write_atomically"]


@attrs.frozen(kw_only=True)
class Writer:
    """A named way of rendering a report: ``render(report, lang)`` returns text or bytes."""

    name: str
    description: str
    suffix: str
    render: Callable[[Report, str], str | bytes] = attrs.field(eq=False)
    plugin: str | None = attrs.field(default=None, eq=False)


def write_atomically(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` to ``path`` all at once or not at all."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise WriteError(f"could not write {target}: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); a report gets the mode a new file would.
        os.chmod(tmp, _mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(f"could not write {target}: {exc}") from exc
        raise


def _mode(target: Path) -> int:
    """The mode of the file being replaced, or what the umask gives a new file."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
