"""The evaluation engine: observations and a registry in, a report out, in one direction.

The data flow is fixed: validate every observation (each one is used or becomes a data issue),
resolve its entity, choose the window the as-of date selects, combine each entity's periods
(flow: sum; stock: latest), aggregate over the target's scope (each / pooled / mean /
reported), compare exactly, then run the plugins' checks and account for every observation.
Work is grouped per indicator; no plugin hook is called per observation.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from . import aggregation as agg
from ._bulk import collector_paused
from .errors import CheckError, UnknownReferenceError
from .model import (
    Aggregation,
    Check,
    Comparator,
    DataIssue,
    Entity,
    EntityResult,
    Finding,
    Indicator,
    Kind,
    Observation,
    Point,
    Progress,
    ProgressAssessment,
    ProgressInput,
    ProgressMethod,
    Statistics,
    Target,
    Temporal,
    Text,
    Verdict,
)
from .numbers import format_number, format_percent
from .periods import Period
from .progress import DEFAULT_METHOD
from .registry import PLUGIN_FAILURES, PLUGIN_STOPS, Registry, describe, load_registry
from .report import DEFAULT_MAX_ISSUES, CheckTiming, IssueLedger, Report, RunInfo, referenced
from .schedule import DEFAULT_SCHEDULE
from .words import GAP_WORDS, Direction, milestone_words, verdict_words

__all__ = ["CheckContext", "evaluate"]

# Which verdict wins when entities disagree: one failing entity fails an `each` target.
_PRECEDENCE = (Verdict.NOT_MET, Verdict.INVALID, Verdict.NO_DATA, Verdict.MET,
               Verdict.NOT_APPLICABLE)


@attrs.define
class CheckContext:
    """What a check sees: the observations given, by indicator, and the evaluation's setting.

    ``observations(code)`` gives every observation of an indicator whose period ended on or
    before the as-of date, including ones that data issues block (a consistency check is there
    to explain such figures); ``index(obs)`` is the position to cite as provenance.

    Everything here is read-only (mapping views, tuples, frozen objects): a check is shown
    the run's state, and what one check does to it must not change what the next one sees,
    nor what the next evaluation with the same registry sees.
    """

    as_of: date
    window: Period
    registry: Registry
    entities: Mapping[str, Entity]
    _by_indicator: Mapping[str, Sequence[Observation]]
    _positions: Mapping[int, int]
    blocked: frozenset[int] = frozenset()

    def observations(self, indicator: str) -> Sequence[Observation]:
        """The observations of ``indicator`` reported for periods up to the as-of date."""
        return self._by_indicator.get(indicator, ())

    def index(self, observation: Observation) -> int:
        """The position of ``observation`` in the input, for a finding's provenance."""
        return self._positions[id(observation)]

    def entity(self, code: str) -> Entity | None:
        """The entity with this code, from the entities given or seen in the data."""
        return self.entities.get(code)

    def is_blocked(self, observation: Observation) -> bool:
        """Whether a data issue keeps ``observation`` out of every target."""
        return self.index(observation) in self.blocked


class _Positions(Mapping[int, int]):
    """Position of each observation by ``id``, built on first use: most runs cite none."""

    def __init__(self, obs: Sequence[Observation]) -> None:
        self._obs = obs
        self._map: dict[int, int] | None = None

    def _built(self) -> dict[int, int]:
        if self._map is None:
            self._map = {id(o): i for i, o in enumerate(self._obs)}
        return self._map

    def __getitem__(self, key: int) -> int:
        return self._built()[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._obs)


def evaluate(
    observations: Iterable[Observation],
    *,
    registry: Registry | None = None,
    as_of: date | None = None,
    entities: Iterable[Entity] | Mapping[str, Entity] | None = None,
    issues: Iterable[DataIssue] = (),
    strict: bool | None = None,
    progress_methods: Sequence[str] | None = None,
    max_issues: int | None = DEFAULT_MAX_ISSUES,
) -> Report:
    """Evaluate every target and check of ``registry`` against ``observations``.

    :param observations: the figures, in any order (the report does not depend on it).
    :param registry: what to evaluate; default :func:`plan_rules.load_registry`.
    :param as_of: the date of the evaluation; figures for later periods are not used.
    :param entities: the reporting units with their levels, groups and validity dates; units
        seen only in the data are taken with the level their rows give.
    :param issues: data issues found before evaluation (e.g. by a reader), carried into the
        report.
    :param strict: re-raise a check's (or a progress method's) exception instead of reporting
        it (default: the registry's strictness).
    :param progress_methods: the codes of the progress methods to run, the first giving each
        finding's headline ``progress``; default: every loaded method, ``linear`` first. An
        empty sequence skips progress (and the history it reads).
    :param max_issues: how many data issues of each code and severity the report lists in
        full (``issues`` given included); the others are counted and named by row ranges in
        ``report.issue_summaries``, and never built as objects. ``None`` or 0: list all.
    :raises UnknownReferenceError: a progress method named is not loaded.
    :raises ValueError: ``max_issues`` is negative or not a whole number.

    Python's cyclic garbage collector is paused while the figures are evaluated (and while
    a reader reads them, and while a report becomes a dict): the objects made hold no
    cycles, and on a national file the collector took about a fifth of the evaluation's
    time. Checks from plugins run with it paused too.
    """
    from . import __version__

    reg = registry if registry is not None else load_registry()
    when = as_of or date.today()
    obs = list(observations)
    entity_map = dict(entities.items()) if isinstance(entities, Mapping) else {
        e.code: e for e in entities or ()
    }
    ledger = IssueLedger(max_issues)
    ledger.extend(issues)
    run = _Run(reg, when, obs, entity_map, strict if strict is not None else reg.strict, ledger)
    methods = _progress_methods(reg, progress_methods)
    # Evaluation makes a result per unit and target but no cycle worth collecting: the
    # collector would only walk the observations again and again.
    with collector_paused():
        run.validate()
        findings = [run.assess_progress(t, run.evaluate_target(t), methods)
                    for t in reg.targets.values()]
        findings.extend(run.run_checks())
        run.account(findings)
    areas = {a.code: a.name for p in reg.plans.values() for a in p.areas}
    return Report(
        findings=tuple(findings),
        issues=tuple(ledger.listed),
        issue_summaries=ledger.summaries(),
        as_of=when,
        library_version=__version__,
        plugins=reg.plugins,
        problems=reg.problems,
        areas=areas,
        observations=obs,
        n_observations=len(obs),
        run=RunInfo(checks=tuple(run.timings)),
    )


