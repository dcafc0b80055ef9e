"""Build documents: load and check the data, render each document once, write PDF and DOCX (and XLSX).

Nothing is written unless the data is valid. Only documents whose inputs changed since the last
build are made (manifest.py says how that is decided). Each document is written into a staging folder
inside the output folder and its files renamed into place when it is complete, so an interrupted or
failed build leaves every earlier output as it was; one failing document does not stop the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import multiprocessing
import os
import re
import shutil
import tempfile
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .compute.bulletin_data import BulletinData
from .compute.unit_rows import rows_for_unit, unit_gaps
from .files import die_with_parent, environment_problem, exclusive_lock, remove_leftovers, write_bytes_atomic
from .fonts import font_file, missing_families, warm_font_metrics
from .kinds import KINDS
from .load.issued import bulletin_records, load_issue_records
from .load.plan import load_plan
from .load.submissions import load_submissions
from .manifest import Manifest, changed_inputs, digest, program_digest, stable_file_digest, view_digests
from .model import IssueRecord, Plan, SubmissionArchive, Unit
from .names import similar
from .problems import DataError, Problems
from .profile import Profile
from .render import render_document
from .resources import template_path
from .views.bulletin_view import bulletin_view
from .views.letter_view import department_view, letter_view
from .views.notice_view import annex_view, notice_view
from .writers.chart import document_figures
from .writers.font_coverage import FontNote, font_notes
from .writers.html_page import write_web_page
from .writers.package_zip import document_time, normalize_package
from .writers.pdf import write_pdf

UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def safe_filename(name: str, max_length: int = 80) -> str:
    """A file name derived from data: no path separators, no control or reserved characters."""
    name = unicodedata.normalize("NFC", name)
    name = UNSAFE_FILENAME.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    name = name[:max_length].rstrip(" .")
    return name or "未命名"


@dataclass
class Written:
    path: Path
    pages: int | None = None
    seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)   # why it was (re)built
    restored: bool = False     # an issued file put back from the archive, not built


@dataclass
class BuildResult:
    plan: Plan
    problems: Problems
    written: list[Written] = field(default_factory=list)
    font_notes: list[FontNote] = field(default_factory=list)
    unchanged: int = 0                                          # documents already up to date
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document, error)
    skipped: list[str] = field(default_factory=list)            # kinds asked for but not possible, and why
    held_back: dict[str, list[tuple[int, str]]] = field(default_factory=dict)   # unit → missing annex values
    issued: int = 0                                             # issued documents, kept as issued
    contradicted: list[Contradiction] = field(default_factory=list)


@dataclass
class Contradiction:
    """An issued document whose data has changed since it was issued: the office decides what to do
    (a 更正 or a 修订说明); the issued files stay as they are."""

    record: IssueRecord
    reasons: list[str]      # in Chinese, e.g. "南京市报送了2021年5月的第3版数据（2021-06-12 09:00）"


class FontFilesMissing(Exception):
    """A font file the profile names is not installed: the PDF would silently use another font."""

    def __init__(self, missing):
        self.missing = missing
        super().__init__("；".join(f"{role}：{path}" for role, path, _ in missing))


class UnknownUnit(ValueError):
    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, suggestions
        hint = f"，是否是：{'、'.join(suggestions)}？" if suggestions else ""
        super().__init__(f"没有名为“{name}”的设区市或县（市、区）{hint}")


class IncompleteData(ValueError):
    """Letters or tables would print missing values; building them needs allow_incomplete."""

    def __init__(self, gaps: dict[str, list[tuple[int, str]]]):
        self.gaps = gaps
        lines = [f"{unit}：" + "；".join(f"附件{n}“{col}”" for n, col in cols) for unit, cols in gaps.items()]
        super().__init__("\n".join(lines))


@dataclass
class Document:
    """One document to build: where it goes, which template and view, or which sheets (XLSX)."""

    folder: str            # relative to the output root, e.g. "2021/通知"
    name: str              # file name without extension
    title: str
    template: str | None = None
    view: object | None = None   # what the template reads: a view dataclass (NoticeView, LetterView, …)
    sheets: list | None = None
    created: dt.datetime | None = None   # document date written into the files (default: the notice's)
    web_page: bool = False               # also a standalone HTML page (bulletins, for the website)
    issue: IssueRecord | None = None     # issued: the archived files are the document, never rebuilt
    figures: dict | None = None          # pictures drawn from the view (writers.chart), for the template to
                                         # place; None: drawn when the document is written


def find_unit(plan: Plan, name: str) -> Unit:
    """南京, 南京市, 江宁, 江宁区 …; an unknown name raises UnknownUnit with close matches."""
    unit = plan.units.find(name)
    if unit is None:
        names = [n for u in plan.units.all for n in (u.name, u.short_name)]
        raise UnknownUnit(name, similar(name, names))
    return unit


def notice_document(plan: Plan, profile: Profile) -> Document:
    return Document(f"{plan.year}/通知", safe_filename(plan.notice.title), plan.notice.title,
                    "notice.html.j2", notice_view(plan, profile))


def letter_document(plan: Plan, unit: Unit) -> Document:
    view = letter_view(plan, unit)
    return Document(f"{plan.year}/目标责任书", safe_filename(unit.name), f"{view.title}（{unit.name}）",
                    "letter.html.j2", view)


def department_document(plan: Plan, department: str) -> Document:
    return Document(f"{plan.year}/任务分工", safe_filename(department), f"{department}任务分工",
                    "tasks.html.j2", department_view(plan, department))


def tables_document(plan: Plan, unit: Unit) -> Document:
    sheets = []
    for table in plan.annexes.values():
        rows = rows_for_unit(table, unit, include_counties=True)
        if rows:
            view = annex_view(dataclasses.replace(table, rows=rows, total_rule=None, layout={}))
            sheets.append(dataclasses.replace(view, sample=plan.sample))
    return Document(f"{plan.year}/附件数据", safe_filename(unit.name), f"{unit.name}附件数据", sheets=sheets)


def bulletin_document(plan: Plan, archive: SubmissionArchive, month: str, profile: Profile,
                      data: BulletinData | None = None, issue: IssueRecord | None = None) -> Document:
    view = bulletin_view(plan, archive, month, profile, data, issue)
    title = view.header.title
    return Document(f"{month[:4]}/通报", safe_filename(f"{month} {title}"), title, "bulletin.html.j2",
                    view, created=dt.datetime.combine(view.issue_date, dt.time()), web_page=True, issue=issue)


def plan_year_months(archive: SubmissionArchive, year: int) -> list[str]:
    """The months with data of the plan year: the months a data set has bulletins for. Earlier months
    (the year before, kept for the 同比 comparison, e.g. copied by `reportgen new-plan`) are read only as
    comparison data; their bulletins belong to their own year's data set."""
    return [m for m in archive.months if m.startswith(f"{year}-")]


