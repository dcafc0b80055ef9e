"""Annex tables → one XLSX workbook (one sheet per annex), header groups as merged cells.

Reads the same annex view models the notice template prints, so the spreadsheet shows exactly the
published figures (as text where the annex prints text such as "10%", as numbers otherwise).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER = re.compile(r"-?\d+(\.\d+)?")
SAMPLE_NOTE = "【示例数据】本表由示例计划数据生成，不是正式数据"


def _value(text: str):
    if NUMBER.fullmatch(text):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        return int(number) if number == number.to_integral() and "." not in text else float(number)
    return text


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
        for r, row in enumerate(view.header_rows):
            c = 1
            for cell in row:
                while (top + r, c) in occupied:
                    c += 1
                ws.cell(row=top + r, column=c, value="\n".join(cell.lines))
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
        for r, row in enumerate(view.body_rows):
            for c, cell in enumerate(row.cells, start=1):
                x = ws.cell(row=first_body + r, column=c, value=_value(cell.text) if cell.text else None)
                x.border = BORDER
                x.alignment = Alignment(horizontal="center", vertical="center")
                if cell.missing:
                    x.fill = grey
        width = max((len(view.body_rows[0].cells) if view.body_rows else 0),
                    sum(h.colspan for h in view.header_rows[0]))
        for c in range(1, width + 1):
            ws.column_dimensions[get_column_letter(c)].width = 14
        ws.freeze_panes = ws.cell(row=first_body, column=2)
    text_stays_text(wb)
    wb.save(target)
