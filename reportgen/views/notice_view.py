"""View model of the notice: everything the notice template prints, computed and ordered.

Templates only lay this out; the wording and numbers all come from the plan data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..fonts import imprint_height_pt, text_width_mm
from ..model import AnnexTable, Column, HeaderGroup, Item, Masthead, Notice, Paragraph, Plan
from ..profile import PT_PER_MM, Profile


def chinese_date(d: dt.date) -> str:
    """成文日期 as GB/T 9704 7.3.5.4 writes it: full year, no zero padding."""
    return f"{d.year}年{d.month}月{d.day}日"


def paragraph_text(p: Paragraph) -> str:
    return p.text + (p.responsibility.note if p.responsibility else "")


def item_paragraphs(item: Item, level3: str = "{n}.") -> list[str]:
    # the label is directly followed by the text: a space would be stretched by justification
    label = item.label or level3.format(n=item.number)
    paras = [paragraph_text(p) for p in item.paragraphs]
    if item.title_separate:
        return [f"{label}{item.title}"] + paras
    first = paras[0] if paras else ""
    return [f"{label}{item.title}。{first}"] + paras[1:]


@dataclass
class HeaderCell:
    lines: list[str]
    colspan: int = 1
    rowspan: int = 1


@dataclass
class BodyCell:
    text: str
    missing: bool = False


@dataclass
class BodyRow:
    cells: list[BodyCell]
    is_total: bool = False


@dataclass
class AnnexView:
    label: str
    title: str
    orientation: str
    header_rows: list[list[HeaderCell]]
    body_rows: list[BodyRow]
    has_gaps: bool = False
    sample: bool = False          # from a sample data set: a spreadsheet of it says so (writers/xlsx.py)


def _header_rows(table: AnnexTable, lead: list[dict], header_override: dict | None = None) -> list[list[HeaderCell]]:
    override = header_override or {}
    depth = 2 if any(isinstance(h, HeaderGroup) for h in table.header) else 1
    top: list[HeaderCell] = [HeaderCell(c["header"].split("\n"), rowspan=depth) for c in lead]
    second: list[HeaderCell] = []

    def text(col: Column) -> list[str]:
        return override.get(col.key, col.header).split("\n")

    for h in table.header:
        if isinstance(h, HeaderGroup):
            top.append(HeaderCell(h.header.split("\n"), colspan=len(h.columns)))
            second.extend(HeaderCell(text(c)) for c in h.columns)
        else:
            top.append(HeaderCell(text(h), rowspan=depth))
    return [top, second] if depth == 2 else [top]


def _lead_columns(table: AnnexTable) -> list[dict]:
    return [c for c in (table.serial_column, table.parent_column, table.unit_column) if c]


def _row_cells(table: AnnexTable, row, serial: int) -> list[BodyCell]:
    cells = []
    if table.serial_column:
        cells.append(BodyCell(str(serial)))
    if table.parent_column:
        cells.append(BodyCell(row.parent.display(table.parent_column.get("display", "name"))))
    if table.unit_column:
        cells.append(BodyCell(row.unit.display(table.unit_column.get("display", "name"))))
    for col in table.columns:
        cell = row.cells[col.key]
        cells.append(BodyCell(cell.text, cell.missing))
    return cells


def annex_view(table: AnnexTable) -> AnnexView:
    lead = _lead_columns(table)
    rows = [BodyRow(_row_cells(table, r, i)) for i, r in enumerate(table.rows, start=1)]
    header = _header_rows(table, lead)
    halves = int(table.layout.get("halves", 1))
    if halves == 2:
        # two tables side by side: first half of the rows on the left, the rest on the right
        half = (len(rows) + 1) // 2
        right_header = _header_rows(table, lead, table.layout.get("right_headers"))
        header = [l + r for l, r in zip(header, right_header)]
        width = len(rows[0].cells) if rows else 0
        blank = [BodyCell("") for _ in range(width)]
        rows = [BodyRow(rows[i].cells + (rows[half + i].cells if half + i < len(rows) else blank))
                for i in range(half)]
    if table.total_rule is not None:
        label_span = len(lead)
        cells = [BodyCell(table.total_rule.label)] + [BodyCell("") for _ in range(label_span - 1)]
        for col in table.columns:
            cell = table.total[col.key]
            cells.append(BodyCell(cell.text, cell.missing))
        rows.append(BodyRow(cells, is_total=True))
    has_gaps = any(c.missing for r in rows for c in r.cells)
    return AnnexView(table.name, table.title, table.orientation, header, rows, has_gaps)


def signature_view(issuer: str, date_: dt.date, sealed: bool, profile: Profile, date_text: str | None = None) -> dict:
    """署名 and 成文日期 offsets from the 版心's left edge (mm), GB/T 9704 7.3.5.1 / 7.3.5.2. `date_text`:
    printed instead of the date (a draft's blank “2021年　　月　　日”)."""
    block = profile.block("signature")
    size, spacing = block["size_pt"], profile.grid["char_spacing_pt"]
    char = profile.char_mm()
    width = profile.type_area_pt() / PT_PER_MM
    date = date_text or chinese_date(date_)
    sig_w = text_width_mm(profile, block["font"], issuer, size, spacing)
    date_w = text_width_mm(profile, block["font"], date, size, spacing)
    rule = profile.data["signature"]["sealed" if sealed else "unsealed"]
    if sealed:
        date_left = width - rule["right_chars"] * char - date_w
        sig_left = date_left + date_w / 2 - sig_w / 2
    elif date_w + rule["date_shift_chars"] * char <= sig_w:
        sig_left = width - rule["right_chars"] * char - sig_w
        date_left = sig_left + rule["date_shift_chars"] * char
    else:
        date_left = width - rule["right_chars"] * char - date_w
        sig_left = date_left - rule["date_shift_chars"] * char
    return {"issuer": issuer, "date": date, "issuer_left_mm": round(max(sig_left, 0), 2),
            "date_left_mm": round(date_left, 2), "blank_lines": rule["blank_lines"]}


def masthead_view(masthead: Masthead | None, profile: Profile) -> dict | None:
    if masthead is None:
        return None
    m = profile.data["masthead"]
    width_pt = profile.type_area_pt()
    size = min(m["max_size_pt"], int(width_pt / max(len(masthead.issuer_mark), 1)))
    return {"issuer_mark": masthead.issuer_mark, "doc_number": masthead.doc_number,
            "mark_size_pt": size, "blank_lines_before_number": m["blank_lines_before_number"],
            "blank_lines_after_rule": m["blank_lines_after_rule"]}


def imprint_view(notice: Notice, profile: Profile) -> dict | None:
    if notice.imprint is None:
        return None
    i = notice.imprint
    copy_rows = [f"抄送：{i.copy_to}。"] if i.copy_to else []
    # a 版记 taller than the 版心 cannot sit on its bottom: it then runs from the page top, over pages
    fits = imprint_height_pt(profile, copy_rows) <= profile.type_area_height_mm() * PT_PER_MM
    return {"copy_to": i.copy_to, "printed_by": i.printed_by, "printed_date": f"{chinese_date(i.printed_date)}印发",
            "fits": fits}


def notice_view(plan: Plan, profile: Profile) -> dict:
    n = plan.notice
    numbering = profile.data["numbering"]
    annexes = [plan.annexes[k] for k in n.attachments]
    wp = plan.workplan
    return {
        "notice": {
            "title": n.title,
            "title_lines": list(n.title_lines),
            "recipients": n.recipients,
            "body": list(n.body),
            "attachments": [f"{a.number}.{a.title}" for a in annexes],
            "signature": signature_view(n.issuer, n.date, n.sealed, profile),
            "masthead": masthead_view(n.masthead, profile),
            "imprint": imprint_view(n, profile),
        },
        "plan": {
            "title": wp.title,
            "preamble": list(wp.preamble),
            "sections": [
                {"heading": numbering["level1"].format(n=s.number) + s.title,
                 "subsections": [
                     {"heading": numbering["level2"].format(n=sub.number) + sub.title,
                      "paragraphs": [paragraph_text(p) for p in sub.paragraphs],
                      "items": [{"paragraphs": item_paragraphs(i, numbering["level3"])} for i in sub.items]}
                     for sub in s.subsections]}
                for s in wp.sections],
        },
        "annexes": [annex_view(a) for a in annexes],
        "sample": plan.sample,
    }
