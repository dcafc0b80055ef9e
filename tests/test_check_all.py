"""The session's full build: every document passes reportgen check in both formats (GB/T 9704 §7 checks 1–15),
and a clean build made at another time, in other processes, gives the same bytes."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from conftest import DATA

from reportgen.build import build
from reportgen.check import check_docx_many, check_pdf


def test_every_built_document_passes_the_hard_checks(full_build, tmp_path):
    result = full_build["result"]
    pdfs = [w.path for w in result.written if w.path.suffix == ".pdf"]
    docxs = [w.path for w in result.written if w.path.suffix == ".docx"]
    bulletins = 12  # one per month of the plan year (2021); the 2020 submissions are the 同比 comparison's
    assert len(pdfs) == len(docxs) == 1 + 67 + len(result.plan.task_departments) + bulletins
    failures = Counter()
    details = []
    with ThreadPoolExecutor(1) as pool:   # LibreOffice converts the DOCX while the PDFs are measured
        of_docx = pool.submit(check_docx_many, docxs, tmp_path / "lo")
        for pdf in pdfs:
            for r in check_pdf(pdf):
                if r.hard_failure:
                    failures[(r.number, "pdf")] += 1
                    details.append(f"{pdf.parent.name}/{pdf.name} #{r.number} {r.measured} {r.details[:2]}")
        docx_results = of_docx.result()
    for docx, results in zip(docxs, docx_results):
        for r in results:
            if r.hard_failure:
                failures[(r.number, "docx")] += 1
                details.append(f"{docx.parent.name}/{docx.name} #{r.number} {r.measured} {r.details[:2]}")
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
