"""The session's full build: every DOCX passes reportgen check as LibreOffice lays it out (GB/T 9704 §7
checks 1–15 on LibreOffice's PDF; the embedded-font check is reported, not hard, as `reportgen check
--docx` reports it) and the DOCX XML checks 21–24."""

from collections import Counter

from reportgen.check import check_converted_docx
from reportgen.profile import Profile

BULLETINS = 12


def test_every_built_docx_passes_the_hard_checks(full_build, full_build_in_libreoffice):
    result = full_build["result"]
    docxs = [w.path for w in result.written if w.path.suffix == ".docx"]
    assert len(docxs) == 1 + 67 + len(result.plan.task_departments) + BULLETINS
    assert sorted(full_build_in_libreoffice) == sorted(docxs)
    profile = Profile.load()
    failures = Counter()
    details = []
    for docx in docxs:
        for r in check_converted_docx(docx, full_build_in_libreoffice[docx], profile):
            if r.hard_failure:
                failures[r.number] += 1
                details.append(f"{docx.parent.name}/{docx.name} #{r.number} {r.measured} {r.details[:2]}")
    assert not failures, "\n".join(details[:20])