def bulletin_months(archive: SubmissionArchive, months: list[str] | None = None,
                    year: int | None = None) -> list[str]:
    """The months to bulletin: those asked for (each must have submissions, and lie in the plan year
    `year`), else every month of the plan year with data."""
    if months is None:
        return archive.months if year is None else plan_year_months(archive, year)
    if year is not None and (outside := [m for m in months if not m.startswith(f"{year}-")]):
        raise OutsidePlanYear(outside, year)
    absent = [m for m in months if m not in archive.current]
    if absent:
        raise NoSubmissions(absent, archive.months if year is None else plan_year_months(archive, year))
    return list(dict.fromkeys(months))


class NoSubmissions(ValueError):
    def __init__(self, months: list[str], available: list[str]):
        self.months, self.available = months, available
        span = f"{available[0]}至{available[-1]}" if available else "无"
        super().__init__(f"{'、'.join(months)}没有任何报送数据（有数据的月份：{span}）")


class OutsidePlanYear(NoSubmissions):
    """A bulletin asked for a month outside the plan year (its data are only the 同比 comparison's)."""

    def __init__(self, months: list[str], year: int):
        self.months, self.year = months, year
        ValueError.__init__(self, f"{'、'.join(months)}不在本数据集的计划年度（{year}年）内：其他年度的报送数据只用于"
                                  f"同比比较，不生成通报；该月的通报请用该年度的数据集生成（--data）")


def incomplete_units(plan: Plan, units: list[Unit]) -> dict[str, list[tuple[int, str]]]:
    """Units whose letter would print a missing value, with the annex columns missing."""
    if plan.letters is None:
        return {}
    gaps = {}
    for unit in units:
        rules = plan.letters.city if unit.level == "city" else plan.letters.county
        if found := unit_gaps(plan, unit, rules.annexes):
            gaps[unit.name] = found
    return gaps


