"""Making and handling millions of objects at once: the cyclic garbage collector paused
meanwhile.

The objects made while reading and evaluating hold no reference cycles, so collecting while
they are made only costs time: on the national benchmark the collector walked the same
million observations again and again, and pausing it saved more than half of some steps.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block and restore it as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