def _progress_methods(registry: Registry, chosen: Sequence[str] | None,
                      ) -> list[ProgressMethod]:
    """The progress methods to run, in order: those chosen, or all with the default first."""
    if chosen is None:
        return sorted(registry.progress_methods.values(), key=lambda m: m.code != DEFAULT_METHOD)
    unknown = [c for c in chosen if c not in registry.progress_methods]
    if unknown:
        raise UnknownReferenceError(
            f"no progress method {', '.join(map(repr, unknown))} is loaded; loaded: "
            f"{', '.join(registry.progress_methods) or 'none'}", code=unknown[0])
    return [registry.progress_methods[c] for c in chosen]


@attrs.define
class _Combined:
    """One entity's figure for a target after its periods are combined."""

    entity: Entity
    used: list[int]
    #: Earlier figures that the combination considered and set aside (older snapshots).
    history: list[int] = attrs.field(factory=list)
    numerator: int | None = None
    denominator: int | None = None
    value: Fraction | None = None

    @property
    def figure(self) -> Fraction | None:
        if self.numerator is not None and self.denominator is not None:
            return Fraction(self.numerator, self.denominator) if self.denominator else None
        return self.value


#: One entity's usable figures of an indicator: the entity, their positions in order of
#: period end, those ends, and the earliest start.
_Group = tuple[Entity, list[int], list[date], date]


