"""The history stage on its own: a target's statistic at earlier cut-offs, and what the
progress methods make of it (src/plan_rules/history.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

import attrs
import pytest

import plan_rules as pr
from plan_rules.aggregate import Measured, TargetData, measure
from plan_rules.errors import CheckError, UnknownReferenceError
from plan_rules.figures import FigureTable
from plan_rules.history import History, assess, history, methods_of
from plan_rules.window import earlier_years, opening, series
from sample_plugin import indicator

RATE = indicator("R")
X1 = pr.Entity(code="X1", level="commune")
WHEN = date(2025, 12, 31)


def goal(*, valid_from: date | None = None, aggregation: str = "pooled") -> pr.Target:
    return pr.Target(code="R.t", indicator="R", comparator=">=", threshold=Fraction(9, 10),
                     scope=pr.Scope(level="commune"), aggregation=aggregation,
                     deadline=WHEN, valid_from=valid_from)


X2 = pr.Entity(code="X2", level="commune")


def month(m: int, num: int, den: int, entity: str = "X1") -> pr.Observation:
    return pr.Observation(indicator="R", entity=entity, period=pr.Period.month(2025, m),
                          numerator=num, denominator=den)


def data_of(tgt: pr.Target, observations: Sequence[pr.Observation],
            in_scope: Sequence[pr.Entity] = (X1,)) -> TargetData:
    table = FigureTable.from_observations(observations)
    by_code = {e.code: e for e in in_scope}
    unit_of = [by_code[o.entity] for o in observations]
    return TargetData(table=table, target=tgt, indicator=RATE,
                      series=series(table, range(len(table)), unit_of), unit_of=unit_of,
                      in_scope=list(in_scope), blocked={})


def finding_of(data: TargetData, when: date = WHEN) -> tuple[pr.Finding, Measured | None]:
    """The target's finding as of ``when``, as much of it as the history reads, with what
    it was measured on."""
    window = opening(data.target, when)
    if not isinstance(window, pr.Period):
        return pr.Finding(code=data.target.code, kind="target",
                          verdict=pr.Verdict.NOT_APPLICABLE, message=pr.Text.same("n/a")), None
    m = measure(data, window, when, None)
    return pr.Finding(
        code=data.target.code, kind="target", verdict=m.verdict, observed=m.observed,
        message=pr.Text.same("finding"), window=window, observations=m.used), m


def past(data: TargetData, methods: Sequence[pr.ProgressMethod],
         when: date = WHEN) -> tuple[pr.Point | None, list[pr.Point]] | None:
    """The history of ``data``'s target as of ``when``."""
    finding, measured = finding_of(data, when)
    made = history(data, finding, measured, when, methods)
    return None if made is None else (made.latest, made.earlier)


def made(data: TargetData, methods: Sequence[pr.ProgressMethod],
         when: date = WHEN) -> History | None:
    """The history of ``data``'s target as of ``when``, as the engine hands it on."""
    finding, measured = finding_of(data, when)
    return history(data, finding, measured, when, methods)


def _method(code: str = "fixed",
            seen: list[pr.ProgressInput] | None = None) -> pr.ProgressMethod:
    """A method always on track, keeping in ``seen`` what it was given."""
    def judge(inp: pr.ProgressInput) -> pr.ProgressAssessment:
        """Always on track, remembering the points it saw."""
        if seen is not None:
            seen.append(inp)
        return pr.ProgressAssessment(method=code, method_version="1",
                                     status=pr.Progress.ON_TRACK,
                                     message=pr.Text.same("on track"))
    return pr.ProgressMethod(code=code, version="1", name=pr.Text.same(code), assess=judge)


def _raising() -> pr.ProgressMethod:
    def judge(inp: pr.ProgressInput) -> pr.ProgressAssessment:
        """Fails."""
        raise RuntimeError("boom")
    return pr.ProgressMethod(code="broken", version="1", name=pr.Text.same("broken"),
                             assess=judge, plugin="bad-plugin")


# -- history ---------------------------------------------------------------------------------

def test_each_earlier_quarter_gives_a_point_dated_by_the_last_period_end_used() -> None:
    # Figures of January, May and November: the quarters ending 31 March and 30 June are
    # earlier cut-offs; each point is dated by its last figure's end, not the quarter's.
    data = data_of(goal(), [month(1, 1, 2), month(5, 3, 4), month(11, 9, 10)])
    latest, earlier = past(data, [_method()]) or (None, [])
    assert latest == pr.Point(on=date(2025, 11, 30), value=Fraction(13, 16))
    assert earlier == [pr.Point(on=date(2025, 1, 31), value=Fraction(1, 2)),
                       pr.Point(on=date(2025, 5, 31), value=Fraction(4, 6))]