def plan_documents(plan: Plan, profile: Profile, kinds=KINDS, units: list[Unit] | None = None,
                   allow_incomplete: bool = False, held_back: dict | None = None) -> list[Document]:
    """Every document of the requested kinds; letters and tables for `units` (default: all).

    Letters and tables that would print a missing value need `allow_incomplete`; without it they are
    left out and their units and gaps put into `held_back` (or, when no dict is given, IncompleteData
    is raised)."""
    units = units if units is not None else plan.units.all
    if plan.letters is None:
        kinds = [k for k in kinds if k not in ("letters", "tables")]
    if ("letters" in kinds or "tables" in kinds) and not allow_incomplete:
        if gaps := incomplete_units(plan, units):
            if held_back is None:
                raise IncompleteData(gaps)
            held_back.update(gaps)
            units = [u for u in units if u.name not in gaps]
    docs = []
    if "notice" in kinds:
        docs.append(notice_document(plan, profile))
    if "letters" in kinds:
        docs += [letter_document(plan, u) for u in units]
    if "tasks" in kinds:
        docs += [department_document(plan, d) for d in plan.task_departments]
    if "tables" in kinds:
        docs += [tables_document(plan, u) for u in units]
    return docs


PARTS = ("pdf", "docx")   # a document's PDF (with its web page) and its DOCX can be written in parallel


def write_document(doc: Document, profile: Profile, staging: Path, created: dt.datetime, parts=PARTS):
    """Write a document's files (those of `parts`) into the staging folder:
    ([(relative path, pages, seconds)], font notes). Both parts render the same HTML: rendering is
    deterministic, so the PDF and the DOCX still come from one and the same document."""
    # imported here, not at the top: python-docx and openpyxl (with numpy) take ~0.2 s to import, which
    # a rebuild with nothing to write, or a worker given only PDFs, need not pay
    from .writers.docx import write_docx
    from .writers.xlsx import write_workbook

    folder = staging / doc.folder
    folder.mkdir(parents=True, exist_ok=True)
    when = document_time(created)
    files = []
    if doc.sheets is not None:
        t = time.perf_counter()
        write_workbook(doc.sheets, folder / f"{doc.name}.xlsx", doc.title, profile.missing_fill, when)
        normalize_package(folder / f"{doc.name}.xlsx", when)
        return [(Path(doc.folder) / f"{doc.name}.xlsx", None, time.perf_counter() - t)], []
    figures = doc.figures if doc.figures is not None else document_figures(doc.view, profile)
    html = render_document(doc.template, doc.view, profile, figures)
    notes = []
    if "pdf" in parts:
        notes = font_notes(html, profile)
        if doc.web_page:
            t = time.perf_counter()
            write_web_page(html, folder / f"{doc.name}.html")
            files.append((Path(doc.folder) / f"{doc.name}.html", None, time.perf_counter() - t))
        t = time.perf_counter()
        pages = write_pdf(html, folder / f"{doc.name}.pdf", profile)
        files.append((Path(doc.folder) / f"{doc.name}.pdf", pages, time.perf_counter() - t))
    if "docx" in parts:
        t = time.perf_counter()
        write_docx(html, profile, folder / f"{doc.name}.docx", doc.title)
        normalize_package(folder / f"{doc.name}.docx", when)
        files.append((Path(doc.folder) / f"{doc.name}.docx", None, time.perf_counter() - t))
    return files, notes


def _write_document_safely(doc: Document, profile: Profile, staging: Path, created: dt.datetime, parts=PARTS):
    """As write_document, but a failure is returned (as text), not raised: one bad document must not
    stop the others."""
    try:
        return write_document(doc, profile, staging, created, parts), None
    except Exception as exc:  # noqa: BLE001 - reported per document, with its type, by the caller
        if (problem := environment_problem(exc)):
            return None, f"{ENVIRONMENT_MARK}{problem}"
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        # WeasyPrint's layout trees are reference cycles: without a collection per document a worker
        # grows to ~800 MB over a full build; with it, it stays near 200 MB (measured, bench/)
        gc.collect()
        _freeze_after_first(doc, parts)


_IN_WORKER = False     # True in a build's forked worker process (set by _start_worker)
_FROZEN_KINDS: set = set()


def _start_worker(parent_pid: int) -> None:
    """Process-pool initializer of a build's workers."""
    global _IN_WORKER
    die_with_parent(parent_pid)
    _IN_WORKER = True


