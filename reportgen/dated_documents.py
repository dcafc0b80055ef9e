"""Dated one-off documents (修订说明, 催报通知, 报送回执): made when the office asks, named by their date, never
rebuilt and never overwritten — a second one of the same day gets its own name (…-2)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from .build import Document, output_lock, safe_filename, write_document


def write_dated_document(folder: str, name: str, title: str, template: str, view, profile, out_dir: Path,
                         date: dt.date) -> list[Path]:
    """`view` (a view dataclass: ReminderView, RevisionView) rendered with `template` as PDF and DOCX into
    <out>/<folder>/<name>.*, atomically, under the output folder's lock."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with output_lock(out_dir) as lock:
        lock.announce()
        name, n = safe_filename(name), 1
        while any((out_dir / folder / f"{name}{'' if n == 1 else f'-{n}'}.{ext}").exists() for ext in ("pdf", "docx")):
            n += 1
        doc = Document(folder, name if n == 1 else f"{name}-{n}", title, template, view)
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=out_dir))
        try:
            files, _ = write_document(doc, profile, staging, dt.datetime.combine(date, dt.time()))
            written = []
            for rel, _, _ in files:
                target = out_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, target)
                written.append(target)
            return written
        finally:
            shutil.rmtree(staging, ignore_errors=True)
