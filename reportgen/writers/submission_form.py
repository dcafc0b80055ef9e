"""The blank monthly form a city fills in (XLSX): its units pre-filled and locked, data validation on
every value cell, and an instructions sheet. Columns come from submission_fields, so what the form
asks for is exactly what the importer (load/submissions.py) reads.

Layout of the sheet “报送数据”: row 1 the title (merged), row 2 a one-line hint (merged), row 3 the
header row, rows 4… the city and then its counties in the fixed order of units.csv. Column A is
单位名称, then AIR_FIELDS, then one “completed” column per category of the projects annex (the annex
with `role: projects`; city row only, the county rows' cells are grey and locked), then 备注.

Deterministic: the same plan, month and city (and values) give byte-identical files; the workbook's
created/modified date is the first day of the month after `month`, 00:00.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import unicodedata
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..submission_fields import AIR_FIELDS, UNIT_HEADER, SubmissionField, progress_fields
from .package_zip import normalize_package
from .xlsx import text_stays_text

DATA_SHEET = "报送数据"
HELP_SHEET = "填报说明"
TITLE_ROW, HINT_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4
UNIT_COLUMN = 1
REMARK_HEADER = "备注"
REMARK_EXAMPLE = "设备故障，本月无有效数据"
SAMPLE_MARK = "【示例数据】"   # title prefix of a form made from a sample data set (load/sample_marker.py)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GREY = PatternFill("solid", fgColor="BFBFBF")          # cells not to be filled (county progress)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")   # title, header and unit names (locked)
WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")


def form_header(f: SubmissionField) -> str:
    """Header with its unit, e.g. “PM2.5浓度（微克/立方米）”, “优良天数（天）”; normalize_header strips the
    unit again, so the importer matches it."""
    return f"{f.header}（{f.unit}）" if f.unit else f.header


def form_fields(plan) -> list[SubmissionField]:
    """The value columns of the form, in order (between 单位名称 and 备注)."""
    return list(AIR_FIELDS) + list(progress_fields(plan.annex_for_role("projects")))


def form_created(month: str) -> dt.datetime:
    """The form's fixed document date: the first day of the following month, 00:00."""
    year, mon = (int(x) for x in month.split("-"))
    return dt.datetime(year + mon // 12, mon % 12 + 1, 1)


def field_high(f: SubmissionField, days: int) -> Decimal:
    """Upper bound of a field in a month of `days` days (day counts cannot exceed the month)."""
    return min(f.high, Decimal(days)) if f.key in ("good_days", "valid_days") else f.high


def _number_text(value) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _display_width(text: str) -> int:
    """Width in Excel's character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _column_width(f: SubmissionField) -> float:
    return 16 if f.key in ("co", "o3") else 13


def _requirement(f: SubmissionField, days: int) -> str:
    low, high = _number_text(f.low), _number_text(field_high(f, days))
    if f.key == "good_days":
        return f"整数，{low}～{high}，且不大于同一行的有效监测天数"
    if f.kind == "integer":
        return f"整数，{low}～{high}" if not f.key.startswith("progress.") else "整数，不小于0"
    if f.kind == "rate":
        return f"数值，{low}～{high}（百分数），保留{f.decimals}位小数"
    return f"数值，{low}～{high}，保留{f.decimals}位小数"


def _validation(f: SubmissionField, days: int, col_of: dict[str, str]) -> DataValidation:
    low, high = _number_text(f.low), _number_text(field_high(f, days))
    if f.key == "good_days":
        # relative references: Excel shifts them for every row of the range
        me, valid = f"{col_of['good_days']}{FIRST_DATA_ROW}", f"{col_of['valid_days']}{FIRST_DATA_ROW}"
        dv = DataValidation(type="custom", allow_blank=True,
                            formula1=f"AND(ISNUMBER({me}),INT({me})={me},{me}>={low},{me}<={high},"
                                     f"OR(ISBLANK({valid}),{me}<={valid}))")
        message = f"优良天数应为{low}～{high}之间的整数，且不大于同一行的有效监测天数。"
    elif f.key.startswith("progress."):
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=low, allow_blank=True)
        message = f"{f.header}应为不小于0的整数（{f.unit}），填本市累计已完成数。"
    elif f.kind == "integer":
        dv = DataValidation(type="whole", operator="between", formula1=low, formula2=high, allow_blank=True)
        message = f"{f.header}应为{low}～{high}之间的整数（{f.unit}）。"
    elif f.kind == "rate":
        dv = DataValidation(type="decimal", operator="between", formula1=low, formula2=high, allow_blank=True)
        message = f"{f.header}应为{low}～{high}之间的数值，可填83.1%、83.1或0.831。"
    else:
        dv = DataValidation(type="decimal", operator="between", formula1=low, formula2=high, allow_blank=True)
        message = f"{f.header}应为{low}～{high}之间的数值（{f.unit}）。"
    dv.error, dv.errorTitle = message, "数值不符合要求"
    prompt = f"{_requirement(f, days)}。{f.note}" if f.note else f"{_requirement(f, days)}。"
    dv.prompt, dv.promptTitle = prompt[:255], f.header[:32]
    dv.showErrorMessage = dv.showInputMessage = True
    dv.errorStyle = "stop"
    return dv


def write_form(plan, month: str, city, target: Path, values: dict | None = None) -> None:
    """Write the form for `city` and `month` (“YYYY-MM”) to `target`. `values` ({unit name: {field key
    | "remark": value}}) fills it in: the sample-data generator uses it to write what a city sends."""
    year, mon = (int(x) for x in month.split("-"))
    days = calendar.monthrange(year, mon)[1]
    fields = form_fields(plan)
    units = [city] + plan.units.as_of(month).children(city)   # the units of that month (unit_changes.yaml)
    values = values or {}
    remark_col = 1 + len(fields) + 1
    col_of = {f.key: get_column_letter(c) for c, f in enumerate(fields, start=UNIT_COLUMN + 1)}
    last = get_column_letter(remark_col)
    last_row = FIRST_DATA_ROW + len(units) - 1

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET

    title = ws.cell(TITLE_ROW, 1, f"{SAMPLE_MARK if getattr(plan, 'sample', False) else ''}"
                                  f"{year}年{mon}月 {city.name}空气质量数据报送表（{city.name}及所辖县（市、区））")
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 28
    hint = ws.cell(HINT_ROW, 1, f"单位名称已填好并锁定，只填白色单元格；深灰色单元格不填。无有效数据时数值留空，"
                                f"并在“{REMARK_HEADER}”中说明原因。详见“{HELP_SHEET}”工作表。")
    hint.font = Font(size=10, color="C00000")
    hint.alignment = Alignment(vertical="center")
    ws.merge_cells(f"A{HINT_ROW}:{last}{HINT_ROW}")

    # header row
    widths = {1: max(10, max(_display_width(u.name) for u in units) + 2)}
    widths.update({c: _column_width(f) for c, f in enumerate(fields, start=UNIT_COLUMN + 1)})
    widths[remark_col] = 30
    headers = [UNIT_HEADER] + [form_header(f) for f in fields] + [REMARK_HEADER]
    lines = 1
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, c, text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = WRAP_CENTER
        cell.border = BORDER
        lines = max(lines, math.ceil(_display_width(text) / (widths[c] - 1)))
        ws.column_dimensions[get_column_letter(c)].width = widths[c]
    ws.row_dimensions[HEADER_ROW].height = 15 * lines + 6

    # one row per unit: the name locked, the value cells open (county progress cells grey and locked)
    for r, unit in enumerate(units, start=FIRST_DATA_ROW):
        given = values.get(unit.name, {})
        name_cell = ws.cell(r, UNIT_COLUMN, unit.name)
        name_cell.border = BORDER
        name_cell.fill = HEADER_FILL
        name_cell.protection = Protection(locked=True)
        for c, f in enumerate(fields, start=UNIT_COLUMN + 1):
            cell = ws.cell(r, c)
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="right")
            if f.key.startswith("progress.") and unit.level != "city":
                cell.fill = GREY
                cell.protection = Protection(locked=True)
                continue
            cell.protection = Protection(locked=False)
            if given.get(f.key) is not None:
                value = given[f.key]
                cell.value = int(value) if f.kind == "integer" else float(value)
            if f.kind == "integer":
                cell.number_format = "0"
            elif f.kind == "decimal" and f.decimals:
                cell.number_format = "0." + "0" * f.decimals
            # the rate keeps the General format: a typed “83.1%” then shows as typed
        remark = ws.cell(r, remark_col, given.get("remark") or None)
        remark.border = BORDER
        remark.alignment = Alignment(wrap_text=True, vertical="center")
        remark.protection = Protection(locked=False)

    # data validation: one rule per column over its open cells
    for f in fields:
        col = col_of[f.key]
        end = FIRST_DATA_ROW if f.key.startswith("progress.") else last_row
        dv = _validation(f, days, col_of)
        dv.add(f"{col}{FIRST_DATA_ROW}:{col}{end}" if end > FIRST_DATA_ROW else f"{col}{FIRST_DATA_ROW}")
        ws.add_data_validation(dv)
    remark_dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200", allow_blank=True)
    remark_dv.error, remark_dv.errorTitle = "备注不超过200字。", "备注过长"
    remark_dv.prompt, remark_dv.promptTitle = f"说明数值缺失等情况，如“{REMARK_EXAMPLE}”。", REMARK_HEADER
    remark_dv.showErrorMessage = remark_dv.showInputMessage = True
    remark_dv.add(f"{last}{FIRST_DATA_ROW}:{last}{last_row}")
    ws.add_data_validation(remark_dv)

    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, UNIT_COLUMN + 1)   # below the header, right of the names
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.protection.sheet = True          # no password: it guards against slips, not against people
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    _write_instructions(wb.create_sheet(HELP_SHEET), month, city, units, fields, days)

    wb.active = 0
    wb.properties.creator = "reportgen"
    wb.properties.lastModifiedBy = "reportgen"
    wb.properties.title = f"{city.name}{year}年{mon}月空气质量数据报送表"
    wb.properties.created = wb.properties.modified = form_created(month)
    text_stays_text(wb)
    wb.save(target)
    normalize_package(target, form_created(month))   # openpyxl stamps the current time; fix it


def _how_to_fill(fields) -> list[str]:
    """The numbered instructions; the progress columns' one only when the form has them (the plan
    declares a projects annex)."""
    progress = any(f.key.startswith("progress.") for f in fields)
    rows = [
        f"只在“{DATA_SHEET}”工作表的白色单元格中填写。单位名称已填好并锁定，请勿增删行列、改动单位名称或列标题。",
        "工作表已保护，未设密码，只为防止误改；数值单元格不受保护，可直接填写。",
        "项目进度各列（“……（已完成）”）只由设区市在本市一行填写截至本月底的累计已完成数；县（市、区）行为深灰色，不填。",
        "每个数值单元格设有数据有效性检查：超出范围或格式不对时 Excel 会提示并拒绝输入。导入时还会再逐项检查。",
        f"PM2.5浓度必填。某单位本月确无有效数据时，该行数值留空，并在“{REMARK_HEADER}”中写明原因，"
        f"如“{REMARK_EXAMPLE}”；PM2.5浓度为空而备注未说明原因的，导入时不予接收。",
        "优良天数比率可填写为 83.1%、83.1 或 0.831（都表示83.1%）。填了优良天数和有效监测天数时可以不填；"
        "填了须与优良天数÷有效监测天数×100相符（相差不超过0.1个百分点）。",
        "优良天数不得大于同一行的有效监测天数，有效监测天数不得大于当月天数。",
    ]
    return [r for r in rows if progress or not r.startswith("项目进度")]


def _write_instructions(ws, month: str, city, units, fields, days: int) -> None:
    year, mon = (int(x) for x in month.split("-"))
    counties = units[1:]
    bold = Font(bold=True)
    rows: list[tuple[str, ...] | str] = [
        f"{city.name}{year}年{mon}月空气质量数据报送表 填报说明",
        "",
        f"报送月份：{year}年{mon}月（{month}），本月共{days}天。",
        f"报送单位：{city.name}。填写本市一行，及所辖{len(counties)}个县（市、区）各一行："
        f"{'、'.join(u.name for u in counties)}。",
        "",
        "一、怎样填写",
        *(f"{i}. {text}" for i, text in enumerate(_how_to_fill(fields), start=1)),
        "",
        "二、重新报送与更正",
        "发现已报数据有误时，改正后重新报送整张表（不要只报修改的行）。同一月份再次报送的表格保存为新的版本"
        "（第2版、第3版……），原来的版本保留不删；生成通报时使用最后收到的版本。",
        "",
        "三、各列说明",
        ("列名", "单位", "要求与范围", "说明"),
        (UNIT_HEADER, "", "已填好，不可修改", "本市及所辖县（市、区）"),
    ]
    for f in fields:
        rows.append((form_header(f), f.unit, _requirement(f, days), f.note))
    rows.append((REMARK_HEADER, "", "文字，不超过200字", f"数值缺失等情况的说明，如“{REMARK_EXAMPLE}”"))

    widths = (40, 12, 36, 56)
    span = get_column_letter(len(widths))
    table_start = None
    for r, row in enumerate(rows, start=1):
        if isinstance(row, str):
            if not row:
                continue
            cell = ws.cell(r, 1, row)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if row.startswith(("一、", "二、", "三、")):
                cell.font = bold
            ws.merge_cells(f"A{r}:{span}{r}")
            ws.row_dimensions[r].height = 15 * math.ceil(_display_width(row) / (sum(widths) - 4)) + 3
            continue
        table_start = table_start or r
        for c, text in enumerate(row, start=1):
            cell = ws.cell(r, c, text or None)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if r == table_start:
                cell.font = bold
                cell.fill = HEADER_FILL
    ws["A1"].font = Font(bold=True, size=14)
    ws.row_dimensions[1].height = 24
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