def _freeze_after_first(doc: Document, parts) -> None:
    """In a worker, after the collection that ends the first task of each kind (template and parts):
    gc.freeze(), so that later collections skip what that task left alive for good — the modules it
    imported (WeasyPrint, fontTools, python-docx …) and the per-process caches it filled, 55–98k
    objects that every collection re-scanned (~22 ms each with no garbage to find; 16 % of a full
    build's CPU). Only what survived the collection is frozen, so each document's garbage cycles are
    still collected and memory stays bounded. Not in the main process (jobs=1, or a long-lived web
    process): frozen objects are never collected, and a worker ends with its build."""
    if not _IN_WORKER:
        return
    kind = (doc.template, tuple(parts))
    if kind not in _FROZEN_KINDS:
        _FROZEN_KINDS.add(kind)
        gc.freeze()


def _with_figures(doc: Document, profile: Profile) -> Document:
    """The document with its pictures drawn (charts: ~0.3 s each), so that its PDF and DOCX tasks,
    often run by different workers, place the same ones instead of each drawing them."""
    if doc.sheets is not None or doc.figures is not None:
        return doc
    try:
        return dataclasses.replace(doc, figures=document_figures(doc.view, profile))
    except Exception:  # noqa: BLE001 - left to the document's tasks, which draw it again and report the failure
        return doc


def _tasks(stale: list) -> list[tuple[int, tuple[str, ...], float]]:
    """(document index, parts, estimated cost) for each task, costliest first, so that the long
    ones (the notice's PDF) start first and the two cores finish together."""
    weight = {"通知": 8.0, "通报": 3.0, "目标责任书": 1.5, "任务分工": 1.0}
    tasks = []
    for i, (doc, _, _) in enumerate(stale):
        base = weight.get(doc.folder.split("/")[-1], 1.0)
        if doc.sheets is not None:
            tasks.append((i, ("xlsx",), 0.2))
        else:
            tasks += [(i, ("pdf",), base * 3), (i, ("docx",), base)]
    return sorted(tasks, key=lambda t: -t[2])


def document_files(doc: Document) -> list[str]:
    base = f"{doc.folder}/{doc.name}"
    if doc.sheets is not None:
        return [f"{base}.xlsx"]
    return ([f"{base}.html"] if doc.web_page else []) + [f"{base}.pdf", f"{base}.docx"]


def document_inputs(doc: Document, profile: Profile, shared: dict) -> dict:
    """The hashes the manifest keeps for a document (see manifest.py)."""
    template = "xlsx" if doc.sheets is not None else shared["templates"][doc.template]
    return {"view": view_digests(doc.view, doc.sheets), "template": template, "profile": shared["profile"],
            "fonts": shared["fonts"] if doc.sheets is None else "-", "program": shared["program"]}


SHARED_TEMPLATES = ("gbt9704.css.j2", "_base.html.j2", "_macros.html.j2")


def shared_inputs(documents: list[Document], profile: Profile) -> dict:
    templates = {}
    # the template files in use: a project's own template replaces the package's, and counts here; so do
    # the stylesheet, the base every document template extends and the shared macros
    shared = ":".join(stable_file_digest(template_path(name)) for name in SHARED_TEMPLATES)
    for name in {d.template for d in documents if d.template}:
        templates[name] = f"{stable_file_digest(template_path(name))}:{shared}"
    font_paths = set()
    for role in profile.fonts:
        files, families = profile.pdf_font_chain(role)
        font_paths.update(Path(f) for f in files)
        font_paths.update(Path(found[0]) for fam in families if (found := font_file(fam)))
    fonts = digest(sorted((p.name, stable_file_digest(p)) for p in font_paths if p.exists()))
    return {"templates": templates, "profile": digest(profile.data), "fonts": fonts, "program": program_digest()}


ENVIRONMENT_MARK = "[环境] "   # a failure caused by the machine (disk full, read-only …), not by the document
LOCK_NAME = ".reportgen.lock"


def _remove_abandoned_staging(out_dir: Path) -> None:
    """Staging folders and temporary files left by builds that were killed. Called while holding the
    output folder's lock: no other build is running, so every one of them is abandoned."""
    for folder in out_dir.glob(".staging-*"):
        shutil.rmtree(folder, ignore_errors=True)
    remove_leftovers(out_dir)


