"""What the Plan 200/KH-UBND area plugins share: the plan's code and dates, the level and group
names, and small builders for clauses, indicators, targets and consistency findings.

The builders only fill in what every indicator or target of this plan has in common (the plan
code, the deadline 31/12/2025, the section the clauses come from); the wording, thresholds and
scopes stay in the area modules, next to the clause they come from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Self

import attrs

from plan_rules import (
    Aggregation,
    Clause,
    Comparator,
    Finding,
    Indicator,
    InParts,
    Kind,
    Observation,
    Scope,
    Target,
    Temporal,
    Text,
    Verdict,
)

if TYPE_CHECKING:
    from plan_rules import CheckContext

#: The plan's code: every indicator, target and check code of this plan starts with it.
PLAN = "HY25"
#: Kế hoạch số 200/KH-UBND was issued on 31/12/2024.
ISSUED = date(2024, 12, 31)
#: Every target of the plan is due by the end of 2025.
DEADLINE = date(2025, 12, 31)
#: The last day of the district level (cấp huyện): Vietnam moved to two-tier local government
#: on 1 July 2025, and Hưng Yên merged with Thái Bình on the same day.
DISTRICT_LEVEL_ENDS = date(2025, 6, 30)
#: The first day of the reorganised (two-tier) local government.
REORGANISED_ON = date(2025, 7, 1)
#: The code of the province in the entities file: the plan's territory.
TERRITORY = "hung-yen"

#: What a province-wide 2025 figure covers, the province having grown on 1 July 2025.
MERGER = Text(
    vi="Từ ngày 1/7/2025 tỉnh Thái Bình hợp nhất vào tỉnh Hưng Yên: các đơn vị của Thái Bình "
    "thuộc Hưng Yên từ ngày đó (tệp đơn vị ghi đơn vị cấp trên mới cùng ngày hiệu lực). Số "
    "liệu toàn tỉnh năm 2025 vì vậy gồm số liệu của các đơn vị Hưng Yên cũ cho các kỳ đến "
    "30/6/2025 và của cả tỉnh mới, kể cả các đơn vị của Thái Bình cũ, từ 1/7/2025; số liệu "
    "của một kỳ được tính theo nơi đơn vị trực thuộc vào ngày cuối kỳ (số liệu cuối năm của "
    "chỉ tiêu thời điểm là của tỉnh mới). Số liệu của Thái Bình cho các kỳ trước 1/7/2025 "
    "nằm ngoài địa bàn của kế hoạch.",
    en="On 1 July 2025 Thái Bình province merged into Hưng Yên: Thái Bình's units lie within "
    "Hưng Yên from that day (the entities file gives their new parent with the date it "
    "applies from). A province-wide 2025 figure therefore covers the former Hưng Yên's units "
    "for periods up to 30/6/2025 and the merged province, Thái Bình's former units included, "
    "from 1 July 2025; a period's figure counts where its unit stood on the period's last "
    "day (a stock's year-end figure is the merged province's). Thái Bình's figures for "
    "periods before 1 July 2025 are outside the plan's territory.",
)

#: The heading of the part of the plan every clause is quoted from.
SECTION = "Về mục tiêu cụ thể"

# Entity levels, as the ``level`` column of the data spells them.
PROVINCE = "province"
DEPARTMENT = "department"
DISTRICT = "district"
COMMUNE = "commune"

# Entity groups used by PS-2's three "trung bình" targets.
#: The province-level departments and sectors (các sở, ngành).
DEPARTMENTS = "departments"
#: The localities (các địa phương): district-level units until 30/6/2025, commune-level units
#: from 1/7/2025 — carried by entity validity in the entities file.
LOCALITIES = "localities"
#: Every unit that is in either of the two groups above; a scope names one group, so the
#: entities file gives each department and each locality this group as well.
DEPARTMENTS_AND_LOCALITIES = "departments_and_localities"

#: 100%: a rate's threshold is a fraction of one.
ALL = Fraction(1)

_SCOPE_NAMES = {
    "province": Text(vi="toàn tỉnh", en="province-wide"),
}

#: Why the district targets end before the plan's deadline: a closed target's report says it.
DISTRICT_LEVEL_ABOLISHED = Text(
    vi="cấp huyện không còn từ ngày 1/7/2025 (chính quyền địa phương hai cấp)",
    en="the district level was abolished on 1 July 2025 (two-tier local government)")

_LEVEL_TARGETS = (
    # (scope word in the target code, entity level, name, last valid day)
    ("province", DEPARTMENT,
     Text(vi="cấp tỉnh (các cơ quan cấp tỉnh)", en="province level (province-level agencies)"),
     None),
    ("district", DISTRICT,
     Text(vi="cấp huyện (đến 30/6/2025)", en="district level (until 30/6/2025)"),
     DISTRICT_LEVEL_ENDS),
    ("commune", COMMUNE, Text(vi="cấp xã", en="commune level"), None),
)

MILESTONE_UNIT = Text(vi="mốc công việc", en="milestone")

#: What every milestone's description ends with: how "done" is reported.
MILESTONE_RULE = Text(
    vi="Là mốc công việc: báo cáo giá trị 'hoàn thành' (1) hoặc 'chưa hoàn thành' (0) cho "
    "toàn tỉnh (cấp tỉnh); 'hoàn thành' chỉ được công nhận khi cột nguồn ghi căn cứ "
    "(số, ngày văn bản hoặc đường dẫn). Tình trạng mới nhất trong kỳ đánh giá được dùng.",
    en="A milestone: report 'done' (1) or 'not done' (0) for the province as a whole (level "
    "province); 'done' counts only with evidence (a document number and date, or a link) in "
    "the source column. The latest status in the window counts.",
)


def clause(bullet: str, text_vi: str) -> Clause:
    """A clause of "Về mục tiêu cụ thể", quoted exactly as published (bullets B1 … B7)."""
    return Clause(bullet=bullet, text_vi=text_vi, section=SECTION)


def indicator(
    area: str,
    number: int,
    *,
    kind: Kind,
    temporal: Temporal,
    name: Text,
    description: Text,
    unit: Text,
    clause: Clause,
    numerator: Text | None = None,
    denominator: Text | None = None,
    excludes: Text | None = None,
    unit_one: str | None = None,
) -> Indicator:
    """An indicator of this plan, coded ``HY25.<area>.<number>``."""
    return Indicator(
        code=f"{PLAN}.{area}.{number}",
        plan=PLAN,
        area=area,
        kind=kind,
        temporal=temporal,
        name=name,
        description=description,
        unit=unit,
        unit_one=unit_one,
        clause=clause,
        numerator=numerator,
        denominator=denominator,
        excludes=excludes,
    )


def milestone(area: str, number: int, *, name: Text, description: Text,
              clause: Clause) -> Indicator:
    """A done/not-done indicator; its description gets :data:`MILESTONE_RULE` appended."""
    return indicator(
        area, number, kind=Kind.MILESTONE, temporal=Temporal.STOCK, name=name,
        description=Text(vi=f"{description.vi} {MILESTONE_RULE.vi}",
                         en=f"{description.en} {MILESTONE_RULE.en}"),
        unit=MILESTONE_UNIT, clause=clause,
    )


def target(
    indicator: str,
    scope_word: str,
    threshold: Fraction | int,
    *,
    scope: Scope,
    aggregation: Aggregation,
    comparator: Comparator = Comparator.GE,
    name: Text | None = None,
    valid_to: date | None = None,
    note: Text | None = None,
) -> Target:
    """A target coded ``<indicator>.<scope_word>``, due on :data:`DEADLINE`."""
    return Target(
        code=f"{indicator}.{scope_word}",
        indicator=indicator,
        comparator=comparator,
        threshold=threshold,
        scope=scope,
        aggregation=aggregation,
        deadline=DEADLINE,
        name=name if name is not None else _SCOPE_NAMES.get(scope_word),
        valid_to=valid_to,
        note=note,
    )


def province(indicator: str, threshold: Fraction | int = ALL,
             comparator: Comparator = Comparator.GE) -> Target:
    """The province-wide figure (``reported``; rolled up from the province's own units when
    the province gave none) compared with ``threshold`` — 100% unless said otherwise; its
    note says what a 2025 figure covers after the merger (:data:`MERGER`)."""
    return attrs.evolve(
        target(indicator, "province", threshold, scope=Scope(level=PROVINCE),
               aggregation=Aggregation.REPORTED, comparator=comparator),
        note=MERGER)


def pooled_province(indicators: Sequence[Indicator], *codes: str) -> tuple[Indicator, ...]:
    """``indicators`` with :data:`MERGER` added to the description of each of ``codes``:
    the rates whose province-wide figure is rolled up from the units' counts."""
    return tuple(
        attrs.evolve(i, description=Text(vi=f"{i.description.vi} {MERGER.vi}",
                                         en=f"{i.description.en} {MERGER.en}"))
        if i.code in codes else i for i in indicators)


