"""The session's full build: every PDF passes reportgen check (GB/T 9704 §7 checks 1–15), and a clean build
made at another time, in other processes, gives the same bytes. The DOCX: test_check_all_docx.py."""

from collections import Counter

from conftest import DATA

from reportgen.build import build
from reportgen.check import check_pdf

BULLETINS = 12  # one per month of the plan year (2021); the 2020 submissions are the 同比 comparison's


def test_every_built_pdf_passes_the_hard_checks(full_build):
    result = full_build["result"]
    pdfs = [w.path for w in result.written if w.path.suffix == ".pdf"]
    assert len(pdfs) == 1 + 67 + len(result.plan.task_departments) + BULLETINS
    failures = Counter()
    details = []
    for pdf in pdfs:
        for r in check_pdf(pdf):
            if r.hard_failure:
                failures[r.number] += 1
                details.append(f"{pdf.parent.name}/{pdf.name} #{r.number} {r.measured} {r.details[:2]}")
    assert not failures, "\n".join(details[:20])


def test_two_clean_builds_are_byte_identical(full_build, tmp_path):
    """A clean build of some documents now, against the session's full build made earlier (at another
    time, in other worker processes): the same bytes."""
    a, b = tmp_path / "a", full_build["out"]
    build(DATA, a, kinds=("notice", "letters", "tables"), unit_names=["镇江", "句容"], allow_incomplete=True)
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert len(files_a) == 2 + 2 * 2 + 2 and any(f.endswith(".xlsx") for f in files_a)
    for f in files_a:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
