"""What the command line needs from a terminal: colour that appears only on a TTY, text widths
that count Vietnamese and wide characters right, and a progress bar on stderr.

Writers never look at ``sys.stdout`` themselves: the command line decides whether colour is
wanted (a TTY, no ``--output``, no ``NO_COLOR``) and says so through :data:`colour`, so that a
report rendered by a library call or written to a file never carries escape codes.
"""

from __future__ import annotations

import os
import sys
import time
import unicodedata
from contextvars import ContextVar
from typing import TextIO

from .cells import printable

__all__ = ["Progress", "colour", "pad", "paint", "wants_colour", "width"]

#: Whether the text writer may use ANSI colours (set by the command line, off by default).
colour: ContextVar[bool] = ContextVar("plan_rules_colour", default=False)

_CODES = {"green": "32", "red": "31", "yellow": "33", "grey": "90", "magenta": "35",
          "bold": "1", "dim": "2", "cyan": "36"}


def wants_colour(stream: TextIO) -> bool:
    """Colour for ``stream``: only a TTY, never with ``NO_COLOR``, always with
    ``FORCE_COLOR`` (the conventions of https://no-color.org and of most CLIs)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def paint(text: str, style: str | None) -> str:
    """``text`` in ``style`` (``green``, ``red``, ``bold``…) when :data:`colour` is on; any
    control character in ``text`` itself is shown as an escape, so that only these codes
    reach the terminal."""
    text = printable(text)
    if not style or not colour.get():
        return text
    return f"\x1b[{_CODES[style]}m{text}\x1b[0m"


def width(text: str) -> int:
    """How many terminal columns ``text`` takes: combining marks none, wide characters two."""
    total = 0
    for char in text:
        if unicodedata.combining(char) or char == "\x1b":
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (never cut)."""
    return text + " " * max(0, columns - width(text))


class Progress:
    """A progress bar on stderr, drawn only on a TTY and only for inputs of ``minimum``
    rows or more; otherwise every call does nothing."""

    def __init__(self, label: str, *, stream: TextIO | None = None,
                 minimum: int = 20_000) -> None:
        self.label = printable(label)  # it names a file, whose name may hold anything
        self.stream = stream if stream is not None else sys.stderr
        self.minimum = minimum
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self.drawn = False
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.minimum:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        share = min(1.0, done / total) if total else 1.0
        bar = "█" * int(share * 30)
        self.stream.write(f"\r{self.label} [{bar:<30}] {share:4.0%} {done:,}/{total:,}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Clear the bar's line, if one was drawn."""
        if self.drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.drawn = False
