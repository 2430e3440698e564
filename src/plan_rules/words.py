"""The words of the reports, declared once: each verdict, progress status, gap direction and
data-issue code with its Vietnamese and English text and a line saying what it means.

Writers, messages and the HTML report take their words from here, so that one thing is never
called two things by accident. Where two parts of the reports do still say one thing in two
ways today, both phrasings are declared here side by side under explicit names and marked
``# diverges: see issue 12 item 9``; making them one is a behaviour change, done separately.

A data issue's message is still written where the issue is raised (it quotes the row), but its
code must be declared in :data:`ISSUE_CODES`; ``tests/test_words.py`` scans the package and
fails on a code that is not, or on a declaration without both texts and documentation.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from fractions import Fraction

import attrs

from .model import Comparator, Kind, MissingStrategy, Progress, Text, Verdict
from .numbers import format_number, format_percent

__all__ = [
    "COVERAGE_WORDS",
    "FINAL_WORDS",
    "GAP_WORDS",
    "ISSUE_CODES",
    "LEVEL_WORDS",
    "MILESTONE_WORDS",
    "MISSING_COMPONENT_WORDS",
    "MISSING_WORDS",
    "SCORE_WORDS",
    "SEVERITY_WORDS",
    "STATUS_WORDS",
    "VERDICT_WORDS",
    "Direction",
    "IssueCode",
    "Word",
    "closed_message",
    "closed_words",
    "gap_direction",
    "level_words",
    "milestone_words",
    "missing_words",
    "noun",
    "show_value",
    "singular",
    "status_words",
    "unit_word",
    "verdict_words",
]


@attrs.frozen
class Word:
    """One thing the reports name: its code, its words in both languages, what it means."""

    code: str
    text: Text
    doc: str


@attrs.frozen
class IssueCode:
    """A data-issue code: a short title in both languages, what it means, and the severities
    it is raised with (the first is its default)."""

    code: str
    title: Text
    doc: str
    severities: tuple[str, ...] = ("error",)

    @property
    def severity(self) -> str:
        """The severity the issue has unless its call site says otherwise."""
        return self.severities[0]


def _words(*items: Word) -> dict[str, Word]:
    return {w.code: w for w in items}


# -- verdicts --------------------------------------------------------------------------------

#: Each verdict in words, as every report and message says it.
VERDICT_WORDS: Mapping[Verdict, Word] = {Verdict(w.code): w for w in (
    Word("met", Text(vi="đạt", en="met"),
         "the figure meets the target's threshold (for `each`, every entity in scope does)"),
    Word("not_met", Text(vi="chưa đạt", en="not met"),
         "the figure falls short of the threshold (for `each`, at least one entity does)"),
    Word("incomplete", Text(vi="chưa đủ đơn vị báo cáo", en="incomplete"),
         "some units in scope reported, but others sent nothing and the target's rule for "
         "missing units (`require_all`, or `min_coverage` not reached) does not allow judging "
         "without them; the reporters' figure is shown, the missing units are named"),
    Word("no_data", Text(vi="chưa có số liệu", en="no data"),
         "no usable figure for the target's window and scope"),
    Word("not_applicable", Text(vi="không áp dụng", en="not applicable"),
         "the target does not apply on the as-of date (its validity has not begun, it is valid "
         "on no day of its window, or no entity in scope exists then); a target whose validity "
         "ended is closed instead: judged on its own window, final"),
    Word("invalid", Text(vi="số liệu không hợp lệ", en="invalid data"),
         "data issues block the figures the verdict needs"),
    Word("error", Text(vi="lỗi khi kiểm tra", en="error"),
         "a check or progress method raised an error, so it gave no verdict"),
)}


def verdict_words(verdict: Verdict) -> Text:
    """The verdict in words, in both languages."""
    return VERDICT_WORDS[verdict].text


# -- coverage --------------------------------------------------------------------------------

#: What each rule for missing units says in a message; ``{share}`` is the least share of
#: units that must report.
MISSING_WORDS: Mapping[MissingStrategy, Word] = {MissingStrategy(w.code): w for w in (
    Word("require_all", Text(vi="Mọi đơn vị trong phạm vi phải báo cáo",
                             en="Every unit in scope must report"),
         "a unit in scope that sent nothing makes the target `incomplete` (the default for "
         "`each` targets and for rates that must reach 100%)"),
    Word("skip_missing", Text(vi="Đánh giá trên các đơn vị đã báo cáo",
                              en="Judged on the units that reported"),
         "the units that reported are judged, and the coverage shows who did not (the default "
         "for other pooled, mean and reported targets)"),
    Word("min_coverage", Text(vi="Cần ít nhất {share} số đơn vị báo cáo",
                              en="At least {share} of the units must report"),
         "below the declared share of units reporting the target is `incomplete`; at or above "
         "it the units that reported are judged"),
)}


def missing_words(strategy: MissingStrategy, share: Fraction | None = None) -> Text:
    """A rule for missing units in words, its share (``min_coverage``) shown as a percent."""
    text = MISSING_WORDS[strategy].text
    if share is None:
        return text
    return Text(vi=text.vi.format(share=format_percent(share, lang="vi")),
                en=text.en.format(share=format_percent(share, lang="en")))


#: The words of a target's coverage, as its message and the reports say it.
COVERAGE_WORDS: Mapping[str, Word] = _words(
    Word("worst_unit", Text(vi="đơn vị kém nhất", en="worst unit"),
         "an `each` target's figure is its weakest unit's (the lowest for an `at least` "
         "target, the highest for an `at most` one), named beside it"),
    Word("sent_nothing", Text(vi="không gửi số liệu", en="sent nothing"),
         "a unit in scope, existing during the window, with no figure for it"),
    Word("blocked", Text(vi="có số liệu bị chặn do lỗi dữ liệu",
                         en="blocked by data issues"),
         "a unit in scope whose figures a data issue blocks"),
    Word("reported", Text(vi="đơn vị đã báo cáo", en="units reported"),
         "the units in scope with a usable figure, of those expected"),
    Word("meet", Text(vi="đơn vị đạt", en="units meet"),
         "the units of an `each` target that meet it on their own, of those expected"),
    Word("not_judged", Text(vi="không đánh giá tiến độ khi còn đơn vị chưa báo cáo",
                            en="progress is not judged while units are missing"),
         "an `incomplete` target has no figure to take a pace from: its progress is "
         "`insufficient_data` (grade `units_missing`), naming the units missing, rather "
         "than saying that no figure came at all"),
)


# -- progress statuses -----------------------------------------------------------------------

#: Each progress status in words, as the progress methods and every report say it.
STATUS_WORDS: Mapping[Progress, Word] = {Progress(w.code): w for w in (
    Word("achieved", Text(vi="đã đạt", en="achieved"),
         "the latest figure already meets the target"),
    Word("on_track", Text(vi="đúng tiến độ", en="on track"),
         "at the current pace the target is met by its deadline"),
    Word("needs_acceleration", Text(vi="cần tăng tốc", en="needs acceleration"),
         "moving towards the target, but too slowly to meet it by the deadline"),
    Word("regressing", Text(vi="đang đi lùi", en="regressing"),
         "moving away from the target"),
    Word("insufficient_data", Text(vi="chưa đủ số liệu", en="insufficient data"),
         "too few figures over time to judge a pace"),
    Word("not_yet_due", Text(vi="chưa đến kỳ báo cáo", en="not yet due"),
         "no figures were due yet in the target's window"),
    Word("closed", Text(vi="đã khép lại", en="closed"),
         "the target's validity ended before the as-of date (a district target after "
         "30/6/2025): its verdict is final on its own window, and no pace is judged; the "
         "assessment's grade says whether the final figure met it (`achieved`, "
         "`not_achieved`, `no_figure`)"),
)}

def status_words(status: Progress) -> Text:
    """The progress status in words, in both languages."""
    return STATUS_WORDS[status].text


def closed_words(on: date, reason: Text | None) -> Text:
    """What a closed target's finding and progress say of its end: ``closed 30/06/2025:
    the district level was abolished …`` (the reason is the target's note, where it gives
    one)."""
    day = f"{on:%d/%m/%Y}"
    return Text(vi=f"đã khép lại ngày {day}" + (f": {reason.vi}" if reason else ""),
                en=f"closed {day}" + (f": {reason.en}" if reason else ""))


#: What a closed target's finding adds to its message: the verdict stands as it was on the
#: target's last day.
FINAL_WORDS = Word("final", Text(vi="kết quả là cuối cùng", en="the verdict is final"),
                   "a closed target's verdict is its own window's, the same at every later "
                   "date")


def closed_message(message: Text, on: date, reason: Text | None) -> Text:
    """A closed target's message: what it says of its window, then that it closed on ``on``
    (and why) and that its verdict is final."""
    end, final = closed_words(on, reason), FINAL_WORDS.text
    return Text(vi=f"{message.vi} {_capital(end.vi)}; {final.vi}.",
                en=f"{message.en} {_capital(end.en)}; {final.en}.")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- missing components of an index ---------------------------------------------------------

#: What a component without a figure means for a unit's score on an index, by the code of
#: :class:`plan_rules.composite.MissingComponents`.
MISSING_COMPONENT_WORDS: Mapping[str, Word] = _words(
    Word("incomplete", Text(vi="đơn vị không được tính điểm, chỉ tiêu chưa đủ đơn vị báo cáo",
                            en="the unit gets no score and its targets are incomplete"),
         "a unit with a component without a figure has no score: it is not ranked, and a "
         "score or rank target whose scope holds it is `incomplete`, naming the unit and the "
         "components it lacks (the default)"),
    Word("zero", Text(vi="thành phần không có số liệu được 0 điểm",
                      en="a component without a figure scores 0"),
         "a component without a figure scores 0 points; the unit is scored and ranked"),
    Word("reweight", Text(vi="điểm tính lại theo tỷ lệ trên các thành phần có số liệu",
                          en="the score is re-weighted over the components with a figure"),
         "the unit's score is the points of its components with a figure, scaled to the "
         "index's maximum (points × maximum / the sum of those components' maxima); the "
         "breakdown names the components it was re-weighted over"),
)

#: The words of score and rank targets for units whose components lack figures.
SCORE_WORDS: Mapping[str, Word] = _words(
    Word("lacks", Text(vi="thiếu", en="lacks"),
         "a unit with figures, but none for these components of the index"),
    Word("without_score", Text(vi="chưa có điểm", en="without a score"),
         "units in scope that the index's rule for missing components leaves unscored"),
    Word("unranked", Text(vi="chưa xếp hạng", en="not ranked"),
         "peers without a score: they are left out of the ranking"),
    Word("may_change", Text(vi="hạng có thể thay đổi khi các đơn vị này có điểm",
                            en="the rank may change once they are scored"),
         "a rank inside the wanted ones that peers without a score could push out of them: "
         "the rank target is `incomplete`"),
    Word("zeroed", Text(vi="được 0 điểm ở thành phần không có số liệu",
                        en="scored 0 where a component has no figure"),
         "units scored under the `zero` rule although components have no figure"),
    Word("reweighted", Text(vi="điểm tính lại, bỏ qua thành phần không có số liệu",
                            en="re-weighted, leaving out the components without a figure"),
         "units scored under the `reweight` rule on the components they have"),
)


# -- gap directions --------------------------------------------------------------------------


class Direction(enum.StrEnum):
    """Which way a figure that is not met has to move: up to an `at least` threshold, down to
    an `at most` one."""

    MORE = "more"
    FEWER = "fewer"


#: The word before the units a target is short by: ``12 more dossiers``, ``thêm 12 hồ sơ``.
GAP_WORDS: Mapping[Direction, Word] = {Direction(w.code): w for w in (
    Word("more", Text(vi="thêm", en="more"),
         "the figure must rise by this many units to meet the target"),
    Word("fewer", Text(vi="bớt", en="fewer"),
         "the figure must fall by this many units to meet an `at most`/`less than` target"),
)}


def gap_direction(comparator: Comparator | None) -> Direction:
    """The way a target with ``comparator`` is approached: fewer for ``<=`` and ``<``."""
    return Direction.FEWER if comparator in (Comparator.LE, Comparator.LT) else Direction.MORE


# -- milestones ------------------------------------------------------------------------------

#: A milestone's figure in words, as the messages and the reports show it.
MILESTONE_WORDS: Mapping[bool, Word] = {
    True: Word("done", Text(vi="đã hoàn thành", en="done"),
               "the milestone is reported done (value 1), with its evidence"),
    False: Word("not_done", Text(vi="chưa hoàn thành", en="not done"),
                "the milestone is reported not done (value 0)"),
}


#: The built-in levels in words: Vietnamese prose names a level in Vietnamese ("cấp xã"),
#: never by its code ("cấp commune").
LEVEL_WORDS: Mapping[str, Word] = _words(
    Word("province", Text(vi="tỉnh", en="province"), "the province as a whole"),
    Word("department", Text(vi="sở, ngành", en="department"),
         "a province-level agency (sở, ban, ngành)"),
    Word("district", Text(vi="huyện", en="district"),
         "a district, until the district level ended on 30 June 2025"),
    Word("commune", Text(vi="xã", en="commune"), "a commune or ward (xã, phường)"),
)


def level_words(level: str | None) -> Text:
    """A level in words: a built-in one by its name ("xã" / "commune"), a plugin's own by
    its code in quotes, none as "không rõ" / "unknown"."""
    if level is None:
        return Text(vi="không rõ", en="unknown")
    word = LEVEL_WORDS.get(level)
    return word.text if word is not None else Text.same(f"'{level}'")


def show_value(x: Fraction | int | None, kind: Kind, lang: str) -> str:
    """A figure for people: ``87.5%`` for a rate, ``1,234`` for a count, done / not done."""
    if x is None:
        return "—"
    if kind is Kind.RATE:
        return format_percent(Fraction(x), lang=lang)
    if kind is Kind.MILESTONE:
        return milestone_words(x >= 1).get(lang)
    return format_number(x, lang=lang)


#: English plurals that drop more than an ``s`` (a box, boxes): the singular's ending.
_ES = ("sses", "shes", "ches", "xes", "zzes")


def singular(plural: str) -> str:
    """The English unit for one of them, from its regular plural (the last word's ending
    taken off): ``agencies`` → ``agency``, ``heritage dossiers`` → ``heritage dossier``,
    ``businesses`` → ``business``; a word not ending in ``s`` stays (``staff``). An
    indicator whose unit is irregular (``people``) declares its ``unit_one``."""
    head, _, last = plural.rpartition(" ")
    if last.endswith("ies") and len(last) > 3:
        last = last[:-3] + "y"
    elif last.endswith(_ES):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us")):
        last = last[:-1]
    return f"{head} {last}" if head else last


def noun(n: int, one: str, several: str) -> str:
    """The English noun for ``n`` things: ``one`` for exactly one, else ``several`` ("1 of 1
    entity", "3 of 4 entities")."""
    return one if n == 1 else several


def unit_word(unit: Text, n: int | Fraction, lang: str, *, one: str | None = None) -> str:
    """The unit for ``n`` of them in ``lang``: Vietnamese has one form ("thêm 1 cơ quan",
    "thêm 2 cơ quan"); English the singular for exactly one ("1 more agency", "2 more
    agencies"), ``one`` where it is declared.
    """
    if lang == "vi" or n != 1:
        return unit.get(lang)
    return one if one is not None else singular(unit.en)


def value_beside_counts(value: Fraction, precision: Fraction | None, numerator: int,
                        denominator: int) -> Text:
    """A published rate and its counts' rate side by side, both to the value's own
    precision: ``59.6% (951/1,834 = 51.9%)``. A value with no precision (given exactly, in
    code) and the counts' rate are shown to six decimals of a percent."""
    digits = 6
    if precision is not None:
        # The decimals of a percent the precision is: 1/1000 of one is 1 (95.9%).
        digits = next((d for d in range(7) if (precision * 100 * 10**d).denominator == 1), 6)
    rate = Fraction(numerator, denominator)

    def said(lang: str) -> str:
        return (f"{format_percent(value, digits=digits, lang=lang)} "
                f"({format_number(numerator, lang=lang)}/{format_number(denominator, lang=lang)}"
                f" = {format_percent(rate, digits=digits, lang=lang)})")

    return Text(vi=said("vi"), en=said("en"))


def milestone_words(done: bool) -> Text:
    """A milestone's figure in words: done or not done."""
    return MILESTONE_WORDS[done].text


# -- data issues -----------------------------------------------------------------------------

#: The severity of a data issue in words, as the issue tables show it.
SEVERITY_WORDS: Mapping[str, Word] = _words(
    Word("error", Text(vi="lỗi", en="error"),
         "the row is not used (unless the code says otherwise); `validate` exits 1"),
    Word("warning", Text(vi="cảnh báo", en="warning"),
         "the row stays in use; the issue is said so that it can be checked"),
)



def _code(code: str, vi: str, en: str, doc: str, *severities: str) -> IssueCode:
    return IssueCode(code, Text(vi=vi, en=en), doc, severities or ("error",))


#: Every data-issue code plan_rules raises. The message of each issue is written where it is
#: raised; this says what the code means.
ISSUE_CODES: Mapping[str, IssueCode] = {c.code: c for c in (
    # reading a file
    _code("empty_file", "tệp rỗng", "empty file", "the file holds no header and no rows"),
    _code("encoding", "không phải UTF-8", "not UTF-8",
          "the file is not UTF-8; it was read as Windows-1258", "warning"),
    _code("bad_encoding", "byte không phải UTF-8", "bytes that are not UTF-8",
          "a UTF-8 file holds a few bytes that are not (shown as \\xNN); that row is not read"),
    _code("bad_json", "JSON không đọc được", "unreadable JSON",
          "the file is not JSON, or not a list of records"),
    _code("bad_record", "bản ghi không hợp lệ", "invalid record",
          "a JSON record is not an object of fields"),
    _code("duplicate_key", "trường bị lặp", "field given twice",
          "a JSON record gives a field twice (also as a key and its alias)"),
    _code("bad_text", "văn bản không phải Unicode", "text that is not Unicode",
          "a JSON record holds text that is not Unicode (a lone surrogate)"),
    _code("bad_cell", "ô không đọc được", "unreadable cell",
          "a cell of a JSON record or a spreadsheet cannot be read as what it claims"),
    _code("unclosed_quote", "dấu ngoặc kép không đóng", "unclosed quote",
          "a quote stays open to the end of the file or over rows: that row is not read, the "
          "rows it swallowed are read again"),
    _code("separator_mismatch", "sai dấu phân cách", "wrong separator",
          "a row is saved with another separator than its header"),
    _code("extra_cells", "thừa ô", "extra cells",
          "a row has more cells than the header has columns"),
    _code("bad_row", "dòng không hợp lệ", "invalid row",
          "a row's cells do not make a figure"),
    # the header
    _code("missing_column", "thiếu cột", "missing column",
          "the header lacks a required column; no row can be read"),
    _code("unknown_column", "cột không rõ", "unknown column",
          "a column is not one plan_rules reads; it is ignored (with a suggestion)", "warning"),
    _code("duplicate_column", "cột bị lặp", "duplicate column",
          "two columns name one field: a repeated column is ignored (warning), two names of one "
          "field stop the file (error)", "error", "warning"),
    # a row's cells
    _code("missing_field", "thiếu nội dung", "missing field",
          "indicator, entity or period (or an entities file's required field) is empty"),
    _code("not_filled", "chưa điền số liệu", "not filled in",
          "a template row with no figure: it counts as no data", "warning"),
    _code("missing_figure", "thiếu số liệu", "missing figure",
          "a row gives a source but no figure"),
    _code("incomplete_counts", "thiếu tử số hoặc mẫu số", "incomplete counts",
          "a row gives a numerator without its denominator, or the reverse"),
    _code("bad_number", "số không đọc được", "unreadable number",
          "a number cannot be read, or no figure can be it (too many digits, NaN)"),
    _code("negative", "số âm", "negative number", "a count or a value is negative"),
    _code("bad_period", "kỳ không đọc được", "unreadable period",
          "the period cannot be read (e.g. Q5/2025)"),
    _code("bad_date", "ngày không đọc được", "unreadable date",
          "a date cannot be read"),
    _code("bad_milestone", "mốc không đọc được", "unreadable milestone",
          "a milestone's done / not done cannot be read"),
    _code("ambiguous_rate", "tỷ lệ dễ hiểu nhầm", "ambiguous rate",
          "a percentage written without % is at most 1% and may have been meant as a ratio; "
          "it is used as written", "warning"),
    # the entities file
    _code("duplicate_entity", "đơn vị bị lặp", "duplicate entity",
          "the entities file gives the same row of one code twice; one is ignored"),
    _code("overlapping_validity", "thời hạn hiệu lực chồng lấn", "overlapping validity",
          "two rows of one entity code are valid on a same day (a code may have several rows "
          "only one after another); the row that starts later is ignored"),
    _code("two_parents", "hai đơn vị cấp trên", "two parents on one date",
          "two rows of one entity code valid on a same day name different parents; the row "
          "that starts later is ignored"),
    _code("parent_cycle", "cấp trên quay vòng", "parent cycle",
          "an entity's parent chain comes back to it on some date; the parent of each row "
          "on the loop is ignored, so none of them lies within a territory through it",
          "warning"),
    _code("bad_validity", "thời hạn hiệu lực không hợp lệ", "invalid validity",
          "an entity's validity ends before it starts"),
    _code("unknown_parent", "đơn vị cấp trên không rõ", "unknown parent",
          "an entity names a parent the entities file does not have", "warning"),
    # the evaluation
    _code("unknown_indicator", "chỉ số không rõ", "unknown indicator",
          "the row's indicator is in no loaded plan"),
    _code("duplicate", "số liệu trùng", "duplicate figure",
          "the same indicator, entity and period is given more than once: the same figure, or "
          "an earlier report than another; one row is kept"),
    _code("conflicting_duplicates", "số liệu trùng mâu thuẫn", "conflicting duplicates",
          "the same indicator, entity and period is given with different figures and no "
          "later report date tells which stands; none is used"),
    _code("numerator_exceeds_denominator", "tử số lớn hơn mẫu số",
          "numerator exceeds denominator", "a rate's numerator is larger than its denominator"),
    _code("value_disagrees_with_counts", "giá trị không khớp tử số/mẫu số",
          "value disagrees with counts",
          "a row's value is not its numerator over its denominator rounded to the value's own "
          "precision (95.9% beside 1,872/1,952 agrees); both are said, the counts are used",
          "warning"),
    _code("rate_above_one", "tỷ lệ trên 100%", "rate above 100%", "a rate is more than 100%"),
    _code("unexpected_counts", "không cần tử số/mẫu số", "unexpected counts",
          "a count or milestone indicator is given a numerator and denominator"),
    _code("count_not_whole", "số lượng không nguyên", "count not whole",
          "a count indicator's value is not a whole number"),
    _code("milestone_value", "giá trị mốc không hợp lệ", "invalid milestone value",
          "a milestone's value is neither done (1) nor not done (0)"),
    _code("milestone_without_evidence", "mốc thiếu căn cứ", "milestone without evidence",
          "a milestone is reported done with no evidence in the source column"),
    _code("level_conflict", "cấp mâu thuẫn", "conflicting levels",
          "rows give one entity different levels"),
    _code("level_mismatch", "sai cấp", "level mismatch",
          "a row's level differs from the entity's level in the entities file"),
    _code("unknown_level", "không rõ cấp", "unknown level",
          "an entity's level is neither in the row nor in the entities file"),
    _code("covered_period", "kỳ đã được tính", "period already covered",
          "a period lies inside a longer period already reported; it is not added twice",
          "warning"),
    _code("overlapping_periods", "kỳ chồng lấn", "overlapping periods",
          "two reported periods overlap without one covering the other"),
    _code("counts_needed", "cần tử số và mẫu số", "counts needed",
          "a pooled target, or a flow over several periods, needs a numerator and "
          "denominator; the row gives only a percentage"),
    _code("zero_denominator", "mẫu số bằng 0", "zero denominator",
          "a rate's denominator is 0: there is nothing to take a rate of", "warning"),
    _code("outside_territory", "ngoài địa bàn của kế hoạch", "outside the plan's territory",
          "the figure's unit does not lie within the territory of its indicator's plan (a "
          "province, the country), nor of any plan whose targets read the indicator (one "
          "plan per province), as the entities' parent chain places it on the figure's "
          "dates: no target of those plans uses it", "warning"),
    _code("unused", "số liệu không được dùng", "unused figure",
          "a figure no target uses: its period ends after the as-of date, or it is outside the "
          "scope or window of every target", "warning"),
)}
