"""Specification of plan_rules.periods: what people write, what it means, and what is refused."""

from __future__ import annotations

import pickle
import unicodedata
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from plan_rules.errors import ModelError, PlanRulesError
from plan_rules.periods import (
    ACCEPTED_FORMS,
    Period,
    PeriodParseError,
    fractional_years,
    window_for,
)

D = date

# -- strategies --------------------------------------------------------------------------

# Mostly a few recent years, so that generated periods often overlap; sometimes any year.
years = st.integers(2023, 2026) | st.integers(min_value=1000, max_value=9998)
days_ = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)) | st.dates(
    min_value=date(1000, 1, 1), max_value=date(9998, 12, 31)
)


@st.composite
def intervals(draw: st.DrawFn) -> Period:
    a, b = draw(days_), draw(days_)
    return Period.between(min(a, b), max(a, b))


periods = st.one_of(
    years.map(Period.year),
    st.builds(Period.half, years, st.integers(1, 2)),
    st.builds(Period.quarter, years, st.integers(1, 4)),
    st.builds(Period.month, years, st.integers(1, 12)),
    days_.map(Period.day),
    intervals(),
)


# -- parsing: accepted forms ---------------------------------------------------------------

ACCEPTED = [
    # years
    ("2025", D(2025, 1, 1), D(2025, 12, 31)),
    ("năm 2025", D(2025, 1, 1), D(2025, 12, 31)),
    ("Năm 2025", D(2025, 1, 1), D(2025, 12, 31)),
    # quarters
    ("Q3/2025", D(2025, 7, 1), D(2025, 9, 30)),
    ("q3/2025", D(2025, 7, 1), D(2025, 9, 30)),
    ("Q3-2025", D(2025, 7, 1), D(2025, 9, 30)),
    ("Q3 2025", D(2025, 7, 1), D(2025, 9, 30)),
    ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30)),
    ("2025 Q3", D(2025, 7, 1), D(2025, 9, 30)),
    ("Quý III/2025", D(2025, 7, 1), D(2025, 9, 30)),
    ("Quý 3/2025", D(2025, 7, 1), D(2025, 9, 30)),
    ("quý III năm 2025", D(2025, 7, 1), D(2025, 9, 30)),
    ("Quý IV/2025", D(2025, 10, 1), D(2025, 12, 31)),
    ("Quý I/2025", D(2025, 1, 1), D(2025, 3, 31)),
    ("Quý II - 2025", D(2025, 4, 1), D(2025, 6, 30)),
    # months
    ("06/2025", D(2025, 6, 1), D(2025, 6, 30)),
    ("6/2025", D(2025, 6, 1), D(2025, 6, 30)),
    ("T6/2025", D(2025, 6, 1), D(2025, 6, 30)),
    ("T06/2025", D(2025, 6, 1), D(2025, 6, 30)),
    ("tháng 6/2025", D(2025, 6, 1), D(2025, 6, 30)),
    ("Tháng 6 năm 2025", D(2025, 6, 1), D(2025, 6, 30)),
    ("tháng 02/2024", D(2024, 2, 1), D(2024, 2, 29)),
    ("2025-06", D(2025, 6, 1), D(2025, 6, 30)),
    ("06-2025", D(2025, 6, 1), D(2025, 6, 30)),
    ("12/2025", D(2025, 12, 1), D(2025, 12, 31)),
    # halves and "n months of the year"
    ("H1/2025", D(2025, 1, 1), D(2025, 6, 30)),
    ("H2/2025", D(2025, 7, 1), D(2025, 12, 31)),
    ("2025-H2", D(2025, 7, 1), D(2025, 12, 31)),
    ("6 tháng đầu năm 2025", D(2025, 1, 1), D(2025, 6, 30)),
    ("6 tháng cuối năm 2025", D(2025, 7, 1), D(2025, 12, 31)),
    ("9 tháng đầu năm 2025", D(2025, 1, 1), D(2025, 9, 30)),
    ("9 tháng năm 2025", D(2025, 1, 1), D(2025, 9, 30)),
    ("3 tháng đầu năm 2025", D(2025, 1, 1), D(2025, 3, 31)),
    ("6 tháng năm 2025", D(2025, 1, 1), D(2025, 6, 30)),
    # single days
    ("31/12/2025", D(2025, 12, 31), D(2025, 12, 31)),
    ("31-12-2025", D(2025, 12, 31), D(2025, 12, 31)),
    ("31.12.2025", D(2025, 12, 31), D(2025, 12, 31)),
    ("1/7/2025", D(2025, 7, 1), D(2025, 7, 1)),
    ("2025-12-31", D(2025, 12, 31), D(2025, 12, 31)),
    ("2025/06/07", D(2025, 6, 7), D(2025, 6, 7)),
    ("29/02/2024", D(2024, 2, 29), D(2024, 2, 29)),
    ("ngày 31/12/2025", D(2025, 12, 31), D(2025, 12, 31)),
    ("ngày 31 tháng 12 năm 2025", D(2025, 12, 31), D(2025, 12, 31)),
    # ISO 8601 intervals
    ("2025-01-01/2025-03-31", D(2025, 1, 1), D(2025, 3, 31)),
    ("2025-01-01/P3M", D(2025, 1, 1), D(2025, 3, 31)),
    ("P3M/2025-03-31", D(2025, 1, 1), D(2025, 3, 31)),
    ("2025-01-01/P1Y", D(2025, 1, 1), D(2025, 12, 31)),
    ("2025-01-01/P2W", D(2025, 1, 1), D(2025, 1, 14)),
    ("2025-01-01/P10D", D(2025, 1, 1), D(2025, 1, 10)),
    ("2025-01-01/P1Y6M", D(2025, 1, 1), D(2026, 6, 30)),
    # ranges
    ("01/01/2025 - 30/06/2025", D(2025, 1, 1), D(2025, 6, 30)),
    ("01/01/2025–30/06/2025", D(2025, 1, 1), D(2025, 6, 30)),
    ("01/01/2025 — 30/06/2025", D(2025, 1, 1), D(2025, 6, 30)),
    ("01-01-2025 - 30-06-2025", D(2025, 1, 1), D(2025, 6, 30)),
    ("từ 01/01/2025 đến 30/06/2025", D(2025, 1, 1), D(2025, 6, 30)),
    ("2025-01-01 – 2025-09-30", D(2025, 1, 1), D(2025, 9, 30)),
    ("Q1/2025 – Q3/2025", D(2025, 1, 1), D(2025, 9, 30)),
    ("2021–2025", D(2021, 1, 1), D(2025, 12, 31)),
    ("2021-2025", D(2021, 1, 1), D(2025, 12, 31)),
]


