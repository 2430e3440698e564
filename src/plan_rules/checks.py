"""The plugins' checks: each is shown the run's figures and setting, read-only, and what it
hands back is checked before it enters the report.

A check is someone else's code. One that raises, yields something other than findings, or
cites as provenance a figure that is not in the input becomes an ``error`` finding naming its
plugin and code; the rest of the evaluation goes on (strict mode re-raises).
"""

from __future__ import annotations

import time
import types
from array import array
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date
from functools import cached_property
from typing import Any, Protocol, Self, runtime_checkable

import attrs

from .errors import CheckError
from .figures import FigureTable
from .model import Check, Entity, Finding, Observation, Text, Verdict
from .periods import Period
from .registry import PLUGIN_FAILURES, PLUGIN_STOPS, Registry, describe
from .window import Series

__all__ = ["CheckContext", "CheckPart", "CheckParts", "run_checks"]


@runtime_checkable
class CheckPart(Protocol):
    """What a check run in parts (:class:`~plan_rules.InParts`) keeps of one part's figures.

    It must be picklable and small: it travels from the process that read a part to the one
    that merges. Merging is associative and commutative (any grouping and order of the parts
    gives an equal part), and compared with ``==``.

    The library keeps a unit's figures of the check's indicators as rows (as read, each with
    its file and row) when the part asks for it (:meth:`units_wanted`: a unit whose figures
    break the rule, whose finding must cite them) and when the parts could not summarise
    them (a duplicate, periods that overlap, a row a data issue names): it then calls
    :meth:`without` with those units, and the finish reads their figures from the rows.
    """

    def merge(self, other: Self, /) -> Self:
        """This part and ``other`` (of other figures of the same file) as one."""
        ...

    def units_wanted(self) -> Iterable[str]:
        """The units whose figures the finish must see as rows."""
        ...

    def without(self, units: frozenset[str], /) -> Self:
        """This part, forgetting ``units`` (their figures will be rows)."""
        ...


@attrs.frozen
class CheckParts:
    """The merged parts of the checks run in parts, by check code, and the units whose
    figures of each indicator are rows as read: what :func:`plan_rules.partials.finish`
    hands :func:`plan_rules.evaluate`."""

    parts: Mapping[str, Any]
    as_rows: Mapping[str, frozenset[str]]


