"""The HTML report's score breakdown: per unit of a score or rank target, a bar of one segment
per component sized exactly by its points, group subtotals, the missing points left empty, the
numbers in words a screen reader gets, every name escaped, and a bounded number of units."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import plan_rules as pr
import score_support as ss
from plan_rules.html import BREAKDOWN_LIMIT, render_html, shares


def article(page: str, code: str) -> str:
    found = re.search(rf'<article class="target score"[^>]*data-score="{re.escape(code)}".*?'
                      r"</article>", page, re.S)
    assert found is not None, f"no breakdown of {code}"
    return found[0]


def unit_row(part: str, entity: str) -> str:
    found = re.search(rf'<tr data-entity="{re.escape(entity)}".*?</details></td></tr>', part,
                      re.S)
    assert found is not None, f"no row of {entity}"
    return found[0]


def widths(row: str) -> dict[str, str]:
    out = {}
    for seg in re.findall(r'<div class="seg[^"]*"[^>]*>', row):
        width = re.search(r"width:([0-9.]+%)", seg)
        assert width is not None
        code = re.search(r'data-component="([^"]*)"', seg)
        out[code[1] if code else "rest"] = width[1]
    return out


# -- widths ---------------------------------------------------------------------------------


def test_three_equal_thirds_fill_the_bar_exactly() -> None:
    assert shares([Fraction(1), Fraction(1), Fraction(1)], Fraction(3)) == [3334, 3333, 3333, 0]


def test_a_part_of_no_points_has_no_width() -> None:
    assert shares([Fraction(0), Fraction(2, 3)], Fraction(1)) == [0, 6667, 3333]


@given(st.lists(st.fractions(min_value=0, max_value=100), min_size=1, max_size=30),
       st.fractions(min_value=0, max_value=50))
def test_shares_fill_the_bar_and_each_is_within_a_hundredth_of_a_percent(
        parts: list[Fraction], spare: Fraction) -> None:
    whole = sum(parts, Fraction(0)) + spare
    if whole == 0:
        return
    got = shares(parts, whole)
    assert sum(got) == 10000
    exact = [p * 10000 / whole for p in [*parts, spare]]
    assert all(abs(g - x) < 1 for g, x in zip(got, exact, strict=True))
    assert all(g == 0 for g, p in zip(got, parts, strict=False) if p == 0)


# -- the page -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_unit_has_a_segment_per_component_sized_by_its_points(lang: str) -> None:
    report, cat = ss.report()
    row = unit_row(article(render_html(report, lang, catalogue=cat), "SQ.IDX.communes"), "c1")
    assert widths(row) == ss.C1_WIDTHS
    assert sum(Fraction(w[:-1]) for w in widths(row).values()) == 100


def test_the_bar_says_its_numbers_as_the_report_formats_them_in_both_languages() -> None:
    report, cat = ss.report()
    en = unit_row(article(render_html(report, "en", catalogue=cat), "SQ.IDX.communes"), "c1")
    vi = unit_row(article(render_html(report, "vi", catalogue=cat), "SQ.IDX.communes"), "c1")
    assert ('aria-label="c1: 24.69 / 30 points. Online 10.69 / 15: Submitted online 7.5 / 10, '
            "Digital 3.19 / 5. Handling 14 / 15: On time 10 / 10, Satisfied 4 / 5. "
            'Missing points: 5.31."') in en
    assert ('aria-label="c1: 24,69 / 30 điểm. Trực tuyến 10,69 / 15: Nộp trực tuyến 7,5 / 10, '
            "Số hoá 3,19 / 5. Giải quyết 14 / 15: Đúng hạn 10 / 10, Hài lòng 4 / 5. "
            'Điểm còn thiếu: 5,31."') in vi
    # group subtotals under the bar, and each segment's own numbers
    assert '<div class="subs">Online 10.69 / 15 · Handling 14 / 15</div>' in en
    assert 'title="Submitted online 7.5 / 10"' in en and 'title="Nộp trực tuyến 7,5 / 10"' in vi
    assert '<td class="num">7.5 / 10</td><td class="num">2.5</td>' in en


def test_the_segments_keep_the_exact_points_the_report_holds() -> None:
    report, cat = ss.report()
    row = unit_row(article(render_html(report, "en", catalogue=cat), "SQ.IDX.communes"), "c1")
    assert 'data-component="SQ.IDX.online.digital" data-points="51/16"' in row
    assert 'class="seg rest" data-points="85/16"' in row
    assert ss.C1_SCORE + Fraction(85, 16) == 30


def test_a_component_without_a_figure_is_said_and_takes_no_width() -> None:
    report, cat = ss.report(n=3)  # c3 has no satisfaction figure
    part = article(render_html(report, "en", catalogue=cat), "SQ.IDX.communes")
    row = unit_row(part, "c3")
    assert widths(row)["SQ.IDX.handling.satisfied"] == "0.00%"
    assert "Satisfied - / 5 (no figure)" in row
    assert '<td class="num">- / 30</td><td class="v">incomplete</td>' in row


def test_a_rank_target_shows_its_own_units_first_then_the_peers_by_rank() -> None:
    report, cat = ss.report()
    part = article(render_html(report, "en", catalogue=cat), "SQ.IDX.rank")
    assert re.findall(r'<tr data-entity="([^"]+)"', part) == ["hy", "hp", "hn"]
    assert "Rank 2" in unit_row(part, "hy") and "Rank 1" in unit_row(part, "hp")


def test_a_score_target_shows_the_lowest_scores_first() -> None:
    report, cat = ss.report(n=6)
    finding = report.finding("SQ.IDX.communes")
    scores = {u["entity"]: u["score"] for u in finding.details["units"]}
    part = article(render_html(report, "en", catalogue=cat), "SQ.IDX.communes")
    shown = re.findall(r'<tr data-entity="([^"]+)"', part)
    scored = [c for c in shown if scores[c] is not None]
    assert [scores[c] for c in scored] == sorted(scores[c] for c in scored)
    assert shown[len(scored):] == sorted(c for c, s in scores.items() if s is None)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_index_over_many_units_shows_at_most_the_limit_and_counts_the_rest(
        lang: str) -> None:
    n = BREAKDOWN_LIMIT + 12
    report, cat = ss.report(n=n)
    assert len(report.finding("SQ.IDX.communes").details["units"]) == n
    part = article(render_html(report, lang, catalogue=cat), "SQ.IDX.communes")
    assert part.count("<tr data-entity=") == BREAKDOWN_LIMIT
    words = {"en": "and 12 more units not shown", "vi": "và 12 đơn vị khác không hiển thị"}
    assert f'<p class="more" data-more="12">{words[lang]}' in part


def test_names_from_a_plugin_and_the_data_are_shown_never_run() -> None:
    report, cat = ss.report(hostile=True)
    page = render_html(report, "en", catalogue=cat)
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    assert "<img" not in page
    assert page.count("onerror") == page.count(escaped)
    part = article(page, "SQ.IDX.communes")
    assert f'title="{escaped} 3.19 / 5"' in part  # the component, in a segment's title
    assert f"<b>{escaped} group</b>" in part  # the group, in the legend
    assert f"{escaped} <span class=\"code\">c2</span>" in part  # the entity's name


def test_a_report_read_back_from_json_shows_the_same_breakdown() -> None:
    report, cat = ss.report(n=3)
    again = pr.Report.from_json(report.to_json())
    assert article(render_html(again, "vi", catalogue=cat), "SQ.IDX.communes") == article(
        render_html(report, "vi", catalogue=cat), "SQ.IDX.communes")


def test_without_the_index_in_the_catalogue_codes_stand_for_names() -> None:
    report, _ = ss.report()
    part = article(render_html(report, "en"), "SQ.IDX.communes")
    assert widths(unit_row(part, "c1")) == ss.C1_WIDTHS
    assert 'title="SQ.IDX.online.submitted 7.5 / 10"' in part


@pytest.mark.parametrize("details", [
    {"index": "X.1", "units": "not a list"},
    {"index": "X.1", "units": [{"entity": "a", "groups": "no"}]},
    {"index": "X.1", "maximum": 0, "units": []},
    {"units": [{"entity": "a", "groups": []}]},
])
def test_details_of_another_shape_give_no_breakdown_and_no_error(details: dict[str, object],
                                                                 ) -> None:
    finding = pr.Finding(code="X.1", kind="check", verdict=pr.Verdict.MET,
                         message=pr.Text.same("ok"), details=details)
    report = pr.Report(findings=(finding,), issues=(), as_of=ss.AS_OF, library_version="0")
    page = render_html(report, "en")
    assert 'id="scores"' not in page and 'data-code="X.1"' in page


def test_the_command_line_report_names_the_index_groups_and_components(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    import composite_plugin as cp
    from plan_rules import builtin, cli

    registry = pr.load_registry(plugins=[cp.Plugin(), builtin], entry_points=False)
    monkeypatch.setattr(cli, "load_registry", lambda strict=None: registry)
    monkeypatch.delenv("PLAN_RULES_LANG", raising=False)
    rows = [f"{o.indicator},{o.entity},{o.level},{o.period.label},{o.numerator},"
            f"{o.denominator}" for o in ss.observations()]
    (tmp_path / "figures.csv").write_text(
        "indicator,entity,level,period,numerator,denominator\n" + "\n".join(rows) + "\n",
        encoding="utf-8")
    (tmp_path / "entities.csv").write_text("code,name,level,parent\n" + "".join(
        f"{e.code},{e.name or ''},{e.level},{e.parent or ''}\n" for e in ss.communes(2)
        if e.code != "c2"), encoding="utf-8")
    code = cli.main(["evaluate", str(tmp_path), "--as-of", "2025-12-31", "--format", "html",
                     "--lang", "en"])
    page, err = capsys.readouterr()
    assert code in (0, 1), err
    part = article(page, "SQ.IDX.communes")
    assert 'title="Submitted online 7.5 / 10"' in part
    assert widths(unit_row(part, "c1")) == ss.C1_WIDTHS


def test_numbers_no_score_can_be_in_a_report_file_are_shown_as_none() -> None:
    report, cat = ss.report()
    data = json.loads(report.to_json())
    finding = next(f for f in data["findings"] if f["code"] == "SQ.IDX.communes")
    c1 = next(u for u in finding["details"]["units"] if u["entity"] == "c1")
    c1["score"] = {"$fraction": "1e5000"}  # more digits than Python turns into text
    c1["groups"][0]["components"][0]["points"] = {"$fraction": "-1e5000"}
    rank = next(f for f in data["findings"] if f["code"] == "SQ.IDX.rank")
    rank["details"]["ranking"][0]["rank"] = True
    again = pr.Report.from_json(json.dumps(data))
    page = render_html(again, "en", catalogue=cat)
    row = unit_row(article(page, "SQ.IDX.communes"), "c1")
    assert '<td class="num">- / 30</td>' in row and "Submitted online - / 10" in row
    assert widths(row)["SQ.IDX.online.submitted"] == "0.00%"
    assert "Not ranked" not in page and "not ranked" in unit_row(article(page, "SQ.IDX.rank"),
                                                                 "hp")


def test_only_a_page_with_a_breakdown_carries_its_style(registry: pr.Registry) -> None:
    import report_support as rs

    assert ".sbar{" not in render_html(rs.report(registry), "en")
    report, cat = ss.report()
    assert ".sbar{" in render_html(report, "en", catalogue=cat)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "Re-weighted: {p} / {m} points of the components with a figure, scaled to {s} / 30"),
    ("vi", "Tính lại tỷ trọng: {p} / {m} điểm của các thành phần có số liệu, quy đổi thành "
           "{s} / 30"),
])
def test_a_reweighted_score_says_how_it_was_scaled_from_the_points_shown(
        lang: str, words: str) -> None:
    import attrs

    import composite_plugin as cp
    from plan_rules.numbers import format_number

    reg = cp.registry([cp.DIGITAL, attrs.evolve(cp.INDEX, missing="reweight"), cp.SCORE,
                       cp.RANK])
    entities = ss.communes(3)
    report = pr.evaluate(ss.observations(3), registry=reg, as_of=ss.AS_OF, entities=entities)
    cat = pr.formats.Catalogue(indicators=reg.indicators, targets=reg.targets,
                               plans=reg.plans, composites=reg.composites,
                               entities={e.code: e for e in entities})
    finding = report.finding("SQ.IDX.communes")
    c3 = next(u for u in finding.details["units"] if u["entity"] == "c3")
    basis = c3["reweighted"]
    assert basis is not None and basis["maximum"] < 30  # c3 has no satisfaction figure
    assert c3["score"] == basis["points"] * 30 / basis["maximum"]
    row = unit_row(article(render_html(report, lang, catalogue=cat), "SQ.IDX.communes"), "c3")
    said = words.format(p=format_number(basis["points"], lang=lang),
                        m=format_number(basis["maximum"], lang=lang),
                        s=format_number(c3["score"], lang=lang))
    assert f'<div class="subs reweighted">{said}</div>' in row
    assert f"{said}." in re.search(r'aria-label="([^"]*)"', row)[1]  # type: ignore[index]
    # c1 has every figure: its score is the sum of its segments, with no such line.
    assert "reweighted" not in unit_row(article(render_html(report, lang, catalogue=cat),
                                                "SQ.IDX.communes"), "c1")


def test_under_zero_a_component_without_a_figure_shows_its_0_points_and_why() -> None:
    import attrs

    import composite_plugin as cp

    reg = cp.registry([cp.DIGITAL, attrs.evolve(cp.INDEX, missing="zero"), cp.SCORE, cp.RANK])
    entities = ss.communes(3)
    report = pr.evaluate(ss.observations(3), registry=reg, as_of=ss.AS_OF, entities=entities)
    cat = pr.formats.Catalogue(indicators=reg.indicators, targets=reg.targets,
                               plans=reg.plans, composites=reg.composites,
                               entities={e.code: e for e in entities})
    row = unit_row(article(render_html(report, "en", catalogue=cat), "SQ.IDX.communes"), "c3")
    assert "Satisfied 0 / 5 (no figure)" in row and "- / 5" not in row
    assert widths(row)["SQ.IDX.handling.satisfied"] == "0.00%"
