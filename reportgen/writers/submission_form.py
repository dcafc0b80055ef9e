"""The blank monthly form a city fills in (XLSX): its units pre-filled and locked, data validation on
every value cell, and an instructions sheet. Columns come from submission_fields, so what the form
asks for is exactly what the importer (load/submissions.py) reads.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..submission_fields import AIR_FIELDS, UNIT_HEADER, progress_fields

DATA_SHEET = "报送数据"
HELP_SHEET = "填报说明"
TITLE_ROW, HINT_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4
REMARK_HEADER = "备注"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GREY = PatternFill("solid", fgColor="D9D9D9")
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def form_header(f) -> str:
    """Header with its unit, e.g. PM2.5浓度（微克/立方米）; the importer strips the unit again."""
    return f"{f.header}（{f.unit}）" if f.unit and f.unit not in f.header else f.header


def form_created(month: str) -> dt.datetime:
    """The form's fixed document date: the first day of the following month."""
    year, mon = (int(x) for x in month.split("-"))
    return dt.datetime(year + mon // 12, mon % 12 + 1, 1)


def _number_text(value) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def write_form(plan, month: str, city, target: Path, values: dict | None = None) -> None:
    """Write the form for `city` and `month`. `values` ({unit name: {field key | "remark": value}})
    fills it in (the sample-data generator uses this to write what a city would send)."""
    year, mon = (int(x) for x in month.split("-"))
    days = calendar.monthrange(year, mon)[1]
    fields = list(AIR_FIELDS) + list(progress_fields(plan.annexes.get(6)))
    units = [city] + plan.units.children(city)
    values = values or {}

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    n_cols = 1 + len(fields) + 1
    last = get_column_letter(n_cols)
    ws.cell(TITLE_ROW, 1, f"{year}年{mon}月 {city.name}空气质量数据报送表（{city.name}及所辖县（市、区））").font = \
        Font(bold=True, size=14)
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.cell(HINT_ROW, 1, f"单位名称已填好，请勿修改；只填白色单元格。填写要求见“{HELP_SHEET}”工作表。"
                         "无有效数据时数值留空，并在“备注”中说明原因。").font = Font(size=10, color="C00000")
    ws.merge_cells(f"A{HINT_ROW}:{last}{HINT_ROW}")
    headers = [UNIT_HEADER] + [form_header(f) for f in fields] + [REMARK_HEADER]
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, c, text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = BORDER
    ws.row_dimensions[HEADER_ROW].height = 48

    for r, unit in enumerate(units, start=FIRST_DATA_ROW):
        given = values.get(unit.name, {})
        name_cell = ws.cell(r, 1, unit.name)
        name_cell.border = BORDER
        name_cell.fill = HEADER_FILL
        name_cell.protection = Protection(locked=True)
        for c, f in enumerate(fields, start=2):
            cell = ws.cell(r, c)
            cell.border = BORDER
            county_progress = f.key.startswith("progress.") and unit.level != "city"
            if county_progress:
                cell.fill = GREY
                cell.protection = Protection(locked=True)
                continue
            cell.protection = Protection(locked=False)
            if f.key in given and given[f.key] is not None:
                value = given[f.key]
                cell.value = int(value) if f.kind == "integer" else float(value)
            if f.decimals:
                cell.number_format = "0." + "0" * f.decimals
        remark = ws.cell(r, n_cols, given.get("remark") or None)
        remark.border = BORDER
        remark.protection = Protection(locked=False)
    last_row = FIRST_DATA_ROW + len(units) - 1

    # data validation, one rule per column (and one for 优良天数 ≤ 有效监测天数)
    col_of = {f.key: get_column_letter(c) for c, f in enumerate(fields, start=2)}
    for f in fields:
        col = col_of[f.key]
        rows = range(FIRST_DATA_ROW, last_row + 1)
        if f.key.startswith("progress."):
            rows = [FIRST_DATA_ROW]   # the city row; county rows are locked grey cells
        ref = " ".join(f"{col}{r}" for r in rows) if len(rows) == 1 else f"{col}{FIRST_DATA_ROW}:{col}{last_row}"
        high = min(f.high, days) if f.key in ("good_days", "valid_days") else f.high
        if f.key == "good_days":
            first = f"{col}{FIRST_DATA_ROW}"
            valid = f"{col_of['valid_days']}{FIRST_DATA_ROW}"
            dv = DataValidation(type="custom", allow_blank=True,
                                formula1=f"AND(ISNUMBER({first}),INT({first})={first},{first}>=0,"
                                         f"{first}<={days},OR(ISBLANK({valid}),{first}<={valid}))")
            message = f"优良天数应为0～{days}之间的整数，且不大于同一行的有效监测天数"
        elif f.kind == "integer":
            dv = DataValidation(type="whole", operator="between", formula1=_number_text(f.low),
                                formula2=_number_text(high), allow_blank=True)
            message = f"{f.header}应为{_number_text(f.low)}～{_number_text(high)}之间的整数（{f.unit}）"
        else:
            dv = DataValidation(type="decimal", operator="between", formula1=_number_text(f.low),
                                formula2=_number_text(high), allow_blank=True)
            message = f"{f.header}应为{_number_text(f.low)}～{_number_text(high)}之间的数值（{f.unit}）"
        dv.error, dv.errorTitle = message, "数值不符合要求"
        dv.prompt, dv.promptTitle = (f.note or message)[:250], f.header[:32]
        dv.showErrorMessage = dv.showInputMessage = True
        dv.add(ref)
        ws.add_data_validation(dv)

    ws.column_dimensions["A"].width = 14
    for c in range(2, n_cols + 1):
        ws.column_dimensions[get_column_letter(c)].width = 13
    ws.column_dimensions[last].width = 28
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 2)
    ws.protection.sheet = True          # no password: it guards against slips, not against people
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    help_ws = wb.create_sheet(HELP_SHEET)
    lines = [
        f"{city.name}{year}年{mon}月空气质量数据报送表 填报说明",
        "",
        f"报送月份：{year}年{mon}月（{month}），本月共{days}天。",
        f"报送单位：{city.name}，填写本市一行及所辖{len(units) - 1}个县（市、区）各一行：{'、'.join(u.name for u in units[1:])}。",
        "单位名称已填好并锁定，请勿增删或改动行。工作表保护未设密码，只为防止误改。",
        "",
        "各列要求：",
    ]
    for f in fields:
        high = min(f.high, days) if f.key in ("good_days", "valid_days") else f.high
        kind = "整数" if f.kind == "integer" else (f"数值，保留{f.decimals}位小数" if f.decimals else "数值")
        lines.append(f"· {form_header(f)}：{kind}，范围{_number_text(f.low)}～{_number_text(high)}{f.unit}。{f.note}")
    lines += [
        f"· {REMARK_HEADER}：文字。某项数值无有效数据时留空，并在此说明原因（如“设备故障，本月无有效数据”）。",
        "",
        "优良天数比率可以写成 83.1%、83.1 或 0.831；填了优良天数和有效监测天数时可以不填，填了须与之相符（相差不超过0.1个百分点）。",
        "PM2.5浓度必填；优良天数和有效监测天数（或优良天数比率）必填，除非在备注中说明无有效数据。",
        "",
        "报送与更正：用 reportgen submit 导入（或按本单位规定报送）。同一月份再次报送的表格保存为新版本，原版本保留；生成通报时使用最新版本。",
        "导入时会逐项检查：单位名称、所辖县（市、区）是否齐全、数值范围、优良天数不大于有效监测天数、是否为数字；有问题时列出所在行、列和原因。",
    ]
    for r, text in enumerate(lines, start=1):
        help_ws.cell(r, 1, text)
    help_ws["A1"].font = Font(bold=True, size=14)
    help_ws.column_dimensions["A"].width = 120

    wb.properties.creator = "reportgen"
    wb.properties.title = f"{city.name}{year}年{mon}月空气质量数据报送表"
    wb.properties.created = wb.properties.modified = form_created(month)
    wb.save(target)