class _Run:
    """The state of one evaluation; built and used only by :func:`evaluate`."""

    def __init__(self, registry: Registry, as_of: date, obs: list[Observation],
                 entities: dict[str, Entity], strict: bool, ledger: IssueLedger) -> None:
        self.registry = registry
        self.as_of = as_of
        self.obs = obs
        self.entities = entities
        self.strict = strict
        # The issues found, the first of each code in full and the rest by place. The
        # positions named by issues, listed or not, by code: a million duplicates cost an int
        # each there, not a tuple nor an issue.
        self.ledger = ledger
        self._issue_keys: dict[str, set[int | None]] = {}
        #: How long each check ran: the run's metadata, not part of the report's equality.
        self.timings: list[CheckTiming] = []
        self.blocked: set[int] = set()
        # (indicator, entity) pairs with a blocked figure: a target with nothing else there
        # is `invalid`, not `no_data`.
        self.blocked_pairs: set[tuple[str, str]] = set()
        self.blocked_levels: dict[tuple[str, str], str | None] = {}
        self._conflicting: dict[str, list[str]] = {}
        self.by_indicator: dict[str, list[int]] = {}
        # The unit of each usable observation, by position (None: not usable).
        self.entity_of: list[Entity | None] = [None] * len(obs)
        self._by_end: dict[str, list[_Group]] = {}
        # Every observation's period end and start, by position, once a target needs them.
        self._ends: list[date] | None = None
        self._starts: list[date] = []
        # Set while a target's history is evaluated: what an earlier date shows about the
        # data was already said, or will be, by the evaluation as of the run's date.
        self._quiet = False

    # -- validation -------------------------------------------------------------------------

    def issue(self, code: str, index: int | None, vi: str, en: str, *, field: str | None = None,
              text: str | None = None, expected: str | None = None, blocking: bool = True,
              severity: str = "error") -> None:
        seen = self._issue_keys.setdefault(code, set())
        if self._quiet or index in seen:
            return
        seen.add(index)
        o = self.obs[index] if index is not None else None
        if self.ledger.wants(code, severity):
            self.ledger.add(DataIssue(
                code=code, message=Text(vi=vi, en=en), file=o.file if o else None,
                row=o.row if o else None, field=field, text=text, expected=expected,
                severity=severity, observation=index,
                indicator=o.indicator if o else None, entity=o.entity if o else None,
            ))
        else:
            self.ledger.note(code, severity, file=o.file if o else None,
                             row=o.row if o else None, observation=index)
        if blocking and index is not None:
            self.blocked.add(index)
            if o is not None:
                self.blocked_pairs.add((o.indicator, o.entity))
                self.blocked_levels[(o.indicator, o.entity)] = o.level

    def validate(self) -> None:
        indicators = self.registry.indicators
        latest: dict[tuple[str, str, date, date], int] = {}
        # A unit not in the entities given takes its level from its rows; rows that disagree
        # are all reported, so that the outcome does not depend on which row came first.
        levels: dict[str, set[str]] = {}
        for o in self.obs:
            if o.level is not None and o.entity not in self.entities:
                levels.setdefault(o.entity, set()).add(o.level)
        self._conflicting = {code: sorted(lv) for code, lv in levels.items() if len(lv) > 1}
        entities = self.entities
        for i, o in enumerate(self.obs):
            ind = indicators.get(o.indicator)
            if ind is None:
                self.issue("unknown_indicator", i,
                           f"chỉ tiêu '{o.indicator}' không có trong các plugin đã nạp",
                           f"indicator '{o.indicator}' is not contributed by any loaded plugin",
                           field="indicator", text=o.indicator,
                           expected="an indicator code from `plan-rules indicators`")
                continue
            # The usual row, a rate given as counts in order, has nothing to report.
            if not (ind.kind is Kind.RATE and o.value is None and o.numerator is not None
                    and o.denominator is not None and o.numerator <= o.denominator) \
                    and not self._valid_for_kind(i, o, ind):
                continue
            # A unit described (or already taken from an earlier row) at the level the row
            # gives needs no further look; units with conflicting levels are never taken.
            entity = entities.get(o.entity)
            if entity is None or (o.level is not None and o.level != entity.level):
                entity = self._resolve_entity(i, o)
                if entity is None:
                    continue
            self.entity_of[i] = entity
            key = (o.indicator, o.entity, o.period.start, o.period.end)
            other = latest.get(key)
            if other is not None:
                # Keep the later report (by date, then by position); the other is a duplicate.
                keep, drop = (i, other) if self._later(i, other) else (other, i)
                latest[key] = keep
                self.issue("duplicate", drop,
                           f"trùng số liệu {o.indicator}/{o.entity}/{o.period}; dùng dòng "
                           f"báo cáo sau ({self.obs[keep].where})",
                           f"duplicate figure for {o.indicator}/{o.entity}/{o.period}; the "
                           f"later report ({self.obs[keep].where}) is used",
                           field="period", text=str(o.period),
                           expected="one figure per indicator, entity and period")
            else:
                latest[key] = i
        for i in sorted(latest.values()):
            if i not in self.blocked:
                self.by_indicator.setdefault(self.obs[i].indicator, []).append(i)

    def _later(self, a: int, b: int) -> bool:
        ra, rb = self.obs[a].reported_on, self.obs[b].reported_on
        if ra and rb and ra != rb:
            return ra > rb
        return a > b

    def _valid_for_kind(self, i: int, o: Observation, ind: Indicator) -> bool:
        if ind.kind is Kind.RATE:
            if o.numerator is not None and o.denominator is not None:
                if o.numerator > o.denominator:
                    self.issue("numerator_exceeds_denominator", i,
                               f"tử số {o.numerator} lớn hơn mẫu số {o.denominator}",
                               f"numerator {o.numerator} is greater than denominator "
                               f"{o.denominator}", field="numerator", text=str(o.numerator),
                               expected=f"a whole number from 0 to {o.denominator}")
                    return False
                if o.value is not None and o.denominator and (
                        Fraction(o.numerator, o.denominator) != o.value):
                    self.issue("value_disagrees_with_counts", i,
                               "giá trị không khớp với tử số/mẫu số; dùng tử số/mẫu số",
                               "the value disagrees with numerator/denominator; the counts "
                               "are used", field="value", blocking=False, severity="warning")
            elif o.value is not None and o.value > 1:
                self.issue("rate_above_one", i,
                           f"tỷ lệ {format_percent(o.value, lang='vi')} vượt 100%",
                           f"rate {format_percent(o.value)} is above 100%", field="value",
                           expected="a percentage from 0% to 100%")
                return False
            return True
        if o.numerator is not None:
            self.issue("unexpected_counts", i,
                       f"chỉ tiêu {ind.code} là {ind.kind.value}: chỉ nhập cột giá trị",
                       f"indicator {ind.code} is a {ind.kind.value}: give a value, not "
                       "numerator/denominator", field="numerator", expected="blank")
            return False
        assert o.value is not None
        if ind.kind is Kind.COUNT and o.value.denominator != 1:
            self.issue("count_not_whole", i, f"số lượng phải là số nguyên, nhận {o.value}",
                       f"a count must be a whole number, got {o.value}", field="value",
                       text=str(o.value), expected="a whole number")
            return False
        if ind.kind is Kind.MILESTONE:
            if o.value not in (0, 1):
                self.issue("milestone_value", i,
                           "mốc công việc nhận 'hoàn thành' (1) hoặc 'chưa' (0)",
                           "a milestone is 'done' (1) or 'not done' (0)", field="value",
                           text=str(o.value), expected="done / not done")
                return False
            if o.value == 1 and not (o.source and o.source.strip()):
                self.issue("milestone_without_evidence", i,
                           "mốc công việc báo 'hoàn thành' nhưng không có căn cứ (số văn bản, "
                           "ngày hoặc đường dẫn) ở cột nguồn",
                           "a milestone reported done has no evidence (document number, date "
                           "or link) in the source column", field="source",
                           expected="evidence: a document number, a date or a link")
                return False
        return True

    def _resolve_entity(self, i: int, o: Observation) -> Entity | None:
        conflict = self._conflicting.get(o.entity)
        if conflict is not None:
            given = ", ".join(conflict)
            self.issue("level_conflict", i,
                       f"đơn vị {o.entity} được ghi nhiều cấp khác nhau ({given}): khai báo "
                       "trong tệp đơn vị hoặc sửa cột cấp",
                       f"entity {o.entity} is given different levels ({given}) in different "
                       "rows: describe it in the entities file or correct the level column",
                       field="level", text=o.level, expected="one level per entity")
            return None
        known = self.entities.get(o.entity)
        if known is not None:
            if o.level is not None and o.level != known.level:
                self.issue("level_mismatch", i,
                           f"đơn vị {o.entity} thuộc cấp '{known.level}', dòng ghi '{o.level}'",
                           f"entity {o.entity} is at level '{known.level}' but the row says "
                           f"'{o.level}'", field="level", text=o.level, expected=known.level)
                return None
            return known
        if o.level is None:
            self.issue("unknown_level", i,
                       f"không rõ cấp của đơn vị {o.entity}: ghi cột cấp hoặc khai báo trong "
                       "tệp đơn vị",
                       f"the level of entity {o.entity} is unknown: fill the level column or "
                       "describe it in the entities file", field="level",
                       expected="province, department, district, commune, …")
            return None
        entity = Entity(code=o.entity, level=o.level)
        self.entities[o.entity] = entity
        return entity

    # -- targets ----------------------------------------------------------------------------

    def evaluate_target(self, target: Target, as_of: date | None = None) -> Finding:
        """The finding for ``target`` as of the run's date, or as of an earlier ``as_of``
        (which is how a target's history is computed)."""
        when = as_of or self.as_of
        indicator = self.registry.indicators[target.indicator]
        plan = self.registry.plans.get(indicator.plan)
        base: dict[str, Any] = dict(
            window=None,
            code=target.code, kind="target", indicator=indicator.code, area=indicator.area,
            plan=indicator.plan, plugin=target.plugin, scope=target.scope.describe(),
            aggregation=target.aggregation, comparator=target.comparator,
            threshold=target.threshold,
        )
        measure = target.measurement
        if target.valid_from and when < target.valid_from:
            return self._finding(base, indicator, target, Verdict.NOT_APPLICABLE, None,
                                 Statistics(), [],
                                 reason=Text(vi=f"chỉ áp dụng từ {target.valid_from:%d/%m/%Y}",
                                             en=f"applies from {target.valid_from:%d/%m/%Y}"))
        if when < measure.start:
            return self._finding(base, indicator, target, Verdict.NO_DATA, None, Statistics(),
                                 [],
                                 reason=Text(vi=f"kỳ đo bắt đầu {measure.start:%d/%m/%Y}",
                                             en=f"measurement starts {measure.start:%d/%m/%Y}"))
        window = Period.between(measure.start, min(measure.end, when))
        base["window"] = window
        own: dict[str, list[int]] = {}
        others: dict[str, list[int]] = {}
        excluded: list[int] = []
        snapshot = indicator.temporal is Temporal.STOCK or indicator.kind is Kind.MILESTONE
        reported = target.aggregation is Aggregation.REPORTED
        # What each distinct period means for this target, worked out once: national files
        # repeat a dozen periods over millions of rows.
        per_period: dict[int, tuple[bool, bool, bool]] = {}
        unbounded = target.valid_from is None and target.valid_to is None
        for entity, idxs, ends, first_start in self._by_entity(indicator.code):
            in_scope = entity.in_scope(target.scope)
            if not in_scope and not reported:
                continue
            always_valid = entity.valid_from is None and entity.valid_to is None
            n = bisect.bisect_right(ends, when)
            if not n:
                continue
            if unbounded and always_valid and first_start >= window.start \
                    and ends[n - 1] <= window.end:
                # Every figure up to the date falls in the window and nothing limits where
                # the target or the unit applies: all are used, as the loop below would find.
                (own if in_scope else others)[entity.code] = idxs[:n]
                continue
            # A stock is the latest snapshot: a unit that ceased before the window ends
            # (a district after 1 July 2025) is not part of it.
            ceased = snapshot and entity.valid_to is not None and entity.valid_to < window.end
            bucket: list[int] | None = None
            for i in idxs[:n]:
                period = self.obs[i].period
                known = per_period.get(id(period))
                if known is None:
                    known = per_period[id(period)] = (
                        target.valid_during(period),
                        measure.start.year <= period.start.year <= measure.end.year,
                        window.covers(period))
                target_valid, in_years, covered = known
                if not (target_valid and (always_valid or entity.valid_during(period))):
                    if in_scope and in_years:
                        excluded.append(i)
                    continue
                if ceased:
                    if in_scope:
                        excluded.append(i)
                    continue
                if not covered:
                    continue
                if bucket is None:
                    bucket = (own if in_scope else others).setdefault(entity.code, [])
                bucket.append(i)

        combined = {code: self._combine(indicator, idxs) for code, idxs in sorted(own.items())}
        derived = False
        scope_blocked = any(
            ind == indicator.code and self._blocked_in_scope(code, level, target)
            for (ind, code), level in self.blocked_levels.items())
        # The scope unit's own figure is derived from its units only when it gave none: a
        # figure it gave that a data issue blocks makes the target invalid instead.
        if target.aggregation is Aggregation.REPORTED and not combined and others \
                and indicator.kind is Kind.RATE and not scope_blocked:
            combined = {c: self._combine(indicator, idxs) for c, idxs in sorted(others.items())}
            derived = True
        results, stats = self._entity_results(indicator, target, window, combined, excluded)
        verdict, observed = self._aggregate(target, indicator, combined, results, stats, derived,
                                            excluded)
        used = tuple(sorted(i for c in combined.values() for i in c.used))
        if self._quiet:
            # A point of the history: its verdict, figure and figures used are all it needs.
            return Finding(**base, verdict=verdict, message=_HISTORY_POINT, observed=observed,
                           observations=used)
        details: dict[str, Any] = {
            "excluded": tuple(sorted(excluded)),
            "history": tuple(sorted(i for c in combined.values() for i in c.history)),
        }
        if derived:
            details["derived"] = True
        if plan is not None:
            details["deadline"] = target.deadline.isoformat()
        return self._finding(base, indicator, target, verdict, observed, stats, results,
                             used=used, details=details, derived=derived)

    def _by_entity(self, indicator: str) -> list[_Group]:
        """The usable observations of ``indicator`` per entity, each entity's sorted by period
        end (then position), with those ends and the earliest start: a target's history, read
        at several earlier dates, then visits only the figures each date can see.

        Built once per indicator; the entities come in the order of their first figure given.
        """
        found = self._by_end.get(indicator)
        if found is None:
            if self._ends is None:
                self._ends = [o.period.end for o in self.obs]
                self._starts = [o.period.start for o in self.obs]
            end_of, start_of = self._ends.__getitem__, self._starts.__getitem__
            groups: dict[str, tuple[Entity, list[int]]] = {}
            for i in self.by_indicator.get(indicator, ()):  # in input order
                entity = self.entity_of[i]
                assert entity is not None
                group = groups.get(entity.code)
                if group is None:
                    groups[entity.code] = (entity, [i])
                else:
                    group[1].append(i)
            found = []
            for entity, idxs in groups.values():
                idxs.sort(key=end_of)  # stable: equal ends stay in input order
                found.append((entity, idxs, list(map(end_of, idxs)),
                              min(map(start_of, idxs))))
            self._by_end[indicator] = found
        return found

    def _blocked_in_scope(self, code: str, level: str | None, target: Target) -> bool:
        entity = self.entities.get(code)
        if entity is None and level is not None:
            entity = Entity(code=code, level=level)
        return entity is not None and entity.in_scope(target.scope)

    def _combine(self, indicator: Indicator, idxs: list[int]) -> _Combined:
        """One entity's figure from its figures ``idxs``, given in order of period end."""
        entity = self.entity_of[idxs[0]]
        assert entity is not None
        if indicator.temporal is Temporal.STOCK or indicator.kind is Kind.MILESTONE:
            return self._latest(entity, idxs, by_end=True)
        kept = self._without_overlaps(idxs)
        if all(self.obs[i].numerator is not None for i in kept):
            return _Combined(
                entity=entity, used=kept,
                numerator=sum(self.obs[i].numerator or 0 for i in kept),
                denominator=sum(self.obs[i].denominator or 0 for i in kept),
            )
        if indicator.kind is Kind.COUNT:
            return _Combined(entity=entity, used=kept,
                             value=sum((self.obs[i].value or Fraction(0) for i in kept),
                                       Fraction(0)))
        # Percentages cannot be added: without counts the latest figure stands for the window.
        return self._latest(entity, kept)

    def _latest(self, entity: Entity, idxs: list[int], *, by_end: bool = False) -> _Combined:
        """The latest figure; ``by_end`` says ``idxs`` are in order of period end already."""
        obs = self.obs
        if len(idxs) == 1:
            latest = idxs[0]
        elif by_end:
            # The figures ending last are at the end: usually exactly one.
            end = obs[idxs[-1]].period.end
            k = len(idxs) - 1
            while k and obs[idxs[k - 1]].period.end == end:
                k -= 1
            latest = idxs[-1] if k == len(idxs) - 1 else max(idxs[k:], key=self._latest_key)
        else:
            # Usually a single figure ends last; the full ordering settles ties only.
            end = max(obs[i].period.end for i in idxs)
            last = [i for i in idxs if obs[i].period.end == end]
            latest = last[0] if len(last) == 1 else max(last, key=self._latest_key)
        o = self.obs[latest]
        return _Combined(entity=entity, used=[latest], numerator=o.numerator,
                         denominator=o.denominator, value=o.value,
                         history=[i for i in idxs if i != latest])

    def _latest_key(self, i: int) -> tuple[date, int, date, int]:
        o = self.obs[i]
        return (o.period.end, o.period.days, o.reported_on or date.min, i)

    def _without_overlaps(self, idxs: list[int]) -> list[int]:
        """Flow figures add up only over periods that do not overlap; the longest win."""
        if len(idxs) > 1:
            # The usual case first: periods that follow one another (months of a year) share
            # no day, so every figure is kept and nothing is said; only a clash needs the
            # search below.
            spans = sorted((self.obs[i].period.start, self.obs[i].period.end) for i in idxs)
            if all(spans[k - 1][1] < spans[k][0] for k in range(1, len(spans))):
                return sorted(idxs)
        kept: list[int] = []
        for i in sorted(idxs, key=lambda j: (-self.obs[j].period.days, self.obs[j].period.start,
                                             j)):
            p = self.obs[i].period
            cover = next((k for k in kept if self.obs[k].period.covers(p)), None)
            if cover is not None:
                self.issue("covered_period", i,
                           f"kỳ {p} nằm trong kỳ {self.obs[cover].period} đã báo cáo "
                           f"({self.obs[cover].where}); không cộng hai lần",
                           f"period {p} lies inside period {self.obs[cover].period} reported "
                           f"at {self.obs[cover].where}; it is not added twice",
                           field="period", text=str(p), blocking=False, severity="warning")
                continue
            clash = next((k for k in kept if self.obs[k].period.overlaps(p)), None)
            if clash is not None:
                self.issue("overlapping_periods", i,
                           f"kỳ {p} chồng lấn kỳ {self.obs[clash].period} "
                           f"({self.obs[clash].where})",
                           f"period {p} overlaps period {self.obs[clash].period} reported at "
                           f"{self.obs[clash].where}", field="period", text=str(p),
                           expected="periods that do not overlap", blocking=False)
                continue
            kept.append(i)
        return sorted(kept)

    def _entity_results(self, indicator: Indicator, target: Target, window: Period,
                        combined: Mapping[str, _Combined], excluded: list[int],
                        ) -> tuple[list[EntityResult], dict[str, Any]]:
        results: list[EntityResult] = []
        excluded_by_entity: dict[str, list[int]] = {}
        for i in excluded:
            excluded_by_entity.setdefault(self.obs[i].entity, []).append(i)
        comparator, threshold = target.comparator, target.threshold
        # Counts are compared with the threshold by cross-multiplying whole numbers; the
        # exact fraction is still what the result shows.
        t_num, t_den = threshold.numerator, threshold.denominator
        no_gap = self._quiet or indicator.kind is Kind.MILESTONE
        obs = self.obs
        for code, c in combined.items():
            num, den = c.numerator, c.denominator
            if num is not None and den is not None:
                figure = Fraction(num, den) if den else None
                met = bool(den) and comparator.holds(num * t_den, t_num * den)
            else:
                figure = c.value
                met = figure is not None and comparator.holds(figure, threshold)
            if figure is None:
                verdict, gap, units = Verdict.NO_DATA, None, None
            elif met:
                verdict = Verdict.MET
                gap, units = (None, None) if no_gap else (Fraction(0), 0)
            else:
                # A history run needs the statistic only, not each entity's gap.
                verdict = Verdict.NOT_MET
                gap, units = (None, None) if no_gap else self._gap(
                    indicator, target, figure, num, den)
            results.append(EntityResult(
                entity=code, level=c.entity.level, verdict=verdict, observed=figure,
                numerator=num, denominator=den, gap=gap, gap_units=units,
                periods=() if self._quiet else tuple(obs[i].period.label for i in c.used),
                observations=() if self._quiet else tuple(c.used),
            ))
        # Entities in scope that existed during the window but gave nothing usable.
        if target.aggregation is not Aggregation.REPORTED or not combined:
            snapshot = indicator.temporal is Temporal.STOCK or indicator.kind is Kind.MILESTONE
            known = [e for e in self.entities.values()
                     if e.in_scope(target.scope) and e.code not in combined]
            for e in sorted(known, key=lambda e: e.code):
                if e.code in excluded_by_entity:
                    verdict = Verdict.NOT_APPLICABLE
                elif not e.valid_during(window) or (
                        snapshot and e.valid_to is not None and e.valid_to < window.end):
                    # It did not exist in the window, or (for a stock) ceased before the
                    # latest snapshot: it is not part of what the target measures.
                    continue
                elif (indicator.code, e.code) in self.blocked_pairs:
                    verdict = Verdict.INVALID
                else:
                    verdict = Verdict.NO_DATA
                results.append(EntityResult(
                    entity=e.code, level=e.level, verdict=verdict,
                    observations=tuple(excluded_by_entity.get(e.code, ())),
                ))
        counts = {v: 0 for v in Verdict}
        for r in results:
            counts[r.verdict] += 1
        figures = [r.observed for r in results if r.observed is not None]
        stats: dict[str, Any] = dict(
            n_entities=len(results),
            n_observations=sum(len(c.used) for c in combined.values()),
            met=counts[Verdict.MET], not_met=counts[Verdict.NOT_MET],
            no_data=counts[Verdict.NO_DATA], not_applicable=counts[Verdict.NOT_APPLICABLE],
            invalid=counts[Verdict.INVALID],
            mean=agg.mean(figures),
        )
        stats["minimum"], stats["maximum"] = agg.extremes(figures)
        with_counts = [c for c in combined.values() if c.numerator is not None]
        if indicator.kind is Kind.RATE and with_counts and len(with_counts) == len(combined):
            stats["numerator"] = sum(c.numerator or 0 for c in with_counts)
            stats["denominator"] = sum(c.denominator or 0 for c in with_counts)
            stats["pooled"] = agg.pooled([c.numerator or 0 for c in with_counts],
                                         [c.denominator or 0 for c in with_counts])
        elif indicator.kind is Kind.COUNT and figures:
            stats["pooled"] = sum(figures, Fraction(0))
        return results, stats

    def _aggregate(self, target: Target, indicator: Indicator,
                   combined: Mapping[str, _Combined], results: list[EntityResult],
                   stats: dict[str, Any], derived: bool, excluded: list[int],
                   ) -> tuple[Verdict, Fraction | None]:
        if target.aggregation is Aggregation.REPORTED:
            if len(combined) == 1 and not derived:
                observed = next(iter(combined.values())).figure
            else:
                observed = stats.get("pooled")
            stats["reported"] = observed if not derived else None
        elif target.aggregation is Aggregation.POOLED:
            observed = stats.get("pooled")
        elif target.aggregation is Aggregation.MEAN:
            observed = stats.get("mean")
        else:
            lower = target.comparator in (Comparator.GE, Comparator.GT)
            observed = stats["minimum"] if lower else stats["maximum"]
            present = {r.verdict for r in results}
            verdict = next((v for v in _PRECEDENCE if v in present), None)
            if verdict is None:
                verdict = Verdict.NOT_APPLICABLE if excluded else self._missing(
                    target, indicator)
            return verdict, observed
        if observed is None:
            pooling = target.aggregation is Aggregation.POOLED or derived or len(combined) > 1
            if combined and indicator.kind is Kind.RATE and pooling:
                return self._unpoolable(combined), None
            if excluded and not combined:
                return Verdict.NOT_APPLICABLE, None
            if any(r.verdict is Verdict.INVALID for r in results):
                return Verdict.INVALID, None
            return self._missing(target, indicator), None
        met = target.comparator.holds(observed, target.threshold)
        return (Verdict.MET if met else Verdict.NOT_MET), observed

    def _unpoolable(self, combined: Mapping[str, _Combined]) -> Verdict:
        """Why a ratio of sums could not be formed, said on the rows concerned."""
        percentages = [i for c in combined.values() if c.numerator is None for i in c.used]
        for i in percentages:
            self.issue("counts_needed", i,
                       "tỷ lệ gộp cần tử số và mẫu số; dòng này chỉ có tỷ lệ phần trăm",
                       "a pooled ratio needs numerator and denominator; this row gives only "
                       "a percentage", field="numerator", blocking=False,
                       expected="numerator and denominator")
        if percentages:
            return Verdict.INVALID
        for c in combined.values():
            for i in c.used:
                self.issue("zero_denominator", i,
                           "mẫu số bằng 0: không có gì để tính tỷ lệ",
                           "the denominator is 0: there is nothing to take a rate of",
                           field="denominator", blocking=False, severity="warning",
                           expected="a denominator above 0")
        return Verdict.NO_DATA

    def _missing(self, target: Target, indicator: Indicator) -> Verdict:
        blocked = any(ind == indicator.code for ind, _ in self.blocked_pairs)
        return Verdict.INVALID if blocked else Verdict.NO_DATA

    def _gap(self, indicator: Indicator, target: Target, figure: Fraction | None,
             numerator: int | None, denominator: int | None,
             ) -> tuple[Fraction | None, int | None]:
        if figure is None or indicator.kind is Kind.MILESTONE:
            return None, None
        if target.comparator.holds(figure, target.threshold):
            return Fraction(0), 0
        gap = abs(target.threshold - figure)
        if indicator.kind is Kind.COUNT:
            return gap, agg.gap_units(figure, target.threshold, target.comparator)
        if numerator is not None and denominator:
            return gap, agg.units_needed(numerator, denominator, target.threshold,
                                         target.comparator)
        return gap, None

    def _finding(self, base: dict[str, Any], indicator: Indicator, target: Target,
                 verdict: Verdict, observed: Fraction | None, stats: Statistics | dict[str, Any],
                 results: list[EntityResult], *,
                 used: tuple[int, ...] = (), details: dict[str, Any] | None = None,
                 derived: bool = False, reason: Text | None = None) -> Finding:
        statistics = stats if isinstance(stats, Statistics) else Statistics(**stats)
        gap: Fraction | None = None
        units: int | None = None
        if observed is not None:
            if target.aggregation is Aggregation.EACH:
                gap, _ = self._gap(indicator, target, observed, None, None)
                entity_units = [r.gap_units for r in results if r.verdict is Verdict.NOT_MET]
                if entity_units and all(u is not None for u in entity_units):
                    units = sum(u or 0 for u in entity_units)
            elif target.aggregation is Aggregation.MEAN:
                gap, _ = self._gap(indicator, target, observed, None, None)
            else:
                gap, units = self._gap(indicator, target, observed, statistics.numerator,
                                       statistics.denominator)
            if verdict is Verdict.MET:
                gap, units = Fraction(0), 0
        message = _message(indicator, target, verdict, observed, statistics, units, reason,
                           derived)
        return Finding(
            **base, verdict=verdict, message=message, observed=observed,
            statistics=statistics, gap=gap, gap_units=units, entities=tuple(results),
            observations=used, details=details or {},
        )

    # -- progress ---------------------------------------------------------------------------

    def assess_progress(self, target: Target, finding: Finding,
                        methods: Sequence[ProgressMethod]) -> Finding:
        """``finding`` with the target's history and every progress method's assessment."""
        if not methods or finding.verdict is Verdict.NOT_APPLICABLE:
            return finding
        latest, earlier = self._history(target, finding)
        history = (*earlier, *(() if latest is None else (latest,)))
        schedule = target.schedule or DEFAULT_SCHEDULE
        measure = target.measurement
        dues = schedule.due_dates(measure.start, measure.end)
        inp = ProgressInput(
            target=target, indicator=self.registry.indicators[target.indicator],
            as_of=self.as_of, history=history, latest=latest,
            baseline=target.baseline or (history[0] if history else None),
            baseline_stated=target.baseline is not None,
            first_due=dues[0] if dues else None,
            next_due=next((d for d in dues if d > self.as_of), None),
        )
        assessments = tuple(self._assess(m, target, inp) for m in methods)
        headline = next((a.status for a in assessments if a.grade != "error"), None)
        return attrs.evolve(finding, progress=headline, assessments=assessments,
                            history=history)

    def _history(self, target: Target, finding: Finding) -> tuple[Point | None, list[Point]]:
        """The latest figure (the finding's own) and the statistic at the end of each earlier
        reporting period of the target's schedule in which its figures ended."""
        latest = None
        observed = finding.observed
        if finding.verdict in (Verdict.MET, Verdict.NOT_MET) and observed is not None \
                and finding.observations:
            latest = Point(on=max(self.obs[i].period.end for i in finding.observations),
                           value=observed)
        schedule = target.schedule or DEFAULT_SCHEDULE
        limit = latest.on if latest is not None else self.as_of
        considered = (*finding.observations, *finding.details.get("history", ()))
        boundaries = {schedule.period_end(e) for e in {self.obs[i].period.end
                                                       for i in considered}}
        points: dict[date, Fraction] = {}
        self._quiet = True
        try:
            for boundary in sorted(b for b in boundaries if b < limit):
                past = self.evaluate_target(target, as_of=boundary)
                if past.verdict in (Verdict.MET, Verdict.NOT_MET) and \
                        past.observed is not None and past.observations:
                    on = max(self.obs[i].period.end for i in past.observations)
                    points[on] = past.observed
        finally:
            self._quiet = False
        return latest, [Point(on=on, value=value) for on, value in sorted(points.items())]

    def _assess(self, method: ProgressMethod, target: Target,
                inp: ProgressInput) -> ProgressAssessment:
        try:
            result = method.assess(attrs.evolve(inp, parameters=method.parameters))
            if not isinstance(result, ProgressAssessment):
                raise TypeError(f"a progress method must return a ProgressAssessment, got "
                                f"{type(result).__name__}")
        except PLUGIN_STOPS:
            raise
        except PLUGIN_FAILURES as exc:
            if self.strict:
                raise CheckError(
                    f"progress method {method.code!r} of plugin {method.plugin!r} raised on "
                    f"target {target.code!r}: {exc}", plugin=method.plugin, code=method.code,
                ) from exc
            text = f"{type(exc).__name__}: {exc}"
            result = ProgressAssessment(
                method=method.code, method_version=method.version,
                status=Progress.INSUFFICIENT_DATA, grade="error", deadline=target.deadline,
                target=target.threshold,
                message=Text(vi=f"Phương pháp {method.code} (plugin {method.plugin}) gặp lỗi: "
                                f"{text}",
                             en=f"Progress method {method.code} (plugin {method.plugin}) raised "
                                f"{text}"))
        return attrs.evolve(result, method=method.code, method_version=method.version,
                            parameters=method.parameters, plugin=method.plugin)

    # -- checks and accounting -------------------------------------------------------------

    def run_checks(self) -> list[Finding]:
        by_indicator: dict[str, list[Observation]] = {}
        as_of = self.as_of
        for o in self.obs:
            if o.period.end <= as_of:
                found = by_indicator.get(o.indicator)
                if found is None:
                    by_indicator[o.indicator] = [o]
                else:
                    found.append(o)
        from . import checks
        from .figures import FigureTable

        ctx = checks.CheckContext(FigureTable.from_observations(self.obs), as_of=self.as_of,
                                  registry=self.registry, entities=self.entities,
                                  blocked=frozenset(self.blocked))
        findings: list[Finding] = []
        for check in self.registry.checks.values():
            started = time.perf_counter_ns()
            try:
                findings.extend(self._run_check(check, ctx))
            finally:
                self.timings.append(CheckTiming(code=check.code, plugin=check.plugin,
                                                nanoseconds=time.perf_counter_ns() - started))
        return findings

    def _miscited(self, finding: Finding) -> str | None:
        """Why a check's finding cites something that is not an observation of this input."""
        n = len(self.obs)
        details = finding.details
        if not isinstance(details, Mapping):
            return f"a finding's details must be a mapping, got {describe(details)}"
        cited: list[tuple[str, object]] = [("observations", finding.observations)]
        cited += [(f"entities[{r.entity}].observations", r.observations)
                  for r in finding.entities]
        cited += [(f"details[{key!r}]", details[key]) for key in ("excluded", "history")
                  if key in details]
        for where, positions in cited:
            # A collection, not a one-shot iterator: the accounting and the report read the
            # positions again after this check.
            if isinstance(positions, str | bytes) or not isinstance(positions, Collection):
                return f"its {where} must be observation positions, got {describe(positions)}"
            if not positions:
                continue
            # bool is an int to Python, but True is no position anyone meant to cite. The
            # fast test (types, then bounds, in C) passes for every honest finding.
            if set(map(type, positions)) == {int} and min(positions) >= 0 \
                    and max(positions) < n:
                continue
            i = next(i for i in positions if type(i) is not int or not 0 <= i < n)
            return (f"its {where} cites observation {describe(i)}, which is not in the input "
                    f"(positions 0 to {n - 1})" if n else
                    f"its {where} cites observation {describe(i)}, but the input has none")
        return None

    def _run_check(self, check: Check, ctx: Any) -> list[Finding]:
        try:
            produced = list(check.run(ctx))
            for item in produced:
                if not isinstance(item, Finding):
                    raise TypeError(
                        f"a check must yield Finding objects, got {type(item).__name__}")
                wrong = self._miscited(item)
                if wrong is not None:
                    # Provenance that names no figure would be accepted by the accounting
                    # and shown as a file and row that do not exist.
                    raise ValueError(f"a finding of check {check.code!r} is refused: {wrong}")
        except PLUGIN_STOPS:
            raise
        except PLUGIN_FAILURES as exc:
            if self.strict:
                raise CheckError(
                    f"check {check.code!r} of plugin {check.plugin!r} raised: {exc}",
                    plugin=check.plugin, code=check.code) from exc
            text = f"{type(exc).__name__}: {exc}"
            return [Finding(
                code=check.code, kind="check", verdict=Verdict.ERROR, plugin=check.plugin,
                message=Text(
                    vi=f"Kiểm tra {check.code} (plugin {check.plugin}) gặp lỗi: {text}",
                    en=f"Check {check.code} (plugin {check.plugin}) raised {text}"),
                details={"exception": type(exc).__name__, "error": str(exc)},
            )]
        return [attrs.evolve(f, kind="check", plugin=check.plugin) for f in produced]

    def account(self, findings: list[Finding]) -> None:
        """Name every observation that no finding used and no issue covers yet."""
        used: set[int] = set()
        for f in findings:
            used.update(referenced(f))
        named = list(self._issue_keys.values())
        for i, o in enumerate(self.obs):
            if i in used or any(i in seen for seen in named):
                continue
            if o.period.end > self.as_of:
                vi, en = (f"kỳ {o.period} kết thúc sau ngày đánh giá {self.as_of:%d/%m/%Y}",
                          f"period {o.period} ends after the as-of date {self.as_of:%d/%m/%Y}")
            else:
                unit = self.entity_of[i]
                level = unit.level if unit is not None else o.level
                vi, en = (f"không chỉ tiêu nào dùng số liệu này (kỳ {o.period}, cấp {level}): "
                          "ngoài phạm vi hoặc ngoài kỳ đo của mọi chỉ tiêu",
                          f"no target uses this figure (period {o.period}, level {level}): it "
                          "is outside the scope or the measurement window of every target")
            self.issue("unused", i, vi, en, field="period", text=str(o.period),
                       blocking=False, severity="warning")