@contextmanager
def output_lock(out_dir: Path, on_wait=None):
    """One build at a time per output folder: a second one waits (after `on_wait(holder)` says who
    holds it), so the manifest never loses another build's entries."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(out_dir / LOCK_NAME, on_wait) as lock:
        yield lock


def build(data_dir: Path, out_dir: Path, profile: Profile | None = None, *, kinds=KINDS,
          unit_names: list[str] | None = None, allow_incomplete: bool = False, progress=None,
          jobs: int | None = None, months: list[str] | None = None, force: bool = False,
          on_wait=None) -> BuildResult:
    """Build the documents of the data set whose inputs changed since the last build (all with
    `force`), `jobs` at a time (default: one per core).

    Raises DataError, UnknownUnit, NoSubmissions or FontFilesMissing before anything is written.
    Letters and tables with missing values are held back (result.held_back) unless allow_incomplete. Each document is written to a staging folder and its files renamed into place when it
    is complete; the manifest is saved about once a second and at the end, never vouching for a file
    being replaced (see _Placing), so an interrupted build leaves earlier outputs and a manifest true to
    them. A document that fails is reported in result.failed; the others go on."""
    plan, problems = load_plan(data_dir)
    profile = profile or Profile.load()
    missing = profile.missing_font_files() + [(role, family, None) for role, family in missing_families(profile)]
    if missing:
        raise FontFilesMissing(missing)
    units = list({u.name: u for u in (find_unit(plan, n) for n in unit_names)}.values()) if unit_names else None
    held_back: dict[str, list[tuple[int, str]]] = {}
    documents = plan_documents(plan, profile, kinds, units, allow_incomplete, held_back)
    archive = None
    if "bulletins" in kinds and plan.bulletin is not None:
        archive = load_submissions(data_dir, plan.units, plan.annex_for_role("projects"), problems)
        records = bulletin_records(load_issue_records(data_dir, problems))
        if problems.errors:
            raise DataError(problems.items)
        data = BulletinData(plan, archive)
        documents += [bulletin_document(plan, archive, m, profile, data, records.get(m))
                      for m in bulletin_months(archive, months, plan.year)]
    created = dt.datetime.combine(plan.notice.date, dt.time())
    out_dir = Path(out_dir)
    result = BuildResult(plan, problems, held_back=held_back)
    if plan.letters is None and {"letters", "tables"} & set(kinds):
        result.skipped.append("数据目录中没有 letters.yaml（目标责任书的设置），未生成目标责任书和各单位附件数据")
    if "bulletins" in kinds and plan.bulletin is None:
        result.skipped.append("数据目录中没有 bulletin.yaml（通报的设置），未生成月度排名通报")
    elif "bulletins" in kinds and not archive.months:
        result.skipped.append("数据目录中没有各市报送数据（submissions/），未生成月度排名通报")
    elif "bulletins" in kinds and not plan_year_months(archive, plan.year):
        result.skipped.append(f"报送数据中没有计划年度（{plan.year}年）的月份（其他年度的数据只用于同比比较），"
                              "未生成月度排名通报")

    if not documents:
        return result
    with output_lock(out_dir, on_wait) as lock:
        _build_locked(documents, profile, out_dir, result, created, force, progress, jobs, lock, archive)
    return result


def _submissions_since_issue(record: IssueRecord, archive: SubmissionArchive | None) -> list[str]:
    """The submissions of the bulletin's year up to its month received after `record` was issued."""
    reasons = []
    if record.kind == "bulletin" and archive is not None and record.month:
        for s in sorted(archive.stored, key=lambda s: (s.month, s.city, s.revision)):
            if s.month[:4] == record.month[:4] and s.month <= record.month and s.received > record.issued_at:
                reasons.append(f"{s.city}{s.received:%Y-%m-%d %H:%M}报送了{int(s.month[:4])}年{int(s.month[5:])}月的"
                               f"第{s.revision}版数据")
    return reasons


def _changes_since_issue(record: IssueRecord, archive: SubmissionArchive | None) -> list[str]:
    """What has changed since `record` was issued, worded for the office."""
    return _submissions_since_issue(record, archive) or ["计划数据（目标、附件等）有修改"]