@pytest.mark.parametrize(("text", "start", "end"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_parse_reads_accepted_form(text: str, start: date, end: date) -> None:
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ACCEPTED_FORMS)
def test_every_form_shown_in_error_messages_is_accepted(text: str) -> None:
    Period.parse(text)


def test_parse_ignores_case() -> None:
    assert Period.parse("QUÝ III NĂM 2025") == Period.quarter(2025, 3)


def test_parse_ignores_surrounding_and_repeated_spaces() -> None:
    assert Period.parse("  tháng  6 \t năm 2025\n") == Period.month(2025, 6)


def test_parse_treats_decomposed_vietnamese_like_composed() -> None:
    text = unicodedata.normalize("NFD", "6 tháng đầu năm 2025")
    assert text != unicodedata.normalize("NFC", text)
    assert Period.parse(text) == Period.half(2025, 1)


def test_parse_accepts_old_style_tone_placement_in_quy() -> None:
    assert Period.parse("Qúy 2/2025") == Period.quarter(2025, 2)


def test_parse_reads_no_break_space_as_space() -> None:
    assert Period.parse("tháng\u00a06/2025") == Period.month(2025, 6)


def test_parse_reads_year_first_slashes_as_year_month_day() -> None:
    assert Period.parse("2025/06/07") == Period.day(D(2025, 6, 7))


def test_parse_reads_slashed_days_day_first() -> None:
    assert Period.parse("06/07/2025") == Period.day(D(2025, 7, 6))


def test_parse_gives_the_canonical_label() -> None:
    assert Period.parse("Quý III/2025").label == "Q3/2025"


def test_parse_of_first_nine_months_has_interval_label() -> None:
    assert Period.parse("9 tháng năm 2025").label == "2025-01-01/2025-09-30"


# -- parsing: refused forms ----------------------------------------------------------------

REJECTED = [
    "",
    "   ",
    "13/2025",
    "00/2025",
    "tháng 13/2025",
    "2025-13",
    "Q5/2025",
    "Q0/2025",
    "Quý V/2025",
    "quý IIII/2025",
    "H3/2025",
    "0 tháng đầu năm 2025",
    "13 tháng năm 2025",
    "31/02/2025",
    "29/02/2025",
    "2025-02-30",
    "32/01/2025",
    "2025-03-31/2025-01-01",
    "30/06/2025 - 01/01/2025",
    "2025-01-01/P0D",
    "P3M/P3M",
    "2025-01-01/PT3H",
    "2025-01-01/P1.5M",
    "06/25",
    "31/12/25",
    "Q3/25",
    "25",
    "0000",
    "10000",
    "abc",
    "tháng sáu 2025",
    "quý ba 2025",
    "2025/6/7/8",
    "20251231",
    "31/12-2025",
    "2025-06-07T00:00",
    "Q3/2025 - 2025",
    "2025-2024",
    "6 tháng 2025",
    "năm",
    "2025 năm",
    # superscript digits pass str.isdigit() but not int(): they once crashed the parser
    "Q²/2025",
    "T²/2025",
    "²/2025",
]


@pytest.mark.parametrize("text", REJECTED)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(PeriodParseError):
        Period.parse(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("13/2025", "month must be 1 to 12, not 13"),
        ("Q5/2025", "quarter must be 1 to 4, not 5"),
        ("Quý V/2025", "quarter must be 1 to 4, not V"),
        ("H3/2025", "half-year must be 1 or 2"),
        ("31/02/2025", "no day 31/02/2025"),
        ("2025-03-31/2025-01-01", "before the start"),
        ("06/25", "four digits"),
        ("P3M/P3M", "two durations"),
    ],
)
def test_parse_error_says_what_was_wrong(text: str, reason: str) -> None:
    with pytest.raises(PeriodParseError) as caught:
        Period.parse(text)
    assert caught.value.reason is not None
    assert reason in caught.value.reason
    assert caught.value.reason_vi