class CheckContext:
    """What a check sees: the observations given, by indicator, and the evaluation's setting.

    ``observations(code)`` gives every observation of an indicator whose period ended on or
    before the as-of date, including ones that data issues block (a consistency check is there
    to explain such figures); ``index(obs)`` is the position to cite as provenance.

    Everything here is read-only (mapping views, tuples, frozen objects): a check is shown
    the run's state, and what one check does to it must not change what the next one sees,
    nor what the next evaluation with the same registry sees. The observations of an
    indicator are built the first time a check asks for them, and are then the same objects
    for every check.
    """

    def __init__(self, table: FigureTable, *, as_of: date, registry: Registry,
                 entities: Mapping[str, Entity], blocked: frozenset[int],
                 series: Callable[[str], Sequence[Series]],
                 given: Mapping[str, array[int]],
                 as_rows: Mapping[str, frozenset[str]] | None = None) -> None:
        """``series`` gives each indicator's unit series; ``given``, every figure's position
        by indicator code, as validation grouped them; ``as_rows``, when the figures are
        parts' summaries, the units whose figures of each indicator are rows as read."""
        self._as_rows = as_rows
        self.as_of = as_of
        self.window = Period.between(date(as_of.year, 1, 1), as_of)
        self.registry = registry
        self.entities: Mapping[str, Entity] = types.MappingProxyType(dict(entities))
        self.blocked = blocked
        self._table = table
        self._series = series
        self._given = given
        self._by_indicator: dict[str, tuple[Observation, ...]] = {}
        self._made: dict[int, Observation] = {}
        self._positions: dict[int, int] = {}

    @cached_property
    def figures(self) -> FigureTable:
        """Every figure given, as read-only columns (see :class:`~plan_rules.figures.
        FigureTable`): a check over a million figures reads these rather than building an
        observation per figure."""
        return self._table.read_only()

    def positions(self, indicator: str) -> Sequence[int]:
        """The positions of the figures of ``indicator`` reported for periods up to the as-of
        date, in input order: the figures :meth:`observations` gives."""
        return self._in_window.get(indicator, ())

    @cached_property
    def _in_window(self) -> dict[str, Sequence[int]]:
        # Read-only 64-bit columns: a tuple of a million positions would hold a million int
        # objects. Validation grouped them by indicator already.
        table, ended = self._table, self._ended
        everything = all(ended)
        return {code: memoryview(found if everything else array(
                    "q", (i for i in found if ended[table.period[i]]))).toreadonly()
                for code, found in self._given.items()}

    def series(self, indicator: str) -> Mapping[str, Series]:
        """Each unit's usable figures of ``indicator`` (no duplicate, none a data issue
        blocks), in order of period end, by unit code: the figures the targets combine,
        so that a check does not re-implement the period rules. A series' ``positions``
        index :attr:`figures`; its figures up to a date are a prefix."""
        # Copies: what one check does to a series must not change what the next one sees,
        # nor what the targets measured.
        return types.MappingProxyType({
            s.entity.code: Series(s.entity, tuple(s.positions), tuple(s.ends), s.first_start)
            for s in self._series(indicator)})

    @property
    def of_parts(self) -> bool:
        """Whether the figures are the merged summaries of a file read in parts."""
        return self._as_rows is not None

    def units_as_rows(self, indicator: str) -> frozenset[str] | None:
        """In a check's finish (:class:`~plan_rules.InParts`), the units whose figures of
        ``indicator`` are rows as read: the others' figures are summaries of several rows,
        and their part tells what the check needs of them. None when every figure is a row
        (an evaluation of the whole file)."""
        if self._as_rows is None:
            return None
        return self._as_rows.get(indicator, frozenset())

    def in_window(self, position: int) -> bool:
        """Whether the figure at ``position`` is for a period ended by the as-of date (one
        that :meth:`observations` and :meth:`positions` give)."""
        return self._ended[self._table.period[position]]

    @cached_property
    def _ended(self) -> list[bool]:
        return [p.end <= self.as_of for p in self._table.periods.values]

    def observation(self, position: int) -> Observation:
        """The figure at ``position`` as an observation (the same object each time)."""
        made = self._made.get(position)
        if made is None:
            made = self._made[position] = self._table.observation(position)
            self._positions[id(made)] = position
        return made

    def observations(self, indicator: str) -> Sequence[Observation]:
        """The observations of ``indicator`` reported for periods up to the as-of date."""
        found = self._by_indicator.get(indicator)
        if found is None:
            found = self._by_indicator[indicator] = tuple(
                map(self.observation, self.positions(indicator)))
        return found

    def index(self, observation: Observation) -> int:
        """The position of ``observation`` in the input, for a finding's provenance."""
        return self._positions[id(observation)]

    def entity(self, code: str) -> Entity | None:
        """The entity with this code, from the entities given or seen in the data."""
        return self.entities.get(code)

    def is_blocked(self, observation: Observation) -> bool:
        """Whether a data issue keeps ``observation`` out of every target."""
        return self.index(observation) in self.blocked


#: How long one check ran: its code, its plugin, nanoseconds.
Timing = tuple[str, str | None, int]


def run_checks(ctx: CheckContext, n: int, strict: bool,
               timings: list[Timing], parts: Mapping[str, Any] | None = None) -> list[Finding]:
    """Every check of the registry on ``ctx`` (of ``n`` observations), each one's time noted
    in ``timings``; a check with a merged part in ``parts`` (by code) is finished from it."""
    findings: list[Finding] = []
    for check in ctx.registry.checks.values():
        started = time.perf_counter_ns()
        part = None if parts is None else parts.get(check.code)
        try:
            findings.extend(_run_check(check, ctx, n, strict, part))
        finally:
            timings.append((check.code, check.plugin, time.perf_counter_ns() - started))
    return findings


