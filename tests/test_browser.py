"""The HTML report in a real browser: headless Chromium opens it with no console error, no
uncaught exception and no request for anything outside the file, and shows every target."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import plan_rules as pr
import report_support as rs
from browser_support import Browser, Page, chromium
from plan_rules import formats
from plan_rules.html import render_html

EXAMPLE = Path(__file__).parent.parent / "examples" / "hung-yen-2025"

VISIBLE_CODES = """[...document.querySelectorAll('article.target[data-code]')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height > 0)
    .map(e => e.dataset.code)"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def open_report(browser: Browser, tmp_path: Path, report: pr.Report, lang: str,
                cat: formats.Catalogue | None = None) -> Page:
    path = tmp_path / f"report-{lang}.html"
    pr.write_atomically(path, render_html(report, lang, catalogue=cat))
    return browser.open(path.as_uri())


def assert_clean(page: Page, path_uri: str) -> None:
    assert page.errors == []
    assert [u for u in page.requests if u != path_uri] == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_report_opens_in_chromium_without_errors_and_shows_every_target(
        browser: Browser, tmp_path: Path, registry: pr.Registry, lang: str) -> None:
    report = rs.report(registry)
    cat = formats.Catalogue(indicators=registry.indicators, targets=registry.targets,
                            entities={e.code: e for e in rs.ENTITIES})
    page = open_report(browser, tmp_path, report, lang, cat)
    assert_clean(page, (tmp_path / f"report-{lang}.html").as_uri())
    shown = page.evaluate(VISIBLE_CODES)
    assert sorted(shown) == sorted(f.code for f in report.target_findings())
    assert page.evaluate("document.documentElement.lang") == lang
    # the entities behind the `each` target that is not met are open and visible
    rows = page.evaluate("""[...document.querySelectorAll('[data-code="T1.A.1.each"] tbody tr')]
        .filter(e => e.offsetParent !== null).length""")
    assert rows == 3
    # a value from the data is shown as text, never run
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    text = page.evaluate("document.body.innerText")
    assert "<script>alert(1)</script>" in text


def test_html_report_bars_are_drawn_to_scale(browser: Browser, tmp_path: Path,
                                             registry: pr.Registry) -> None:
    page = open_report(browser, tmp_path, rs.report(registry), "en")
    widths = page.evaluate("""(() => {
        const a = document.querySelector('[data-code="T1.A.1.pooled"] .bar');
        const fill = a.querySelector('.fill').getBoundingClientRect();
        const mark = a.querySelector('.mark').getBoundingClientRect();
        const bar = a.getBoundingClientRect();
        return [(fill.width) / bar.width, (mark.left - bar.left) / bar.width];
    })()""")
    assert widths[0] == pytest.approx(0.7262, abs=0.01)
    assert widths[1] == pytest.approx(0.65, abs=0.01)


def test_example_report_opens_in_chromium_without_errors(browser: Browser,
                                                         tmp_path: Path) -> None:
    if not (EXAMPLE / "figures.csv").exists():
        pytest.skip("the Hưng Yên example data is not in this tree")
    from plan_rules.cli import main

    out = tmp_path / "report.html"
    assert main(["evaluate", str(EXAMPLE), "--as-of", "2025-12-31", "--lang", "vi",
                 "--output", str(out)]) == 0
    page = browser.open(out.as_uri())
    assert_clean(page, out.as_uri())
    registry = pr.load_registry()
    read = pr.read_observations(EXAMPLE / "figures.csv", registry=registry)
    report = pr.evaluate(read.observations, registry=registry, as_of=date(2025, 12, 31))
    assert sorted(page.evaluate(VISIBLE_CODES)) == sorted(
        f.code for f in report.target_findings())
    page.screenshot(tmp_path / "report.png")


SEGMENTS = """(() => {
    const row = document.querySelector('[data-score="SQ.IDX.communes"] tr[data-entity="c1"]');
    const bar = row.querySelector('.sbar');
    const inner = bar.clientWidth;
    const box = bar.getBoundingClientRect();
    const segs = [...bar.querySelectorAll('.seg')].map(s => {
        const r = s.getBoundingClientRect();
        return [s.dataset.component || 'rest', r.width / inner, r.left - box.left,
                r.height];
    });
    return {segs, inner, label: bar.getAttribute('aria-label'),
            subs: row.querySelector('.subs').innerText};
})()"""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_score_target_shows_each_units_points_as_a_stacked_bar_by_component(
        browser: Browser, tmp_path: Path, lang: str) -> None:
    import score_support as ss

    report, cat = ss.report(n=3, hostile=True)
    page = open_report(browser, tmp_path, report, lang, cat)
    assert_clean(page, (tmp_path / f"report-{lang}.html").as_uri())
    drawn = page.evaluate(SEGMENTS)
    segs = drawn["segs"]
    assert [s[0] for s in segs] == list(ss.C1_WIDTHS)
    # each segment as wide as its points' share of the index maximum, side by side, the
    # missing points last, and together exactly the bar
    for (_, share, _, height), width in zip(segs, ss.C1_WIDTHS.values(), strict=True):
        assert share == pytest.approx(float(width[:-1]) / 100, abs=0.003)
        assert height > 0
    assert sum(s[1] for s in segs) == pytest.approx(1, abs=0.002)
    lefts = [s[2] for s in segs]
    assert lefts == sorted(lefts)
    words = {"en": ("24.69 / 30 points", "Handling 14 / 15"),
             "vi": ("24,69 / 30 điểm", "Giải quyết 14 / 15")}[lang]
    assert words[0] in drawn["label"] and words[1] in drawn["subs"]
    # a hostile component, group or entity name is text on the page, never an element
    assert page.evaluate("document.querySelectorAll('img, script').length") == 0
    assert ss.HOSTILE in page.evaluate(
        "document.querySelector('#scores').innerText")
    assert page.evaluate("""document.querySelector(
        '[data-component="SQ.IDX.online.digital"]').title""").startswith(ss.HOSTILE)