def test_parse_error_keeps_the_text_as_given() -> None:
    with pytest.raises(PeriodParseError) as caught:
        Period.parse(" Quý V/2025 ")
    assert caught.value.text == " Quý V/2025 "


def test_parse_error_message_quotes_the_text_and_lists_accepted_forms() -> None:
    with pytest.raises(PeriodParseError) as caught:
        Period.parse("quý ba 2025")
    message = str(caught.value)
    assert "'quý ba 2025'" in message
    assert "Q3/2025" in message and "6 tháng đầu năm 2025" in message


def test_parse_error_has_a_vietnamese_message() -> None:
    with pytest.raises(PeriodParseError) as caught:
        Period.parse("13/2025")
    assert caught.value.message_vi.startswith("không đọc được '13/2025' thành một kỳ báo cáo")
    assert "tháng phải từ 1 đến 12" in caught.value.message_vi


def test_parse_error_is_a_plan_rules_error_and_a_value_error() -> None:
    with pytest.raises(PeriodParseError) as caught:
        Period.parse("abc")
    assert isinstance(caught.value, PlanRulesError)
    assert isinstance(caught.value, ValueError)


def test_parse_error_survives_pickling() -> None:
    with pytest.raises(PeriodParseError) as caught:
        Period.parse("13/2025")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.text, copy.reason, str(copy)) == (
        "13/2025",
        caught.value.reason,
        str(caught.value),
    )


def test_parse_refuses_what_is_not_text() -> None:
    with pytest.raises(TypeError):
        Period.parse(2025)  # type: ignore[arg-type]


# -- constructors and labels ---------------------------------------------------------------


def test_year_is_labelled_with_the_year() -> None:
    assert Period.year(2025) == Period.between(D(2025, 1, 1), D(2025, 12, 31))
    assert Period.year(2025).label == "2025"


def test_half_is_labelled_h_slash_year() -> None:
    assert Period.half(2025, 2).label == "H2/2025"
    assert Period.half(2025, 2).start == D(2025, 7, 1)


def test_quarter_is_labelled_q_slash_year() -> None:
    assert Period.quarter(2025, 3).label == "Q3/2025"
    assert Period.quarter(2025, 1).end == D(2025, 3, 31)


def test_month_is_labelled_two_digit_month_slash_year() -> None:
    assert Period.month(2025, 6).label == "06/2025"


