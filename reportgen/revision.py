"""Compare two versions of a data set (two folders, or two git revisions of the data folder): the values
that changed, the totals and ranks they move, and the documents they affect. Used by `reportgen diff`
and `reportgen revision-note` (修订说明).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .build import KINDS, Document, bulletin_document, document_files, plan_documents, plan_year_months
from .compute.bulletin_data import BulletinData
from .compute.revision_diff import Change, RankMove, annex_changes, bulletin_rank_moves, submission_changes
from .load.issued import bulletin_records, load_issue_records
from .load.plan import load_plan
from .load.submissions import load_submissions
from .manifest import view_digests
from .model import IssueRecord, Plan, SubmissionArchive
from .problems import DataError
from .profile import Profile


class VersionNotFound(ValueError):
    pass


@contextmanager
def data_version(spec: str, data_dir: Path):
    """A folder holding version `spec` of the data set: `spec` itself if it is a folder, else the git
    revision `spec` of `data_dir` (extracted with git archive into a temporary folder)."""
    if Path(spec).is_dir():
        yield Path(spec)
        return
    data_dir = Path(data_dir).resolve()
    try:
        top = subprocess.run(["git", "-C", str(data_dir), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=True).stdout.strip()
        subprocess.run(["git", "-C", top, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
                       capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise VersionNotFound(f"“{spec}”既不是文件夹，也不是 {data_dir} 所在 git 仓库中的版本（提交号、分支或标签）") from exc
    rel = data_dir.relative_to(Path(top).resolve()).as_posix()
    archive = subprocess.run(["git", "-C", top, "archive", "--format=tar", spec, rel], capture_output=True)
    if archive.returncode != 0:
        raise VersionNotFound(f"版本“{spec}”中没有数据目录 {rel}")
    work = Path(tempfile.mkdtemp(prefix="reportgen-version-"))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(work, filter="data")
        yield work / rel
    finally:
        shutil.rmtree(work, ignore_errors=True)


def version_date(spec: str, data_dir: Path):
    """The date of git revision `spec` (its commit date), or None for a folder or an unknown revision:
    a 修订说明 names versions by date or by the office's label, never by a path or a revision name."""
    import datetime as dt

    if Path(spec).is_dir():
        return None
    try:
        out = subprocess.run(["git", "-C", str(data_dir), "log", "-1", "--format=%cs", spec, "--"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return dt.date.fromisoformat(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


@dataclass
class Version:
    label: str
    plan: Plan
    archive: SubmissionArchive
    documents: dict[str, Document]
    records: list[IssueRecord] = field(default_factory=list)


@dataclass
class RevisionReport:
    old_label: str
    new_label: str
    changes: list[Change]                  # values edited in the data
    moved: list[Change]                    # totals and 合计 that follow from them
    ranks: list[RankMove]
    documents_changed: list[str]           # output files (relative paths) whose content changes
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    plan: Plan | None = None
    documents: dict[str, Document] = field(default_factory=dict)   # the new version's, by first output file
    records: list[IssueRecord] = field(default_factory=list)       # issued documents (new version's data)
    sentences: list = field(default_factory=list)                  # plan sentences whose text changed


def load_version(path: Path, label: str, profile: Profile) -> Version:
    plan, problems = load_plan(path)
    archive = load_submissions(path, plan.units, plan.annex_for_role("projects"), problems)
    records = load_issue_records(path, problems)
    if problems.errors:
        raise DataError(problems.items)
    docs = plan_documents(plan, profile, tuple(k for k in KINDS if k != "bulletins"), None, allow_incomplete=True)
    if plan.bulletin is not None:
        data = BulletinData(plan, archive)
        issued = bulletin_records(records)
        docs += [bulletin_document(plan, archive, m, profile, data, issued.get(m))
                 for m in plan_year_months(archive, plan.year)]
    return Version(label, plan, archive, {document_files(d)[0]: d for d in docs}, records)


def _sentence_changes(old: Plan, new: Plan) -> list:
    try:
        from .compute.prose_changes import changed_sentences
    except ImportError:   # figures in prose as references: see compute/prose_changes.py
        return []
    return changed_sentences(old, new)


def compare(old: Version, new: Version) -> RevisionReport:
    edits = annex_changes(old.plan, new.plan) + submission_changes(old.archive, new.archive, new.plan)
    changes = [c for c in edits if c.kind in ("value", "revision")]   # revision: which submission is current
    moved = [c for c in edits if c.kind in ("total", "derived")]
    ranks: list[RankMove] = []
    if any(c.where.endswith("报送") for c in changes) and new.plan.bulletin and old.plan.bulletin:
        months = sorted(set(plan_year_months(old.archive, old.plan.year))
                        & set(plan_year_months(new.archive, new.plan.year)))
        ranks = bulletin_rank_moves(BulletinData(old.plan, old.archive), BulletinData(new.plan, new.archive),
                                    new.plan, months)
    changed, added, removed = [], [], []
    for key, doc in new.documents.items():
        before = old.documents.get(key)
        if before is None:
            added += document_files(doc)
        elif view_digests(before.view, before.sheets) != view_digests(doc.view, doc.sheets):
            changed += document_files(doc)
    removed = [f for k, d in old.documents.items() if k not in new.documents for f in document_files(d)]
    return RevisionReport(old.label, new.label, changes, moved, ranks, changed, added, removed, new.plan,
                          new.documents, new.records, _sentence_changes(old.plan, new.plan))


def compare_versions(old_spec: str, new_spec: str, data_dir: Path, profile: Profile) -> RevisionReport:
    with data_version(old_spec, data_dir) as old_path, data_version(new_spec, data_dir) as new_path:
        return compare(load_version(old_path, old_spec, profile), load_version(new_path, new_spec, profile))


def write_revision_note(report: RevisionReport, profile: Profile, out_dir: Path, date, old_label: str,
                        new_label: str, subject: str = "") -> list[Path]:
    """修订说明 as PDF and DOCX into <out>/<year>/修订说明/, written atomically; a second note of the same
    day gets its own name, never the first one's."""
    from .dated_documents import write_dated_document
    from .views.revision_view import revision_view

    view = revision_view(report, date, old_label, new_label)
    name = f"修订说明-{date:%Y%m%d}" + (f" {subject}" if subject else "")     # subject: e.g. 南京市2021年5月报送
    return write_dated_document(f"{report.plan.year}/修订说明", name, view.title,
                                "revision.html.j2", view, profile, out_dir, date)
