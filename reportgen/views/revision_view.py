"""View model of the 修订说明 (revision note) sent with regenerated documents, and the plain-text
report of `reportgen diff`: the same facts, from revision.RevisionReport."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from .common import Signing, signing_block

EMPTY = "（空）"


def _value(text: str) -> str:
    return text if text != "" else EMPTY


MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_words(text: str) -> str:
    """“2021-05报送” → “2021年5月报送”: months as a document writes them."""
    return MONTH.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月", text)


def inner_quotes(text: str) -> str:
    """Quotation marks inside a quotation become single ones (GB/T 15834 4.1.3.2)."""
    return text.replace("“", "‘").replace("”", "’")


def change_rows(changes) -> list[list[str]]:
    return [[month_words(c.where), c.unit, c.field, _value(c.old), _value(c.new)] for c in changes]


def value_changes(changes) -> list:
    """The revised values, without the lines that only say which revision of a submission is current."""
    return [c for c in changes if c.kind != "revision"]


def revision_notes(changes) -> list[str]:
    """“南京市2021年5月的报送数据以第3版为准（原为第2版）。” for each submission replaced by a new revision."""
    return [f"{c.unit}{month_words(c.where).removesuffix('报送')}的报送数据以{c.new}为准（原为{c.old}）。"
            for c in changes if c.kind == "revision"]


def _month_end(month: str) -> dt.date:
    year, mon = int(month[:4]), int(month[5:7])
    return dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.timedelta(days=1)


def rank_rows(moves, date: dt.date | None = None) -> list[list[str]]:
    """Rank changes of the bulletins that could exist on `date` (a month's bulletin is made after it ends)."""
    return [[month_words(m.period), m.ranking, m.unit, f"第{m.old}名" if m.old else "未排名",
             f"第{m.new}名" if m.new else "未排名"]
            for m in moves if date is None or not MONTH.match(m.period) or _month_end(m.period[:7]) < date]


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


def _cited(title: str, number: str | None) -> str:
    return f"《{title}》（{number}）" if number else f"《{title}》"


def affected_documents(report, date: dt.date) -> tuple[list[str], list[str]]:
    """(issued documents whose figures the revision changes, cited by title and 文号; other documents
    remade from the revised data, by title), as they stand on `date`: bulletins that were not issued by
    then, or are dated later, are not mentioned (recipients never had them)."""
    issued, remade = [], []
    records = {r.document: r for r in report.records}
    seen = set()
    letters: dict[str, list[str]] = {}    # one line for the letters of many units: title → units
    sheets: list[str] = []
    for path in report.documents_changed:
        doc = report.documents.get(path)
        if doc is None or doc.title in seen:
            continue
        seen.add(doc.title)
        record = doc.issue or records.get(f"{doc.folder}/{doc.name}")
        if record is not None:
            if record.date <= date:
                issued.append(_cited(record.title, record.doc_number))
        elif doc.template == "bulletin.html.j2":
            continue
        elif doc.sheets is not None:   # a unit's annex figures as a spreadsheet, not a 公文
            sheets.append(doc.title.removesuffix("附件数据"))
        elif doc.template == "letter.html.j2" and (m := UNIT_IN_TITLE.fullmatch(doc.title)):
            letters.setdefault(m.group(1), []).append(m.group(2))
        else:
            masthead = report.plan.notice.masthead if doc.template == "notice.html.j2" else None
            remade.append(_cited(doc.title, masthead.doc_number if masthead else None))
    for title, units in letters.items():
        remade.append(f"《{title}》（{'、'.join(units)}{f'，共{len(units)}份' if len(units) > 1 else ''}）")
    if sheets:
        remade.append(f"{'、'.join(sheets)}的附件数据（XLSX）")
    return issued, remade


UNIT_IN_TITLE = re.compile(r"(.+)（([^（）]+)）")


def sentence_notes(report) -> list[str]:
    """Each sentence of the plan whose printed text changed, worded as a correction: the sentence as it
    was, then which figures in it changed (or the whole sentence, when it is not only a figure)."""
    notes = []
    for c in report.sentences:
        where = sentence_where(c)
        if c.figures and c.old and c.new:
            moved = "，".join(f"“{f.old}”改为“{f.new}”" for f in c.figures)
            notes.append(f"{where}“{inner_quotes(c.old)}”中，{moved}。")
        elif c.old and c.new:
            notes.append(f"{where}“{inner_quotes(c.old)}”改为“{inner_quotes(c.new)}”。")
        elif c.new:
            notes.append(f"{where}增加“{inner_quotes(c.new)}”。")
        else:
            notes.append(f"{where}删去“{inner_quotes(c.old)}”。")
    return notes


def sentence_where(change) -> str:
    """“工作计划二（五）15” (the item as the plan numbers it), “工作计划引言” for the preamble."""
    return f"工作计划{change.ref or '引言'}"


def sentence_rows(report) -> list[list[str]]:
    """[where, old sentence, new sentence] of each sentence of the plan whose printed text changed."""
    return [[sentence_where(c), c.old or EMPTY, c.new or EMPTY] for c in report.sentences]


@dataclass(frozen=True)
class RevisionView:
    """修订说明: what changed between two versions of the data, and which documents it touches."""

    title: str
    old_label: str                  # how the office names the two versions (a date or its own words)
    new_label: str
    changes: tuple[list[str], ...]  # revised values: [where, unit, field, old, new]
    revisions: tuple[str, ...]      # submissions replaced by a newer revision, one sentence each
    moved: tuple[list[str], ...]    # totals that moved with them, as `changes`
    stated_notes: tuple[str, ...]   # annexes whose 全省 row the province sets (it does not move)
    ranks: tuple[list[str], ...]    # [month, ranking, unit, old place, new place]
    sentences: tuple[str, ...]      # plan sentences whose printed text changed, worded as corrections
    issued: tuple[str, ...]         # issued documents the revision touches, cited by title and 文号
    remade: tuple[str, ...]         # documents remade from the revised data
    recipients: str
    signing: Signing
    sample: bool


def revision_view(report, date: dt.date, old_label: str, new_label: str) -> RevisionView:
    """`old_label`, `new_label`: how the office names the two versions (a date or its own words)."""
    plan = report.plan
    issued, remade = affected_documents(report, date)
    return RevisionView(
        title=f"关于{plan.year}年大气污染防治数据修订情况的说明",
        old_label=old_label,
        new_label=new_label,
        changes=tuple(change_rows(value_changes(report.changes))),
        revisions=tuple(revision_notes(report.changes)),
        moved=tuple(change_rows(report.moved)),
        stated_notes=tuple(stated_totals_note(report)),
        ranks=tuple(rank_rows(report.ranks, date)),
        sentences=tuple(sentence_notes(report)),
        issued=tuple(issued),
        remade=tuple(remade),
        recipients=plan.notice.recipients,
        signing=signing_block(plan.notice.issuer, date, False),
        sample=plan.sample,
    )
