"""Report writers: how a report becomes text or bytes, and how it reaches a file safely.

A writer is contributed through the ``plan_rules_writers`` hook; the built-in ones (text and
JSON) come from the ``builtin`` plugin like any other. :func:`write_atomically` writes to a
temporary file beside the target and renames it into place, so a crash never leaves half a
report behind; it writes into devices and FIFOs directly and refuses read-only files.
:func:`stream_atomically` does the same for text given a piece at a time, as
:meth:`Report.write_json <plan_rules.Report.write_json>` gives a report too large to hold.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

import attrs

from .cells import encodable
from .errors import WriteError

if TYPE_CHECKING:
    from .report import Report

__all__ = ["TextSink", "Writer", "stream_atomically", "write_atomically"]


class TextSink(Protocol):
    """Where text goes a piece at a time: an open text file, ``sys.stdout``, a StringIO."""

    def write(self, text: str, /) -> object:
        """Take the next piece of text."""


@attrs.frozen(kw_only=True)
class Writer:
    """A named way of rendering a report: ``render(report, lang)`` returns text or bytes.

    ``stream(report, lang, sink)``, when a writer has it, writes the same text as ``render``
    returns into ``sink`` a piece at a time; the command line then uses it, so a large
    report is never held whole (the JSON writer has one).
    """

    name: str
    description: str
    suffix: str
    render: Callable[[Report, str], str | bytes] = attrs.field(eq=False)
    plugin: str | None = attrs.field(default=None, eq=False)
    stream: Callable[[Report, str, TextSink], None] | None = attrs.field(default=None,
                                                                         eq=False)


class _Encodable:
    """A text sink writing UTF-8 into a binary file, lone surrogates escaped
    (:func:`cells.encodable`, which works a character at a time, so pieces may split the
    text anywhere)."""

    __slots__ = ("_handle",)

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def write(self, text: str, /) -> int:
        return self._handle.write(encodable(text).encode("utf-8"))


def stream_atomically(path: str | os.PathLike[str], write: Callable[[TextSink], object],
                      ) -> None:
    """Write the text that ``write`` gives its sink, piece by piece, to ``path``, with every
    safeguard of :func:`write_atomically`: the file appears whole or not at all (an
    exception from ``write`` leaves what was there), devices and FIFOs are written into, a
    read-only file is refused before ``write`` is called."""
    _write(path, lambda handle: write(_Encodable(handle)))


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
    data = encodable(content).encode("utf-8") if isinstance(content, str) else content
    _write(path, lambda handle: handle.write(data))


def _write(path: str | os.PathLike[str], produce: Callable[[IO[bytes]], object]) -> None:
    """:func:`write_atomically`'s rules, with ``produce`` writing the bytes into the open
    file."""
    target = Path(path)
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
        _write_into(target, produce)
        return
    if found is not None and (not found.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise WriteError(
            f"{target} is read-only: it is not replaced (make it writable or write elsewhere) "
            f"— tệp {target} chỉ đọc: không ghi đè (hãy cho phép ghi hoặc ghi vào tệp khác)")
    _replace(Path(os.path.realpath(target)) if target.is_symlink() else target, produce)


def _write_into(target: Path, produce: Callable[[IO[bytes]], object]) -> None:
    """Write into a device or a FIFO as it is; there is no temporary file to leave."""
    try:
        with open(target, "wb") as handle:
            produce(handle)
    except OSError as exc:
        raise WriteError(f"could not write {target}: {exc} — không ghi được {target}") from exc


def _replace(target: Path, produce: Callable[[IO[bytes]], object]) -> None:
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
            produce(handle)
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
