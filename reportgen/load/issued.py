"""Issue records: the documents an office has issued (reportgen issue), with their 文号, 成文日期 and
archived files, kept in <data>/issued/ beside the data they were made from.

Layout: <data>/issued/<output folder>/<document name>.yaml (the record) and, beside it, the issued
files (.pdf, .docx, .html) exactly as issued. A record is written once and never changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model import IssueRecord
from ..problems import Problems
from .yaml_file import read_yaml

ISSUED_DIR = "issued"
RECORD_KEYS = ("document", "kind", "title", "doc_number", "date", "issued_at", "inputs", "files")


def issued_dir(data_dir: Path) -> Path:
    return Path(data_dir) / ISSUED_DIR


def load_issue_records(data_dir: Path, problems: Problems) -> list[IssueRecord]:
    """Every issue record of the data set, each checked against its archived files."""
    root = issued_dir(data_dir)
    records = []
    if not root.is_dir():
        return records
    numbers: dict[str, Path] = {}
    for path in sorted(root.rglob("*.yaml")):
        data = read_yaml(path, problems)
        if data is None:
            continue
        missing = [k for k in RECORD_KEYS if k not in data]
        if missing:
            problems.error(path, f"印发记录缺少字段：{'、'.join(missing)}（印发记录由 reportgen issue 写入，请勿手工修改）")
            continue
        date, issued_at = data["date"], data["issued_at"]
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            problems.error(path, "印发记录中的成文日期无效", data.line_of("date"), field="date")
            continue
        if isinstance(issued_at, str):
            try:
                issued_at = dt.datetime.fromisoformat(issued_at)
            except ValueError:
                issued_at = None
        if not isinstance(issued_at, dt.datetime):
            problems.error(path, "印发记录中的印发时间无效", data.line_of("issued_at"), field="issued_at")
            continue
        for rel in data["files"] or {}:
            archived = path.parent / Path(rel).name
            if not archived.is_file():
                problems.error(path, f"已印发的文件 {archived.name} 不在印发档案中（{archived.parent}）")
        number = str(data["doc_number"])
        if number in numbers:
            problems.error(path, f"文号“{number}”与 {numbers[number].name} 重复；同一文号只能用于一份文件")
        numbers[number] = path
        records.append(IssueRecord(
            document=str(data["document"]), kind=str(data["kind"]), month=data.get("month"),
            title=str(data["title"]), doc_number=number, date=date, issued_at=issued_at,
            inputs=dict(data["inputs"] or {}), files=dict(data["files"] or {}), path=path))
    return records


def bulletin_records(records: list[IssueRecord]) -> dict[str, IssueRecord]:
    """month → the issue record of that month's bulletin."""
    return {r.month: r for r in records if r.kind == "bulletin" and r.month}
