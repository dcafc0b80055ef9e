"""View model of the notice: everything the notice template prints, computed and ordered.

Templates only lay this out; the wording and numbers all come from the plan data.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import AnnexTable, Column, HeaderGroup, Item, Notice, Paragraph, Plan, WorkPlan
from ..profile import Profile
from .common import MastheadView, Signing, chinese_date, masthead_view, signing_block


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


@dataclass(frozen=True)
class HeaderCell:
    lines: list[str]
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class BodyCell:
    text: str
    missing: bool = False


@dataclass(frozen=True)
class BodyRow:
    cells: list[BodyCell]
    is_total: bool = False


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ImprintView:
    """版记 (GB/T 9704 7.4): the 抄送机关 (None: no 抄送 row), the 印发机关 and the 印发日期 as printed.
    Whether it fits the 版心's height is measured at rendering (reportgen.placement)."""

    copy_to: str | None
    printed_by: str
    printed_date: str


@dataclass(frozen=True)
class NoticeCover:
    """The 通知 itself: 版头, title, 主送机关, body, the list of 附件, 署名与成文日期 and 版记."""

    title: str
    title_lines: tuple[str, ...]
    recipients: str
    body: tuple[str, ...]
    attachments: tuple[str, ...]        # "1.2021年各设区市环境空气质量目标表"
    signing: Signing
    masthead: MastheadView | None
    imprint: ImprintView | None


@dataclass(frozen=True)
class PlanItemView:
    """A numbered task of the work plan: its paragraphs, the first one led by the number and title."""

    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SubsectionView:
    heading: str                        # "（一）调整优化产业结构"
    paragraphs: tuple[str, ...]
    items: tuple[PlanItemView, ...]


@dataclass(frozen=True)
class SectionView:
    heading: str                        # "一、总体要求"
    subsections: tuple[SubsectionView, ...]


@dataclass(frozen=True)
class WorkPlanView:
    """The 工作计划 printed after the notice: its title, preamble and numbered sections."""

    title: str
    preamble: tuple[str, ...]
    sections: tuple[SectionView, ...]


@dataclass(frozen=True)
class NoticeView:
    notice: NoticeCover
    plan: WorkPlanView
    annexes: tuple[AnnexView, ...]
    sample: bool


def imprint_view(notice: Notice) -> ImprintView | None:
    if notice.imprint is None:
        return None
    i = notice.imprint
    return ImprintView(i.copy_to, i.printed_by, chinese_date(i.printed_date))


def notice_cover(plan: Plan, profile: Profile) -> NoticeCover:
    n = plan.notice
    return NoticeCover(
        title=n.title,
        title_lines=tuple(n.title_lines),
        recipients=n.recipients,
        body=tuple(n.body),
        attachments=tuple(f"{a.number}.{a.title}" for a in (plan.annexes[k] for k in n.attachments)),
        signing=signing_block(n.issuer, n.date, n.sealed),
        masthead=masthead_view(n.masthead, profile),
        imprint=imprint_view(n),
    )


def work_plan_view(plan: WorkPlan, numbering: dict) -> WorkPlanView:
    """`numbering`: the profile's 层次序数 formats ("level1": "{n}、", "level2": "（{n}）", "level3": "{n}.")."""
    return WorkPlanView(plan.title, tuple(plan.preamble), tuple(
        SectionView(numbering["level1"].format(n=s.number) + s.title, tuple(
            SubsectionView(numbering["level2"].format(n=sub.number) + sub.title,
                           tuple(paragraph_text(p) for p in sub.paragraphs),
                           tuple(PlanItemView(tuple(item_paragraphs(i, numbering["level3"]))) for i in sub.items))
            for sub in s.subsections))
        for s in plan.sections))


def notice_view(plan: Plan, profile: Profile) -> NoticeView:
    return NoticeView(
        notice=notice_cover(plan, profile),
        plan=work_plan_view(plan.workplan, profile.data["numbering"]),
        annexes=tuple(annex_view(plan.annexes[k]) for k in plan.notice.attachments),
        sample=plan.sample,
    )
