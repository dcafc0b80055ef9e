"""Annex tables → one XLSX workbook (one sheet per annex), header groups as merged cells.

Reads the same annex view models the notice template prints, so the spreadsheet shows exactly the
published figures: every figure is stored as a number whose number format reproduces the printed text
("85%" is 0.85 shown as 0%, "11.50" is 11.5 shown as 0.00), so Excel/WPS can calculate with it and still
shows what the document prints. Text stays text (a code with a leading zero too). Each sheet prints
on A4 in the annex's orientation, fitted to the page width, with the header rows repeated on every
page; a missing value is a grey empty cell with a note saying so, and a line under the table explains
the grey cells.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# a printed figure: optional minus, no leading zero unless the integer part is 0 (a code such as "0012"
# is text), optional decimals, optional percent sign
FIGURE = re.compile(r"-?(0|[1-9]\d*)(\.(\d+))?(%?)")
MISSING_NOTE = "数值缺失：计划数据中没有给出这一项（不是0）。"
MISSING_LEGEND = "注：灰底空白格为缺失的数值（计划数据中没有给出），不是0。"
MIN_WIDTH, MAX_WIDTH = 6, 40
SAMPLE_NOTE = "【示例数据】本表由示例计划数据生成，不是正式数据"


def figure(text: str) -> tuple[object, str | None]:
    """(value to store, number format) reproducing `text` exactly; text that is not a figure stays text."""
    m = FIGURE.fullmatch(text)
    if not m:
        return text, None
    try:
        number = Decimal(text.rstrip("%"))
    except InvalidOperation:
        return text, None
    decimals = len(m.group(3) or "")
    pattern = "0" + ("." + "0" * decimals if decimals else "")
    if m.group(4):
        return float(number / 100), pattern + "%"
    return (int(number) if decimals == 0 else float(number)), pattern


def display_width(text: str) -> int:
    """Width in Excel's character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_stays_text(wb: Workbook) -> None:
    """Every text cell is stored as text. openpyxl stores a string starting with “=” as a formula and
    “#N/A” as an error value; text from data (an enterprise name, a unit, a title) must never become
    a formula that Excel runs when the file is opened. reportgen writes no formulas of its own."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e") and isinstance(cell.value, str):
                    cell.data_type = "s"


def write_workbook(sheets: list, target: Path, title: str, missing_fill: str, created: dt.datetime) -> None:
    """`sheets`: AnnexView objects (label, title, header_rows, body_rows)."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = created
    grey = PatternFill("solid", fgColor=missing_fill)
    for view in sheets:
        ws = wb.create_sheet(view.label)
        ws.cell(row=1, column=1, value=view.title).font = Font(bold=True, size=14)
        if getattr(view, "sample", False):
            ws.cell(row=2, column=1, value=SAMPLE_NOTE).font = Font(bold=True, color="C00000")
        top = 3
        occupied: set[tuple[int, int]] = set()
        widths: dict[int, int] = {}
        for r, row in enumerate(view.header_rows):
            c = 1
            for cell in row:
                while (top + r, c) in occupied:
                    c += 1
                ws.cell(row=top + r, column=c, value="\n".join(cell.lines))
                if cell.colspan == 1:   # a group header spans columns: it does not size one of them
                    widths[c] = max(widths.get(c, 0), *(display_width(line) for line in cell.lines))
                if cell.rowspan > 1 or cell.colspan > 1:
                    ws.merge_cells(start_row=top + r, start_column=c,
                                   end_row=top + r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        occupied.add((top + r + dr, c + dc))
                        target_cell = ws.cell(row=top + r + dr, column=c + dc)
                        target_cell.border = BORDER
                        target_cell.font = Font(bold=True)
                        target_cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                c += cell.colspan
        first_body = top + len(view.header_rows)
        any_missing = False
        for r, row in enumerate(view.body_rows):
            for c, cell in enumerate(row.cells, start=1):
                value, number_format = figure(cell.text) if cell.text else (None, None)
                x = ws.cell(row=first_body + r, column=c, value=value)
                x.border = BORDER
                x.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                if number_format:
                    x.number_format = number_format
                if cell.missing:
                    any_missing = True
                    x.fill = grey
                    x.comment = Comment(MISSING_NOTE, "reportgen", width=220, height=60)
                widths[c] = max(widths.get(c, 0), display_width(cell.text))
        for c, w in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, max(MIN_WIDTH, w + 2))
        last = first_body + len(view.body_rows) - 1
        if any_missing:
            ws.cell(row=last + 2, column=1, value=MISSING_LEGEND)
        ws.freeze_panes = ws.cell(row=first_body, column=2)
        _page_setup(ws, view.orientation, f"{top}:{first_body - 1}", view.label)
    text_stays_text(wb)
    wb.save(target)


def _page_setup(ws, orientation: str, title_rows: str, label: str) -> None:
    """A4 in the annex's orientation, fitted to the page width, header rows on every page, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if orientation == "landscape" else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = f"{label}　第 &P 页，共 &N 页"
