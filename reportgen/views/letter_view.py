"""View models of the 目标责任书 (city and county letters) and of each department's 任务分工."""

from __future__ import annotations

from ..compute.unit_rows import rows_for_unit
from ..model import Column, HeaderGroup, Plan, Unit
from .notice_view import chinese_date
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


def target_sections(plan: Plan, unit: Unit, annexes: tuple[int, ...]) -> list[dict]:
    """For each annex, the unit's figures as (label, value) lines; gaps print as （待补充）."""
    sections = []
    for n in annexes:
        table = plan.annexes[n]
        rows = rows_for_unit(table, unit)
        if not rows:
            continue
        lines = []
        if not table.unit_column:  # list annexes (附件4): one line per row
            for row in rows:
                lines.extend(PENDING if row.cells[c.key].missing else row.cells[c.key].text for c in table.columns)
        else:
            row = rows[0]
            groups = {c.key: h.header for h in table.header if isinstance(h, HeaderGroup) for c in h.columns}
            for col in table.columns:
                cell = row.cells[col.key]
                value = PENDING if cell.missing else _value_text(col, cell.text)
                lines.append(f"{_label(col, groups.get(col.key))}：{value}")
        sections.append({"annex": f"附件{n}", "title": table.title, "lines": lines})
    return sections


def letter_view(plan: Plan, unit: Unit) -> dict:
    s = plan.letters
    rules = s.city if unit.level == "city" else s.county
    parent = plan.units.find(unit.parent) if unit.parent else None
    party_a = rules.party_a or f"{parent.name}{rules.party_a_suffix}"
    paragraphs = plan_paragraphs(plan.workplan)
    duties = [{"ref": p.ref, "text": p.text} for p in paragraphs
              if any(phrase in p.paragraph.text for phrase in rules.duties_containing)]
    assessment = [{"ref": p.ref, "text": p.text} for p in paragraphs
                  if p.section == s.assessment_section and p.subsection in s.assessment_subsections]
    return {
        "title": s.title,
        "party_a": party_a,
        "party_b": f"{unit.name}{rules.party_b_suffix}",
        "plan_title": plan.workplan.title,
        "period": f"{chinese_date(s.period_start)}至{chinese_date(s.period_end)}",
        "targets": target_sections(plan, unit, rules.annexes),
        "duties": duties,
        "assessment": assessment,
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
            "lead": lead, "support": support}