def test_month_ends_on_its_last_day_in_leap_years() -> None:
    assert Period.month(2024, 2).end == D(2024, 2, 29)


def test_day_is_labelled_iso() -> None:
    assert Period.day(D(2025, 12, 31)).label == "2025-12-31"


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (D(2025, 1, 1), D(2025, 12, 31), "2025"),
        (D(2025, 1, 1), D(2025, 6, 30), "H1/2025"),
        (D(2025, 7, 1), D(2025, 9, 30), "Q3/2025"),
        (D(2025, 2, 1), D(2025, 2, 28), "02/2025"),
        (D(2025, 3, 3), D(2025, 3, 3), "2025-03-03"),
        (D(2025, 1, 1), D(2025, 9, 30), "2025-01-01/2025-09-30"),
        (D(2025, 2, 1), D(2025, 4, 30), "2025-02-01/2025-04-30"),
        (D(2025, 4, 1), D(2025, 9, 30), "2025-04-01/2025-09-30"),
        (D(2025, 6, 1), D(2025, 6, 29), "2025-06-01/2025-06-29"),
        (D(2024, 1, 1), D(2025, 12, 31), "2024-01-01/2025-12-31"),
    ],
)
def test_between_takes_the_canonical_label_of_the_interval(
    start: date, end: date, label: str
) -> None:
    assert Period.between(start, end).label == label


def test_str_is_the_label() -> None:
    assert str(Period.quarter(2025, 3)) == "Q3/2025"


@pytest.mark.parametrize(
    "build",
    [
        lambda: Period.half(2025, 3),
        lambda: Period.quarter(2025, 5),
        lambda: Period.quarter(2025, 0),
        lambda: Period.month(2025, 13),
        lambda: Period.year(0),
        lambda: Period.year(10000),
    ],
)
def test_constructors_refuse_periods_that_do_not_exist(build: object) -> None:
    with pytest.raises(ModelError):
        build()  # type: ignore[operator]


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ModelError):
        Period.between(D(2025, 3, 1), D(2025, 2, 28))


def test_a_period_needs_dates() -> None:
    with pytest.raises(TypeError):
        Period(start="2025-01-01", end="2025-01-31")  # type: ignore[arg-type]


def test_datetimes_are_kept_as_their_day() -> None:
    period = Period.between(datetime(2025, 1, 1, 8, 30), datetime(2025, 1, 31, 17))
    assert period == Period.month(2025, 1)
    assert type(period.start) is date


def test_label_cannot_be_given() -> None:
    with pytest.raises(TypeError):
        Period(start=D(2025, 1, 1), end=D(2025, 1, 31), label="Jan")  # type: ignore[call-arg]


# -- equality, ordering, queries -----------------------------------------------------------


def test_periods_with_the_same_days_are_equal_however_written() -> None:
    assert Period.parse("Quý III/2025") == Period.parse("2025-07-01/2025-09-30")
    assert hash(Period.parse("T7/2025")) == hash(Period.between(D(2025, 7, 1), D(2025, 7, 31)))


def test_periods_sort_by_end_then_start() -> None:
    year, q4, dec, h1 = (
        Period.year(2025),
        Period.quarter(2025, 4),
        Period.month(2025, 12),
        Period.half(2025, 1),
    )
    assert sorted([dec, q4, year, h1]) == [h1, year, q4, dec]


def test_key_is_end_then_start() -> None:
    assert Period.quarter(2025, 3).key == (D(2025, 9, 30), D(2025, 7, 1))


def test_ordering_with_other_types_is_refused() -> None:
    with pytest.raises(TypeError):
        _ = Period.year(2025) < D(2025, 1, 1)


def test_days_counts_both_ends() -> None:
    assert Period.year(2024).days == 366
    assert Period.day(D(2025, 1, 1)).days == 1


def test_contains_includes_both_ends() -> None:
    q3 = Period.quarter(2025, 3)
    assert q3.contains(D(2025, 7, 1)) and q3.contains(D(2025, 9, 30))
    assert not q3.contains(D(2025, 6, 30)) and not q3.contains(D(2025, 10, 1))


def test_contains_accepts_a_datetime() -> None:
    assert Period.day(D(2025, 7, 1)).contains(datetime(2025, 7, 1, 23, 59))


