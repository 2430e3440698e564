"""The vocabulary of plan_rules as frozen attrs value types.

Plans, indicators and targets describe what a plan asks for; entities, periods and observations
describe what was reported; checks, findings and reports describe what was concluded. Every
class here is immutable and validated at construction, so an object that exists is a valid one;
use :func:`attrs.evolve` to derive a changed copy. Numbers are ``int`` or
:class:`fractions.Fraction` throughout: a float is rejected, because verdicts must be exact.
"""

from __future__ import annotations

import bisect
import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs
from attrs import validators as v

from .periods import Period
from .schedule import Schedule

if TYPE_CHECKING:
    from .engine import CheckContext

__all__ = [
    "Aggregation",
    "Area",
    "Check",
    "Clause",
    "Comparator",
    "Coverage",
    "DataIssue",
    "Entity",
    "EntityResult",
    "Finding",
    "InParts",
    "Indicator",
    "IssueSummary",
    "Kind",
    "MissingStrategy",
    "MissingUnit",
    "MissingUnits",
    "Observation",
    "Plan",
    "Point",
    "Progress",
    "ProgressAssessment",
    "ProgressInput",
    "ProgressMethod",
    "Scope",
    "Statistics",
    "Target",
    "Temporal",
    "Text",
    "Verdict",
]

#: Codes are the stable API: dotted words such as ``HY25.PS.3`` or ``core.validity``.
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$")


class Verdict(enum.StrEnum):
    """What a finding concludes. ``invalid`` means a data problem blocks the verdict;
    ``incomplete`` that units in scope sent nothing, which the target does not allow (see
    :class:`MissingUnits`), while others did."""

    MET = "met"
    NOT_MET = "not_met"
    INCOMPLETE = "incomplete"
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"
    INVALID = "invalid"
    ERROR = "error"


class Progress(enum.StrEnum):
    """Where a target stands on its way to the deadline; a separate axis from the verdict."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    NEEDS_ACCELERATION = "needs_acceleration"
    REGRESSING = "regressing"
    INSUFFICIENT_DATA = "insufficient_data"
    NOT_YET_DUE = "not_yet_due"
    CLOSED = "closed"


class Kind(enum.StrEnum):
    """``rate``: numerator over denominator; ``count``: a whole number; ``milestone``: done."""

    RATE = "rate"
    COUNT = "count"
    MILESTONE = "milestone"


class Temporal(enum.StrEnum):
    """``flow`` figures add up over periods; for ``stock`` figures the latest snapshot counts."""

    FLOW = "flow"
    STOCK = "stock"


class Comparator(enum.StrEnum):
    """How an observed statistic is compared with a threshold, exactly."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "=="

    def holds(self, observed: Fraction | int, threshold: Fraction | int) -> bool:
        """Whether ``observed <comparator> threshold``; both sides are exact numbers."""
        if self is Comparator.GE:
            return observed >= threshold
        if self is Comparator.GT:
            return observed > threshold
        if self is Comparator.LE:
            return observed <= threshold
        if self is Comparator.LT:
            return observed < threshold
        return observed == threshold

    @property
    def words(self) -> Text:
        """The comparator in words, as the messages use it."""
        return _COMPARATOR_WORDS[self]


class Aggregation(enum.StrEnum):
    """How entity figures become one statistic for a target's scope.

    ``each``: every entity must meet the threshold (the summary says k of n); ``pooled``: the
    ratio of sums; ``mean``: the unweighted mean of entity rates; ``reported``: the figure
    reported for the scope entity itself (derived by pooling when only entity figures exist).
    """

    EACH = "each"
    POOLED = "pooled"
    MEAN = "mean"
    REPORTED = "reported"


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _nfc_optional(value: str | None) -> str | None:
    return None if value is None else unicodedata.normalize("NFC", value)


def _code(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be a code of dotted words "
            f"like 'HY25.PS.3', got {value!r}"
        )


