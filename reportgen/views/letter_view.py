"""View models of the 目标责任书 (city and county letters) and of each department's 任务分工."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..compute.unit_rows import rows_for_unit
from ..model import AnnexTable, Column, HeaderGroup, Plan, PlanItemRef, Unit
from .common import chinese_date
from .plan_refs import plan_paragraphs


@dataclass(frozen=True)
class TargetRow:
    """One row of a letter's targets table: a figure under its label, or (a list annex, 附件4) one entry
    across both columns (`value` None). `missing`: not in the data; printed as （待补充） in a grey cell."""

    label: str
    value: str | None
    missing: bool


@dataclass(frozen=True)
class TargetGroup:
    """The unit's targets from one annex: "降尘目标（附件3）" and its rows."""

    category: str        # what the annex sets, from its title: "降尘目标"
    annex: int           # the annex's number
    rows: tuple[TargetRow, ...]


@dataclass(frozen=True)
class QuotedItem:
    """A work-plan item as a letter prints it: title, the texts quoted (or the office's summary, or none:
    the title alone), and where it stands in the plan."""

    title: str
    texts: tuple[str, ...]
    citation: str        # "第二部分第（一）项第3条"
    ref: str             # as written in letters.yaml: "二.（一）.3"


@dataclass(frozen=True)
class LetterView:
    """目标责任书 of one city or county."""

    title: str
    party_a: str         # 甲方: the province's or the parent city's government
    party_b: str         # 乙方: the unit's government
    unit: str
    plan_title: str
    period: str          # 责任期限: "2021年1月1日至2021年12月31日"
    targets: tuple[TargetGroup, ...]
    tasks: tuple[QuotedItem, ...]
    assessment: tuple[QuotedItem, ...]
    sample: bool


@dataclass(frozen=True)
class DepartmentTask:
    """A work-plan paragraph a department leads or supports, with the item it stands in ("二（一）3")."""

    ref: str
    heading: str
    text: str


@dataclass(frozen=True)
class DepartmentView:
    """任务分工 of one provincial department."""

    department: str
    plan_title: str
    year: int
    lead: tuple[DepartmentTask, ...]
    support: tuple[DepartmentTask, ...]
    sample: bool


def _value_text(col: Column, text: str) -> str:
    """A figure as printed in the annex, with its unit."""
    return text if col.type == "percent" or not col.unit else f"{text}{col.unit}"


def _label(col: Column, group: str | None) -> str:
    """The column's header as a label: without a trailing "（unit）" the value already carries."""
    label = col.header.replace("\n", "")
    if col.unit and label.endswith("）") and col.unit in label[label.rfind("（"):]:
        label = label[: label.rfind("（")]
    return f"{group}（{label}）" if group else label


def _category(table: AnnexTable) -> str:
    """What an annex sets, from its title: "2021年各设区市降尘目标表" → "降尘目标"."""
    title = re.sub(r"^\d{4}年", "", table.title)
    title = re.sub(r"^(各设区市|全省|\d+个县（市、区）)", "", title)
    return title.removesuffix("表")


def target_groups(plan: Plan, unit: Unit, annexes: tuple[int, ...]) -> tuple[TargetGroup, ...]:
    """The unit's targets, one group per annex that has a row for it: rows of (label, value); a list
    annex (附件4) gives one row per entry with no value."""
    groups = []
    for n in annexes:
        table = plan.annexes[n]
        rows = rows_for_unit(table, unit)
        if rows:
            groups.append(TargetGroup(_category(table), n, tuple(target_rows(table, rows))))
    return tuple(groups)


def target_rows(table: AnnexTable, rows) -> list[TargetRow]:
    """The rows of one annex for a unit: each column of its row under its label, with the unit the
    figure is measured in; a list annex (no unit column) gives each entry of each of its rows."""
    if not table.unit_column:  # list annexes (附件4): one row per entry
        return [TargetRow(row.cells[c.key].text, None, row.cells[c.key].missing) for row in rows for c in table.columns]
    row = rows[0]
    groups_of = {c.key: h.header for h in table.header if isinstance(h, HeaderGroup) for c in h.columns}
    return [TargetRow(_label(col, groups_of.get(col.key)), _value_text(col, row.cells[col.key].text),
                      row.cells[col.key].missing)
            for col in table.columns]


def plan_citation(ref: PlanItemRef) -> str:
    """Where an item stands in the work plan, as letters cite it: "第二部分第（一）项第3条"."""
    where = f"第{ref.section}部分第（{ref.subsection}）项"
    return where + (f"第{ref.item}条" if ref.item is not None else "")


def plan_items(plan: Plan, refs: tuple[PlanItemRef, ...]) -> tuple[QuotedItem, ...]:
    """Each referenced item once: its title, the text the letter prints and where it stands.

    Quoted paragraphs are the plan's text as printed (figures rendered), without the provincial
    departments' responsibility notes, which do not bind the signing government."""
    return tuple(quoted_item(plan, ref) for ref in refs)


def quoted_item(plan: Plan, ref: PlanItemRef) -> QuotedItem:
    title, paragraphs = plan.workplan.quoted(ref)
    if ref.show == "quote":
        texts = tuple(p.text for p in paragraphs)
    elif ref.show == "summary":
        texts = (ref.summary,)
    else:
        texts = ()
    return QuotedItem(title, texts, plan_citation(ref), ref.written)


def letter_view(plan: Plan, unit: Unit) -> LetterView:
    s = plan.letters
    rules = s.city if unit.level == "city" else s.county
    parent = plan.units.find(unit.parent) if unit.parent else None
    return LetterView(
        title=s.title,
        party_a=rules.party_a or f"{parent.name}{rules.party_a_suffix}",
        party_b=f"{unit.name}{rules.party_b_suffix}",
        unit=unit.name,
        plan_title=plan.workplan.title,
        period=f"{chinese_date(s.period_start)}至{chinese_date(s.period_end)}",
        targets=target_groups(plan, unit, rules.annexes),
        tasks=plan_items(plan, rules.tasks),
        assessment=plan_items(plan, rules.assessment),
        sample=plan.sample,
    )


def department_view(plan: Plan, department: str) -> DepartmentView:
    """The plan paragraphs whose responsibility names `department` as lead or as support."""
    lead, support = [], []
    for p in plan_paragraphs(plan.workplan):
        r = p.paragraph.responsibility
        if r is None:
            continue
        if department in r.lead:
            lead.append(DepartmentTask(p.ref, p.heading, p.text))
        elif department in r.support:
            support.append(DepartmentTask(p.ref, p.heading, p.text))
    return DepartmentView(department, plan.workplan.title, plan.year, tuple(lead), tuple(support), plan.sample)