def test_covers_means_every_day_inside() -> None:
    assert Period.year(2025).covers(Period.quarter(2025, 3))
    assert not Period.quarter(2025, 3).covers(Period.year(2025))
    assert Period.year(2025).covers(Period.year(2025))


def test_periods_touching_on_one_day_overlap() -> None:
    a = Period.between(D(2025, 1, 1), D(2025, 6, 30))
    b = Period.between(D(2025, 6, 30), D(2025, 12, 31))
    assert a.overlaps(b)
    assert a.intersection(b) == Period.day(D(2025, 6, 30))


def test_adjacent_periods_do_not_overlap() -> None:
    assert not Period.half(2025, 1).overlaps(Period.half(2025, 2))
    assert Period.half(2025, 1).intersection(Period.half(2025, 2)) is None


def test_intersection_is_the_shared_days() -> None:
    assert Period.half(2025, 1).intersection(Period.parse("Q2/2025 – Q3/2025")) == Period.quarter(
        2025, 2
    )


# -- window_for ----------------------------------------------------------------------------


def test_window_for_runs_from_new_year_to_the_as_of_date() -> None:
    assert window_for(D(2025, 9, 30)) == Period.parse("9 tháng năm 2025")


def test_window_for_starts_at_a_given_start() -> None:
    assert window_for(D(2025, 12, 31), start=D(2025, 7, 1)) == Period.half(2025, 2)


def test_window_for_on_new_years_day_is_that_day() -> None:
    assert window_for(D(2025, 1, 1)) == Period.day(D(2025, 1, 1))


def test_window_for_refuses_a_start_after_the_as_of_date() -> None:
    with pytest.raises(ModelError):
        window_for(D(2025, 6, 30), start=D(2025, 7, 1))


# -- fractional_years ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "years"),
    [
        (D(2025, 1, 1), D(2025, 1, 1), Fraction(0)),
        (D(2025, 1, 1), D(2026, 1, 1), Fraction(1)),
        (D(2024, 7, 1), D(2025, 7, 1), Fraction(1)),
        (D(2024, 2, 29), D(2025, 2, 28), Fraction(1)),
        (D(2025, 1, 1), D(2025, 7, 2), Fraction(182, 365)),
        (D(2024, 1, 1), D(2024, 7, 1), Fraction(182, 366)),
        (D(2024, 12, 1), D(2025, 1, 31), Fraction(31, 366) + Fraction(30, 365)),
        (D(2020, 3, 15), D(2025, 3, 16), Fraction(5) + Fraction(1, 365)),
        (D(2026, 1, 1), D(2025, 1, 1), Fraction(-1)),
    ],
)
def test_fractional_years_examples(a: date, b: date, years: Fraction) -> None:
    assert fractional_years(a, b) == years


def test_fractional_years_is_exact() -> None:
    assert isinstance(fractional_years(D(2025, 1, 1), D(2025, 2, 1)), Fraction)


# -- properties ----------------------------------------------------------------------------


@given(years, st.integers(1, 12))
def test_month_label_round_trips_through_parse(y: int, m: int) -> None:
    period = Period.month(y, m)
    assert Period.parse(str(period)) == period


@given(periods)
def test_every_label_round_trips_through_parse(period: Period) -> None:
    parsed = Period.parse(str(period))
    assert parsed == period
    assert parsed.label == period.label


@given(intervals())
def test_label_depends_only_on_the_days(period: Period) -> None:
    assert Period.between(period.start, period.end).label == period.label


@given(
    years,
    st.integers(1, 4),
    st.sampled_from(["{q}/{y}", "quý {r} năm {y}", "{y}-{q}"]),
    st.booleans(),
    st.booleans(),
)
def test_quarter_parses_whatever_the_case_and_normal_form(
    y: int, q: int, template: str, upper: bool, decompose: bool
) -> None:
    roman = ["I", "II", "III", "IV"][q - 1]
    text = template.format(q=f"Q{q}", r=roman, y=y)
    text = text.upper() if upper else text
    text = unicodedata.normalize("NFD" if decompose else "NFC", text)
    assert Period.parse(text) == Period.quarter(y, q)


@given(periods, periods)
def test_covers_implies_overlaps(a: Period, b: Period) -> None:
    if a.covers(b):
        assert a.overlaps(b)


