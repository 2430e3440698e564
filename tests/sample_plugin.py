"""A small plan used by the core tests: one indicator of each kind and every aggregation."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import attrs

import plan_rules as pr

PLAN = pr.Plan(
    code="T1", number="1/KH-TEST", issuer=pr.Text.same("Test issuer"),
    issued=date(2024, 12, 31), deadline=date(2025, 12, 31), title=pr.Text.same("Test plan"),
    areas=[pr.Area(code="A", name=pr.Text(vi="Khu vực A", en="Area A"))],
)


def indicator(code: str, kind: str = "rate", temporal: str = "flow") -> pr.Indicator:
    counts = pr.Text(vi="hồ sơ", en="dossiers") if kind == "rate" else None
    return pr.Indicator(
        code=code, plan="T1", area="A", kind=kind, temporal=temporal,
        name=pr.Text(vi=f"Chỉ tiêu {code}", en=f"Indicator {code}"),
        description=pr.Text(vi="Mô tả", en="Description"),
        unit=pr.Text(vi="hồ sơ", en="dossiers"),
        clause=pr.Clause(bullet="B1", text_vi="100% hồ sơ"),
        numerator=counts, denominator=counts,
    )


def target(code: str, ind: str, threshold: Fraction | int, *, comparator: str = ">=",
           aggregation: str = "pooled", level: str | None = "commune",
           group: str | None = None, valid_to: date | None = None) -> pr.Target:
    return pr.Target(
        code=code, indicator=ind, comparator=comparator, threshold=threshold,
        scope=pr.Scope(level=level, group=group), aggregation=aggregation,
        deadline=date(2025, 12, 31), valid_to=valid_to,
    )


INDICATORS = [
    indicator("T1.A.1"),
    indicator("T1.A.2", temporal="stock"),
    indicator("T1.A.3", kind="count", temporal="stock"),
    indicator("T1.A.4", kind="milestone", temporal="stock"),
]

TARGETS = [
    target("T1.A.1.pooled", "T1.A.1", Fraction(65, 100)),
    target("T1.A.1.mean", "T1.A.1", Fraction(80, 100), aggregation="mean"),
    target("T1.A.1.each", "T1.A.1", Fraction(60, 100), aggregation="each"),
    target("T1.A.1.strict", "T1.A.1", Fraction(1, 2), comparator=">"),
    target("T1.A.1.district", "T1.A.1", Fraction(80, 100), level="district",
           valid_to=date(2025, 6, 30)),
    target("T1.A.2.province", "T1.A.2", 1, aggregation="reported", level="province"),
    target("T1.A.3.province", "T1.A.3", 130, aggregation="reported", level="province"),
    target("T1.A.4.province", "T1.A.4", 1, aggregation="reported", level="province"),
]


@pr.hookimpl
def plan_rules_plans() -> list[pr.Plan]:
    return [PLAN]


@pr.hookimpl
def plan_rules_indicators() -> list[pr.Indicator]:
    return INDICATORS


@pr.hookimpl
def plan_rules_targets() -> list[pr.Target]:
    return TARGETS


class OnePlan:
    """A plugin of one more plan: ``code``, with one area ``area`` called ``name``, one rate
    indicator ``<code>.<area>.1`` and its pooled target ``<code>.<area>.1.pooled`` (50%,
    communes). Two of them with one area code are two plans that share it."""

    def __init__(self, code: str, area: str, name: pr.Text) -> None:
        self.name = f"plan-{code}"
        self.code, self.area, self.area_name = code, area, name
        self.indicator = f"{code}.{area}.1"

    @pr.hookimpl
    def plan_rules_plans(self) -> list[pr.Plan]:
        return [pr.Plan(code=self.code, number=f"1/KH-{self.code}",
                        issuer=pr.Text.same(f"Issuer {self.code}"), issued=date(2024, 12, 31),
                        deadline=date(2025, 12, 31), title=pr.Text.same(f"Plan {self.code}"),
                        areas=[pr.Area(code=self.area, name=self.area_name)])]

    @pr.hookimpl
    def plan_rules_indicators(self) -> list[pr.Indicator]:
        return [attrs.evolve(indicator(self.indicator), plan=self.code, area=self.area)]

    @pr.hookimpl
    def plan_rules_targets(self) -> list[pr.Target]:
        return [target(f"{self.indicator}.pooled", self.indicator, Fraction(1, 2))]
