"""Specification of the built-in writers: contributed through the writer hook, safe with any
value a data file can hold, and readable in Vietnamese and English."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plan_rules as pr
import report_support as rs
from plan_rules import formats, terminal
from plan_rules.formats import Catalogue, neutralise
from plan_rules.html import render_html

WRITERS = ("csv", "html", "json", "markdown", "text")


@pytest.fixture(scope="module")
def report(registry: pr.Registry) -> pr.Report:
    return rs.report(registry)


@pytest.fixture
def cat(registry: pr.Registry) -> Iterator[Catalogue]:
    """The run's catalogue, as the command line sets it."""
    c = Catalogue(indicators=registry.indicators, targets=registry.targets, plans=registry.plans,
                  entities={e.code: e for e in rs.ENTITIES})
    token = formats.catalogue.set(c)
    yield c
    formats.catalogue.reset(token)


def test_builtin_writers_are_contributed_through_the_hook(registry: pr.Registry) -> None:
    assert set(WRITERS) <= set(registry.writers)
    assert {registry.writers[w].plugin for w in WRITERS} == {"plan_rules.builtin"}
    assert {registry.writers[w].suffix for w in WRITERS} == {".csv", ".html", ".json", ".md",
                                                              ".txt"}


@pytest.mark.parametrize("name", WRITERS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_writer_names_every_target(registry: pr.Registry, report: pr.Report, name: str,
                                         lang: str) -> None:
    out = registry.writers[name].render(report, lang)
    text = out.decode() if isinstance(out, bytes) else out
    for f in report.target_findings():
        assert f.code in text


# -- CSV -------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-1+A1", "@SUM(A1)", "\r=1",
                                  "＝1+1",
                                  # an apostrophe already there is kept: it reads back as is
                                  "'=already"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_a_cell_opening_with_a_tab_is_neutralised_at_its_start_and_after_the_tab() -> None:
    # A tab is skipped before a formula, and a spreadsheet splitting on tabs starts a cell
    # after it.
    assert neutralise("\t=1") == "'\t'=1"


# A plain number, signed or not, is data a spreadsheet reads as the same number.
@pytest.mark.parametrize("cell", ["", "1", "-1", "+1", "Xã Tân Hưng", "87,5%", "'abc"])
def test_an_ordinary_cell_is_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_formula_injection_cells_are_neutralised_in_csv_output(report: pr.Report,
                                                               cat: Catalogue) -> None:
    text = formats.render_csv(report, "en")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(formats.CSV_COLUMNS)
    cells = [c for row in rows for c in row]
    assert "'" + rs.FORMULA in cells  # the entity code of an `each` target
    assert "'=1+1" in cells  # the text found, in a data issue
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_csv_has_a_row_per_target_entity_check_and_issue(report: pr.Report,
                                                         cat: Catalogue) -> None:
    rows = list(csv.DictReader(io.StringIO(formats.render_csv(report, "vi").lstrip("\ufeff"))))
    kinds = [r["record"] for r in rows]
    assert kinds.count("target") == len(report.target_findings())
    assert kinds.count("check") == len(report.check_findings())
    assert kinds.count("issue") == len(report.issues)
    each = [r for r in rows if r["record"] == "entity"]
    assert {r["entity"] for r in each} == {"c1", "c2", "'" + rs.FORMULA}
    c1 = next(r for r in each if r["entity"] == "c1")
    assert (c1["name"], c1["observed"], c1["observed_text"]) == ("Xã Tân Hưng", "0.588571",
                                                                 "58,9%")
    assert (c1["file"], c1["row"]) == ("figures.csv", "2")


# -- text ------------------------------------------------------------------------------------


def test_text_has_no_colour_unless_the_command_line_asks(report: pr.Report) -> None:
    assert "\x1b[" not in formats.render_text(report, "en")
    token = terminal.colour.set(True)
    try:
        assert "\x1b[32m" in formats.render_text(report, "en")
    finally:
        terminal.colour.reset(token)


def test_text_table_shows_gap_in_units_and_entities_behind_each(report: pr.Report,
                                                                 cat: Catalogue) -> None:
    text = formats.render_text(report, "en")
    line = next(ln for ln in text.splitlines() if "T1.A.1.each " in ln)
    assert re.search(r"not met\s+T1\.A\.1\.each\s+50% \(worst unit\)\s+≥ 60%\s+"
                     r"28 more dossiers\s+1/3 meet", line)
    vi = formats.render_text(report, "vi")
    assert "thêm 28 hồ sơ" in vi and "chưa đạt" in vi and "1/3 đạt" in vi


def test_milestone_and_count_are_shown_as_such_with_a_catalogue(report: pr.Report,
                                                                cat: Catalogue) -> None:
    text = formats.render_text(report, "vi")
    assert re.search(r"T1\.A\.4\.province\s+đã hoàn thành\s+đã hoàn thành", text)
    assert re.search(r"T1\.A\.3\.province\s+131\s+≥ 130", text)


def test_wide_and_vietnamese_text_is_padded_by_display_width() -> None:
    assert terminal.width("Tỉnh Hưng Yên") == 13
    assert terminal.width("e\u0301") == 1
    assert terminal.width("漢字") == 4
    assert terminal.pad("Xã", 4) == "Xã  "


# -- Markdown --------------------------------------------------------------------------------


def test_markdown_escapes_what_would_break_its_tables(report: pr.Report, cat: Catalogue) -> None:
    text = formats.render_markdown(report, "en")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    for line in text.splitlines():
        if line.startswith("| T1.A.1.each"):
            assert line.count(" | ") == 6  # seven cells, no stray column


def test_markdown_lists_the_entities_of_an_each_target(report: pr.Report,
                                                       cat: Catalogue) -> None:
    text = formats.render_markdown(report, "vi")
    assert "  - Xã Tân Hưng: 58,9% (chưa đạt)" in text


# -- HTML ------------------------------------------------------------------------------------


def test_html_is_self_contained(report: pr.Report, cat: Catalogue) -> None:
    page = render_html(report, "en")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "default-src 'none'" in page


def test_html_escapes_every_value_from_the_data(report: pr.Report, cat: Catalogue) -> None:
    page = render_html(report, "vi")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_is_in_the_language_asked_for(report: pr.Report, cat: Catalogue) -> None:
    vi, en = render_html(report, "vi"), render_html(report, "en")
    assert '<html lang="vi">' in vi and "Báo cáo đánh giá" in vi and "chưa đạt" in vi
    assert '<html lang="en">' in en and "Target evaluation report" in en and "not met" in en


def test_html_shows_a_bar_against_the_threshold_for_each_target(report: pr.Report,
                                                                cat: Catalogue) -> None:
    page = render_html(report, "en")
    article = re.search(r'<article class="target"[^>]*data-code="T1.A.1.pooled".*?</article>',
                        page, re.S)
    assert article is not None
    assert 'class="fill" style="width:72.62%"' in article[0]
    assert 'class="mark" style="left:65.00%"' in article[0]


def test_html_lists_the_entities_behind_an_each_target(report: pr.Report,
                                                       cat: Catalogue) -> None:
    page = render_html(report, "vi")
    article = re.search(r'data-code="T1.A.1.each".*?</article>', page, re.S)
    assert article is not None
    assert "<details open>" in article[0]
    assert "Phường Hiến Nam" in article[0] and "figures.csv: 3" in article[0]


def test_html_lists_every_data_issue(report: pr.Report, cat: Catalogue) -> None:
    page = render_html(report, "en")
    assert page.count("<tr data-issue=") == len(report.issues)


# -- any report ------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_writer_renders_any_report_in_both_languages(registry: pr.Registry,
                                                           data: st.DataObject) -> None:
    from plan_rules import strategies

    report = data.draw(strategies.reports(registry))
    for name in WRITERS:
        for lang in ("vi", "en"):
            out = registry.writers[name].render(report, lang)
            assert isinstance(out, str) and out


def test_writers_render_a_report_read_back_from_json(registry: pr.Registry,
                                                     report: pr.Report) -> None:
    again = pr.Report.from_json(report.to_json())
    for name in WRITERS:
        assert "T1.A.1.each" in str(registry.writers[name].render(again, "vi"))
