"""View model of the 修订说明 (revision note) sent with regenerated documents, and the plain-text
report of `reportgen diff`: the same facts, from revision.RevisionReport."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from ..profile import Profile
from .notice_view import signature_view

EMPTY = "（空）"


def _value(text: str) -> str:
    return text if text != "" else EMPTY


def change_rows(changes) -> list[list[str]]:
    return [[c.where, c.unit, c.field, _value(c.old), _value(c.new)] for c in changes]


def rank_rows(moves) -> list[list[str]]:
    return [[m.period, m.ranking, m.unit, f"第{m.old}名" if m.old else "未排名", f"第{m.new}名" if m.new else "未排名"]
            for m in moves]


def document_names(paths: list[str]) -> list[str]:
    """Output files grouped as documents: "2021/目标责任书/镇江市（PDF、DOCX）"."""
    groups: dict[str, list[str]] = {}
    for p in paths:
        path = PurePosixPath(p)
        groups.setdefault(str(path.with_suffix("")), []).append(path.suffix[1:].upper())
    return [f"{name}（{'、'.join(kinds)}）" for name, kinds in groups.items()]


def stated_totals_note(report) -> list[str]:
    """Annexes whose 全省 row is set by the province (rule "stated"): edits of units do not move it."""
    plan = report.plan
    notes = []
    for n in sorted({int(c.where[2:]) for c in report.changes if c.where.startswith("附件")}):
        table = plan.annexes.get(n)
        if table is not None and table.total_rule is not None and table.total_rule.rule == "stated":
            notes.append(f"附件{n}的“{table.total_rule.label.replace(' ', '')}”一行为省定数值，不由各地数值汇总，不随之变化。")
    return notes


def revision_view(report, profile: Profile, date: dt.date) -> dict:
    plan = report.plan
    return {
        "title": f"关于{plan.year}年大气污染防治数据修订情况的说明",
        "old_label": report.old_label, "new_label": report.new_label,
        "changes": change_rows(report.changes),
        "moved": change_rows(report.moved),
        "stated_notes": stated_totals_note(report),
        "ranks": rank_rows(report.ranks),
        "documents": document_names(report.documents_changed),
        "added": document_names(report.documents_added),
        "removed": document_names(report.documents_removed),
        "recipients": plan.notice.recipients,
        "signature": signature_view(plan.notice.issuer, date, False, profile),
    }