def _keep_issued(doc: Document, inputs: dict, out_dir: Path, manifest: Manifest, result: BuildResult, lock,
                 archive: SubmissionArchive | None) -> bool:
    """An issued document: its output files are the archived ones (put back if missing or changed),
    and if its data has changed since, the office is told; nothing is rebuilt. True when its manifest
    entry was changed (in memory: the caller saves)."""
    record = doc.issue
    key = document_files(doc)[0]
    files = {}
    for rel, archived_digest in record.files.items():
        target = out_dir / rel
        if not target.exists() or stable_file_digest(target) != archived_digest:
            lock.announce()
            # the manifest never vouches for a file being replaced: forget the entry on disk first
            if manifest.forget(key):
                manifest.save()
            write_bytes_atomic(target, (record.path.parent / Path(rel).name).read_bytes(), durable=False)
            result.written.append(Written(target, None, 0.0, ["已印发的文件"], restored=True))
        files[rel] = archived_digest
    entry = manifest.entry(key)
    changed = entry is None or entry.get("inputs") != record.inputs or entry.get("files") != files
    if changed:
        manifest.record(key, record.inputs, files)   # saved by the caller, once for all issued documents
    result.issued += 1
    recorded = record.inputs.get("view") or {}
    if recorded.keys() != inputs["view"].keys():
        # recorded by a program whose view model was laid out differently (e.g. the bulletin's before it
        # became typed sections): its hashes cannot be compared, and a changed layout is no change of data;
        # only the submissions received after the issue can still tell
        if since := _submissions_since_issue(record, archive):
            result.contradicted.append(Contradiction(record, since))
    elif recorded != inputs["view"]:
        result.contradicted.append(Contradiction(record, _changes_since_issue(record, archive)))
    return changed


def _build_locked(documents: list[Document], profile: Profile, out_dir: Path, result: BuildResult,
                  created: dt.datetime, force: bool, progress, jobs: int | None, lock,
                  archive: SubmissionArchive | None = None) -> None:
    # what is stale, and why
    manifest = Manifest(out_dir)
    shared = shared_inputs(documents, profile)
    stale: list[tuple[Document, dict, list[str]]] = []
    issued_changed = False
    for doc in documents:
        inputs = document_inputs(doc, profile, shared)
        if doc.issue is not None:
            issued_changed |= _keep_issued(doc, inputs, out_dir, manifest, result, lock, archive)
            continue
        entry = manifest.entry(document_files(doc)[0])
        reasons = ["--force"] if force else changed_inputs(entry and entry["inputs"], inputs)
        if not reasons:
            for rel in document_files(doc):
                path = out_dir / rel
                recorded = (entry.get("files") or {}).get(rel)
                if not path.exists():
                    reasons.append("输出文件缺失")
                    break
                if recorded != stable_file_digest(path):
                    reasons.append("输出文件被改动")
                    break
        if reasons:
            stale.append((doc, inputs, reasons))
        else:
            result.unchanged += 1
    if issued_changed:
        manifest.save()
    _remove_abandoned_staging(out_dir)
    if not stale:
        return
    lock.announce()

    warm_font_metrics(profile)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=out_dir))
    jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()

    pending: dict[int, list] = {}   # document index → outcomes of its parts so far
    tasks = _tasks(stale)
    needed = {i: sum(1 for t in tasks if t[0] == i) for i in range(len(stale))}
    done = 0
    prepared: dict[int, Document] = {}   # document index → the document with its pictures drawn

    def task_document(index: int) -> Document:
        if index not in prepared:
            prepared[index] = _with_figures(stale[index][0], profile)
        return prepared[index]

    def finish(index: int, outcome) -> None:
        nonlocal done
        pending.setdefault(index, []).append(outcome)
        if len(pending[index]) < needed[index]:
            return
        doc, inputs, reasons = stale[index]
        outcomes = pending.pop(index)
        prepared.pop(index, None)
        errors = [error for _, error in outcomes if error is not None]
        if errors:
            text = "；".join(dict.fromkeys(e.removeprefix(ENVIRONMENT_MARK) for e in errors))
            if any(e.startswith(ENVIRONMENT_MARK) for e in errors):
                text = ENVIRONMENT_MARK + text
            result.failed.append((f"{doc.folder}/{doc.name}", text))
        else:
            files = [f for written, _ in outcomes for f in written[0]]
            for written, _ in outcomes:
                result.font_notes.extend(n for n in written[1] if n not in result.font_notes)

            def place(doc=doc, inputs=inputs, reasons=reasons, files=files) -> None:
                digests = {}
                for rel in document_files(doc):
                    pages, seconds = next((pg, sec) for r, pg, sec in files if r.as_posix() == rel)
                    target = out_dir / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staging / rel, target)
                    digests[rel] = stable_file_digest(target)
                    result.written.append(Written(target, pages, seconds, reasons))
                manifest.record(document_files(doc)[0], inputs, digests)

            placing.add(document_files(doc)[0], place)
        if progress:
            progress(done, len(stale), doc, time.perf_counter() - started)
        done += 1

    placing = _Placing(manifest)
    complete = False
    try:
        if jobs == 1 or len(tasks) < 2:
            for index, parts, _ in sorted(tasks):
                doc = task_document(index)
                finish(index, _write_document_safely(doc, profile, staging, doc.created or created, parts))
        else:
            # objects made so far (plan, views, font metrics) are shared with the forked workers; frozen,
            # the workers' per-document collections skip them instead of touching (and copying) them all
            gc.freeze()
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                       initializer=_start_worker, initargs=(os.getpid(),))
            try:
                # tasks are handed out a few ahead of the workers, not all at once: a document's pictures
                # are drawn here, once for its PDF and its DOCX task, while the workers are busy
                queue = list(reversed(tasks))
                futures = {}
                while queue or futures:
                    while queue and len(futures) < 2 * jobs:
                        index, parts, _ = queue.pop()
                        doc = task_document(index)
                        futures[pool.submit(_write_document_safely, doc, profile, staging,
                                            doc.created or created, parts)] = index
                    finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in finished:
                        finish(futures.pop(future), future.result())
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
                gc.unfreeze()
        complete = True
    finally:
        try:
            placing.close(complete)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


