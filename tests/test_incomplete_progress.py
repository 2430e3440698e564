"""Progress of an ``incomplete`` target: its figure is the reporters', so no pace is judged,
and the assessment says that units are missing and names them, rather than that no figure
came at all."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import attrs

import plan_rules as pr
import sample_plugin
from plan_rules import builtin
from plan_rules.testing import Contributions

AS_OF = date(2025, 12, 31)
P = pr.Progress


def _communes(*codes: str) -> list[pr.Entity]:
    return [pr.Entity(code=c, level="commune", name=f"Xã {c}") for c in codes]


def _obs(entity: str, period: str = "Q4/2025") -> pr.Observation:
    return pr.Observation(indicator="T1.A.1", entity=entity, level="commune",
                          period=pr.Period.parse(period), numerator=9, denominator=10)


def _finding(target: pr.Target, as_of: date = AS_OF) -> pr.Finding:
    registry = pr.load_registry(plugins=[builtin, sample_plugin, Contributions(
        name="incomplete", targets=[target])], entry_points=False)
    units = _communes("xa-a", "xa-b", "xa-quynh-phu")
    figures = [_obs("xa-a", p) for p in ("Q1/2025", "Q2/2025")] + [
        _obs("xa-b", p) for p in ("Q1/2025", "Q2/2025")]
    report = pr.evaluate(figures, registry=registry, entities=units, as_of=as_of)
    return report.finding(target.code)


def _target(**changes: object) -> pr.Target:
    base = sample_plugin.target("T1.A.1.all", "T1.A.1", Fraction(1, 2), aggregation="each")
    return attrs.evolve(base, **changes)


def test_an_incomplete_target_is_not_given_a_pace() -> None:
    finding = _finding(_target())
    assert finding.verdict is pr.Verdict.INCOMPLETE
    assert finding.progress is P.INSUFFICIENT_DATA
    assert {a.grade for a in finding.assessments} == {"units_missing"}


def test_the_progress_of_an_incomplete_target_names_the_units_missing() -> None:
    finding = _finding(_target())
    linear = next(a for a in finding.assessments if a.method == "linear")
    assert "progress is not judged while units are missing: 2 of 3 units reported, 1 sent " \
           "nothing (xa-quynh-phu)" in linear.message.en
    assert "không đánh giá tiến độ khi còn đơn vị chưa báo cáo: 2/3 đơn vị đã báo cáo, 1 đơn " \
           "vị không gửi số liệu (xa-quynh-phu)" in linear.message.vi
    assert "no usable figure" not in linear.message.en


def test_a_closed_incomplete_target_says_its_final_figure_is_incomplete() -> None:
    finding = _finding(_target(valid_to=date(2025, 6, 30)))
    assert finding.verdict is pr.Verdict.INCOMPLETE
    linear = next(a for a in finding.assessments if a.method == "linear")
    assert (linear.status, linear.grade) == (P.CLOSED, "units_missing")
    assert "the final figure is incomplete (2 of 3 units reported, 1 sent nothing " \
           "(xa-quynh-phu))" in linear.message.en