def done(indicator: str) -> Target:
    """A milestone's one target: reported done (``>= 1``) for the province."""
    return province(indicator, 1)


def per_level(indicator: str, aggregation: Aggregation, *, province: Fraction,
              district: Fraction, commune: Fraction) -> tuple[Target, ...]:
    """One target per level of government: province-level agencies (entity level
    ``department``), districts (valid until 30/6/2025, then closed: final on the first
    half, with :data:`DISTRICT_LEVEL_ABOLISHED` as the reason) and communes."""
    thresholds = {"province": province, "district": district, "commune": commune}
    return tuple(
        target(indicator, word, thresholds[word], scope=Scope(level=level),
               aggregation=aggregation, name=name, valid_to=valid_to,
               note=DISTRICT_LEVEL_ABOLISHED if valid_to is not None else None)
        for word, level, name, valid_to in _LEVEL_TARGETS
    )


def where(ctx: CheckContext, o: Observation) -> str:
    """Where an observation was read from (``file:row``), or its position in the input."""
    return o.where if (o.file is not None or o.row is not None) else f"#{ctx.index(o)}"


def consistency_finding(
    ctx: CheckContext,
    *,
    code: str,
    indicator: str,
    checked: Sequence[Observation] | Sequence[int],
    violations: Sequence[tuple[Observation, str]],
    rule: Text,
    related: Sequence[Observation] | Sequence[int] = (),
    count: int | None = None,
) -> Finding:
    """One finding for a consistency rule: ``met`` when nothing violates it, ``not_met``
    naming every violating observation, ``no_data`` when there was nothing to check.

    :param checked: the observations the rule could be applied to (or their positions).
    :param violations: each violating observation with a short description of the numbers.
    :param rule: the rule in words, e.g. "signed documents ≤ documents sent or received".
    :param related: observations of another indicator the rule compared with (cited as
        provenance beside the checked or violating ones).
    :param count: how many figures were checked, when ``checked`` cites summaries of
        several (the finish of a check run in parts); default ``len(checked)``.
    """
    extra = {i if isinstance(i, int) else ctx.index(i) for i in related}
    # A checked figure is an observation, or its position (a rule read from the columns).
    cited = {i if isinstance(i, int) else ctx.index(i) for i in checked}
    # A file read in parts: the figures checked are more than those cited (a summary of
    # several rows is one figure).
    n_checked = len(checked) if count is None else count
    if not n_checked:
        return Finding(
            code=code, verdict=Verdict.NO_DATA, indicator=indicator, scope="all",
            window=ctx.window,
            message=Text(vi=f"Không có số liệu để kiểm tra: {rule.vi}.",
                         en=f"No figures to check: {rule.en}."),
        )
    if not violations:
        return Finding(
            code=code, verdict=Verdict.MET, indicator=indicator, scope="all",
            window=ctx.window,
            observations=tuple(sorted(cited | extra)),
            message=Text(vi=f"{n_checked} số liệu đều thỏa mãn: {rule.vi}.",
                         en=(f"The one figure satisfies: {rule.en}." if n_checked == 1
                             else f"All {n_checked} figures satisfy: {rule.en}.")),
        )
    # Reading order (file, row), not input order: the message must not depend on row order.
    violations = sorted(violations, key=lambda v: (
        v[0].file or "", -1 if v[0].row is None else v[0].row, v[0].indicator, v[0].entity,
        v[0].period.key, v[1]))
    listed = "; ".join(
        f"{o.entity} {o.period} ({what}, {where(ctx, o)})" for o, what in violations[:10]
    )
    more = len(violations) - 10
    tail_vi = f"; và {more} số liệu khác" if more > 0 else ""
    tail_en = f"; and {more} more" if more > 0 else ""
    return Finding(
        code=code, verdict=Verdict.NOT_MET, indicator=indicator, scope="all",
        window=ctx.window,
        observations=tuple(sorted({ctx.index(o) for o, _ in violations} | extra)),
        details={
            "violations": [
                {"observation": ctx.index(o), "entity": o.entity, "period": str(o.period),
                 "numbers": what, "where": where(ctx, o)}
                for o, what in violations
            ],
            "checked": n_checked,
        },
        message=Text(
            vi=f"{len(violations)}/{n_checked} số liệu vi phạm: {rule.vi}. "
            f"{listed}{tail_vi}.",
            en=f"{len(violations)} of {n_checked} "
            f"{'figure breaks' if n_checked == 1 else 'figures break'}: {rule.en}. "
            f"{listed}{tail_en}.",
        ),
    )


