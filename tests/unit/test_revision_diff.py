"""compute/revision_diff.py: changed annex values and totals, changed submissions, moved ranks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from unit_inputs import NANJING, UNITS, WUXI, XUANWU, annex, archive, cell, city, report, submission

from reportgen.compute.annex_totals import compute_annex_totals
from reportgen.compute.ranking import Entry, rank
from reportgen.compute.revision_diff import Change, RankMove, annex_changes, rank_moves, submission_changes
from reportgen.model import AnnexRow, Column, Plan, TotalRule

D = Decimal
A = Column("a", "燃煤\n锅炉", "integer")
B = Column("b", "工业窑炉", "decimal")
TOTAL = Column("total", "合计", "integer", derived="row_sum")
SUZHOU = city("苏州市", 4, "320500")


def plan(*tables) -> Plan:
    # notice and work plan are not read by the diff
    return Plan(Path("."), 2021, None, None, UNITS, (), {t.number: t for t in tables})


def annex5(nanjing_a="3", more=()):
    t = annex(5, (A, B, TOTAL), [(NANJING, {"a": nanjing_a, "b": "1.5"}), (WUXI, {"a": "4", "b": "2.25"}),
                                 *more], TotalRule("全  省", "sum", {}))
    compute_annex_totals(t)
    return t


def test_an_edited_value_with_the_row_sum_and_totals_it_moves():
    changes = annex_changes(plan(annex5("3")), plan(annex5("5")))
    assert changes == [
        Change("附件5", "南京市", "燃煤锅炉", "3", "5", "value"),
        Change("附件5", "南京市", "合计", "4.5", "6.5", "derived"),
        Change("附件5", "全省", "燃煤锅炉", "7", "9", "total"),
        Change("附件5", "全省", "合计", "10.75", "12.75", "total"),
    ]


def test_same_plan_has_no_changes():
    assert annex_changes(plan(annex5()), plan(annex5())) == []


def test_added_row_and_added_annex():
    old = plan(annex5())
    extra = annex(7, (A,), [(NANJING, {"a": "1"})])
    new = plan(annex5(more=[(SUZHOU, {"a": "0", "b": "0.5"})]), extra)
    changes = annex_changes(old, new)
    assert Change("附件5", "苏州市", "燃煤锅炉", "", "0") in changes
    assert Change("附件5", "苏州市", "合计", "", "0.5", "derived") in changes
    assert Change("附件5", "全省", "工业窑炉", "3.75", "4.25", "total") in changes
    assert changes[-1] == Change("附件7", "", "整个附件", "", "有")


def test_rows_without_a_unit_are_keyed_by_parent_and_position():
    def listed(second):
        t = annex(4, (Column("enterprise", "企业名称", "text"),), [])
        t.rows = [AnnexRow(None, NANJING, {"enterprise": cell("甲公司")}, 2),
                  AnnexRow(None, NANJING, {"enterprise": cell(second)}, 3)]
        return t
    changes = annex_changes(plan(listed("乙公司")), plan(listed("丙公司")))
    assert changes == [Change("附件4", "南京市第2行", "企业名称", "乙公司", "丙公司")]


def test_submission_changes_revision_values_remarks_and_a_new_city():
    old = archive(submission(NANJING, "2021-05", [report(NANJING, pm25="30.0", good_days=20),
                                                  report(XUANWU, pm25="25.0")]))
    new = archive(submission(NANJING, "2021-05", [report(NANJING, pm25="31.0", good_days=20),
                                                  report(XUANWU, "补报", pm25="25.0")], revision=2),
                  submission(WUXI, "2021-05", [report(WUXI, pm25="28.5")]))
    where = "2021-05报送"
    assert submission_changes(old, new, plan()) == [
        Change(where, "南京市", "现行版本", "第1版", "第2版", "revision"),
        Change(where, "南京市", "PM2.5浓度", "30.0", "31.0"),
        Change(where, "玄武区", "备注", "", "补报"),
        Change(where, "无锡市", "现行版本", "未报送", "第1版", "revision"),
        Change(where, "无锡市", "PM2.5浓度", "", "28.5"),
    ]
    assert submission_changes(new, new, plan()) == []


def test_rank_moves_in_fixed_order_and_a_unit_dropping_out():
    units = (NANJING, XUANWU, WUXI)
    old = rank([Entry(u, D(v)) for u, v in zip(units, ("30", "35", "40"))], "lower")
    new = rank([Entry(NANJING, D("36")), Entry(XUANWU, D("35")), Entry(WUXI, None, "未报送")], "lower")
    assert rank_moves("2021-05 单月", "PM2.5", old, new) == [
        RankMove("2021-05 单月", "PM2.5", "南京市", "1", "2"),
        RankMove("2021-05 单月", "PM2.5", "玄武区", "2", "1"),
        RankMove("2021-05 单月", "PM2.5", "无锡市", "3", ""),
    ]
    worst = rank([Entry(NANJING, D("36")), Entry(XUANWU, D("35")), Entry(WUXI, None)], "lower", missing="worst")
    assert rank_moves("m", "r", new, worst) == []     # placed last without a value is still "not ranked"