def test_a_cut_off_without_a_judged_statistic_gives_no_point() -> None:
    # By 31 March the only figure has a zero denominator: no statistic, no point.
    data = data_of(goal(), [month(1, 0, 0), month(5, 3, 4)])
    latest, earlier = past(data, [_method()]) or (None, [])
    assert latest == pr.Point(on=date(2025, 5, 31), value=Fraction(3, 4))
    assert earlier == []


def test_a_cut_off_with_a_figure_but_no_verdict_gives_no_point() -> None:
    # An each target by 31 March: X1 meets it but X2 has no figure yet, so the target has
    # no data then, though its weakest figure is known: no point.
    data = data_of(goal(aggregation="each"), [month(1, 19, 20), month(5, 3, 4, "X2")],
                   in_scope=(X1, X2))
    latest, earlier = past(data, [_method()]) or (None, [])
    assert latest == pr.Point(on=date(2025, 5, 31), value=Fraction(3, 4))
    assert earlier == []


def test_there_is_no_point_before_the_target_applies() -> None:
    data = data_of(goal(valid_from=date(2025, 4, 1)),
                   [month(1, 1, 2), month(5, 3, 4), month(8, 9, 10)])
    _, earlier = past(data, [_method()]) or (None, [])
    assert [p.on for p in earlier] == [date(2025, 5, 31)]


def test_there_is_no_history_without_a_method_or_for_a_target_that_does_not_apply() -> None:
    data = data_of(goal(), [month(1, 1, 2)])
    assert past(data, []) is None
    late = data_of(goal(valid_from=date(2026, 1, 1)), [month(1, 1, 2)])
    assert past(late, [_method()]) is None


def test_a_finding_without_a_judged_figure_has_no_latest_point() -> None:
    data = data_of(goal(), [month(1, 0, 0)])
    assert past(data, [_method()]) == (None, [])


# -- the years before the window ---------------------------------------------------------------

def year(y: int, num: int, den: int, entity: str = "X1") -> pr.Observation:
    return pr.Observation(indicator="R", entity=entity, period=pr.Period.year(y),
                          numerator=num, denominator=den)


def half(y: int, h: int, num: int, den: int) -> pr.Observation:
    return pr.Observation(indicator="R", entity="X1", period=pr.Period.half(y, h),
                          numerator=num, denominator=den)


def test_each_year_before_the_window_gives_a_point_dated_by_its_last_figure() -> None:
    data = data_of(goal(), [year(2023, 1, 2), year(2024, 3, 5), month(6, 7, 10)])
    latest, earlier = past(data, [_method()]) or (None, [])
    assert earlier == [pr.Point(on=date(2023, 12, 31), value=Fraction(1, 2)),
                       pr.Point(on=date(2024, 12, 31), value=Fraction(3, 5))]
    assert latest == pr.Point(on=date(2025, 6, 30), value=Fraction(7, 10))


def test_a_year_before_the_window_is_the_target_s_statistic_over_that_year() -> None:
    # A flow's two halves of 2024 add up, as the target adds up its own window's periods.
    data = data_of(goal(), [half(2024, 1, 1, 4), half(2024, 2, 3, 6), month(6, 7, 10)])
    _, earlier = past(data, [_method()]) or (None, [])
    assert earlier == [pr.Point(on=date(2024, 12, 31), value=Fraction(4, 10))]


def test_a_year_before_the_window_without_a_judged_statistic_gives_no_point() -> None:
    data = data_of(goal(), [year(2024, 0, 0), month(6, 7, 10)])
    _, earlier = past(data, [_method()]) or (None, [])
    assert earlier == []


def test_a_figure_over_two_years_before_the_window_is_in_no_year_of_it() -> None:
    spanning = pr.Observation(indicator="R", entity="X1",
                              period=pr.Period.between(date(2023, 7, 1), date(2024, 6, 30)),
                              numerator=1, denominator=2)
    made_ = made(data_of(goal(), [spanning, month(6, 7, 10)]), [_method()])
    assert made_ is not None and (made_.earlier, made_.cited) == ([], ())


def test_the_figures_of_the_years_before_are_cited_as_the_history_s() -> None:
    data = data_of(goal(), [year(2023, 1, 2), year(2024, 3, 5), month(6, 7, 10)])
    made_ = made(data, [_method()])
    assert made_ is not None and made_.cited == (0, 1)


def test_the_years_before_the_window_start_at_the_earliest_figure() -> None:
    assert earlier_years(goal(), date(2023, 4, 1)) == [
        pr.Period.between(date(2023, 1, 1), date(2023, 12, 31)),
        pr.Period.between(date(2024, 1, 1), date(2024, 12, 31))]
    assert earlier_years(goal(), date(2025, 1, 1)) == []


def test_a_window_opening_mid_year_cuts_its_year_before_at_the_day_before() -> None:
    mid = attrs.evolve(goal(), window_start=date(2024, 7, 1))
    assert earlier_years(mid, date(2024, 2, 1)) == [
        pr.Period.between(date(2024, 1, 1), date(2024, 6, 30))]