def _miscited(finding: Finding, n: int) -> str | None:
    """Why a check's finding cites something that is not an observation of this input."""
    details = finding.details
    if not isinstance(details, Mapping):
        return f"a finding's details must be a mapping, got {describe(details)}"
    cited: list[tuple[str, object]] = [("observations", finding.observations)]
    cited += [(f"entities[{r.entity}].observations", r.observations) for r in finding.entities]
    cited += [(f"details[{key!r}]", details[key]) for key in ("excluded", "history")
              if key in details]
    for where, positions in cited:
        # A collection, not a one-shot iterator: the accounting and the report read the
        # positions again after this check.
        if isinstance(positions, str | bytes) or not isinstance(positions, Collection):
            return f"its {where} must be observation positions, got {describe(positions)}"
        if not positions:
            continue
        # bool is an int to Python, but True is no position anyone meant to cite. The fast
        # test (types, then bounds, in C) passes for every honest finding.
        if set(map(type, positions)) == {int} and min(positions) >= 0 and max(positions) < n:
            continue
        i = next(i for i in positions if type(i) is not int or not 0 <= i < n)
        return (f"its {where} cites observation {describe(i)}, which is not in the input "
                f"(positions 0 to {n - 1})" if n else
                f"its {where} cites observation {describe(i)}, but the input has none")
    return None


@attrs.frozen
class PartFailed:
    """A check's part that raised where its figures were read (the exception's name and
    words: an exception object may not survive pickling): the finish reports the error."""

    exception: str
    error: str

    def merge(self, other: object, /) -> PartFailed:
        if isinstance(other, PartFailed) and (other.exception, other.error) < (
                self.exception, self.error):
            return other
        return self

    def units_wanted(self) -> Iterable[str]:
        return ()

    def without(self, units: frozenset[str], /) -> PartFailed:
        return self


def run_part(check: Check, ctx: CheckContext) -> Any:
    """The part of ``check`` on the figures of ``ctx`` (one part of a file); a part that
    raises is kept as :class:`PartFailed`, reported as the check's error where it finishes."""
    assert check.in_parts is not None
    try:
        return check.in_parts.part(ctx)
    except PLUGIN_STOPS:
        raise
    except PLUGIN_FAILURES as exc:
        if ctx.registry.strict:
            raise CheckError(f"check {check.code!r} of plugin {check.plugin!r} raised: {exc}",
                             plugin=check.plugin, code=check.code) from exc
        return PartFailed(type(exc).__name__, str(exc))


def _run_check(check: Check, ctx: CheckContext, n: int, strict: bool,
               part: Any = None) -> list[Finding]:
    if isinstance(part, PartFailed):
        return [_error(check, part.exception, part.error, strict, None)]
    if part is None and check.in_parts is not None and ctx.of_parts:
        # Summaries without the check's part: the chunks were read with other plugins, and
        # the check would count a summary of many figures as one.
        return [_error(check, "LookupError", "the parts of the file carry no part of this "
                       "check: read them with the plugins that evaluate them", strict, None)]
    try:
        produced = list(check.run(ctx) if part is None or check.in_parts is None
                        else check.in_parts.finish(part, ctx))
        for item in produced:
            if not isinstance(item, Finding):
                raise TypeError(f"a check must yield Finding objects, got {type(item).__name__}")
            wrong = _miscited(item, n)
            if wrong is not None:
                # Provenance that names no figure would be accepted by the accounting and
                # shown as a file and row that do not exist.
                raise ValueError(f"a finding of check {check.code!r} is refused: {wrong}")
    except PLUGIN_STOPS:
        raise
    except PLUGIN_FAILURES as exc:
        return [_error(check, type(exc).__name__, str(exc), strict, exc)]
    return [attrs.evolve(f, kind="check", plugin=check.plugin) for f in produced]


def _error(check: Check, exception: str, error: str, strict: bool,
           exc: BaseException | None) -> Finding:
    """The ``error`` finding of a check that raised (re-raised in strict mode)."""
    if strict:
        raise CheckError(f"check {check.code!r} of plugin {check.plugin!r} raised: {error}",
                         plugin=check.plugin, code=check.code) from exc
    text = f"{exception}: {error}"
    return Finding(
        code=check.code, kind="check", verdict=Verdict.ERROR, plugin=check.plugin,
        message=Text(vi=f"Kiểm tra {check.code} (plugin {check.plugin}) gặp lỗi: {text}",
                     en=f"Check {check.code} (plugin {check.plugin}) raised {text}"),
        details={"exception": exception, "error": error},
    )
