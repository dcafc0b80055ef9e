"""Issuing a document is a recorded act: `reportgen issue bulletin --month 2021-05 --number … --date …`.

The office gives the 文号 and 成文日期 (never invented). The document is made with them, its PDF, DOCX
(and web page) are archived in <data>/issued/ with a record of its inputs' hashes, and from then on
builds put the archived files in the output folder instead of rebuilding them; when the data changes
they say which issued documents it contradicts (build.Contradiction). Under a lock on the archive,
so two people issuing at once can neither issue the same month twice nor use one 文号 twice.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from .build import bulletin_document, document_files, document_inputs, shared_inputs, write_document
from .compute.bulletin_data import BulletinData
from .files import exclusive_lock, link_new_file
from .load.issued import bulletin_records, issued_dir, load_issue_records
from .load.plan import load_plan
from .load.submissions import load_submissions
from .model import IssueRecord
from .problems import DataError
from .profile import Profile

# 发文字号 (GB/T 9704 7.2.5): full year in 六角括号, no “第”, no leading zeros, ends with 号
DOC_NUMBER = re.compile(r"[^〔〕\s]+〔(\d{4})〕([1-9]\d*)号")


class IssueRefused(ValueError):
    """The document cannot be issued as asked; the message says why, in Chinese."""


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def check_doc_number(number: str, pattern: str, year: int) -> str | None:
    """Why `number` cannot be this bulletin's 文号, or None. `year` is the year of the 成文日期: a December
    bulletin signed in January carries the new year (GB/T 9704 7.2.4: the year the document is issued)."""
    m = DOC_NUMBER.fullmatch(number)
    if not m:
        return (f"文号“{number}”格式不对：应为“机关代字〔年份〕序号号”，年份用六角括号〔〕，序号不加“第”、不编虚位，"
                f"如“{pattern.format(year=year, month=1, serial=105)}”")
    expected = re.escape(pattern).replace(re.escape("{year}"), str(year)).replace(re.escape("{serial}"), r"[1-9]\d*")
    expected = expected.replace(re.escape("{month}"), r"\d{1,2}")
    if not re.fullmatch(expected, number):
        example = pattern.format(year=year, month=1, serial="N")
        return f"文号“{number}”与 bulletin.yaml 规定的格式不符（应为“{example}”的形式，N 为序号）"
    return None


def issue_bulletin(data_dir: Path, month: str, number: str, date: dt.date, profile: Profile,
                   now: dt.datetime | None = None) -> IssueRecord:
    """Make the bulletin of `month` with the office's 文号 and 成文日期 and archive it. Raises
    DataError (the data has errors) or IssueRefused."""
    data_dir = Path(data_dir)
    plan, problems = load_plan(data_dir)
    if plan.bulletin is None:
        raise IssueRefused("数据目录中没有 bulletin.yaml（通报的设置），不能印发通报")
    number = number.strip()
    year, mon = int(month[:4]), int(month[5:])
    if year != plan.year:
        raise IssueRefused(f"{year}年{mon}月不在本数据集的计划年度（{plan.year}年）内：其他年度的报送数据只用于同比比较；"
                           "该月的通报请用该年度的数据集印发（--data）")
    if (complaint := check_doc_number(number, plan.bulletin.doc_number, date.year)):
        raise IssueRefused(complaint)
    month_end = dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.timedelta(days=1)
    if date <= month_end:
        raise IssueRefused(f"成文日期{date:%Y-%m-%d}不晚于{year}年{mon}月的最后一天；月度通报应在当月结束、数据报齐之后成文")
    today = (now or dt.datetime.now()).date()
    if date > today:
        raise IssueRefused(f"成文日期{date:%Y-%m-%d}晚于今天（{today:%Y-%m-%d}）；印发是已经发生的事，成文日期不能是将来的日期")
    archive = load_submissions(data_dir, plan.units, plan.annex_for_role("projects"), problems)
    if problems.errors:
        raise DataError(problems.items)
    if month not in archive.current:
        raise IssueRefused(f"{year}年{mon}月没有任何报送数据，不能印发该月通报")
    root = issued_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(root / ".lock") as lock:
        lock.announce()
        records = load_issue_records(data_dir, problems)
        if problems.errors:
            raise DataError(problems.items)
        if (done := bulletin_records(records).get(month)):
            raise IssueRefused(f"{year}年{mon}月的通报已于{done.issued_at:%Y-%m-%d %H:%M}印发（{done.doc_number}，"
                               f"成文日期{done.date:%Y-%m-%d}）。已印发的文件不再改动；如需更正，请另行印发更正通知或修订说明")
        if (same := next((r for r in records if r.doc_number == number), None)):
            raise IssueRefused(f"文号“{number}”已用于《{same.title}》（{same.issued_at:%Y-%m-%d}印发）；同一文号只能用于一份文件")
        late = [s for s in archive.current[month].values() if s.received.date() > date]
        if late:
            s = min(late, key=lambda s: s.received)
            raise IssueRefused(f"成文日期{date:%Y-%m-%d}早于通报所用数据的接收日期：{s.city.name}{year}年{mon}月的第{s.revision}版"
                               f"于{s.received:%Y-%m-%d %H:%M}才收到（共{len(late)}个市的现行数据晚于成文日期）；"
                               "请核对成文日期")
        issued_at = (now or dt.datetime.now()).replace(microsecond=0)
        provisional = IssueRecord("", "bulletin", month, "", number, date, issued_at, {}, {}, Path())
        doc = bulletin_document(plan, archive, month, profile, BulletinData(plan, archive), provisional)
        inputs = document_inputs(doc, profile, shared_inputs([doc], profile))
        folder = root / doc.folder
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        try:
            written, _ = write_document(doc, profile, staging, doc.created)
            files = {}
            for rel, _, _ in written:
                data = (staging / rel).read_bytes()
                link_new_file(folder, data, rel.name)
                files[rel.as_posix()] = _digest(data)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        key = document_files(doc)[0].rsplit(".", 1)[0]
        record_text = "# 印发记录：由 reportgen issue 写入，请勿修改。已印发的文件就在本文件夹中。\n" + yaml.dump(
            {"document": key, "kind": "bulletin", "month": month, "title": doc.title, "doc_number": number,
             "date": date, "issued_at": issued_at.isoformat(sep=" "), "inputs": inputs, "files": files},
            Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False)
        path = link_new_file(folder, record_text.encode("utf-8"), f"{doc.name}.yaml")
    return IssueRecord(key, "bulletin", month, doc.title, number, date, issued_at, inputs, files, path)


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:20]
