"""A small service-quality index in the Decision 766 shape, used by the composite tests.

Three indicators of plan ``SQ``: dossiers submitted online (a rate), dossiers handled on time
(a rate), satisfied citizens (a stock rate); one derived indicator (the digital share of both,
a ratio of sums); an index of 30 points in two groups; a score target and a rank target.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import attrs

import plan_rules as pr
from plan_rules.composite import Component, Group, Index, RankTarget, ScoreTarget
from plan_rules.derive import Bands, Denominator, Derived, Figure, Linear, Numerator, Ratio

PLAN = pr.Plan(
    code="SQ", number="1/QĐ-TEST", issuer=pr.Text.same("Test issuer"),
    issued=date(2024, 12, 31), deadline=date(2025, 12, 31),
    title=pr.Text(vi="Chỉ số phục vụ", en="Service index"),
    areas=[pr.Area(code="S", name=pr.Text(vi="Phục vụ", en="Service"))],
)

_DOSSIERS = pr.Text(vi="hồ sơ", en="dossiers")


def rate(code: str, temporal: str = "flow") -> pr.Indicator:
    return pr.Indicator(
        code=code, plan="SQ", area="S", kind="rate", temporal=temporal,
        name=pr.Text(vi=f"Tỷ lệ {code}", en=f"Rate {code}"),
        description=pr.Text(vi="Mô tả", en="Description"), unit=_DOSSIERS,
        clause=pr.Clause(bullet="1", text_vi="tỷ lệ hồ sơ"), numerator=_DOSSIERS,
        denominator=_DOSSIERS,
    )


ONLINE, ONTIME, SATISFIED = "SQ.ONLINE", "SQ.ONTIME", "SQ.SAT"
INDICATORS = [rate(ONLINE), rate(ONTIME), rate(SATISFIED, "stock")]

DIGITAL = Derived(
    code="SQ.DIGITAL", plan="SQ", area="S",
    name=pr.Text(vi="Tỷ lệ số hoá chung", en="Digital share"),
    formula=Ratio((Numerator(ONLINE), Numerator(ONTIME)),
                  (Denominator(ONLINE), Denominator(ONTIME))),
)

INDEX = Index(
    code="SQ.IDX", plan="SQ", area="S", name=pr.Text(vi="Chỉ số phục vụ", en="Service index"),
    maximum=30,
    groups=[
        Group(code="SQ.IDX.online", name=pr.Text(vi="Trực tuyến", en="Online"), components=[
            # Full points at 50% of dossiers submitted online: the 766 shape.
            Component(code="SQ.IDX.online.submitted", name=pr.Text(vi="Nộp trực tuyến",
                                                                   en="Submitted online"),
                      points=10, formula=Linear(Figure(ONLINE), full_at=Fraction(1, 2),
                                                points=10)),
            Component(code="SQ.IDX.online.digital", name=pr.Text(vi="Số hoá", en="Digital"),
                      points=5, formula=Linear(Figure("SQ.DIGITAL"), full_at=1, points=5)),
        ]),
        Group(code="SQ.IDX.handling", name=pr.Text(vi="Giải quyết", en="Handling"), components=[
            Component(code="SQ.IDX.handling.ontime", name=pr.Text(vi="Đúng hạn", en="On time"),
                      points=10, formula=Bands(Figure(ONTIME), [(Fraction(1, 2), 5),
                                                               (Fraction(9, 10), 10)])),
            Component(code="SQ.IDX.handling.satisfied", name=pr.Text(vi="Hài lòng",
                                                                     en="Satisfied"),
                      points=5, formula=Linear(Figure(SATISFIED), full_at=1, points=5)),
        ]),
    ],
)

DEADLINE = date(2025, 12, 31)
SCORE = ScoreTarget(code="SQ.IDX.communes", index="SQ.IDX", threshold=20,
                    scope=pr.Scope(level="commune"), deadline=DEADLINE,
                    name=pr.Text(vi="từng xã", en="every commune"))
RANK = RankTarget(code="SQ.IDX.rank", index="SQ.IDX", scope=pr.Scope(entity="hy"),
                  level="province", territory="vn", at_most=2, deadline=DEADLINE)

COMPOSITES: list[object] = [DIGITAL, INDEX, SCORE, RANK]


@attrs.define
class Plugin:
    """The plan, its indicators and ``composites`` (by default the ones above)."""

    composites: list[object] = attrs.field(factory=lambda: list(COMPOSITES))
    name: str = "sq-plugin"

    @pr.hookimpl
    def plan_rules_plans(self) -> list[pr.Plan]:
        return [PLAN]

    @pr.hookimpl
    def plan_rules_indicators(self) -> list[pr.Indicator]:
        return INDICATORS

    @pr.hookimpl
    def plan_rules_composites(self) -> list[object]:
        return self.composites


def registry(composites: list[object] | None = None, *, strict: bool = False) -> pr.Registry:
    plugin = Plugin() if composites is None else Plugin(composites=composites)
    return pr.load_registry(plugins=[plugin], entry_points=False, strict=strict)


#: The country, three provinces (one ceased in mid-2025), and communes of ``hy``.
ENTITIES = (
    pr.Entity(code="vn", level="country"),
    pr.Entity(code="hy", level="province", parent="vn"),
    pr.Entity(code="hn", level="province", parent="vn"),
    pr.Entity(code="hp", level="province", parent="vn"),
    pr.Entity(code="tb", level="province", parent="vn", valid_to=date(2025, 6, 30)),
    pr.Entity(code="c1", level="commune", parent="hy"),
    pr.Entity(code="c2", level="commune", parent="hy"),
)


def figures(unit: str, level: str, online: tuple[int, int], ontime: tuple[int, int],
            satisfied: tuple[int, int] | None, period: str = "Q1/2025",
            ) -> list[pr.Observation]:
    """A unit's figures of the three indicators for one period."""
    out = []
    for code, counts in ((ONLINE, online), (ONTIME, ontime), (SATISFIED, satisfied)):
        if counts is not None:
            out.append(pr.Observation(indicator=code, entity=unit, level=level,
                                      period=pr.Period.parse(period), numerator=counts[0],
                                      denominator=counts[1]))
    return out
