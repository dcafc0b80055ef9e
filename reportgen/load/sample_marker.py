"""SAMPLE.md: the marker of sample data. <data>/SAMPLE.md marks the whole data set (plan and
submissions) as sample data: every document built from it (notice, letters, 任务分工, annex XLSX,
bulletins, forms, 修订说明) says so. <data>/submissions/SAMPLE.md marks only the submissions, and so
only the bulletins built from them (load/submissions.py)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_MARKER = "SAMPLE.md"


def is_sample_data_set(root: Path) -> bool:
    return (Path(root) / SAMPLE_MARKER).is_file()
