"""A sequence whose items are made from their index when asked for.

The figure table hands out observations this way, a target's per-unit results too: a
national run holds a million figures and a hundred thousand results as columns, and only
what a writer or a check asks for becomes an object.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

__all__ = ["LazySequence"]

T = TypeVar("T")


class LazySequence(Sequence[T]):
    """Items made by :meth:`_item` from their index (``0 <= index < len(self)``), each time
    they are asked for. It stands for a tuple of them: equal to a tuple (or another such
    sequence) of equal items, hashed and added like one."""

    __slots__ = ()

    def _item(self, index: int) -> T:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return tuple(map(self._item, range(len(self))[index]))
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._item(index % n)

    def __iter__(self) -> Iterator[T]:
        return map(self._item, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, tuple | LazySequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                       strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: object) -> tuple[T, ...]:
        if not isinstance(other, tuple | LazySequence):
            return NotImplemented
        return (*self, *other)

    def __radd__(self, other: object) -> tuple[T, ...]:
        if not isinstance(other, tuple):
            return NotImplemented
        return (*other, *self)
