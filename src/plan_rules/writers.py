"""Report writers: how a report becomes text or bytes, and how it reaches a file safely.

A writer is contributed through the ``plan_rules_writers`` hook; the built-in ones (text and
JSON) come from the ``builtin`` plugin like any other. :func:`write_atomically` writes to a
temporary file beside the target and renames it into place, so a crash never leaves half a
report behind; it writes into devices and FIFOs directly and refuses read-only files.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .cells import encodable
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
    """Write ``content`` to ``path`` all at once or not at all, and never destroy what is
    there by mistake.

    * A new file, or an existing regular file, is written to a temporary file beside it and
      renamed into place, keeping the mode of the file it replaces; through a symbolic link,
      the file the link points to is replaced and the link kept.
    * Anything else that exists (a device such as ``/dev/null``, a FIFO, a terminal, or a
      link to one, as ``/dev/stdout`` is) is written into directly: renaming over it would
      replace the node with a regular file.
    * An existing file that may not be written is refused with :class:`WriteError`: one
      ``os.access`` says is not writable, and also one whose mode gives nobody the right to
      write, since for root ``os.access`` allows everything and a rename would replace it.

    Lone surrogates in a text are written as ``\\udXXX`` escapes (:func:`cells.encodable`).
    """
    target = Path(path)
    data = encodable(content).encode("utf-8") if isinstance(content, str) else content
    try:
        found: os.stat_result | None = os.stat(target)  # through any link
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise WriteError(f"could not write {target}: {exc} — không ghi được {target}") from exc
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise WriteError(f"could not write {target}: it is a folder — {target} là thư mục, "
                         "không ghi được")
    if found is not None and not stat.S_ISREG(found.st_mode):
        _write_into(target, data)
        return
    if found is not None and (not found.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise WriteError(
            f"{target} is read-only: it is not replaced (make it writable or write elsewhere) "
            f"— tệp {target} chỉ đọc: không ghi đè (hãy cho phép ghi hoặc ghi vào tệp khác)")
    _replace(Path(os.path.realpath(target)) if target.is_symlink() else target, data)


def _write_into(target: Path, data: bytes) -> None:
    """Write into a device or a FIFO as it is; there is no temporary file to leave."""
    try:
        with open(target, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise WriteError(f"could not write {target}: {exc} — không ghi được {target}") from exc


def _replace(target: Path, data: bytes) -> None:
    """The temporary file and the rename, for a regular file; the temporary file is removed
    on any failure, also on an interruption (Ctrl-C, and SIGTERM as the command line turns
    it into an exception)."""
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        # Said of the file asked for, not of the temporary one beside it.
        why = exc.strerror or type(exc).__name__
        raise WriteError(f"could not write {target}: {why} — không ghi được {target}: "
                         f"{why}") from exc
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
            raise WriteError(f"could not write {target}: {exc} — không ghi được {target}: "
                             f"{exc}") from exc
        raise


def _mode(target: Path) -> int:
    """The mode of the file being replaced, or what the umask gives a new file."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
