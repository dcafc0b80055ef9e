"""View model of the notice: everything the notice template prints, computed and ordered.

Templates only lay this out; the wording and numbers all come from the plan data.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..fonts import imprint_height_pt
from ..model import AnnexTable, Column, HeaderGroup, Item, Notice, Paragraph, Plan
from ..profile import PT_PER_MM, Profile
from .common import chinese_date, masthead_view, signature_view


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
