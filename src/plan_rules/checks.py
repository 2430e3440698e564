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
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from functools import cached_property

import attrs

from .errors import CheckError
from .figures import FigureTable
from .model import Check, Entity, Finding, Observation, Text, Verdict
from .periods import Period
from .registry import PLUGIN_FAILURES, PLUGIN_STOPS, Registry, describe
from .window import Series

__all__ = ["CheckContext", "run_checks"]


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
                 given: Mapping[str, array[int]]) -> None:
        """``series`` gives each indicator's unit series; ``given``, every figure's position
        by indicator code, as validation grouped them."""
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
               timings: list[Timing]) -> list[Finding]:
    """Every check of the registry on ``ctx`` (of ``n`` observations), each one's time noted
    in ``timings``."""
    findings: list[Finding] = []
    for check in ctx.registry.checks.values():
        started = time.perf_counter_ns()
        try:
            findings.extend(_run_check(check, ctx, n, strict))
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


def _run_check(check: Check, ctx: CheckContext, n: int, strict: bool) -> list[Finding]:
    try:
        produced = list(check.run(ctx))
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
        if strict:
            raise CheckError(f"check {check.code!r} of plugin {check.plugin!r} raised: {exc}",
                             plugin=check.plugin, code=check.code) from exc
        text = f"{type(exc).__name__}: {exc}"
        return [Finding(
            code=check.code, kind="check", verdict=Verdict.ERROR, plugin=check.plugin,
            message=Text(vi=f"Kiểm tra {check.code} (plugin {check.plugin}) gặp lỗi: {text}",
                         en=f"Check {check.code} (plugin {check.plugin}) raised {text}"),
            details={"exception": type(exc).__name__, "error": str(exc)},
        )]
    return [attrs.evolve(f, kind="check", plugin=check.plugin) for f in produced]
