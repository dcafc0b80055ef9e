"""The notice, letter, 任务分工, reminder and revision view builders on small hand-made inputs (no data
set read, nothing built), and reportgen.placement, which places what the views state."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

from unit_inputs import NANJING, WUXI, XUANWU, annex

from reportgen.compute.revision_diff import Change, RankMove
from reportgen.model import (
    Column,
    HeaderGroup,
    Imprint,
    Item,
    Notice,
    Paragraph,
    PlanItemRef,
    Responsibility,
    Section,
    Subsection,
    WorkPlan,
)
from reportgen.placement import Placement, imprint_fits, place_signature
from reportgen.profile import Profile
from reportgen.render import render_document
from reportgen.views.common import Signing, signing_block
from reportgen.views.letter_view import (
    DepartmentTask,
    QuotedItem,
    TargetRow,
    department_view,
    plan_citation,
    plan_items,
    target_rows,
)
from reportgen.views.notice_view import (
    BodyCell,
    HeaderCell,
    ImprintView,
    PlanItemView,
    annex_view,
    imprint_view,
    item_paragraphs,
    work_plan_view,
)
from reportgen.views.reminder_view import reminder_view
from reportgen.views.revision_view import revision_view

NUMBERING = {"level1": "{n}、", "level2": "（{n}）", "level3": "{n}."}
LEAD = Responsibility("（省生态环境厅牵头，省发展改革委配合）", ("省生态环境厅",), ("省发展改革委",))


def paragraph(text: str, responsibility: Responsibility | None = None) -> Paragraph:
    return Paragraph(text, responsibility)


WORKPLAN = WorkPlan(
    "江苏省2021年大气污染防治工作计划",
    ("为持续改善环境空气质量，制定本计划。",),
    (Section("二", "主要任务", (
        Subsection("一", "调整优化产业结构", (paragraph("总体要求。"),), (
            Item(1, None, "推动绿色产业发展", False, (paragraph("加快淘汰落后产能。", LEAD), paragraph("第二段。"))),
            Item(2, "2、", "严控高耗能项目", True, (paragraph("严格审批。"),)),
        )),
    )),),
)


# -- notice --------------------------------------------------------------------------------------

def test_item_paragraphs_lead_with_number_and_title():
    first, second = WORKPLAN.sections[0].subsections[0].items
    # the title ends with "。" and runs on into the first paragraph; the responsibility note follows it
    assert item_paragraphs(first) == ["1.推动绿色产业发展。加快淘汰落后产能。（省生态环境厅牵头，省发展改革委配合）",
                                      "第二段。"]
    # a published label replaces the numbering; a separate title stands on its own line
    assert item_paragraphs(second) == ["2、严控高耗能项目", "严格审批。"]


def test_work_plan_view_numbers_sections_and_subsections_by_the_profile():
    view = work_plan_view(WORKPLAN, NUMBERING)
    assert view.title == "江苏省2021年大气污染防治工作计划"
    assert view.preamble == ("为持续改善环境空气质量，制定本计划。",)
    (section,) = view.sections
    assert section.heading == "二、主要任务"
    (sub,) = section.subsections
    assert sub.heading == "（一）调整优化产业结构"
    assert sub.paragraphs == ("总体要求。",)
    assert sub.items[1] == PlanItemView(("2、严控高耗能项目", "严格审批。"))


def test_imprint_view_prints_the_date_and_keeps_no_layout():
    notice = Notice("江苏省大气污染防治联席会议办公室", dt.date(2021, 3, 5), "各设区市人民政府", "关于印发的通知",
                    ("关于印发的通知",), (), (),
                    imprint=Imprint("省委办公厅", "江苏省大气污染防治联席会议办公室", dt.date(2021, 3, 7)))
    assert imprint_view(notice) == ImprintView("省委办公厅", "江苏省大气污染防治联席会议办公室", "2021年3月7日")
    assert imprint_view(dataclasses.replace(notice, imprint=None)) is None


def test_annex_view_heads_rows_and_marks_missing_cells():
    table = annex(1, [HeaderGroup("PM2.5浓度\n（微克/立方米）", (Column("pm25_2020", "2020年", "decimal"),
                                                                 Column("pm25_target", "2021年目标", "decimal"))),
                      Column("rate", "优良天数比率", "percent")],
                  [(NANJING, {"pm25_2020": "31", "pm25_target": "30", "rate": "80.5%"}),
                   (WUXI, {"pm25_2020": "33", "pm25_target": "", "rate": "81.0%"})])
    view = annex_view(table)
    # a header group makes two header rows: the lead column and ungrouped columns span both
    assert view.header_rows[0] == [HeaderCell(["设区市"], rowspan=2),
                                   HeaderCell(["PM2.5浓度", "（微克/立方米）"], colspan=2),
                                   HeaderCell(["优良天数比率"], rowspan=2)]
    assert view.header_rows[1] == [HeaderCell(["2020年"]), HeaderCell(["2021年目标"])]
    assert [c.text for c in view.body_rows[0].cells] == ["南京市", "31", "30", "80.5%"]
    assert view.body_rows[1].cells[2] == BodyCell("", missing=True)
    assert view.has_gaps


def test_annex_view_in_two_halves_puts_the_second_half_on_the_right():
    table = annex(2, [Column("pm25", "PM2.5", "decimal")],
                  [(NANJING, {"pm25": "31"}), (XUANWU, {"pm25": "29"}), (WUXI, {"pm25": "33"})])
    view = annex_view(dataclasses.replace(table, layout={"halves": 2}))
    assert [[c.text for c in r.cells] for r in view.body_rows] == [["南京市", "31", "无锡市", "33"],
                                                                   ["玄武区", "29", "", ""]]
    assert not view.has_gaps


# -- letters and 任务分工 ----------------------------------------------------------------------------

def test_target_rows_label_each_figure_with_its_unit():
    table = annex(1, [HeaderGroup("PM2.5", (Column("pm25_target", "目标（微克/立方米）", "decimal", "微克/立方米"),)),
                      Column("rate", "优良天数比率（%）", "percent", "%"),
                      Column("dust", "降尘（吨/平方公里·月）", "decimal", "吨/平方公里·月")],
                  [(NANJING, {"pm25_target": "30", "rate": "82.0%", "dust": ""})])
    assert target_rows(table, table.rows) == [
        TargetRow("PM2.5（目标）", "30微克/立方米", False),       # the unit moves from the label to the value
        TargetRow("优良天数比率", "82.0%", False),                # a percentage carries its own sign
        TargetRow("降尘", "吨/平方公里·月", True),                # missing: the template prints （待补充）
    ]


def test_target_rows_of_a_list_annex_are_entries_without_values():
    table = dataclasses.replace(annex(4, [Column("name", "项目名称", "text")],
                                      [(NANJING, {"name": "钢铁超低排放改造"}), (NANJING, {"name": ""})]),
                                unit_column=None)
    assert target_rows(table, table.rows) == [TargetRow("钢铁超低排放改造", None, False), TargetRow("", None, True)]


def test_plan_items_quote_summarise_or_only_cite():
    plan = SimpleNamespace(workplan=WORKPLAN)
    refs = (PlanItemRef("二.（一）.1", "二", "一", 1, "quote", (1,)),
            PlanItemRef("二.（一）.2", "二", "一", 2, "summary", summary="严控“两高”项目。"),
            PlanItemRef("二.（一）", "二", "一", None, "title"))
    assert plan_items(plan, refs) == (
        # quoted without the departments' responsibility note
        QuotedItem("推动绿色产业发展", ("加快淘汰落后产能。",), "第二部分第（一）项第1条", "二.（一）.1"),
        QuotedItem("严控高耗能项目", ("严控“两高”项目。",), "第二部分第（一）项第2条", "二.（一）.2"),
        QuotedItem("调整优化产业结构", (), "第二部分第（一）项", "二.（一）"),
    )
    assert plan_citation(refs[2]) == "第二部分第（一）项"


def test_department_view_splits_lead_and_support():
    plan = SimpleNamespace(workplan=WORKPLAN, year=2021, sample=True)
    text = "加快淘汰落后产能。（省生态环境厅牵头，省发展改革委配合）"
    lead = department_view(plan, "省生态环境厅")
    assert lead.lead == (DepartmentTask("二（一）1", "调整优化产业结构 · 推动绿色产业发展", text),)
    assert lead.support == () and lead.year == 2021 and lead.sample
    support = department_view(plan, "省发展改革委")
    assert support.lead == () and [t.ref for t in support.support] == ["二（一）1"]
    assert department_view(plan, "省公安厅").lead == () == department_view(plan, "省公安厅").support


# -- reminder and revision note ------------------------------------------------------------------

def test_reminder_view_names_the_city_office_and_the_dates():
    plan = SimpleNamespace(bulletin=SimpleNamespace(recipients="各设区市大气污染防治联席会议办公室，省各有关部门",
                                                    issuer="江苏省大气污染防治联席会议办公室"))
    view = reminder_view(plan, NANJING, "2021-05", dt.date(2021, 6, 10), dt.date(2021, 6, 15), False)
    assert view.title == "关于催报2021年5月空气质量数据的通知"
    assert view.recipient == "南京市大气污染防治联席会议办公室"
    assert (view.period, view.due, view.as_of) == ("2021年5月", "2021年6月10日", "2021年6月15日")
    assert view.signing == Signing("江苏省大气污染防治联席会议办公室", "2021年6月15日", False)


def test_revision_view_lists_changes_notes_and_rank_moves():
    plan = SimpleNamespace(year=2021, sample=False, annexes={},
                           notice=SimpleNamespace(recipients="各设区市人民政府", issuer="江苏省大气污染防治联席会议办公室"))
    report = SimpleNamespace(
        plan=plan, records=[], documents={}, documents_changed=[], moved=[], sentences=[],
        changes=[Change("2021-05报送", "江宁区", "PM2.5", "30.1", "31.3"),
                 Change("2021-05报送", "南京市", "版本", "第1版", "第2版", kind="revision"),
                 Change("附件1", "镇江市", "PM2.5目标", "", "33")],
        ranks=[RankMove("2021-05 单月", "县（市、区）PM2.5浓度", "江宁区", "3", "5"),
               RankMove("2021-06 单月", "县（市、区）PM2.5浓度", "江宁区", "", "4")])
    view = revision_view(report, dt.date(2021, 6, 30), "6月10日的数据", "6月20日的数据")
    assert view.title == "关于2021年大气污染防治数据修订情况的说明"
    assert view.changes == (["2021年5月报送", "江宁区", "PM2.5", "30.1", "31.3"], ["附件1", "镇江市", "PM2.5目标", "（空）", "33"])
    assert view.revisions == ("南京市2021年5月的报送数据以第2版为准（原为第1版）。",)
    # a note dated 30 June cannot speak of the June bulletin (made after the month): its rank move is left out
    assert view.ranks == (["2021年5月 单月", "县（市、区）PM2.5浓度", "江宁区", "第3名", "第5名"],)
    assert view.issued == () and view.remade == ()
    assert view.signing == signing_block("江苏省大气污染防治联席会议办公室", dt.date(2021, 6, 30), False)
    later = revision_view(report, dt.date(2021, 7, 1), "6月10日的数据", "6月20日的数据")
    assert later.ranks[1] == ["2021年6月 单月", "县（市、区）PM2.5浓度", "江宁区", "未排名", "第4名"]


# -- placement: where the stated blocks stand, measured in the PDF fonts --------------------------

def test_signing_block_prints_a_drafts_blank_date():
    assert signing_block("某办", dt.date(2021, 6, 1), False, "2021年　　月　　日").date == "2021年　　月　　日"


def test_unsealed_signature_is_right_aligned_with_the_date_shifted_right():
    profile = Profile.load()
    rule, char = profile.data["signature"]["unsealed"], profile.char_mm()
    width = profile.type_area_pt() / 72 * 25.4
    placed = place_signature("江苏省大气污染防治联席会议办公室", "2021年3月5日", False, profile)
    # the 署名 is the longer line: it ends `right_chars` from the right edge, the date starts shifted right
    assert placed.issuer_left_mm < placed.date_left_mm
    assert abs(placed.date_left_mm - placed.issuer_left_mm - rule["date_shift_chars"] * char) < 0.02
    assert 0 < placed.issuer_left_mm < width - rule["right_chars"] * char
    assert placed.blank_lines == rule["blank_lines"]


def test_sealed_signature_is_centred_over_the_date():
    profile = Profile.load()
    long_issuer = place_signature("江苏省大气污染防治联席会议办公室", "2021年3月5日", True, profile)
    short_issuer = place_signature("省政府", "2021年3月5日", True, profile)
    # the date stands where the rule puts it whoever signs; a shorter 署名 starts further right, centred
    assert long_issuer.date_left_mm == short_issuer.date_left_mm
    assert short_issuer.issuer_left_mm > long_issuer.issuer_left_mm


def test_imprint_fits_unless_its_copy_rows_fill_the_type_area():
    profile = Profile.load()
    assert imprint_fits(["抄送：省委办公厅，省政府办公厅。"], profile)
    assert imprint_fits([], profile)
    names = "，".join(f"省第{i}厅局办公室" for i in range(1, 121))
    assert not imprint_fits([f"抄送：{names}。"], profile)


def test_templates_place_the_signing_block_with_the_placement():
    profile = Profile.load()
    plan = SimpleNamespace(bulletin=SimpleNamespace(recipients="各设区市大气污染防治联席会议办公室",
                                                    issuer="江苏省大气污染防治联席会议办公室"))
    view = reminder_view(plan, WUXI, "2021-05", dt.date(2021, 6, 10), dt.date(2021, 6, 15), True)
    html = render_document("reminder.html.j2", view, profile)
    placed = Placement(profile).signature(view.signing)
    assert f'data-left-mm="{placed.issuer_left_mm}"' in html and f'data-left-mm="{placed.date_left_mm}"' in html
    assert "无锡市大气污染防治联席会议办公室：" in html and "【示例数据】" in html