# -- methods ---------------------------------------------------------------------------------

def test_every_loaded_method_runs_the_default_first(registry: pr.Registry) -> None:
    codes = [m.code for m in methods_of(registry, None)]
    assert codes[0] == "linear"
    assert sorted(codes) == sorted(registry.progress_methods)


def test_the_methods_chosen_run_in_the_order_given(registry: pr.Registry) -> None:
    chosen = list(reversed(sorted(registry.progress_methods)))
    assert [m.code for m in methods_of(registry, chosen)] == chosen


def test_an_unknown_method_is_refused(registry: pr.Registry) -> None:
    with pytest.raises(UnknownReferenceError, match="'nope'"):
        methods_of(registry, ["nope"])


# -- assess ----------------------------------------------------------------------------------

def test_an_assessment_sees_the_history_and_gives_the_headline_progress() -> None:
    data = data_of(goal(), [month(1, 1, 2), month(5, 3, 4)])
    finding, _ = finding_of(data)
    seen: list[pr.ProgressInput] = []
    method = _method(seen=seen)
    out = assess(data.target, RATE, finding, made(data, [method]), [method], WHEN, False)
    assert out.progress is pr.Progress.ON_TRACK
    assert [p.on for p in out.history] == [date(2025, 1, 31), date(2025, 5, 31)]
    (given,) = seen
    assert given.baseline == out.history[0]
    assert not given.baseline_stated
    assert (out.assessments[0].method, out.assessments[0].method_version) == ("fixed", "1")


def test_a_raising_method_becomes_an_error_assessment_and_the_next_gives_the_headline() -> None:
    data = data_of(goal(), [month(1, 1, 2)])
    finding, _ = finding_of(data)
    methods = [_raising(), _method()]
    out = assess(data.target, RATE, finding, made(data, methods), methods, WHEN, False)
    broken, fixed = out.assessments
    assert (broken.grade, broken.status) == ("error", pr.Progress.INSUFFICIENT_DATA)
    assert "RuntimeError: boom" in broken.message.en
    assert out.progress is fixed.status is pr.Progress.ON_TRACK


def test_a_raising_method_is_re_raised_in_strict_mode() -> None:
    data = data_of(goal(), [month(1, 1, 2)])
    finding, _ = finding_of(data)
    methods = [_raising()]
    with pytest.raises(CheckError, match="broken"):
        assess(data.target, RATE, finding, made(data, methods), methods, WHEN, True)


def test_a_finding_without_history_is_left_as_it_is() -> None:
    data = data_of(goal(), [month(1, 1, 2)])
    finding, _ = finding_of(data)
    assert assess(data.target, RATE, finding, None, [_method()], WHEN, False) is finding


def test_a_cut_off_before_the_target_applies_gives_no_point() -> None:
    # A stock's older figure, set aside, ended before the target applied: its cut-off,
    # 31 March, opens no window, so it gives no point. (Measured as a target without that
    # validity would measure it, so that the January figure is among those set aside.)
    stock = indicator("S", temporal="stock")
    figures = [month(1, 1, 2), month(5, 3, 4)]
    table = FigureTable.from_observations(
        [attrs.evolve(o, indicator="S") for o in figures])
    unit_of = [X1, X1]

    def data(tgt: pr.Target) -> TargetData:
        return TargetData(table=table, target=attrs.evolve(tgt, indicator="S"),
                          indicator=stock, series=series(table, range(2), unit_of),
                          unit_of=unit_of, in_scope=[X1], blocked={})

    window = opening(goal(), WHEN)
    assert isinstance(window, pr.Period)
    measured = measure(data(goal()), window, WHEN, None)
    assert list(measured.figures.combined["X1"].history) == [0]
    finding = pr.Finding(code="R.t", kind="target", verdict=pr.Verdict.NOT_MET,
                         observed=Fraction(3, 4), message=pr.Text.same("finding"),
                         observations=(1,))
    made = history(data(goal(valid_from=date(2025, 4, 1))), finding, measured, WHEN,
                   [_method()])
    assert made is not None
    assert (made.latest, made.earlier) == (pr.Point(on=date(2025, 5, 31),
                                                     value=Fraction(3, 4)), [])


def test_no_method_is_called_on_a_closed_target_and_each_gets_the_closed_assessment() -> None:
    seen: list[pr.ProgressInput] = []
    method = _method("always.on_track", seen)
    closed_target = attrs.evolve(goal(), valid_to=date(2025, 6, 30))
    data = data_of(closed_target, [month(1, 1, 2), month(5, 3, 4)])
    finding, _ = finding_of(data)
    out = assess(closed_target, RATE, finding, made(data, [method]), [method], WHEN, False)
    assert seen == []
    assert [(a.method, a.status, a.grade) for a in out.assessments] == [
        ("always.on_track", pr.Progress.CLOSED, "not_achieved")]
    assert out.progress is pr.Progress.CLOSED
