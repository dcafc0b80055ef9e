"""views/bulletin_view.py section builders and compute/projects.py on small hand-made inputs: named
row fields printed in order, target checks, county lists, the composite table's grey rows, project
progress and its table."""

from __future__ import annotations

from decimal import Decimal

from jinja2 import FileSystemLoader
from jinja2.sandbox import ImmutableSandboxedEnvironment
from unit_inputs import NANJING, WUXI, annex, archive, city, county, report, submission

from reportgen.compute.air_quality import Figures
from reportgen.compute.projects import project_progress
from reportgen.compute.ranking import Entry, rank
from reportgen.model import Column
from reportgen.resources import TEMPLATES_DIR
from reportgen.views.bulletin_view import (
    CityRow,
    CompositeRow,
    Formats,
    city_row,
    composite_row,
    county_list,
    county_target_check,
    project_table,
    target_check,
)

D = Decimal
FMT = Formats("half_even")


def figures(pm25=None, good_rate=None, **kw) -> Figures:
    return Figures(D(pm25) if pm25 else None, D(good_rate) if good_rate else None, None, {}, **kw)


def test_city_row_fields_are_named_and_iterate_in_printed_order():
    ranking = rank([Entry(NANJING, D("30.6")), Entry(WUXI, D("28.0"))], "lower")
    row = city_row(NANJING, "pm25", figures("32.4"), figures("36"), figures("30.6"), figures("34"),
                   ranking.rank_of(NANJING), True, D("31"), FMT)
    # 32.4 against 36: -10.0 %; 30.6 (printed 31) against 34: -10.0 %; 2nd of 2; 31 ≤ 31: 达标
    assert row == CityRow(city="南京", month="32", month_change="-10.0", cumulative="31", cumulative_change="-10.0",
                          rank="2", target="31", progress="达标")
    assert list(row) == ["南京", "32", "-10.0", "31", "-10.0", "2", "31", "达标"]


def test_city_row_without_ranking_target_or_data_is_grey():
    row = city_row(WUXI, "good_rate", figures(), figures(), figures(good_rate="80.26"), figures(good_rate="79"),
                   None, False, None, FMT)
    assert list(row) == ["无锡", "", "", "80.3", "+1.3", "", "", ""]


def test_target_check_sorts_the_rows_by_their_progress():
    rows = [CityRow(n, "", "", "", "", "", "", p) for n, p in (("甲", "达标"), ("乙", "未达标"), ("丙", ""),
                                                              ("丁", "达标"))]
    check = target_check(rows)
    assert (check.met, check.missed, check.unjudged) == (("甲", "丁"), ("乙",), 1)


def test_composite_row_without_all_six_pollutants_is_grey():
    row = composite_row(NANJING, figures("30"), FMT, 2)
    assert isinstance(row, CompositeRow)
    assert list(row) == ["南京"] + [""] * 8


COUNTIES = [county(f"{n}区", "南京市", i) for i, n in enumerate("甲乙丙丁戊", start=1)]


def test_county_list_top_and_bottom_when_the_lists_do_not_overlap():
    r = rank([Entry(u, D(v)) for u, v in zip(COUNTIES, ("30", "31", "32", "33", "34"))], "lower")
    lst = county_list("2021年5月", r, "pm25", 2)
    assert lst.lines == ("2021年5月，5个县（市、区）中，PM2.5浓度相对较好的前2位（1—2名）依次是：甲、乙。",
                         "PM2.5浓度相对较差的后2位（倒1—2名）依次是：戊、丁。")
    assert lst.note.startswith("PM2.5为逆指标") and lst.not_ranked == ""


def test_county_list_one_order_when_few_and_no_note_when_none_ranked():
    r = rank([Entry(u, D(v)) for u, v in zip(COUNTIES[:3], ("80", "90", "85"))] + [Entry(COUNTIES[3], None, "未报送")],
             "higher")
    lst = county_list("2021年5月", r, "good_rate", 2)
    assert lst.lines == ("2021年5月，3个县（市、区）中，优良天数比率由高到低依次为：乙、丙、甲。",)
    assert lst.not_ranked == "未参与排名：丁（未报送）"
    none = county_list("2021年5月", rank([Entry(u, None, "无上年同期数据") for u in COUNTIES], "lower"),
                       "pm25_change", 2)
    assert none.lines == ("2021年5月，因无上年同期数据，不进行PM2.5浓度改善幅度排名。",)
    assert (none.note, none.not_ranked) == ("", "")


def test_county_target_check_groups_who_was_not_judged():
    check = county_target_check("PM2.5浓度", COUNTIES, ["达标", "未达标", "", "", ""],
                                [D(30), D(30), None, D(30), D(30)],
                                [figures("29"), figures("31"), figures("30"), figures(), figures(incomparable="并入")])
    assert (check.met, check.missed) == (1, ("乙",))
    assert check.unknown == "丁无有效数据；戊因区划调整无可比的累计数据；丙无年度目标"


PROJECTS = annex(6, [Column("dust", "扬尘", "integer"), Column("vocs", "VOCs", "integer"),
                     Column("total", "合计", "integer", derived="row_sum")],
                 [(NANJING, {"dust": "2", "vocs": "2", "total": "4"}), (WUXI, {"dust": "3", "vocs": "", "total": ""})])
CHANGZHOU = city("常州市", 4, "320400")


def test_project_progress_sums_only_when_every_count_is_known():
    subs = archive(submission(NANJING, "2021-05", [report(NANJING, **{"progress.dust": 1, "progress.vocs": 2})]),
                   submission(WUXI, "2021-05", [report(WUXI, **{"progress.dust": 1})]))
    progress = project_progress(PROJECTS, subs, [NANJING, WUXI], "2021-05")
    assert [(p.planned, p.done) for p in progress.cities] == [(D(4), D(3)), (None, None)]
    assert progress.cities[0].share == D(75)
    assert (progress.planned, progress.done, progress.share) == (None, None, None)
    assert progress.not_reported == (WUXI,)
    table = project_table(progress, 2, "重点工程项目表", FMT)
    assert [list(r) for r in table.rows] == [["南京", "4", "3", "75.0%"], ["无锡", "", "未报送", ""],
                                             ["全省", "", "", ""]]
    assert (table.planned, table.done, table.share, table.missing) == (None, None, None, "无锡")


def test_project_progress_province_share_when_complete():
    subs = archive(submission(NANJING, "2021-05", [report(NANJING, **{"progress.dust": 1, "progress.vocs": 1})]))
    table = project_table(project_progress(PROJECTS, subs, [NANJING], "2021-05"), 1, "表", FMT)
    assert list(table.rows[-1]) == ["全省", "4", "2", "50.0%"]
    assert (table.planned, table.done, table.share) == ("4", "2", "50.0")
    none = project_table(project_progress(PROJECTS, archive(), [NANJING], "2021-05"), 1, "表", FMT)
    assert none.missing == "各设区市均" and none.done is None


def test_text_rows_macro_prints_a_row_dataclass_cell_by_cell_in_the_sandbox():
    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATES_DIR)))
    html = env.from_string('{% import "_macros.html.j2" as m %}{{ m.text_rows(rows) }}').render(
        rows=[CityRow("南京", "32", "-10.0", "31", "-10.0", "", "31", "达标")])
    assert '<td>南京</td><td>32</td><td>-10.0</td><td>31</td><td>-10.0</td><td class="missing"></td>' in html
    assert "<td>达标</td></tr>" in html