def numerator_within_denominator(ctx: CheckContext, *, code: str, indicator: str,
                                 rule: Text, part: Checked | None = None) -> Finding:
    """The finding of a domain-worded "numerator ≤ denominator" check over one indicator;
    with ``part``, the finish of the check run in parts (the figures of the units it does
    not summarise are rows)."""
    # Read from the columns: an indicator of a national file has a hundred thousand figures,
    # and only those that break the rule need to become observations.
    t = ctx.figures
    num, den = t.numerator, t.denominator
    rows = ctx.units_as_rows(indicator) if part is not None else None
    names = t.entities.values
    checked: list[int] = []
    summarised: list[int] = []
    counted = part.units() if part is not None else frozenset()
    for i in ctx.positions(indicator):
        unit = names[t.entity[i]]
        if rows is not None and unit not in rows:
            if unit in counted:
                summarised.append(i)
        elif num[i] != t.NONE and den[i] != t.NONE:
            checked.append(i)
    violations = [(ctx.observation(i), f"{num[i]} > {den[i]}") for i in checked
                  if num[i] > den[i]]
    return consistency_finding(
        ctx, code=code, indicator=indicator, checked=checked + summarised,
        violations=violations, rule=rule,
        count=None if part is None else len(checked) + part.total)


@attrs.frozen
class Checked:
    """What a rule checked figure by figure keeps of a part of a file: how many figures of
    each unit it checked; the units with a figure that breaks it are wanted as rows, so
    that the finding names those figures as one pass does."""

    counts: tuple[tuple[str, int], ...] = ()
    wanted: frozenset[str] = frozenset()

    @classmethod
    def of(cls, counts: Mapping[str, int], wanted: Iterable[str] = ()) -> Checked:
        return cls(tuple(sorted(counts.items())), frozenset(wanted))

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def units(self) -> frozenset[str]:
        return frozenset(u for u, _ in self.counts)

    def merge(self, other: Self, /) -> Self:
        counts = Counter(dict(self.counts))
        counts.update(dict(other.counts))
        return attrs.evolve(self, counts=tuple(sorted(counts.items())),
                            wanted=self.wanted | other.wanted)

    def units_wanted(self) -> frozenset[str]:
        return self.wanted

    def without(self, units: frozenset[str], /) -> Self:
        return attrs.evolve(self, counts=tuple((u, n) for u, n in self.counts
                                               if u not in units),
                            wanted=self.wanted - units)


