"""Specification of plan_rules.numbers: exact numbers in, exact numbers out, floats refused."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from plan_rules.errors import PlanRulesError
from plan_rules.numbers import (
    MAX_DECIMALS,
    MAX_WHOLE_DIGITS,
    NumberParseError,
    agrees_at_precision,
    bounded,
    ceil_fraction,
    floor_fraction,
    format_number,
    format_percent,
    literal_precision,
    parse_decimal,
    parse_int,
    parse_literal,
    parse_published_rate,
    parse_rate,
    parse_threshold,
    to_fraction,
)

F = Fraction

# -- strategies --------------------------------------------------------------------------


@st.composite
def finite_decimals(draw: st.DrawFn, *, min_value: int | None = None) -> tuple[Fraction, int]:
    """A fraction with a finite decimal expansion, and the number of decimals it needs."""
    places = draw(st.integers(0, 6))
    scaled = draw(st.integers(min_value=min_value, max_value=10**12))
    value = F(scaled, 10**places)
    # The decimals actually needed once trailing zeros are gone.
    needed = places
    while needed and (value * 10 ** (needed - 1)).denominator == 1:
        needed -= 1
    return value, needed


def _ambiguous_in_english(value: Fraction) -> bool:
    """Whether the English rendering of ``value`` is one the Vietnamese rules read otherwise:
    a whole number with one comma (1,234) or three decimals after 1 to 999 (1.234)."""
    size = abs(value)
    if value.denominator == 1:
        return 1000 <= size < 1_000_000
    return 1 <= size < 1000 and (value * 1000).denominator == 1 and (value * 100).denominator != 1


# -- parse_decimal -------------------------------------------------------------------------

DECIMALS = [
    ("0", F(0)),
    ("42", F(42)),
    ("007", F(7)),
    ("87,5", F(175, 2)),
    ("87.5", F(175, 2)),
    ("12,50", F(25, 2)),
    ("0,875", F(7, 8)),
    ("0.875", F(7, 8)),
    ("1.234,5", F(2469, 2)),
    ("1,234.5", F(2469, 2)),
    ("1.234.567,89", F(123456789, 100)),
    ("1,234,567.89", F(123456789, 100)),
    ("1.234", F(1234)),
    ("1.234.567", F(1234567)),
    ("1,234", F(1234, 1000)),
    ("1,234,567", F(1234567)),
    ("1.2345", F(12345, 10000)),
    ("1234.567", F(1234567, 1000)),
    ("1 234", F(1234)),
    ("1\u00a0234", F(1234)),
    ("1\u202f234,5", F(2469, 2)),
    ("1 234 567,5", F(2469135, 2)),
    ("1 234.5", F(2469, 2)),
    ("+5", F(5)),
    ("-5", F(-5)),
    ("-1.234,5", F(-2469, 2)),
    ("\u22123,5", F(-7, 2)),
    ("  87,5  ", F(175, 2)),
    ("0,1", F(1, 10)),
    ("0.1", F(1, 10)),
]


@pytest.mark.parametrize(("text", "value"), DECIMALS, ids=[d[0] for d in DECIMALS])
def test_parse_decimal_reads_exactly(text: str, value: Fraction) -> None:
    assert parse_decimal(text) == value


def test_parse_decimal_returns_a_fraction() -> None:
    assert type(parse_decimal("87,5")) is Fraction


def test_single_comma_is_the_decimal_mark() -> None:
    # The Vietnamese convention wins: 1,234 is one point two three four.
    assert parse_decimal("1,234") == F(617, 500)


def test_dots_in_groups_of_three_separate_thousands() -> None:
    # The Vietnamese convention wins: 1.234 is one thousand two hundred thirty-four.
    assert parse_decimal("1.234") == 1234


def test_a_leading_zero_makes_a_dot_decimal() -> None:
    assert parse_decimal("0.234") == F(117, 500)


def test_declared_decimal_point_makes_commas_thousands() -> None:
    assert parse_decimal("1,234", decimal_mark=".") == 1234
    assert parse_decimal("1.234", decimal_mark=".") == F(617, 500)


def test_declared_decimal_comma_makes_dots_thousands() -> None:
    assert parse_decimal("1.234", decimal_mark=",") == 1234
    assert parse_decimal("1,234", decimal_mark=",") == F(617, 500)


def test_declared_decimal_mark_refuses_the_other_convention() -> None:
    with pytest.raises(NumberParseError):
        parse_decimal("1.234,5", decimal_mark=".")


def test_an_unknown_decimal_mark_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="decimal_mark"):
        parse_decimal("1", decimal_mark=";")  # type: ignore[arg-type]


NOT_NUMBERS = [
    "",
    "   ",
    "+",
    "-",
    "- 5",
    "1e3",
    "1E3",
    "1.5e-3",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "∞",
    "abc",
    "12a",
    ".5",
    ",5",
    "5.",
    "5,",
    "1.2.3",
    "1,2.5",
    "1.2,3",
    "0.123,5",
    "1,234,5",
    "12,34,567",
    "1 23",
    "1 234 56",
    "1 234.567,5",
    "87,5%",
    "0x10",
    "1_000",
    "１２",
    "1/2",
]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_parse_decimal_refuses(text: str) -> None:
    with pytest.raises(NumberParseError):
        parse_decimal(text)


def test_number_error_quotes_the_text_and_says_what_was_expected() -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_decimal("1e3")
    error = caught.value
    assert error.text == "1e3"
    assert error.expected.startswith("a number")
    assert "'1e3'" in str(error)
    assert "'1e3'" in error.message_vi and "cần một số" in error.message_vi


def test_number_error_is_a_plan_rules_error_and_a_value_error() -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_decimal("abc")
    assert isinstance(caught.value, PlanRulesError)
    assert isinstance(caught.value, ValueError)


def test_number_error_survives_pickling() -> None:
    error = NumberParseError("x", "a whole number")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.text, copy.expected, copy.message_vi) == ("x", "a whole number", error.message_vi)


def test_parse_decimal_refuses_what_is_not_text() -> None:
    with pytest.raises(TypeError):
        parse_decimal(1.5)  # type: ignore[arg-type]


# -- parse_int -----------------------------------------------------------------------------

INTS = [
    ("1234", 1234),
    ("1.234", 1234),
    ("1,234", 1234),
    ("1 234", 1234),
    ("1\u00a0234", 1234),
    ("1.234.567", 1234567),
    ("1,234,567", 1234567),
    ("+5", 5),
    ("-5", -5),
    ("0", 0),
    ("12,0", 12),
    ("1.234,00", 1234),
    ("1,234.0", 1234),
]


@pytest.mark.parametrize(("text", "value"), INTS, ids=[i[0] for i in INTS])
def test_parse_int_reads_whole_numbers(text: str, value: int) -> None:
    result = parse_int(text)
    assert result == value and type(result) is int


# "²" passes str.isdigit() but not int(): it once crashed the reader.
NOT_INTS = ["12,5", "1.5", "0,875", "abc", "", "1e3", "1,23", "1.23", "1.2345", "1,2345", "inf",
            "²"]


@pytest.mark.parametrize("text", NOT_INTS)
def test_parse_int_refuses(text: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_int(text)
    assert caught.value.expected == "a whole number"
    assert caught.value.text == text


def test_parse_int_with_a_declared_decimal_comma_refuses_a_comma() -> None:
    with pytest.raises(NumberParseError):
        parse_int("1,234", decimal_mark=",")


# -- parse_rate ----------------------------------------------------------------------------

RATES = [
    ("87,5%", "percent", F(7, 8)),
    ("87.5%", "percent", F(7, 8)),
    ("87.5 %", "percent", F(7, 8)),
    ("87,5\u00a0%", "percent", F(7, 8)),
    ("100%", "percent", F(1)),
    ("0%", "percent", F(0)),
    ("87.5", "percent", F(7, 8)),
    ("90", "percent", F(9, 10)),
    ("0.875", "ratio", F(7, 8)),
    ("0,875", "ratio", F(7, 8)),
    ("1", "ratio", F(1)),
    ("87,5%", "ratio", F(7, 8)),
    ("120%", "percent", F(6, 5)),
    ("33,3%", "percent", F(333, 1000)),
]


@pytest.mark.parametrize(("text", "unit", "value"), RATES, ids=[f"{r[0]}-{r[1]}" for r in RATES])
def test_parse_rate_reads_a_fraction_of_one(text: str, unit: str, value: Fraction) -> None:
    assert parse_rate(text, default_unit=unit) == value  # type: ignore[arg-type]


def test_parse_rate_does_not_cap_at_one() -> None:
    assert parse_rate("1,5", default_unit="ratio") == F(3, 2)


@pytest.mark.parametrize("text", ["-5%", "-0,1", "-87.5"])
def test_parse_rate_refuses_negative_rates(text: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_rate(text)
    assert caught.value.expected == "a rate that is not negative"


@pytest.mark.parametrize("text", ["", "%", "abc%", "87,5%%", "% 87", "1e2%", "nan%"])
def test_parse_rate_refuses(text: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_rate(text)
    assert caught.value.text == text


def test_parse_rate_refuses_an_unknown_unit() -> None:
    with pytest.raises(ValueError, match="default_unit"):
        parse_rate("5", default_unit="permille")  # type: ignore[arg-type]


# -- parse_threshold and to_fraction -------------------------------------------------------

THRESHOLDS = [
    ("90%", F(9, 10)),
    ("87,5%", F(7, 8)),
    ("100%", F(1)),
    ("130", F(130)),
    ("1/2", F(1, 2)),
    (" 2 / 3 ", F(2, 3)),
    ("-1/2", F(-1, 2)),
    ("0.9", F(9, 10)),
    ("0,9", F(9, 10)),
    ("1.000", F(1000)),
]


@pytest.mark.parametrize(("text", "value"), THRESHOLDS, ids=[t[0] for t in THRESHOLDS])
def test_parse_threshold_reads_what_plugin_authors_write(text: str, value: Fraction) -> None:
    assert parse_threshold(text) == value


def test_a_bare_threshold_is_not_a_percentage() -> None:
    assert parse_threshold("90") == 90


@pytest.mark.parametrize("text", ["", "abc", "1/0", "1/-2", "1/2%", "1/2/3", "1,5/2", "≥90%"])
def test_parse_threshold_refuses(text: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_threshold(text)
    assert caught.value.text == text


def test_to_fraction_passes_ints_and_fractions() -> None:
    assert to_fraction(130) == F(130) and type(to_fraction(130)) is Fraction
    assert to_fraction(F(7, 8)) == F(7, 8)


def test_to_fraction_reads_text_as_a_threshold() -> None:
    assert to_fraction("87,5%") == F(7, 8)


def test_to_fraction_converts_a_decimal_exactly() -> None:
    assert to_fraction(Decimal("0.875")) == F(7, 8)


def test_to_fraction_refuses_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        to_fraction(0.875)  # type: ignore[arg-type]


def test_to_fraction_refuses_bools() -> None:
    with pytest.raises(TypeError):
        to_fraction(True)


def test_to_fraction_refuses_infinite_decimals() -> None:
    with pytest.raises(NumberParseError):
        to_fraction(Decimal("Infinity"))


def test_to_fraction_refuses_other_types() -> None:
    with pytest.raises(TypeError):
        to_fraction(None)  # type: ignore[arg-type]


# -- rounding helpers and formatting -------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "floor", "ceil"),
    [(F(7, 2), 3, 4), (F(-7, 2), -4, -3), (F(3), 3, 3), (F(10**30 + 1, 10**30), 1, 2)],
)
def test_floor_and_ceil_are_exact(x: Fraction, floor: int, ceil: int) -> None:
    assert (floor_fraction(x), ceil_fraction(x)) == (floor, ceil)


@pytest.mark.parametrize(
    ("x", "lang", "digits", "text"),
    [
        (F(7, 8), "en", 1, "87.5%"),
        (F(7, 8), "vi", 1, "87,5%"),
        (F(1), "en", 1, "100%"),
        (F(9, 10), "vi", 1, "90%"),
        (F(1, 3), "en", 1, "33.3%"),
        (F(2, 3), "en", 2, "66.67%"),
        (F(8745, 10000), "en", 1, "87.5%"),
        (F(8744, 10000), "en", 1, "87.4%"),
        (F(-8745, 10000), "en", 1, "-87.5%"),
        (F(-1, 10000), "en", 1, "0%"),
        (F(7, 8), "en", 0, "88%"),
        (F(25, 2), "en", 1, "1,250%"),
        (F(25, 2), "vi", 1, "1.250%"),
        (F(7, 8), "vi-VN", 1, "87,5%"),
    ],
)
def test_format_percent(x: Fraction, lang: str, digits: int, text: str) -> None:
    assert format_percent(x, digits=digits, lang=lang) == text


@pytest.mark.parametrize(
    ("x", "lang", "digits", "text"),
    [
        (1234, "en", 2, "1,234"),
        (1234, "vi", 2, "1.234"),
        (F(2469, 2), "en", 2, "1,234.5"),
        (F(2469, 2), "vi", 2, "1.234,5"),
        (1234567, "vi", 2, "1.234.567"),
        (F(1, 3), "en", 2, "0.33"),
        (F(2, 3), "vi", 2, "0,67"),
        (F(5, 1000), "en", 2, "0.01"),
        (F(-5, 1000), "en", 2, "-0.01"),
        (F(-4, 1000), "en", 2, "0"),
        (-1234, "en", 2, "-1,234"),
        (F(1, 2), "en", 0, "1"),
        (F(999999, 1000), "en", 2, "1,000"),
        (0, "vi", 2, "0"),
    ],
)
def test_format_number(x: int | Fraction, lang: str, digits: int, text: str) -> None:
    assert format_number(x, lang=lang, digits=digits) == text


def test_formatting_refuses_floats() -> None:
    with pytest.raises(TypeError):
        format_number(0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_percent(0.5)  # type: ignore[arg-type]


def test_formatting_refuses_an_unknown_language() -> None:
    with pytest.raises(ValueError, match="lang"):
        format_number(1, lang="fr")


def test_formatting_refuses_negative_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        format_percent(F(1, 2), digits=-1)


# -- properties ----------------------------------------------------------------------------


@given(finite_decimals(min_value=-(10**12)))
def test_parse_decimal_inverts_format(pair: tuple[Fraction, int]) -> None:
    value, needed = pair
    assert parse_decimal(format_number(value, lang="vi", digits=needed)) == value
    english = format_number(value, lang="en", digits=needed)
    assert parse_decimal(english, decimal_mark=".") == value
    if not _ambiguous_in_english(value):
        assert parse_decimal(english) == value


@given(finite_decimals(min_value=-(10**12)))
def test_parse_decimal_reads_english_style_differently_only_where_documented(
    pair: tuple[Fraction, int],
) -> None:
    value, needed = pair
    english = format_number(value, lang="en", digits=needed)
    assert (parse_decimal(english) != value) == _ambiguous_in_english(value)


@given(st.integers(-(10**15), 10**15), st.sampled_from(["en", "vi"]))
def test_parse_int_inverts_format_of_whole_numbers(n: int, lang: str) -> None:
    assert parse_int(format_number(n, lang=lang)) == n


@given(st.integers(-(10**15), 10**15))
def test_parse_int_agrees_with_int_on_plain_digits(n: int) -> None:
    assert parse_int(str(n)) == n


@given(finite_decimals(min_value=0))
def test_percent_and_ratio_forms_agree(pair: tuple[Fraction, int]) -> None:
    rate, needed = pair
    percent_digits = max(needed - 2, 0)
    vi_percent = format_percent(rate, digits=percent_digits, lang="vi")
    vi_ratio = format_number(rate, digits=needed, lang="vi")
    bare_percent = vi_percent.removesuffix("%")
    assert parse_rate(vi_percent) == rate
    assert parse_rate(vi_ratio, default_unit="ratio") == rate
    assert parse_rate(bare_percent, default_unit="percent") == rate
    en_percent = format_percent(rate, digits=percent_digits, lang="en")
    en_ratio = format_number(rate, digits=needed, lang="en")
    assert parse_rate(en_percent, decimal_mark=".") == rate
    assert parse_rate(en_ratio, default_unit="ratio", decimal_mark=".") == rate


@given(finite_decimals(min_value=0))
def test_threshold_in_percent_is_the_rate(pair: tuple[Fraction, int]) -> None:
    rate, needed = pair
    text = format_percent(rate, digits=max(needed - 2, 0), lang="vi")
    assert parse_threshold(text) == parse_rate(text) == to_fraction(text)


@given(
    st.fractions(min_value=-(10**9), max_value=10**9),
    st.integers(0, 6),
    st.sampled_from(["en", "vi"]),
)
def test_format_number_rounds_to_within_half_a_unit(x: Fraction, digits: int, lang: str) -> None:
    shown = parse_decimal(
        format_number(x, lang=lang, digits=digits), decimal_mark=("." if lang == "en" else ",")
    )
    assert abs(shown - x) <= F(1, 2 * 10**digits)


@given(st.integers(-(10**9), 10**9), st.integers(0, 6))
def test_format_number_rounds_halves_away_from_zero(n: int, digits: int) -> None:
    half_way = F(2 * n + 1, 2 * 10**digits)
    shown = parse_decimal(format_number(half_way, digits=digits), decimal_mark=".")
    assert abs(shown) - abs(half_way) == F(1, 2 * 10**digits)


def _shown_percent(x: Fraction) -> Fraction:
    # Read back without parse_decimal, whose bounds no display helper has.
    return Fraction(format_percent(x, digits=2).removesuffix("%").replace(",", ""))


@given(st.fractions(), st.fractions())
def test_format_percent_is_monotone(a: Fraction, b: Fraction) -> None:
    assume(a <= b)
    assert _shown_percent(a) <= _shown_percent(b)


@given(st.fractions())
def test_floor_and_ceil_bracket_the_value(x: Fraction) -> None:
    assert floor_fraction(x) <= x <= ceil_fraction(x)
    assert ceil_fraction(x) - floor_fraction(x) == (0 if x.denominator == 1 else 1)


@pytest.mark.parametrize("parse", [parse_int, parse_decimal, parse_rate])
@pytest.mark.parametrize("text", ["1" * 5000, "1." + "0" * 5000, "9" * 201])
def test_number_texts_too_long_to_convert_are_refused_not_crashed(
        parse: Callable[[str], object], text: str) -> None:
    with pytest.raises(NumberParseError):
        parse(text)


# -- the bound on every figure ---------------------------------------------------------------

BEYOND = ["1" + "0" * MAX_WHOLE_DIGITS, "-1" + "0" * MAX_WHOLE_DIGITS,
          "1.000.000.000.000.000.000", "1 000 000 000 000 000 000", "9" * 150]


@pytest.mark.parametrize("parse", [parse_int, parse_decimal, parse_rate])
@pytest.mark.parametrize("text", BEYOND)
def test_number_texts_beyond_the_figure_bound_are_refused(
        parse: Callable[[str], object], text: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse(text)
    assert f"{MAX_WHOLE_DIGITS} digits" in caught.value.expected
    assert f"{MAX_WHOLE_DIGITS} chữ số" in caught.value.expected_vi


@pytest.mark.parametrize("parse", [parse_int, parse_decimal])
def test_eighteen_digits_are_still_a_figure(parse: Callable[[str], object]) -> None:
    assert parse("9" * MAX_WHOLE_DIGITS) == 10**MAX_WHOLE_DIGITS - 1
    assert parse("999.999.999.999.999.999") == 10**MAX_WHOLE_DIGITS - 1


def test_decimals_beyond_the_bound_are_refused_and_trailing_zeros_do_not_count() -> None:
    assert parse_decimal("0," + "0" * (MAX_DECIMALS - 1) + "1") == F(1, 10**MAX_DECIMALS)
    with pytest.raises(NumberParseError, match=f"{MAX_DECIMALS} after"):
        parse_decimal("0," + "0" * MAX_DECIMALS + "1")
    assert parse_decimal("1," + "0" * (MAX_DECIMALS + 10)) == 1
    assert parse_int("00000000000000000000000007") == 7


LITERALS = [("0", F(0)), ("-12", F(-12)), ("87.5", F(175, 2)), ("1.5e3", F(1500)),
            ("2E-4", F(1, 5000)), ("13E+1", F(130)), ("-0.0", F(0)),
            ("9.99e17", F(999 * 10**15)), ("1" + "0" * 150 + "e-150", F(1)),
            ("0e99999999", F(0)), ("1e-30", F(1, 10**30))]


@pytest.mark.parametrize(("text", "value"), LITERALS)
def test_parse_literal_reads_numbers_as_files_store_them(text: str, value: Fraction) -> None:
    assert parse_literal(text) == value


@pytest.mark.parametrize("text", ["1e18", "-1e18", "1e99999999", "1e-99999999", "1e-31",
                                  "1e" + "9" * 5000, "0." + "0" * 4999 + "1",
                                  "1" * 5000, "1" * 19, "1" + "0" * 300 + "e-300"])
def test_parse_literal_refuses_numbers_beyond_any_figure_before_building_them(
        text: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_literal(text)
    assert len(caught.value.text) <= 41


@pytest.mark.parametrize("text", ["", "-", ".5", "5.", "1e", "1,5", "nan", "Infinity",
                                  "0x10", "1_000", " 1"])
def test_parse_literal_refuses_what_is_not_a_plain_literal(text: str) -> None:
    with pytest.raises(NumberParseError):
        parse_literal(text)


@given(finite_decimals(min_value=-(10**12)))
def test_parse_literal_reads_what_decimal_writes(pair: tuple[Fraction, int]) -> None:
    value, _ = pair
    text = str(Decimal(value.numerator) / Decimal(value.denominator))
    assert parse_literal(text) == value
    assert parse_literal(f"{Decimal(text):e}") == value


@pytest.mark.parametrize("value", [F(10**MAX_WHOLE_DIGITS), F(-(10**MAX_WHOLE_DIGITS)),
                                   F(1, 10**(MAX_DECIMALS + 1)), F(1, 3), F(10**400)])
def test_bounded_refuses_a_value_beyond_any_figure(value: Fraction) -> None:
    with pytest.raises(NumberParseError):
        bounded(value, "x")


@pytest.mark.parametrize("value", [F(0), F(10**MAX_WHOLE_DIGITS - 1), F(-7, 8),
                                   F(1, 10**MAX_DECIMALS), F(1, 2**MAX_DECIMALS)])
def test_bounded_passes_every_figure_through(value: Fraction) -> None:
    assert bounded(value, "x") is value


@pytest.mark.parametrize(("text", "unit", "precision"), [
    ("95,9%", "percent", Fraction(1, 1000)),
    ("95.90%", "percent", Fraction(1, 10000)),
    ("96%", "percent", Fraction(1, 100)),
    ("96", "percent", Fraction(1, 100)),
    ("0,959", "ratio", Fraction(1, 1000)),
])
def test_a_published_rate_keeps_the_precision_it_is_written_to(
        text: str, unit: Literal["percent", "ratio"], precision: Fraction) -> None:
    assert parse_published_rate(text, default_unit=unit).precision == precision


@pytest.mark.parametrize(("text", "precision"), [
    ("95.9", Fraction(1, 10)), ("0.959", Fraction(1, 1000)), ("96", Fraction(1)),
    ("9.6e1", Fraction(1)), ("1E+2", Fraction(100)), ("2E-4", Fraction(1, 10000)),
])
def test_a_stored_number_is_precise_to_its_last_digit(text: str, precision: Fraction) -> None:
    assert literal_precision(text) == precision


def test_agreement_at_a_precision_rounds_half_away_from_zero() -> None:
    # 1/8 is 12.5%: to whole percents it is 13%, not 12%.
    assert agrees_at_precision(Fraction(13, 100), Fraction(1, 100), Fraction(1, 8))
    assert not agrees_at_precision(Fraction(12, 100), Fraction(1, 100), Fraction(1, 8))
