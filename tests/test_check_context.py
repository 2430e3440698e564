"""What a check is shown besides observations: the figures as read-only columns, each
indicator's positions, and each unit's usable figures in order of period end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

import plan_rules as pr
import sample_plugin
from plan_rules.testing import Contributions

AS_OF = date(2025, 12, 31)


def _obs(period: str, numerator: int, *, entity: str = "xa-1", row: int = 2,
         reported_on: date | None = None) -> pr.Observation:
    return pr.Observation(indicator="T1.A.1", entity=entity, level="commune",
                          period=pr.Period.parse(period), numerator=numerator, denominator=10,
                          file="f.csv", row=row, reported_on=reported_on)


def _run(check: object, observations: list[pr.Observation]) -> pr.Report:
    registry = pr.load_registry(plugins=[sample_plugin, Contributions(
        name="watcher", checks=[pr.Check(code="watch.it", name=pr.Text.same("watch"),
                                         indicators=(), run=check,  # type: ignore[arg-type]
                                         description="A check made by a test.")])],
        entry_points=False)
    return pr.evaluate(observations, registry=registry, as_of=AS_OF)


def test_positions_are_the_figures_observations_gives() -> None:
    seen: dict[str, object] = {}

    def check(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        seen["positions"] = list(ctx.positions("T1.A.1"))
        seen["indices"] = [ctx.index(o) for o in ctx.observations("T1.A.1")]
        seen["same"] = ctx.observation(0) is ctx.observations("T1.A.1")[0]
        return iter(())

    # The third figure is for a period after the as-of date: neither shows it.
    _run(check, [_obs("Q1/2025", 3), _obs("Q2/2025", 4, row=3), _obs("Q1/2026", 5, row=4)])
    assert seen == {"positions": [0, 1], "indices": [0, 1], "same": True}


def test_the_columns_cannot_be_changed_by_a_check() -> None:
    def check(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        ctx.figures.numerator[0] = 0
        return iter(())

    report = _run(check, [_obs("Q1/2025", 3)])
    finding = report.finding("watch.it")
    assert finding.verdict is pr.Verdict.ERROR and "TypeError" in finding.message.en
    assert report.finding("T1.A.1.pooled").statistics.numerator == 3


def test_series_are_the_usable_figures_of_each_unit_in_order_of_period_end() -> None:
    seen: dict[str, object] = {}

    def check(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        t = ctx.figures
        seen.update({code: [t.numerator[i] for i in s.positions]
                     for code, s in ctx.series("T1.A.1").items()})
        return iter(())

    # Given out of order, with a duplicate whose later report is the one used.
    _run(check, [_obs("Q2/2025", 4), _obs("Q1/2025", 3, row=3, reported_on=date(2025, 4, 2)),
                 _obs("Q1/2025", 9, row=4, reported_on=date(2025, 4, 20)),
                 _obs("Q1/2025", 6, entity="xa-2", row=5)])
    assert seen == {"xa-1": [9, 4], "xa-2": [6]}


@pytest.mark.parametrize("indicator", ["T1.A.1", "NOT.AN.INDICATOR"])
def test_an_indicator_without_figures_has_no_positions_and_no_series(indicator: str) -> None:
    seen: dict[str, object] = {}

    def check(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        seen["positions"], seen["series"] = ctx.positions(indicator), dict(ctx.series(indicator))
        return iter(())

    _run(check, [])
    assert seen == {"positions": (), "series": {}}