@attrs.frozen
class Within:
    """A rule "numerator ≤ denominator" over the figures of one indicator, worded for it:
    the finding as one pass gives it, and the rule's form in parts."""

    code: str
    indicator: str
    rule: Text

    def finding(self, ctx: CheckContext, part: Checked | None = None) -> Finding:
        """The rule's finding (with ``part``: its finish in parts)."""
        return numerator_within_denominator(ctx, code=self.code, indicator=self.indicator,
                                            rule=self.rule, part=part)

    def in_parts(self) -> InParts:
        """The rule in parts: each part counts the figures of each unit it checked, and
        wants as rows the units with a figure that breaks it."""
        indicator = self.indicator

        def part(ctx: CheckContext) -> Checked:
            t = ctx.figures
            num, den, names = t.numerator, t.denominator, t.entities.values
            counts: Counter[str] = Counter()
            wanted = set()
            for i in ctx.positions(indicator):
                if num[i] != t.NONE and den[i] != t.NONE:
                    unit = names[t.entity[i]]
                    counts[unit] += 1
                    if num[i] > den[i]:
                        wanted.add(unit)
            return Checked.of(counts, wanted)

        def finish(merged: Checked, ctx: CheckContext) -> list[Finding]:
            return [self.finding(ctx, merged)]

        return InParts(part=part, finish=finish)
