"""writers/xlsx.py: a printed figure becomes a number whose format prints the same text; other text
stays text, and text that looks like a formula is stored as text."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from reportgen.writers.xlsx import display_width, figure, text_stays_text


@pytest.mark.parametrize("text, value, number_format", [
    ("85%", 0.85, "0%"),
    ("12.5%", 0.125, "0.0%"),
    ("11.50", 11.5, "0.00"),
    ("0.5", 0.5, "0.0"),
    ("37", 37, "0"),
    ("10134", 10134, "0"),
    ("0", 0, "0"),
    ("-3.2", -3.2, "0.0"),
])
def test_figures_become_numbers_with_the_printed_format(text, value, number_format):
    stored, fmt = figure(text)
    assert fmt == number_format
    assert stored == pytest.approx(value) and type(stored) is type(value)


@pytest.mark.parametrize("text", ["0012", "00.5", "1,200", "3.1万", "约10", "12.", ".5", "85 %", "+3", "1e3",
                                  "南京市", "（待补充）"])
def test_other_text_stays_text(text):
    assert figure(text) == (text, None)


def test_display_width_counts_cjk_twice():
    assert display_width("PM2.5") == 5
    assert display_width("南京市") == 6
    assert display_width("（%）") == 5


def test_text_that_looks_like_a_formula_stays_text():
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "=HYPERLINK(\"http://example.com\")"
    ws["A2"] = "#N/A"
    ws["A3"] = 12
    assert ws["A1"].data_type == "f"          # what openpyxl would otherwise write
    text_stays_text(wb)
    assert [ws[c].data_type for c in ("A1", "A2", "A3")] == ["s", "s", "n"]
