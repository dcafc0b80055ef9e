"""View models of the 目标责任书 (city and county letters) and of each department's 任务分工."""

from __future__ import annotations

import re

from ..compute.unit_rows import rows_for_unit
from ..model import AnnexTable, Column, HeaderGroup, Plan, PlanItemRef, Unit
from .common import chinese_date
from .plan_refs import plan_paragraphs

PENDING = "（待补充）"


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


def target_groups(plan: Plan, unit: Unit, annexes: tuple[int, ...]) -> list[dict]:
    """The unit's targets, one group per annex: rows of (label, value); a list annex (附件4) gives
    one row per entry with no value. Missing values print as （待补充）, marked for the grey cell."""
    groups = []
    for n in annexes:
        table = plan.annexes[n]
        rows = rows_for_unit(table, unit)
        if not rows:
            continue
        lines = []
        if not table.unit_column:  # list annexes (附件4): one row per entry
            for row in rows:
                for c in table.columns:
                    cell = row.cells[c.key]
                    lines.append({"label": PENDING if cell.missing else cell.text, "value": None,
                                  "missing": cell.missing})
        else:
            row = rows[0]
            groups_of = {c.key: h.header for h in table.header if isinstance(h, HeaderGroup) for c in h.columns}
            for col in table.columns:
                cell = row.cells[col.key]
                lines.append({"label": _label(col, groups_of.get(col.key)),
                              "value": PENDING if cell.missing else _value_text(col, cell.text),
                              "missing": cell.missing})
        groups.append({"category": _category(table), "annex": f"附件{n}", "rows": lines})
    return groups


def plan_citation(ref: PlanItemRef) -> str:
    """Where an item stands in the work plan, as letters cite it: "第二部分第（一）项第3条"."""
    where = f"第{ref.section}部分第（{ref.subsection}）项"
    return where + (f"第{ref.item}条" if ref.item is not None else "")


def plan_items(plan: Plan, refs: tuple[PlanItemRef, ...]) -> list[dict]:
    """Each referenced item once: its title, the text the letter prints and where it stands.

    Quoted paragraphs are the plan's text as printed (figures rendered), without the provincial
    departments' responsibility notes, which do not bind the signing government."""
    out = []
    for ref in refs:
        title, paragraphs = plan.workplan.quoted(ref)
        if ref.show == "quote":
            texts = [p.text for p in paragraphs]
        elif ref.show == "summary":
            texts = [ref.summary]
        else:
            texts = []
        out.append({"title": title, "texts": texts, "citation": plan_citation(ref), "path": ref.written})
    return out


def letter_view(plan: Plan, unit: Unit) -> dict:
    s = plan.letters
    rules = s.city if unit.level == "city" else s.county
    parent = plan.units.find(unit.parent) if unit.parent else None
    party_a = rules.party_a or f"{parent.name}{rules.party_a_suffix}"
    return {
        "title": s.title,
        "party_a": party_a,
        "party_b": f"{unit.name}{rules.party_b_suffix}",
        "unit": unit.name,
        "plan_title": plan.workplan.title,
        "period": f"{chinese_date(s.period_start)}至{chinese_date(s.period_end)}",
        "targets": target_groups(plan, unit, rules.annexes),
        "tasks": plan_items(plan, rules.tasks),
        "assessment": plan_items(plan, rules.assessment),
        "sample": plan.sample,
    }


def department_view(plan: Plan, department: str) -> dict:
    lead, support = [], []
    for p in plan_paragraphs(plan.workplan):
        r = p.paragraph.responsibility
        if r is None:
            continue
        entry = {"ref": p.ref, "heading": p.heading, "text": p.text}
        if department in r.lead:
            lead.append(entry)
        elif department in r.support:
            support.append(entry)
    return {"department": department, "plan_title": plan.workplan.title, "year": plan.year,
            "lead": lead, "support": support, "sample": plan.sample}
