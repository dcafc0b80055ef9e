"""Build documents: load and check the data, render each document once, write PDF and DOCX.

Nothing is written unless the data is valid. All outputs of a build are first written into a staging
folder beside the output folder and moved into place only when every one of them succeeded, so a
failed build leaves the earlier outputs as they were.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .load.plan import load_plan
from .model import Plan
from .problems import Problems
from .profile import Profile
from .render import render_document
from .views.notice_view import notice_view
from .writers.docx import write_docx
from .writers.font_coverage import FontNote, font_notes
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


@dataclass
class BuildResult:
    plan: Plan
    problems: Problems
    written: list[Written] = field(default_factory=list)
    font_notes: list[FontNote] = field(default_factory=list)


class FontFilesMissing(Exception):
    """A font file the profile names is not installed: the PDF would silently use another font."""

    def __init__(self, missing):
        self.missing = missing
        super().__init__("；".join(f"{role}：{path}" for role, path, _ in missing))


@dataclass
class Document:
    """One document to build: where it goes, which template, what it shows."""

    folder: str            # relative to the output root, e.g. "2021/通知"
    name: str              # file name without extension
    template: str
    view: dict
    title: str


def notice_document(plan: Plan, profile: Profile) -> Document:
    return Document(folder=f"{plan.year}/通知", name=safe_filename(plan.notice.title),
                    template="notice.html.j2", view=notice_view(plan, profile), title=plan.notice.title)


def build(data_dir: Path, out_dir: Path, profile: Profile | None = None) -> BuildResult:
    """Build every document of the data set. Raises DataError (nothing written) on invalid data."""
    plan, problems = load_plan(data_dir)
    profile = profile or Profile.load()
    if profile.missing_font_files():
        raise FontFilesMissing(profile.missing_font_files())
    documents = [notice_document(plan, profile)]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    result = BuildResult(plan, problems)
    try:
        staged: list[tuple[Path, Written]] = []
        for doc in documents:
            html = render_document(doc.template, doc.view, profile)
            result.font_notes.extend(n for n in font_notes(html, profile) if n not in result.font_notes)
            folder = staging / doc.folder
            folder.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            pages = write_pdf(html, folder / f"{doc.name}.pdf", profile)
            staged.append((Path(doc.folder) / f"{doc.name}.pdf", Written(out_dir / doc.folder / f"{doc.name}.pdf",
                                                                         pages, time.perf_counter() - t)))
            t = time.perf_counter()
            write_docx(html, profile, folder / f"{doc.name}.docx", doc.title)
            staged.append((Path(doc.folder) / f"{doc.name}.docx", Written(out_dir / doc.folder / f"{doc.name}.docx",
                                                                          None, time.perf_counter() - t)))
        for rel, written in staged:
            written.path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, written.path)
            result.written.append(written)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result