def _non_empty(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.strip():
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must not be empty")


def _exact(value: object) -> Fraction:
    """Convert to an exact Fraction; floats are refused because verdicts must be exact."""
    if isinstance(value, bool):
        raise TypeError(f"expected an exact number, got a bool {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        from .numbers import parse_threshold

        return parse_threshold(value)
    raise TypeError(
        f"expected an int, a Fraction or a text like '90%', got {type(value).__name__} {value!r}"
        " (floats are not accepted: verdicts are exact)"
    )


def _exact_optional(value: object) -> Fraction | None:
    return None if value is None else _exact(value)


def _count(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{attribute.name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


@attrs.frozen(kw_only=True)
class Text:
    """A user-facing text in Vietnamese and English (NFC, diacritics kept exactly)."""

    vi: str = attrs.field(converter=_nfc, validator=[v.instance_of(str), _non_empty])
    en: str = attrs.field(converter=_nfc, validator=[v.instance_of(str), _non_empty])

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``"vi"`` or ``"en"``); anything else gives English."""
        return self.vi if lang == "vi" else self.en

    @classmethod
    def same(cls, text: str) -> Text:
        """A text that reads the same in both languages (a name, a number)."""
        return cls(vi=text, en=text)


_COMPARATOR_WORDS = {
    Comparator.GE: Text(vi="tối thiểu", en="at least"),
    Comparator.GT: Text(vi="trên", en="more than"),
    Comparator.LE: Text(vi="tối đa", en="at most"),
    Comparator.LT: Text(vi="dưới", en="less than"),
    Comparator.EQ: Text(vi="đúng bằng", en="exactly"),
}


@attrs.frozen(kw_only=True)
class Clause:
    """Where in the plan an indicator comes from: the bullet and the Vietnamese wording."""

    bullet: str = attrs.field(validator=[v.instance_of(str), _non_empty])
    text_vi: str = attrs.field(converter=_nfc, validator=[v.instance_of(str), _non_empty])
    section: str | None = attrs.field(default=None, converter=_nfc_optional)


@attrs.frozen(kw_only=True)
class Area:
    """A plan area (e.g. public services): a code local to the plan and a name."""

    code: str = attrs.field(validator=_code)
    name: Text = attrs.field(validator=v.instance_of(Text))


def _areas(value: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(value)


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Plan:
    """A plan: document number, issuer, dates, title and its areas.

    ``open_to_others`` says whether plugins of other distributions may add indicators and
    targets to it. By default a plan is closed: only the distribution that contributes it
    (any of its entry points) says what the plan asks for, so another installed plugin cannot
    add an easy target to an official plan.

    ``territory`` is the code of the entity the plan applies to (a province, the country):
    its targets' scopes are the units within it, through the entities' parent chain as of
    each date, and figures of units outside it are never used by them (``outside_territory``).
    None, or a territory the entities given do not describe, reads every unit as the plan's.
    ``note`` says what the plan's figures cover where that needs saying (a reorganisation
    of its territory during the plan).
    """

    code: str = attrs.field(validator=_code)
    number: str = attrs.field(validator=[v.instance_of(str), _non_empty])
    issuer: Text = attrs.field(validator=v.instance_of(Text))
    issued: date = attrs.field(validator=v.instance_of(date))
    deadline: date = attrs.field(validator=v.instance_of(date))
    title: Text = attrs.field(validator=v.instance_of(Text))
    areas: tuple[Area, ...] = attrs.field(
        default=(), converter=_areas, validator=v.deep_iterable(v.instance_of(Area))
    )
    source: str | None = None
    open_to_others: bool = attrs.field(default=False, validator=v.instance_of(bool))
    territory: str | None = attrs.field(default=None,
                                        validator=v.optional([v.instance_of(str), _non_empty]))
    note: Text | None = attrs.field(default=None, validator=v.optional(v.instance_of(Text)))
    plugin: str | None = attrs.field(default=None, eq=False)

    def area(self, code: str) -> Area | None:
        """The area with this code, if the plan has one."""
        return next((a for a in self.areas if a.code == code), None)


@attrs.frozen(kw_only=True)
class Indicator:
    """What is measured: a stable code, its kind, its temporal nature, and what it counts.

    For a ``rate``, ``numerator`` and ``denominator`` say what each counts and ``excludes``
    what is outside both (e.g. documents under state secrecy). ``value_unit`` says how a bare
    number in the ``value`` column is read for a rate: ``percent`` (87.5 → 7/8) or ``ratio``.
    ``unit`` is the word for several (``agencies``); ``unit_one`` the English word for one,
    declared where it is not ``unit``'s plural ending taken off (``person`` for ``people``).
    """

    code: str = attrs.field(validator=_code)
    plan: str = attrs.field(validator=_code)
    area: str = attrs.field(validator=_code)
    kind: Kind = attrs.field(converter=Kind)
    temporal: Temporal = attrs.field(converter=Temporal)
    name: Text = attrs.field(validator=v.instance_of(Text))
    description: Text = attrs.field(validator=v.instance_of(Text))
    unit: Text = attrs.field(validator=v.instance_of(Text))
    unit_one: str | None = attrs.field(default=None, validator=v.optional(v.instance_of(str)))
    clause: Clause = attrs.field(validator=v.instance_of(Clause))
    numerator: Text | None = attrs.field(default=None, validator=v.optional(v.instance_of(Text)))
    denominator: Text | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(Text))
    )
    excludes: Text | None = attrs.field(default=None, validator=v.optional(v.instance_of(Text)))
    value_unit: str = attrs.field(default="percent", validator=v.in_(("percent", "ratio")))
    plugin: str | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.kind is Kind.RATE and (self.numerator is None or self.denominator is None):
            raise ValueError(
                f"indicator {self.code}: a rate must say what its numerator and denominator count"
            )

    @property
    def snapshot(self) -> bool:
        """Whether the latest figure in a window stands for it (a stock, or a milestone),
        rather than the figures adding up (a flow)."""
        return self.temporal is Temporal.STOCK or self.kind is Kind.MILESTONE


@attrs.frozen(kw_only=True)
class Scope:
    """Which entities a target covers: a level, a group, one entity, or a combination."""

    level: str | None = None
    group: str | None = None
    entity: str | None = None

    def describe(self) -> str:
        """A short, stable text naming the scope, e.g. ``level=commune``."""
        parts = [
            f"{name}={value}"
            for name, value in (("level", self.level), ("group", self.group),
                                ("entity", self.entity))
            if value is not None
        ]
        return ",".join(parts) or "all"


@attrs.frozen(kw_only=True)
class Point:
    """A target's statistic on a date: a baseline, a figure of its history.

    ``source`` says where a baseline the plan states comes from (the clause, the report).
    """

    on: date = attrs.field(validator=v.instance_of(date))
    value: Fraction = attrs.field(converter=_exact)
    source: Text | None = attrs.field(default=None, validator=v.optional(v.instance_of(Text)))

    def __attrs_post_init__(self) -> None:
        if self.value < 0:
            raise ValueError(f"a point's value must not be negative, got {self.value}")


class MissingStrategy(enum.StrEnum):
    """What a unit in a target's scope that sent nothing means (after DHIS2's missing-value
    strategies): ``require_all`` every unit must report, or the target is ``incomplete``;
    ``skip_missing`` the units that reported are judged; ``min_coverage`` they are judged
    when at least a share of the units reported, else the target is ``incomplete``."""

    REQUIRE_ALL = "require_all"
    SKIP_MISSING = "skip_missing"
    MIN_COVERAGE = "min_coverage"


def _share(value: object) -> Fraction | None:
    return None if value is None else _exact(value)


@attrs.frozen(kw_only=True)
class MissingUnits:
    """A target's rule for units in scope that sent nothing: a :class:`MissingStrategy`,
    and for ``min_coverage`` the share of units that must report (exact: ``Fraction(3, 4)``,
    ``"3/4"`` or ``"75%"``; above 0, at most 1). At the bound the reporters are judged.

    A text reads as the rule: ``MissingUnits.parse("min_coverage=3/4")``; a target's
    ``missing`` field takes the text as well.
    """

    strategy: MissingStrategy = attrs.field(converter=MissingStrategy)
    min_coverage: Fraction | None = attrs.field(default=None, converter=_share)

    def __attrs_post_init__(self) -> None:
        k = self.min_coverage
        if (self.strategy is MissingStrategy.MIN_COVERAGE) != (k is not None):
            raise ValueError("min_coverage is given with the min_coverage strategy, and only "
                             f"with it (got {self.strategy.value}, {k})")
        if k is not None and not 0 < k <= 1:
            raise ValueError(f"min_coverage must be above 0 and at most 1, got {k}")

    @classmethod
    def parse(cls, text: str) -> MissingUnits:
        """The rule a text names: ``require_all``, ``skip_missing``, ``min_coverage=3/4``
        (or ``min_coverage=75%``)."""
        name, sep, share = text.strip().partition("=")
        name = name.strip()
        if name == MissingStrategy.MIN_COVERAGE.value and sep:
            return cls(strategy=MissingStrategy.MIN_COVERAGE, min_coverage=share.strip())
        if sep or name not in {s.value for s in MissingStrategy}:
            raise ValueError(f"a rule for missing units is require_all, skip_missing or "
                             f"min_coverage=k/n, not {text!r}")
        return cls(strategy=MissingStrategy(name))

    def describe(self) -> str:
        """The rule as :meth:`parse` reads it: ``min_coverage=3/4``."""
        if self.min_coverage is None:
            return self.strategy.value
        k = self.min_coverage
        return f"{self.strategy.value}={k.numerator}/{k.denominator}"

    def allows(self, reported: int, expected: int) -> bool:
        """Whether ``reported`` units of ``expected`` are enough to judge the reporters."""
        if reported >= expected or self.strategy is MissingStrategy.SKIP_MISSING:
            return True
        if self.strategy is MissingStrategy.REQUIRE_ALL:
            return False
        assert self.min_coverage is not None
        k = self.min_coverage
        # reported / expected >= k, in whole numbers.
        return reported * k.denominator >= k.numerator * expected


REQUIRE_ALL = MissingUnits(strategy=MissingStrategy.REQUIRE_ALL)
SKIP_MISSING = MissingUnits(strategy=MissingStrategy.SKIP_MISSING)


def _missing_units(value: MissingUnits | str | None) -> MissingUnits | None:
    if value is None or isinstance(value, MissingUnits):
        return value
    if isinstance(value, str):
        return MissingUnits.parse(value)
    raise TypeError(f"missing must be a MissingUnits or a text such as 'require_all', got "
                    f"{value!r}")


@attrs.frozen(kw_only=True)
class Target:
    """A threshold an indicator must reach over a scope by a deadline.

    ``valid_from``/``valid_to`` bound the dates the target applies to (a district-level target
    ends when the district level does): before ``valid_from`` the verdict is
    ``not_applicable``; after ``valid_to`` the target is *closed*, judged once on its own
    window (ending on ``valid_to``) and final, with progress ``closed`` and no pace. ``note``
    is what a reader should know of the target; a target that ends before its deadline says
    there why (a closed target's report quotes it: "closed 30/06/2025: <note>").
    ``window_start`` is where measurement begins (default: 1 January of the deadline's year).
    ``baseline`` is the starting figure the plan states, if it states one; progress otherwise
    starts from the last figure reported for a year before the window (the year the plan
    started from), or else the earliest figure in the window (``docs/progress.md``).
    ``schedule`` is how often figures are reported and when they fall due (default:
    quarterly, due on the quarter's last day).
    ``missing`` says what a unit in scope that sent nothing means (a :class:`MissingUnits`
    or its text, ``"min_coverage=3/4"``); by default (None) :meth:`missing_rule` decides.
    ``roll_up`` makes an ``each``, ``pooled`` or ``mean`` target read a unit in scope that
    gave no figure of its own as its roll-up from its descendants in the entity tree (a
    national plan's "each province reaches 80%": each province's figure is province-wide);
    by default their units' figures are the units' own work (a district's own agencies) and
    are not rolled up. A ``reported`` target always rolls its scope unit up.
    ``plan`` is the code of the plan the target belongs to, when it is not its indicator's:
    a plan instantiated per territory (:func:`plan_rules.per_territory`) shares the
    template's indicators, and each instance's targets name their own plan (its territory,
    its areas in the report). None: the indicator's plan.
    """

    code: str = attrs.field(validator=_code)
    indicator: str = attrs.field(validator=_code)
    comparator: Comparator = attrs.field(converter=Comparator)
    threshold: Fraction = attrs.field(converter=_exact)
    scope: Scope = attrs.field(validator=v.instance_of(Scope))
    aggregation: Aggregation = attrs.field(converter=Aggregation)
    deadline: date = attrs.field(validator=v.instance_of(date))
    name: Text | None = attrs.field(default=None, validator=v.optional(v.instance_of(Text)))
    valid_from: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    valid_to: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    window_start: date | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(date))
    )
    note: Text | None = attrs.field(default=None, validator=v.optional(v.instance_of(Text)))
    baseline: Point | None = attrs.field(default=None,
                                         validator=v.optional(v.instance_of(Point)))
    schedule: Schedule | None = attrs.field(default=None,
                                            validator=v.optional(v.instance_of(Schedule)))
    missing: MissingUnits | None = attrs.field(default=None, converter=_missing_units)
    roll_up: bool = attrs.field(default=False, validator=v.instance_of(bool))
    plan: str | None = attrs.field(default=None, validator=v.optional(_code))
    plugin: str | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.threshold < 0:
            raise ValueError(f"target {self.code}: threshold must not be negative")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"target {self.code}: valid_to is before valid_from")
        if self.baseline is not None and self.baseline.on >= self.deadline:
            raise ValueError(f"target {self.code}: the baseline must be dated before the "
                             "deadline")

    @property
    def measurement(self) -> Period:
        """The dates the target measures: its window start to its deadline, within validity."""
        start = self.window_start or date(self.deadline.year, 1, 1)
        if self.valid_from and self.valid_from > start:
            start = self.valid_from
        end = self.deadline
        if self.valid_to and self.valid_to < end:
            end = self.valid_to
        return Period.between(start, max(start, end))

    def valid_during(self, period: Period) -> bool:
        """Whether the target applies to any day of ``period``."""
        return _valid_during(self.valid_from, self.valid_to, period)

    def missing_rule(self, kind: Kind) -> MissingUnits:
        """What a unit in scope that sent nothing means for this target of an indicator of
        ``kind``: the rule declared, else ``require_all`` for ``each`` and for a rate that
        must reach 100% (one unit short of it is the plan not met, and it cannot be seen
        without the unit), else ``skip_missing``."""
        if self.missing is not None:
            return self.missing
        if self.aggregation is Aggregation.EACH:
            return REQUIRE_ALL
        if kind is Kind.RATE and self.threshold == 1 and self.comparator in (Comparator.GE,
                                                                             Comparator.EQ):
            return REQUIRE_ALL
        return SKIP_MISSING


def _valid_during(start: date | None, end: date | None, period: Period) -> bool:
    return (start is None or period.end >= start) and (end is None or period.start <= end)


def _valid_throughout(start: date | None, end: date | None, period: Period) -> bool:
    return (start is None or period.start >= start) and (end is None or period.end <= end)


def _groups(value: Iterable[str] | str) -> frozenset[str]:
    if isinstance(value, str):
        value = [g for g in re.split(r"[;,|]", value)]
    return frozenset(_nfc(g).strip() for g in value if g.strip())


@attrs.frozen(kw_only=True)
class Entity:
    """A reporting unit: an agency, a district, a commune… with the dates it existed."""

    code: str = attrs.field(converter=_nfc, validator=[v.instance_of(str), _non_empty])
    level: str = attrs.field(converter=_nfc, validator=[v.instance_of(str), _non_empty])
    name: str | None = attrs.field(default=None, converter=_nfc_optional)
    groups: frozenset[str] = attrs.field(default=frozenset(), converter=_groups)
    parent: str | None = None
    valid_from: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    valid_to: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))

    def __attrs_post_init__(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"entity {self.code}: valid_to is before valid_from")

    def valid_during(self, period: Period) -> bool:
        """Whether the entity existed on any day of ``period``."""
        return _valid_during(self.valid_from, self.valid_to, period)

    def valid_throughout(self, period: Period) -> bool:
        """Whether the entity existed on every day of ``period``."""
        return _valid_throughout(self.valid_from, self.valid_to, period)

    def in_scope(self, scope: Scope) -> bool:
        """Whether the entity belongs to ``scope`` (level, group and entity all match)."""
        return (
            (scope.level is None or scope.level == self.level)
            and (scope.group is None or scope.group in self.groups)
            and (scope.entity is None or scope.entity == self.code)
        )


@attrs.frozen(kw_only=True)
class Observation:
    """One reported figure: indicator × entity × period, with where it was read from.

    A rate gives ``numerator`` and ``denominator`` (whole numbers) where the counts are known,
    or a ``value`` (a fraction of one: 7/8 for 87.5%) where only the percentage is. A count
    gives ``value`` as a whole number; a milestone gives ``value`` 1 (done) or 0 (not done),
    with its evidence (document number, date or link) in ``source``.

    ``precision`` is how precisely a rate's ``value`` was published: the unit of its last
    written digit, on the value's scale (1/1000 for "95.9%"). A value given beside counts
    agrees with them when it is their rate rounded to it; without one (a value given in
    code) the value must equal the counts' rate exactly.
    """

    indicator: str = attrs.field(validator=[v.instance_of(str), _non_empty])
    entity: str = attrs.field(converter=_nfc, validator=[v.instance_of(str), _non_empty])
    period: Period = attrs.field(validator=v.instance_of(Period))
    level: str | None = attrs.field(default=None, converter=_nfc_optional)
    numerator: int | None = attrs.field(default=None, validator=_count)
    denominator: int | None = attrs.field(default=None, validator=_count)
    value: Fraction | None = attrs.field(default=None, converter=_exact_optional)
    precision: Fraction | None = attrs.field(default=None, converter=_exact_optional)
    reported_on: date | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(date))
    )
    source: str | None = attrs.field(default=None, converter=_nfc_optional)
    note: str | None = attrs.field(default=None, converter=_nfc_optional)
    file: str | None = None
    row: int | None = None

    def __attrs_post_init__(self) -> None:
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("numerator and denominator go together: give both or neither")
        if self.numerator is None and self.value is None:
            raise ValueError("an observation needs numerator and denominator, or a value")
        if self.value is not None and self.value < 0:
            raise ValueError(f"value must not be negative, got {self.value}")
        if self.precision is not None and (self.value is None or self.precision <= 0):
            raise ValueError(f"precision must be positive and go with a value, got "
                             f"{self.precision}")

    @classmethod
    def _trusted(cls, indicator: str, entity: str, period: Period, level: str | None,
                 numerator: int, denominator: int, file: str | None,
                 row: int | None) -> Observation:
        """Build from values a reader has already checked (ASCII codes, whole numbers ≥ 0),
        without running the validators again: reading a national file creates millions."""
        obs = object.__new__(cls)
        for name, value in (("indicator", indicator), ("entity", entity), ("period", period),
                            ("level", level), ("numerator", numerator),
                            ("denominator", denominator), ("value", None),
                            ("precision", None), ("reported_on", None), ("source", None),
                            ("note", None),
                            ("file", file), ("row", row)):
            object.__setattr__(obs, name, value)
        return obs

    @property
    def has_counts(self) -> bool:
        """Whether numerator and denominator are known."""
        return self.numerator is not None

    def rate(self) -> Fraction | None:
        """The exact rate: numerator/denominator when counts are known, else the value."""
        if self.numerator is not None and self.denominator is not None:
            return Fraction(self.numerator, self.denominator) if self.denominator else None
        return self.value

    @property
    def where(self) -> str:
        """``file:row`` (or what is known of it), for messages."""
        if self.file is None:
            return f"row {self.row}" if self.row is not None else "(given in code)"
        return f"{self.file}:{self.row}" if self.row is not None else self.file


@attrs.frozen(kw_only=True)
class DataIssue:
    """A problem with the input: it names the file, row and field, and what was expected.

    ``observation`` is the position of the observation the issue blocks (in the sequence given
    to :func:`plan_rules.evaluate`); an observation that is blocked is not used by any target.
    ``severity`` ``warning`` leaves the row in use.
    """

    code: str = attrs.field(validator=_code)
    message: Text = attrs.field(validator=v.instance_of(Text))
    file: str | None = None
    row: int | None = None
    field: str | None = None
    text: str | None = None
    expected: str | None = None
    severity: str = attrs.field(default="error", validator=v.in_(("error", "warning")))
    observation: int | None = None
    indicator: str | None = None
    entity: str | None = None

    def describe(self, lang: str = "en") -> str:
        """One line: where, what was found, what was expected."""
        where = ":".join(str(p) for p in (self.file, self.row) if p is not None) or "-"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field} {self.code}: {self.message.get(lang)}"


#: Ranges of whole numbers, first and last both included, in order and apart: ((2, 9),).
Spans = tuple[tuple[int, int], ...]


def _spans(value: Iterable[Iterable[int]]) -> Spans:
    out = tuple((int(a), int(b)) for a, b in value)
    previous = None
    for a, b in out:
        if a > b or (previous is not None and a <= previous + 1):
            raise ValueError(f"ranges must be in order, apart and not empty, got {out[:8]!r}")
        previous = b
    return out


def _file_spans(value: Iterable[tuple[str | None, Iterable[Iterable[int]]]],
                ) -> tuple[tuple[str | None, Spans], ...]:
    return tuple((file, _spans(spans)) for file, spans in value)


def _covers(spans: Spans, n: int) -> bool:
    at = bisect.bisect_right(spans, (n, n)) - 1  # the last range starting at or before n
    if at + 1 < len(spans) and spans[at + 1][0] == n:
        at += 1
    return at >= 0 and spans[at][0] <= n <= spans[at][1]


@attrs.frozen(kw_only=True)
class IssueSummary:
    """The data issues of one code and severity beyond those a report lists in full.

    A million duplicate rows are a million issues saying the same thing; a report lists the
    first ``listed`` of them in full and keeps the others here, by place only, so that every
    row is still named: ``rows`` gives, per file, the ranges of rows those issues name, and
    ``observations`` the ranges of positions of the observations they name. ``count`` is
    every issue of the code and severity, the listed ones included; an issue that names
    neither a row nor an observation (one about a whole file) is counted only.
    """

    code: str = attrs.field(validator=_code)
    severity: str = attrs.field(validator=v.in_(("error", "warning")))
    count: int = attrs.field(validator=_count)
    listed: int = attrs.field(validator=_count)
    rows: tuple[tuple[str | None, Spans], ...] = attrs.field(default=(), converter=_file_spans)
    observations: Spans = attrs.field(default=(), converter=_spans)

    def __attrs_post_init__(self) -> None:
        if self.listed > self.count:
            raise ValueError(f"{self.listed} issues listed of {self.count}")

    @property
    def omitted(self) -> int:
        """How many issues of the code are not listed in full."""
        return self.count - self.listed

    def names_row(self, file: str | None, row: int) -> bool:
        """Whether an issue not listed in full names ``row`` of ``file``."""
        return any(f == file and _covers(spans, row) for f, spans in self.rows)

    def names_observation(self, index: int) -> bool:
        """Whether an issue not listed in full names the observation at ``index``."""
        return _covers(self.observations, index)

    def where(self, lang: str = "en", *, limit: int | None = None) -> str:
        """The rows named, as people read them: ``rows 12–1,000,011 of figures.csv``;
        with ``limit``, at most that many ranges, and how many more there are."""
        from .numbers import format_number

        def show(n: int) -> str:
            return format_number(n, lang=lang)

        parts = []
        budget = limit
        for file, spans in self.rows:
            shown = spans if budget is None else spans[:max(budget, 0)]
            if budget is not None:
                budget -= len(shown)
            if not shown:
                continue
            ranges = ", ".join(show(a) if a == b else f"{show(a)}–{show(b)}" for a, b in shown)
            more = len(spans) - len(shown)
            if more:
                ranges += (f" và {show(more)} khoảng khác" if lang == "vi"
                           else f" and {show(more)} more range{'s' if more != 1 else ''}")
            name = file or ("(không rõ tệp)" if lang == "vi" else "(no file)")
            # English says "row" for one row alone, "rows" for a range or several.
            one_row = not more and len(shown) == 1 and shown[0][0] == shown[0][1]
            parts.append(f"dòng {ranges} của tệp {name}" if lang == "vi"
                         else f"row{'' if one_row else 's'} {ranges} of {name}")
        return "; ".join(parts)

    def message(self, *, limit: int | None = 20) -> Text:
        """The summary in one sentence per language."""
        from .numbers import format_number

        texts = {}
        for lang in ("vi", "en"):
            omitted, count = (format_number(n, lang=lang) for n in (self.omitted, self.count))
            where = self.where(lang, limit=limit)
            if lang == "vi":
                text = (f"Còn {omitted} vấn đề '{self.code}' khác (tổng cộng {count}) không "
                        "được liệt kê từng vấn đề")
            else:
                text = (f"{omitted} more '{self.code}' issue ({count} in all) is not listed"
                        if self.omitted == 1 else
                        f"{omitted} more '{self.code}' issues ({count} in all) are not listed "
                        "one by one")
            texts[lang] = f"{text}: {where}" if where else text
        return Text(vi=texts["vi"], en=texts["en"])


@attrs.frozen(kw_only=True)
class Statistics:
    """The figures behind a finding, all of them, so that disagreement between them shows.

    ``pooled`` is the ratio of sums, ``mean`` the unweighted mean of entity figures,
    ``reported`` the scope entity's own figure; ``met``/``n_entities`` count entities that meet
    the threshold on their own.
    """

    n_entities: int = 0
    n_observations: int = 0
    numerator: int | None = None
    denominator: int | None = None
    pooled: Fraction | None = None
    mean: Fraction | None = None
    reported: Fraction | None = None
    minimum: Fraction | None = None
    maximum: Fraction | None = None
    met: int = 0
    not_met: int = 0
    no_data: int = 0
    not_applicable: int = 0
    invalid: int = 0


@attrs.frozen(kw_only=True)
class EntityResult:
    """One entity's combined figure for a target, with its own verdict and gap."""

    entity: str
    level: str | None
    verdict: Verdict
    observed: Fraction | None = None
    numerator: int | None = None
    denominator: int | None = None
    gap: Fraction | None = None
    gap_units: int | None = None
    periods: tuple[str, ...] = ()
    observations: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class MissingUnit:
    """A unit in a target's scope with no usable figure in its window: ``no_data`` when it
    sent nothing, ``invalid`` when a data issue blocks what it sent."""

    code: str
    name: str | None = None
    verdict: Verdict = attrs.field(default=Verdict.NO_DATA, converter=Verdict)


def _missing_list(value: Iterable[MissingUnit]) -> tuple[MissingUnit, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Coverage:
    """Which units a target expected and which reported: ``expected`` units in its scope
    that existed during its window, ``reported`` of them with a usable figure, the others
    ``missing`` (in code order, with their names where the entities file gives them), and
    the ``rule`` the target applied to them.

    A target judged on a figure reported for its scope (``reported``) expects that one unit;
    where the figure was rolled up from the units below it in the entity tree, it expects
    those units (at the levels the figures are given at, valid during the window), and names
    those that sent nothing; without a tree that places them, the scope counts as reported.
    """

    expected: int = attrs.field(validator=_count)
    reported: int = attrs.field(validator=_count)
    missing: tuple[MissingUnit, ...] = attrs.field(default=(), converter=_missing_list)
    rule: MissingUnits = attrs.field(default=SKIP_MISSING,
                                     validator=v.instance_of(MissingUnits))

    def __attrs_post_init__(self) -> None:
        if self.reported + len(self.missing) != self.expected:
            raise ValueError(f"coverage: {self.reported} reported and {len(self.missing)} "
                             f"missing do not make {self.expected} expected")

    @property
    def share(self) -> Fraction | None:
        """The share of expected units that reported (None when none was expected)."""
        return Fraction(self.reported, self.expected) if self.expected else None

    @property
    def silent(self) -> tuple[MissingUnit, ...]:
        """The missing units that sent nothing at all."""
        return tuple(m for m in self.missing if m.verdict is Verdict.NO_DATA)

    @property
    def complete(self) -> bool:
        """Whether every expected unit reported."""
        return not self.missing


def _pairs(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    pairs = tuple(sorted((str(k), str(x)) for k, x in items))
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("parameter names must be unique")
    return pairs


@attrs.frozen(kw_only=True)
class ProgressAssessment:
    """What one progress method concluded about a target on its way to the deadline.

    ``method``, ``method_version`` and ``parameters`` (name/value texts, sorted by name) say
    exactly how it was computed. ``status`` is the common scale; ``grade`` the method's own finer
    category (e.g. ``moderate_progress``). Values are in the indicator's units (a rate as a
    fraction of one). ``expected`` is the value the trajectory asks for on the latest date,
    ``projected`` the value at ``deadline`` at the current pace. Paces are per year, in the
    units ``pace`` names: ``linear`` (value units a year) or ``compound`` (growth rate a year,
    1/10 is 10%). ``observed_pace`` is the pace from the baseline to the latest figure,
    ``planned_pace`` the pace the target asked for from the baseline, ``required_pace`` the
    pace needed from the latest figure to meet the target on the deadline, and ``pace_ratio``
    the method's ratio of observed to planned pace. ``projected_date`` is the first day the
    target would be met at the current pace (None: not at this pace, or already met).
    ``exact`` is False when the method rounds any value it reports (its status is exact all
    the same); ``next_due`` is when the next figures are due.
    """

    method: str = attrs.field(validator=_code)
    method_version: str = attrs.field(validator=v.instance_of(str))
    status: Progress = attrs.field(converter=Progress)
    message: Text = attrs.field(validator=v.instance_of(Text))
    parameters: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    grade: str | None = None
    baseline: Point | None = attrs.field(default=None, validator=v.optional(v.instance_of(Point)))
    latest: Point | None = attrs.field(default=None, validator=v.optional(v.instance_of(Point)))
    deadline: date | None = None
    target: Fraction | None = attrs.field(default=None, converter=_exact_optional)
    expected: Fraction | None = attrs.field(default=None, converter=_exact_optional)
    projected: Fraction | None = attrs.field(default=None, converter=_exact_optional)
    projected_date: date | None = None
    observed_pace: Fraction | None = attrs.field(default=None,
                                                 converter=_exact_optional)
    required_pace: Fraction | None = attrs.field(default=None,
                                                 converter=_exact_optional)
    planned_pace: Fraction | None = attrs.field(default=None, converter=_exact_optional)
    pace_ratio: Fraction | None = attrs.field(default=None, converter=_exact_optional)
    pace: str = attrs.field(default="linear", validator=v.in_(("linear", "compound")))
    exact: bool = True
    next_due: date | None = None
    plugin: str | None = attrs.field(default=None, eq=False)

    @property
    def parameter_map(self) -> dict[str, str]:
        """The parameters as a dict."""
        return dict(self.parameters)


def _assessments(value: Iterable[ProgressAssessment]) -> tuple[ProgressAssessment, ...]:
    return tuple(value)


def _points(value: Iterable[Point]) -> tuple[Point, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Finding:
    """What one target or check concluded, for one scope and window, with its provenance.

    ``gap`` is how far the observed statistic is from the threshold (0 when met); where counts
    are known ``gap_units`` says the same in the indicator's unit ("12 more dossiers").
    ``observations`` are positions in the input sequence; the report maps them to files/rows.
    ``progress`` is the headline progress status (the first progress method's), beside the
    verdict; ``assessments`` are every progress method's conclusions and ``history`` the
    target's statistic at the end of each reporting period up to the as-of date.
    ``coverage`` (a target's) says which units in scope reported and which did not.
    """

    code: str = attrs.field(validator=_code)
    verdict: Verdict = attrs.field(converter=Verdict)
    message: Text = attrs.field(validator=v.instance_of(Text))
    kind: str = attrs.field(default="check", validator=v.in_(("target", "check")))
    indicator: str | None = None
    area: str | None = None
    plan: str | None = None
    plugin: str | None = None
    scope: str | None = None
    window: Period | None = None
    aggregation: Aggregation | None = None
    comparator: Comparator | None = None
    threshold: Fraction | None = None
    observed: Fraction | None = None
    statistics: Statistics | None = None
    gap: Fraction | None = None
    gap_units: int | None = None
    entities: Sequence[EntityResult] = ()
    observations: tuple[int, ...] = ()
    progress: Progress | None = None
    details: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    assessments: tuple[ProgressAssessment, ...] = attrs.field(
        default=(), converter=_assessments,
        validator=v.deep_iterable(v.instance_of(ProgressAssessment)))
    history: tuple[Point, ...] = attrs.field(
        default=(), converter=_points, validator=v.deep_iterable(v.instance_of(Point)))
    coverage: Coverage | None = attrs.field(default=None,
                                            validator=v.optional(v.instance_of(Coverage)))


CheckFunction = Callable[["CheckContext"], Iterable[Finding]]


@attrs.frozen(kw_only=True)
class InParts:
    """How a check runs on a file read in parts (:mod:`plan_rules.partials`): without every
    figure of its indicators in one place.

    ``part`` takes the :class:`~plan_rules.checks.CheckContext` of one part's figures and
    returns what the check needs of them, a :class:`~plan_rules.checks.CheckPart`: small,
    picklable, merged with the other parts' in any grouping and order. ``finish`` takes the
    merged part and the context of the evaluation, where the figures of the units the parts
    asked for are rows as read (:meth:`~plan_rules.checks.CheckContext.units_as_rows`), and
    yields the check's findings: the same as ``run`` gives on the whole file.
    """

    part: Callable[[Any], Any] = attrs.field(validator=v.is_callable(), eq=False)
    finish: Callable[[Any, Any], Iterable[Finding]] = attrs.field(validator=v.is_callable(),
                                                                  eq=False)


def _docstring(function: object) -> str:
    """A function's docstring, stripped and NFC, as the default description of a rule."""
    return _nfc((getattr(function, "__doc__", None) or "").strip())


@attrs.frozen(kw_only=True)
class Check:
    """A plugin-contributed rule: a stable code, the indicators it reads, and a function.

    The function takes a :class:`plan_rules.engine.CheckContext` and yields findings. Its
    ``description`` documents what it checks, why it matters and an example; by default it is
    the function's docstring.
    """

    code: str = attrs.field(validator=_code)
    name: Text = attrs.field(validator=v.instance_of(Text))
    indicators: tuple[str, ...] = attrs.field(converter=_codes)
    run: CheckFunction = attrs.field(validator=v.is_callable(), eq=False)
    description: str = ""
    plugin: str | None = attrs.field(default=None, eq=False)
    #: Its form for a file read in parts; None: :mod:`plan_rules.partials` keeps every figure
    #: of its indicators as a row, so that ``run`` sees them all.
    in_parts: InParts | None = attrs.field(default=None,
                                           validator=v.optional(v.instance_of(InParts)))

    def __attrs_post_init__(self) -> None:
        if not self.description:
            object.__setattr__(self, "description", _docstring(self.run))


@attrs.frozen(kw_only=True)
class ProgressInput:
    """What a progress method sees of one target: its figures over time and its setting.

    ``history`` holds the target's statistic at the end of each reporting period, oldest first,
    ending with ``latest`` (the figure the verdict was given on; None when there is none); it
    begins with a point a year for the years before the window that have figures.
    ``baseline`` is the target's stated baseline when ``baseline_stated``, else the last point
    of a year before the window, else the earliest figure of the history. ``first_due`` is
    when the target's first figures fell due in its window, ``next_due`` when the next ones
    do (None for a closed target). ``parameters`` are the method's own.
    """

    target: Target = attrs.field(validator=v.instance_of(Target))
    indicator: Indicator = attrs.field(validator=v.instance_of(Indicator))
    as_of: date = attrs.field(validator=v.instance_of(date))
    history: tuple[Point, ...] = attrs.field(
        default=(), converter=_points, validator=v.deep_iterable(v.instance_of(Point)))
    latest: Point | None = attrs.field(default=None, validator=v.optional(v.instance_of(Point)))
    baseline: Point | None = attrs.field(default=None, validator=v.optional(v.instance_of(Point)))
    baseline_stated: bool = False
    first_due: date | None = None
    next_due: date | None = None
    parameters: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)


ProgressFunction = Callable[[ProgressInput], ProgressAssessment]


@attrs.frozen(kw_only=True)
class ProgressMethod:
    """A plugin-contributed way of judging progress toward a target's deadline.

    ``assess`` takes a :class:`ProgressInput` and returns a :class:`ProgressAssessment`; the
    engine stamps every assessment with this method's ``code``, ``version``, ``parameters``
    and plugin, so a report always says how its progress was computed. ``description``
    (default: the function's docstring) documents the formulas and their source.
    """

    code: str = attrs.field(validator=_code)
    version: str = attrs.field(validator=[v.instance_of(str), _non_empty])
    name: Text = attrs.field(validator=v.instance_of(Text))
    assess: ProgressFunction = attrs.field(validator=v.is_callable(), eq=False)
    parameters: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    description: str = ""
    plugin: str | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.description:
            object.__setattr__(self, "description", _docstring(self.assess))
