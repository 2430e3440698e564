"""What a careful outsider found: a verdict that followed row order, periods listed in row
order, rows that are not whole numbers, results that pickled the whole table, sequences that
did not behave as the tuples they stand for, and series a check could change for the next."""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Iterator
from datetime import date

import plan_rules as pr
import sample_plugin
from plan_rules.testing import Contributions

AS_OF = date(2025, 12, 31)


def _obs(entity: str, level: str | None, month: int, num: int, den: int, *,
         indicator: str = "T1.A.1", row: object = None) -> pr.Observation:
    return pr.Observation(indicator=indicator, entity=entity, level=level,
                          period=pr.Period.month(2025, month), numerator=num, denominator=den,
                          row=row)  # type: ignore[arg-type]


def _json(observations: list[pr.Observation], registry: pr.Registry) -> str:
    return pr.evaluate(observations, registry=registry, as_of=AS_OF).to_json()


def test_a_reported_target_with_blocked_rows_does_not_follow_their_order(
        registry: pr.Registry) -> None:
    # The province gave two refused rows, one with its level and one without.
    rows = [_obs("P", "province", 1, 5, 4, indicator="T1.A.2"),
            _obs("P", None, 2, 5, 4, indicator="T1.A.2"),
            _obs("X1", "commune", 3, 10, 10, indicator="T1.A.2")]
    first = pr.evaluate(rows, registry=registry, as_of=AS_OF).finding("T1.A.2.province")
    other = pr.evaluate([rows[1], rows[0], rows[2]], registry=registry,
                        as_of=AS_OF).finding("T1.A.2.province")
    assert first.verdict is other.verdict is pr.Verdict.INVALID


def test_a_units_periods_are_listed_in_period_order_whatever_the_row_order(
        registry: pr.Registry) -> None:
    rows = [_obs("X1", "commune", 2, 5, 10), _obs("X1", "commune", 1, 5, 10)]
    (unit,) = [r for r in pr.evaluate(rows, registry=registry, as_of=AS_OF)
               .finding("T1.A.1.pooled").entities]
    assert unit.periods == ("01/2025", "02/2025") and unit.observations == (1, 0)


def test_rows_that_are_not_whole_numbers_are_kept_as_given(registry: pr.Registry) -> None:
    rows = [_obs("X1", "commune", 1, 5, 10, row="7"), _obs("X2", "commune", 1, 5, 10, row=-1)]
    report = pr.evaluate(rows, registry=registry, as_of=AS_OF)
    assert [report.source(i) for i in range(2)] == [(None, "7"), (None, -1)]
    assert list(report.observations) == rows


def test_per_unit_results_pickle_as_their_results_not_the_figures(
        registry: pr.Registry) -> None:
    rows = [_obs(f"X{k}", "commune", 1 + k % 12, 5, 10) for k in range(3000)]
    finding = pr.evaluate(rows, registry=registry, as_of=AS_OF).finding("T1.A.1.each")
    small = [_obs("X1", "commune", 1, 5, 10)]
    one = pr.evaluate(small, registry=registry, as_of=AS_OF).finding("T1.A.1.each")
    assert pickle.loads(pickle.dumps(finding)) == finding
    # A single unit's finding does not carry the 3,000 figures' period column.
    assert len(pickle.dumps(one)) < 10_000


def test_lazy_sequences_compare_and_add_as_tuples(registry: pr.Registry) -> None:
    rows = [_obs("X1", "commune", 1, 5, 10)]
    read_like = pr.FigureTable.from_observations(rows)
    assert read_like == tuple(rows) and read_like != rows  # a tuple is not equal to a list
    empty: tuple[pr.Observation, ...] = ()
    assert read_like + empty == tuple(rows) == empty + read_like
    assert hash(read_like) == hash(tuple(rows))
    entities = pr.evaluate(rows, registry=registry, as_of=AS_OF).finding("T1.A.1.each").entities
    assert entities + () == tuple(entities)  # type: ignore[operator]  # noqa: RUF005


def test_what_one_check_does_to_a_series_the_next_check_does_not_see() -> None:
    seen: list[list[int]] = []

    def clear(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        for s in ctx.series("T1.A.1").values():
            # A copy that cannot be changed: nothing leaks either way.
            with contextlib.suppress(AttributeError):
                s.positions.clear()  # type: ignore[attr-defined]
        return iter(())

    def look(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        seen.extend(list(s.positions) for s in ctx.series("T1.A.1").values())
        return iter(())

    checks = [pr.Check(code=f"watch.{n}", name=pr.Text.same(n), indicators=(), run=run,
                       description="A check made by a test.")
              for n, run in (("a", clear), ("b", look))]
    registry = pr.load_registry(plugins=[sample_plugin, Contributions(name="w", checks=checks)],
                                entry_points=False)
    pr.evaluate([_obs("X1", "commune", 1, 5, 10)], registry=registry, as_of=AS_OF)
    assert seen == [[0]]