SAVE_INTERVAL = 1.0    # seconds: while a build runs, the manifest is rewritten at most about this often,
SAVE_MAX_SHARE = 0.02  # and, however large it grows, for no more than this share of the time


class _Placing:
    """Puts finished documents' files in place and keeps the manifest on disk in step with them,
    rewriting it (whole) at most about once per SAVE_INTERVAL (less often when a rewrite takes more than
    SAVE_MAX_SHARE of that) and at the end: a rewrite per document grew quadratically with the number of
    documents (2.85 s of a build at 10× the counties).

    The manifest never vouches for a file being replaced. A document whose entry may be on disk (it
    has one in memory: read from disk, since no document is finished twice in a build) waits here for
    the next save, which is made after forgetting the entries of all the documents waiting; only then
    are their files replaced and their new entries recorded, in memory, to reach disk with the next
    save. A document without an entry is placed at once. So at every moment the in-memory manifest
    vouches only for files in place (an entry is dropped before its files are replaced and recorded
    after), and what is on disk is an earlier state of it minus the entries of documents about to be
    replaced: a build killed at any point leaves at worst documents without an entry, made again by
    the next build."""

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        self.waiting: list[tuple[str, object]] = []   # (manifest key, place) of documents to replace
        self.unsaved = False                          # the manifest in memory differs from the one on disk
        self.saved_at = time.monotonic()
        self.interval = SAVE_INTERVAL

    def add(self, key: str, place) -> None:
        """`place()` replaces the document's files and records its entry."""
        if self.manifest.entry(key) is None:
            place()
            self.unsaved = True
        else:
            self.waiting.append((key, place))
        if time.monotonic() - self.saved_at >= self.interval:
            self._flush()

    def _flush(self) -> None:
        waiting, self.waiting = self.waiting, []
        for key, _ in waiting:
            self.unsaved |= self.manifest.forget(key)
        if self.unsaved:
            started = time.monotonic()
            self.manifest.save()
            self.unsaved = False
            self.interval = max(SAVE_INTERVAL, (time.monotonic() - started) / SAVE_MAX_SHARE)
        self.saved_at = time.monotonic()
        for _, place in waiting:
            self.unsaved = True
            place()

    def close(self, complete: bool) -> None:
        """At the end: place the documents still waiting and save. After a failure (`complete` false)
        the waiting ones are left as they were (their earlier files and entries stand) and what was
        placed is saved: the manifest in memory vouches only for files in place."""
        if complete:
            self._flush()
        if self.unsaved:
            try:
                self.manifest.save()
            except OSError:
                if complete:
                    raise
                # the build is failing already (that error is the one to report); the documents
                # placed since the last save have no entry on disk and are made again next time
            self.unsaved = False
