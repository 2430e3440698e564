"""The words of the reports are declared once, in plan_rules.words, and stay what they are.

The literal strings below are the words the reports print today; a test fails when one
changes, so a change of wording is a deliberate behaviour change, never a side effect of moving
code. The data-issue codes are checked against the package's source: a code raised anywhere must
be declared with both texts and a line of documentation.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import pytest

from plan_rules import _docgen, words
from plan_rules.formats import LABELS, gap_text
from plan_rules.model import Comparator, Finding, Kind, MissingStrategy, Progress, Text, Verdict
from plan_rules.progress import status_words

VERDICTS = {
    Verdict.MET: ("đạt", "met"),
    Verdict.NOT_MET: ("chưa đạt", "not met"),
    Verdict.INCOMPLETE: ("chưa đủ đơn vị báo cáo", "incomplete"),
    Verdict.NO_DATA: ("chưa có số liệu", "no data"),
    Verdict.NOT_APPLICABLE: ("không áp dụng", "not applicable"),
    Verdict.INVALID: ("số liệu không hợp lệ", "invalid data"),
    Verdict.ERROR: ("lỗi khi kiểm tra", "error"),
}

STATUSES = {
    Progress.ACHIEVED: ("đã đạt", "achieved"),
    Progress.ON_TRACK: ("đúng tiến độ", "on track"),
    Progress.NEEDS_ACCELERATION: ("cần tăng tốc", "needs acceleration"),
    Progress.REGRESSING: ("đang đi lùi", "regressing"),
    Progress.INSUFFICIENT_DATA: ("chưa đủ số liệu", "insufficient data"),
    Progress.NOT_YET_DUE: ("chưa đến kỳ báo cáo", "not yet due"),
    Progress.CLOSED: ("đã khép lại", "closed"),
}

# The HTML report's figure list, today in another Vietnamese phrasing for three statuses.
SOURCE = Path(words.__file__).parent

def _documented(word: words.Word) -> bool:
    return bool(word.text.vi.strip() and word.text.en.strip() and word.doc.strip())


# -- verdicts ---------------------------------------------------------------------------------


def test_every_verdict_is_declared_with_both_texts_and_documentation() -> None:
    assert set(words.VERDICT_WORDS) == set(Verdict)
    assert all(w.code == v.value and _documented(w) for v, w in words.VERDICT_WORDS.items())


@pytest.mark.parametrize("verdict", list(Verdict))
def test_a_verdict_keeps_its_words(verdict: Verdict) -> None:
    vi, en = VERDICTS[verdict]
    assert words.verdict_words(verdict) == Text(vi=vi, en=en)


# -- coverage ---------------------------------------------------------------------------------


def test_every_rule_for_missing_units_is_declared_with_both_texts_and_documentation() -> None:
    assert set(words.MISSING_WORDS) == set(MissingStrategy)
    assert all(w.code == m.value and _documented(w) for m, w in words.MISSING_WORDS.items())


def test_every_coverage_word_is_declared_with_both_texts_and_documentation() -> None:
    assert all(w.code == code and _documented(w) for code, w in words.COVERAGE_WORDS.items())


def test_a_min_coverage_rule_says_its_share_as_a_percent() -> None:
    assert words.missing_words(MissingStrategy.MIN_COVERAGE, Fraction(3, 4)) == Text(
        vi="Cần ít nhất 75% số đơn vị báo cáo", en="At least 75% of the units must report")


# -- progress statuses ------------------------------------------------------------------------


def test_every_progress_status_is_declared_with_both_texts_and_documentation() -> None:
    assert set(words.STATUS_WORDS) == set(Progress)
    assert all(w.code == p.value and _documented(w) for p, w in words.STATUS_WORDS.items())


@pytest.mark.parametrize("status", list(Progress))
def test_a_progress_status_keeps_its_words(status: Progress) -> None:
    vi, en = STATUSES[status]
    assert status_words(status) == Text(vi=vi, en=en)


@pytest.mark.parametrize("status", list(Progress))
def test_every_report_names_a_progress_status_in_its_one_phrasing(status: Progress) -> None:
    vi, en = STATUSES[status]
    assert LABELS[status.value] == Text(vi=vi, en=en)


# -- gap directions ---------------------------------------------------------------------------


def test_every_gap_direction_is_declared_with_both_texts_and_documentation() -> None:
    assert set(words.GAP_WORDS) == set(words.Direction)
    assert all(_documented(w) for w in words.GAP_WORDS.values())


def _short(comparator: Comparator) -> Finding:
    return Finding(code="T.1", verdict=Verdict.NOT_MET, message=Text.same("x"), kind="target",
                   comparator=comparator, threshold=Fraction(5), observed=Fraction(20),
                   gap=Fraction(15), gap_units=15)


@pytest.mark.parametrize(("comparator", "vi", "en"), [
    (Comparator.GE, "thêm 15 hồ sơ", "15 more dossiers"),
    (Comparator.GT, "thêm 15 hồ sơ", "15 more dossiers"),
    (Comparator.LE, "bớt 15 hồ sơ", "15 fewer dossiers"),
    (Comparator.LT, "bớt 15 hồ sơ", "15 fewer dossiers"),
])
def test_the_gap_column_says_which_way_to_move(comparator: Comparator, vi: str, en: str) -> None:
    finding = _short(comparator)
    assert gap_text(finding, Kind.COUNT, "hồ sơ", "vi") == vi
    assert gap_text(finding, Kind.COUNT, "dossiers", "en") == en


# -- data-issue codes -------------------------------------------------------------------------

# The calls that raise a data issue, and the argument that is its code.
_RAISING = {"_issue", "issue", "DataIssue", "Unreadable", "Unresolved"}

# Calls whose code is not a literal because they pass on a code given to them (checked where
# it is given), or draw one at random for property tests.
_PASSED_ON = {
    ("dataissues.py", "DataIssue", "code"),  # IssueSink.issue, called with literal codes
    ("territory.py", "DataIssue", "code"),  # Tree._issue, called with literal codes
    ("validate.py", "issue", "found.code"),  # a resolve.Unresolved's code, a literal where made
    ("validate.py", "issue", "*args"),  # validate._Kept.say: what the checks said, in turn
    ("result.py", "DataIssue", "code"),  # readers.result._issue, called with literal codes
    ("table.py", "_issue", "cell.code"),  # an Unreadable cell's code, a literal where made
    ("core.py", "DataIssue", "draw(codes(max_parts=2))"),  # strategies/core.py
}


def _raised() -> tuple[dict[str, list[str]], set[tuple[str, str, str]], dict[str, set[str]]]:
    """Every code literal the package raises a data issue with (and where), the calls whose
    code is not a literal, and the severities the call sites give each code explicitly."""
    literal: dict[str, list[str]] = {}
    other: set[tuple[str, str, str]] = set()
    severities: dict[str, set[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if name not in _RAISING:
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            code = keywords.get("code")
            if code is None and node.args and name != "Unreadable":
                code = node.args[0]
            if code is None:
                continue  # DataIssue(**fields): a report read back
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                literal.setdefault(code.value, []).append(f"{path.name}:{node.lineno}")
                severity = keywords.get("severity")
                if isinstance(severity, ast.Constant):
                    severities.setdefault(code.value, set()).add(severity.value)
            else:
                other.add((path.name, name, ast.unparse(code)))
    return literal, other, severities


def test_every_issue_code_raised_is_declared_in_words() -> None:
    literal, _, _ = _raised()
    undeclared = {c: where for c, where in literal.items() if c not in words.ISSUE_CODES}
    assert undeclared == {}


def test_every_declared_issue_code_is_raised_somewhere() -> None:
    literal, _, _ = _raised()
    assert sorted(set(words.ISSUE_CODES) - set(literal)) == []


def test_an_issue_code_is_a_literal_where_it_is_raised() -> None:
    # A code computed at its call site would escape the check above.
    _, other, _ = _raised()
    assert other == _PASSED_ON


def test_every_issue_code_has_both_texts_and_documentation() -> None:
    for code, declared in words.ISSUE_CODES.items():
        assert declared.code == code
        assert declared.title.vi.strip() and declared.title.en.strip(), code
        assert declared.doc.strip(), code
        assert declared.severities and set(declared.severities) <= {"error", "warning"}, code


def test_a_call_site_gives_an_issue_only_a_declared_severity() -> None:
    _, _, given = _raised()
    declared = {code: set(c.severities) for code, c in words.ISSUE_CODES.items()}
    wrong = {code: sorted(s - declared[code])
             for code, s in given.items() if code in declared and s - declared[code]}
    assert wrong == {}


def test_the_table_of_issue_codes_in_the_cli_docs_is_current() -> None:
    page = (SOURCE.parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert page == _docgen.with_issue_table(page), (
        "docs/cli.md is stale: run `python -m plan_rules._docgen`")


def test_the_table_of_issue_codes_has_a_row_for_every_code() -> None:
    table = _docgen.issue_table()
    assert all(f"| `{code}` |" in table for code in words.ISSUE_CODES)


# -- milestones and severities ----------------------------------------------------------------


@pytest.mark.parametrize(("done", "vi", "en"), [
    (True, "đã hoàn thành", "done"), (False, "chưa hoàn thành", "not done")])
def test_a_milestone_figure_keeps_its_words(done: bool, vi: str, en: str) -> None:
    assert words.milestone_words(done) == Text(vi=vi, en=en)
    assert _documented(words.MILESTONE_WORDS[done])


@pytest.mark.parametrize(("severity", "vi", "en"), [
    ("error", "lỗi", "error"), ("warning", "cảnh báo", "warning")])
def test_a_severity_keeps_its_words(severity: str, vi: str, en: str) -> None:
    assert words.SEVERITY_WORDS[severity].text == Text(vi=vi, en=en)
    assert LABELS[severity] == Text(vi=vi, en=en)
    assert _documented(words.SEVERITY_WORDS[severity])


def test_the_html_report_names_a_progress_status_as_every_other_report_does() -> None:
    from datetime import date

    import plan_rules as pr
    from plan_rules.html import render_html

    example = Path(__file__).parents[1] / "examples" / "hung-yen-2025"
    read = pr.read_observations(example / "figures.csv")
    report = pr.evaluate(read.observations, issues=read.issues, as_of=date(2025, 12, 31),
                         entities=pr.read_entities(example / "entities.csv").entities)
    shown = {f.progress for f in report.findings if f.progress is not None}
    assert Progress.NEEDS_ACCELERATION in shown  # the case whose phrasing differed
    page = render_html(report, "vi")
    for status in shown:
        assert status_words(status).vi in page
    assert "cần đẩy nhanh" not in page


# -- units, one and several -------------------------------------------------------------------

def _short_by(units: int) -> Finding:
    return Finding(code="T.1", verdict=Verdict.NOT_MET, message=Text.same("x"), kind="target",
                   comparator=Comparator.GE, threshold=Fraction(5), observed=Fraction(5 - units),
                   gap=Fraction(units), gap_units=units)


@pytest.mark.parametrize(("units", "en"), [(1, "1 more agency"), (2, "2 more agencies")])
def test_the_gap_column_says_one_unit_in_the_singular_in_english(units: int, en: str) -> None:
    assert gap_text(_short_by(units), Kind.COUNT, "agencies", "en") == en


def test_the_gap_column_keeps_the_one_vietnamese_form_for_one_unit() -> None:
    assert gap_text(_short_by(1), Kind.COUNT, "cơ quan", "vi") == "thêm 1 cơ quan"


def test_the_gap_column_uses_a_declared_singular() -> None:
    assert gap_text(_short_by(1), Kind.COUNT, "people", "en", unit_one="person") \
        == "1 more person"


@pytest.mark.parametrize(("plural", "one"), [
    ("agencies", "agency"), ("heritage dossiers", "heritage dossier"),
    ("businesses", "business"), ("boxes", "box"), ("staff", "staff"),
    ("monitoring and inspection exercises", "monitoring and inspection exercise"),
])
def test_the_singular_of_a_regular_english_plural(plural: str, one: str) -> None:
    assert words.singular(plural) == one


def test_a_built_in_level_is_named_in_vietnamese_in_vietnamese_text() -> None:
    assert words.level_words("commune") == Text(vi="xã", en="commune")
    assert words.level_words("ward-group") == Text.same("'ward-group'")


@pytest.mark.parametrize(("n", "word"), [(0, "entities"), (1, "entity"), (2, "entities")])
def test_a_count_of_exactly_one_takes_the_singular_noun(n: int, word: str) -> None:
    assert words.noun(n, "entity", "entities") == word