@given(periods, periods)
def test_overlap_is_symmetric(a: Period, b: Period) -> None:
    assert a.overlaps(b) == b.overlaps(a)


@given(periods, periods)
def test_intersection_is_covered_by_both(a: Period, b: Period) -> None:
    shared = a.intersection(b)
    assert (shared is None) == (not a.overlaps(b))
    if shared is not None:
        assert a.covers(shared) and b.covers(shared)
        assert shared.days <= min(a.days, b.days)


@given(periods, periods)
def test_covering_each_other_means_equal(a: Period, b: Period) -> None:
    assert (a.covers(b) and b.covers(a)) == (a == b)


@given(periods, periods)
def test_order_agrees_with_the_key_and_equality(a: Period, b: Period) -> None:
    assert (a < b) == (a.key < b.key)
    assert (a <= b) == (a < b or a == b)
    assert (a == b) == (hash(a) == hash(b) and a.key == b.key)


@given(periods)
def test_a_period_contains_its_ends_and_not_the_days_around(period: Period) -> None:
    assert period.contains(period.start) and period.contains(period.end)
    assert not period.contains(period.start - timedelta(days=1))
    assert not period.contains(period.end + timedelta(days=1))


@given(days_, st.integers(0, 400))
def test_window_for_ends_on_the_as_of_date_and_covers_it(as_of: date, back: int) -> None:
    start = max(date(as_of.year, 1, 1), as_of - timedelta(days=back))
    window = window_for(as_of, start=start)
    assert window.end == as_of and window.start == start
    assert window_for(as_of).covers(window)


def _not_leap_day(d: date) -> bool:
    return (d.month, d.day) != (2, 29)


@given(days_, st.integers(0, 50))
def test_fractional_years_of_whole_calendar_years_is_whole(a: date, k: int) -> None:
    assume(a.year + k <= 9999)
    assert fractional_years(a, a + relativedelta(years=k)) == k


@given(days_.filter(_not_leap_day), st.integers(0, 30), st.integers(0, 30))
def test_fractional_years_is_additive_over_whole_year_steps(a: date, j: int, k: int) -> None:
    assume(a.year + j + k <= 9999)
    b = a + relativedelta(years=j)
    c = b + relativedelta(years=k)
    assert fractional_years(a, b) + fractional_years(b, c) == fractional_years(a, c)


@given(days_, st.integers(0, 365), st.integers(0, 365))
def test_fractional_years_is_additive_within_a_year(a: date, x: int, y: int) -> None:
    b, c = a + timedelta(days=min(x, y)), a + timedelta(days=max(x, y))
    assume(c < a + relativedelta(years=1))
    assert fractional_years(a, b) + fractional_years(b, c) == fractional_years(a, c)


@given(days_, days_)
def test_fractional_years_is_antisymmetric(a: date, b: date) -> None:
    assert fractional_years(a, b) == -fractional_years(b, a)


@given(days_, days_)
def test_fractional_years_has_the_sign_of_the_interval(a: date, b: date) -> None:
    years = fractional_years(a, b)
    assert (years > 0) == (b > a) and (years == 0) == (b == a)


@given(days_, days_, st.integers(1, 800))
def test_fractional_years_grows_with_the_end_date(a: date, b: date, later: int) -> None:
    # From a fixed start: backwards (``b`` before ``a``) the whole years are counted from the
    # earlier date, where 28 and 29 February share an anniversary (the next test).
    assume(a <= b)
    c = b + timedelta(days=later)
    assert fractional_years(a, b) < fractional_years(a, c)


def test_fractional_years_from_28_and_29_february_to_their_shared_anniversary() -> None:
    # 29 February 2024 plus one year is 28 February 2025, as 28 February 2024 plus one is.
    assert fractional_years(D(2024, 2, 28), D(2025, 2, 28)) == 1
    assert fractional_years(D(2024, 2, 29), D(2025, 2, 28)) == 1
    assert fractional_years(D(2025, 2, 28), D(2024, 2, 29)) == -1


@given(days_, days_)
def test_fractional_years_is_within_a_day_of_days_over_365(a: date, b: date) -> None:
    # Whole years are calendar years, so the measure stays close to the naive day count.
    assume(a <= b)
    naive = Fraction((b - a).days, 365)
    assert abs(fractional_years(a, b) - naive) <= Fraction((b.year - a.year) // 4 + 2, 365)
