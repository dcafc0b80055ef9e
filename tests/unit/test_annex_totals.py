"""compute/annex_totals.py: 合计 columns, 全省 rows by sum or as stated, and the problems found."""

from __future__ import annotations

from decimal import Decimal

from unit_inputs import NANJING, WUXI, annex

from reportgen.compute.annex_totals import annex_figure, compute_annex_totals, number_text
from reportgen.model import MISSING, Cell, Column, HeaderGroup, TotalRule
from reportgen.problems import Severity

D = Decimal
A = Column("a", "燃煤\n锅炉", "integer")
B = Column("b", "工业窑炉", "decimal")
TOTAL = Column("total", "合计", "integer", derived="row_sum")
NOTE = Column("note", "备注", "text")
RATE = Column("rate", "优良天数比率", "percent")


def table(rule=None, nanjing_a="3", cols=(A, B, TOTAL)):
    """Two cities; a sum rule only over numeric columns (load/annexes.py refuses it otherwise)."""
    return annex(5, (HeaderGroup("治理项目", cols[:2]), *cols[2:]),
                 [(NANJING, {"a": nanjing_a, "b": "1.5", "note": "已完成"}),
                  (WUXI, {"a": "4", "b": "2.25", "note": ""})], rule)


def test_number_text():
    assert number_text(D("12.0")) == "12"
    assert number_text(D("12.50")) == "12.50"
    assert number_text(D("1E+2")) == "100"
    assert number_text(D("0.0")) == "0"
    assert number_text(D("3.75")) == "3.75"


def test_row_sums_and_province_sums():
    t = table(TotalRule("全省", "sum", {}))
    assert compute_annex_totals(t) == []
    assert [r.cells["total"] for r in t.rows] == [Cell("4.5", D("4.5")), Cell("6.25", D("6.25"))]
    assert t.total["a"] == Cell("7", D(7))
    assert t.total["b"] == Cell("3.75", D("3.75"))
    assert t.total["total"] == Cell("10.75", D("10.75"))


def test_no_total_rule_fills_row_sums_only():
    t = table(None)
    assert compute_annex_totals(t) == []
    assert t.rows[0].cells["total"].text == "4.5" and t.total == {}


def test_a_missing_cell_makes_its_sums_missing_never_partial():
    t = table(TotalRule("全省", "sum", {}), nanjing_a="")
    compute_annex_totals(t)
    assert t.rows[0].cells["total"] == MISSING and t.rows[1].cells["total"].text == "6.25"
    assert t.total["a"] == MISSING and t.total["total"] == MISSING
    assert t.total["b"].text == "3.75"


def test_stated_total_that_disagrees_is_an_error_with_its_line():
    rule = TotalRule("全省", "sum", {"a": "8", "b": "3.75"}, "annex5.yaml", {"a": 12, "b": 13})
    t = table(rule)
    t.csv_path = None
    problems = compute_annex_totals(t)
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.row, p.field, p.severity) == ("annex5.yaml", 12, "total.stated.a", Severity.ERROR)
    assert "全省“燃煤锅炉”公布值为8，但各市相加为7，两者不符" in p.message
    assert t.total["a"].text == "7"                  # the computed sum is kept


def test_stated_total_over_a_missing_cell_is_a_gap():
    rule = TotalRule("全省", "sum", {"a": "7"}, "annex5.yaml", {"a": 12})
    problems = compute_annex_totals(table(rule, nanjing_a=""))
    assert [(p.severity, p.row) for p in problems] == [(Severity.GAP, 12)]
    assert "有城市的数值缺失，无法核对" in problems[0].message


def test_stated_rule_prints_the_published_values():
    rule = TotalRule("全省", "stated", {"a": "37", "b": " ", "rate": "85%", "note": "见说明"})
    t = table(rule, cols=(A, B, RATE, NOTE))
    assert compute_annex_totals(t) == []
    assert t.total["a"] == Cell("37", D(37))         # not the sum 7: a target, not a sum
    assert t.total["b"] == MISSING                   # blank: not decided yet
    assert t.total["rate"] == Cell("85%", D(85))
    assert t.total["note"] == Cell("见说明", None)


def test_annex_figure_reads_totals_units_and_row_count():
    t = table(TotalRule("全省", "sum", {}))
    compute_annex_totals(t)
    assert annex_figure(t, None, "total").text == "10.75"
    assert annex_figure(t, "无锡市", "b").text == "2.25"
    assert annex_figure(t, "苏州市", "b") == MISSING
    assert annex_figure(t, None, None) == Cell("2", D(2))
