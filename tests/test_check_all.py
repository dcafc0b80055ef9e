"""reportgen check on every document the build produces, in both formats (GB/T 9704 §7 checks 1–15)."""

from collections import Counter

from reportgen.check import check_docx_many, check_pdf


def test_every_built_document_passes_the_hard_checks(full_build, tmp_path):
    result = full_build["result"]
    pdfs = [w.path for w in result.written if w.path.suffix == ".pdf"]
    docxs = [w.path for w in result.written if w.path.suffix == ".docx"]
    bulletins = 12  # one per month of the plan year (2021); the 2020 submissions are the 同比 comparison's
    assert len(pdfs) == len(docxs) == 1 + 67 + len(result.plan.task_departments) + bulletins
    failures = Counter()
    details = []
    for pdf in pdfs:
        for r in check_pdf(pdf):
            if r.hard_failure:
                failures[(r.number, "pdf")] += 1
                details.append(f"{pdf.parent.name}/{pdf.name} #{r.number} {r.measured} {r.details[:2]}")
    for docx, results in zip(docxs, check_docx_many(docxs, tmp_path / "lo")):
        for r in results:
            if r.hard_failure:
                failures[(r.number, "docx")] += 1
                details.append(f"{docx.parent.name}/{docx.name} #{r.number} {r.measured} {r.details[:2]}")
    assert not failures, "\n".join(details[:20])
