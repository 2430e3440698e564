"""The words of the reports are declared once, in plan_rules.words, and stay what they are.

The literal strings below are the words the reports print today; a test fails when one
changes, so a change of wording is a deliberate behaviour change, never a side effect of moving
code. The data-issue codes are checked against the package's source: a code raised anywhere must
be declared with both texts and a line of documentation.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from plan_rules import words
from plan_rules.formats import LABELS, gap_text
from plan_rules.model import Comparator, Finding, Kind, Progress, Text, Verdict
from plan_rules.progress import status_words
from plan_rules.words import progress_label

VERDICTS = {
    Verdict.MET: ("đạt", "met"),
    Verdict.NOT_MET: ("chưa đạt", "not met"),
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
}

# The HTML report's figure list, today in another Vietnamese phrasing for three statuses.
HTML_STATUSES = {
    Progress.ACHIEVED: ("đã đạt", "achieved"),
    Progress.ON_TRACK: ("đúng tiến độ", "on track"),
    Progress.NEEDS_ACCELERATION: ("cần đẩy nhanh", "needs acceleration"),
    Progress.REGRESSING: ("đang giảm", "regressing"),
    Progress.INSUFFICIENT_DATA: ("chưa đủ số liệu", "insufficient data"),
    Progress.NOT_YET_DUE: ("chưa đến hạn", "not yet due"),
}


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


# -- progress statuses ------------------------------------------------------------------------


def test_every_progress_status_is_declared_with_both_texts_and_documentation() -> None:
    assert set(words.STATUS_WORDS) == set(Progress)
    assert all(w.code == p.value and _documented(w) for p, w in words.STATUS_WORDS.items())


@pytest.mark.parametrize("status", list(Progress))
def test_a_progress_status_keeps_its_words(status: Progress) -> None:
    vi, en = STATUSES[status]
    assert status_words(status) == Text(vi=vi, en=en)


@pytest.mark.parametrize("status", list(Progress))
def test_the_html_report_keeps_its_phrasing_of_a_progress_status(status: Progress) -> None:
    vi, en = HTML_STATUSES[status]
    assert progress_label(status) == Text(vi=vi, en=en)
    assert LABELS[status.value] == Text(vi=vi, en=en)


def test_the_two_phrasings_of_a_progress_status_differ_only_where_declared() -> None:
    # Issue 12 item 9 makes them one; until then the divergence is exactly these three.
    differ = {p for p in Progress if words.PROGRESS_LABELS[p] != words.STATUS_WORDS[p].text}
    assert differ == {Progress.NEEDS_ACCELERATION, Progress.REGRESSING, Progress.NOT_YET_DUE}


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
