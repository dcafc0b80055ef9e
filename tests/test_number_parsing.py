"""Property-based tests of how typed numbers are read: any accepted text maps to the number a person
would read, everything else is refused with a reason; never a guess."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reportgen.load.submissions import _field_value, decimals_of, parse_number
from reportgen.load.xlsx_cells import Cell, number_text
from reportgen.submission_fields import AIR_FIELDS

FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
PM25 = next(f for f in AIR_FIELDS if f.key == "pm25")
GOOD_DAYS = next(f for f in AIR_FIELDS if f.key == "good_days")
RATE = next(f for f in AIR_FIELDS if f.key == "good_rate")

digits = st.text(alphabet="0123456789", min_size=1, max_size=6)
padding = st.sampled_from(["", " ", "  ", "\t", "\u3000"])


@st.composite
def typed_numbers(draw):
    """(text as typed, the value a person reads): digits, an optional decimal part, optionally in
    full-width characters, with blank padding around."""
    whole = draw(digits)
    fraction = draw(st.one_of(st.none(), digits))
    sign = draw(st.sampled_from(["", "+", "-"]))
    text = sign + whole + ("" if fraction is None else "." + fraction)
    value = Decimal(whole + ("" if fraction is None else "." + fraction))
    value = -value if sign == "-" else value
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return draw(padding) + text + draw(padding), value


@given(typed_numbers())
def test_a_plain_number_is_read_as_written(case):
    text, value = case
    assert parse_number(text) == value


@given(st.text(max_size=12))
@example("35,2")
@example("1,200")
@example("35 2")
@example("nan")
@example("Infinity")
@example("1e5")
@example("٣٥")           # Arabic-Indic digits: not what the form asks for
@example("3\u200b5")     # a zero-width space inside
def test_any_text_is_a_plain_number_or_refused(text):
    result = parse_number(text)
    if isinstance(result, str):
        assert result.startswith(f"“{text}”")          # the reason quotes what was typed
        return
    assert result.is_finite()
    plain = unicodedata.normalize("NFKC", text).strip()
    assert plain and set(plain) <= set("0123456789.+-")
    assert Decimal(plain) == result


@given(digits, digits, st.sampled_from([",", "，", "﹐"]))
def test_a_comma_is_never_guessed_at(left, right, comma):
    result = parse_number(f"{left}{comma}{right}")
    assert isinstance(result, str) and "逗号" in result


@given(digits, digits, st.sampled_from([" ", "\u3000", "\t", "\u00a0"]))
def test_a_space_inside_a_number_is_refused(left, right, space):
    assert isinstance(parse_number(f"{left}{space}{right}"), str)


@given(st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False))
def test_pm25_accepts_one_decimal_and_refuses_more(value):
    text = f"{value:f}"
    result = _field_value(PM25, Cell(text), text, 31)
    if decimals_of(value) <= 1:
        assert result == value
    else:
        assert isinstance(result, str) and "位小数" in result


@given(st.decimals(min_value=0, max_value=500, places=1, allow_nan=False, allow_infinity=False))
@settings(max_examples=300)
def test_excel_stored_numbers_read_back_as_typed(value):
    """Excel stores 33.4 as 33.399999999999999 (17 significant digits): read back as 33.4."""
    stored = format(float(value), ".17g")
    text = number_text(stored)
    assert Decimal(text) == value and decimals_of(Decimal(text)) <= 1
    assert _field_value(PM25, Cell(text, "number"), text, 31) == value


@given(st.integers(min_value=0, max_value=31), st.sampled_from(["", ".0", ".00"]))
def test_day_counts_are_whole_days_within_the_month(days, tail):
    text = f"{days}{tail}"
    result = _field_value(GOOD_DAYS, Cell(text), text, 30)
    assert result == days if days <= 30 else isinstance(result, str)


@given(st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False))
def test_rates_in_three_spellings_mean_the_same(value):
    percent = f"{value:f}%"
    assert _field_value(RATE, Cell(percent), percent, 31) == value
    if value > 1:
        plain = f"{value:f}"
        assert _field_value(RATE, Cell(plain), plain, 31) == value
    fraction = number_text(repr(float(value / 100)))
    assert _field_value(RATE, Cell(fraction, "number", percent=True), fraction, 31) == value