#: The message of a finding computed only as a point of a target's history (never shown).
_HISTORY_POINT = Text(vi="điểm lịch sử", en="history point")


def _show(indicator: Indicator, x: Fraction | None, lang: str) -> str:
    if x is None:
        return "—"
    if indicator.kind is Kind.RATE:
        return format_percent(x, lang=lang)
    if indicator.kind is Kind.MILESTONE:
        return milestone_words(x >= 1).get(lang)
    return format_number(x, lang=lang)


def _message(indicator: Indicator, target: Target, verdict: Verdict, observed: Fraction | None,
             stats: Statistics, units: int | None, reason: Text | None, derived: bool) -> Text:
    parts: dict[str, list[str]] = {"vi": [], "en": []}
    for lang in ("vi", "en"):
        name = target.name.get(lang) if target.name else target.scope.describe()
        head = f"{indicator.name.get(lang)} — {name}: "
        if observed is not None:
            head += _show(indicator, observed, lang)
            if stats.numerator is not None and target.aggregation in (
                    Aggregation.POOLED, Aggregation.REPORTED):
                head += f" ({format_number(stats.numerator, lang=lang)}/" \
                        f"{format_number(stats.denominator or 0, lang=lang)})"
        else:
            head += "—"
        threshold = _show(indicator, target.threshold, lang)
        if indicator.kind is Kind.MILESTONE:
            want = "yêu cầu hoàn thành" if lang == "vi" else "required: done"
        else:
            want = (f"chỉ tiêu {target.comparator.words.get(lang)} {threshold}" if lang == "vi"
                    else f"target {target.comparator.words.get(lang)} {threshold}")
        parts[lang].append(f"{head}; {want} → {verdict_words(verdict).get(lang)}.")
        applicable = stats.n_entities - stats.not_applicable
        if target.aggregation is Aggregation.EACH and applicable:
            parts[lang].append(
                f"{stats.met}/{applicable} đơn vị đạt." if lang == "vi"
                else f"{stats.met} of {applicable} entities meet it.")
        reporting = stats.met + stats.not_met
        if target.aggregation is Aggregation.MEAN and stats.pooled is not None:
            pooled = format_percent(stats.pooled, lang=lang)
            parts[lang].append(
                f"Bình quân {reporting} đơn vị có số liệu; tỷ lệ gộp {pooled}." if lang == "vi"
                else f"Mean of {reporting} entities with figures; pooled ratio {pooled}.")
        if target.aggregation is not Aggregation.MEAN and stats.mean is not None \
                and stats.n_entities > 1 and indicator.kind is Kind.RATE:
            mean_text = format_percent(stats.mean, lang=lang)
            parts[lang].append(f"Bình quân các đơn vị {mean_text}." if lang == "vi"
                               else f"Unweighted mean of entities {mean_text}.")
        if derived:
            parts[lang].append("Số liệu toàn tỉnh được tính gộp từ các đơn vị." if lang == "vi"
                               else "The province-wide figure is pooled from entity figures.")
        if verdict is Verdict.NOT_MET and units:
            unit = indicator.unit.get(lang)
            # diverges: see issue 12 item 9 (always "more"; formats.gap_text says "fewer" for
            # <= and <, i.e. GAP_WORDS[gap_direction(target.comparator)]).
            more = GAP_WORDS[Direction.MORE].text.get(lang)
            parts[lang].append(f"Cần {more} {format_number(units, lang=lang)} {unit} để đạt."
                               if lang == "vi" else
                               f"{format_number(units, lang=lang)} {more} {unit} would meet it.")
        if reason is not None:
            parts[lang].append(reason.get(lang) + ".")
    return Text(vi=" ".join(parts["vi"]), en=" ".join(parts["en"]))
