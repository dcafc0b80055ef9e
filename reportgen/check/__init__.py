"""GB/T 9704 conformance measured on rendered documents (shared/docs/gbt9704.md §7).

    check_pdf(pdf_path, profile=None)           -> list[CheckResult]   checks 1–15 on a PDF
    check_docx(docx_path, workdir, profile=None) -> list[CheckResult]  LibreOffice → PDF → checks 1–15,
                                                                      plus DOCX XML checks 21–24
    format_report(results)                      -> str                one line per check
    exit_code(results)                          -> int                1 if a hard check failed, else 0

Measurements use `pdftotext -bbox-layout` (line and word boxes), pypdf (font, size and baseline of
each line), `pdffonts` and, for rules and ink, `pdftoppm`. All numbers come from the layout profile.
"""

from __future__ import annotations

from pathlib import Path

from ..profile import Profile
from .docx_checks import check_converted_docx, check_docx, check_docx_many, docx_xml_checks, libreoffice_pdf
from .layout import Layout
from .model import CheckResult
from .pdf_checks import ALL_CHECKS
from .pdfdoc import read_pdf

__all__ = ["CheckResult", "check_pdf", "check_docx", "check_docx_many", "check_converted_docx", "docx_xml_checks", "libreoffice_pdf", "format_report",
           "exit_code"]


def check_pdf(pdf_path: Path, profile: Profile | None = None, libreoffice_docx: bool = False) -> list[CheckResult]:
    """Checks 1–15 measured on the PDF, in order. `libreoffice_docx`: the PDF is LibreOffice's rendering
    of a Chinese DOCX, whose line-final 、。，． LibreOffice hangs past the 版心 (Word does not)."""
    profile = profile or Profile.load()
    layout = Layout(read_pdf(Path(pdf_path)), profile, libreoffice_docx)
    return [check(layout) for check in ALL_CHECKS]


def format_report(results: list[CheckResult], details: bool = False) -> str:
    """One line per check: number, name, measured, expected, 通过/不通过/不适用 (with details: the failing
    places indented below each check)."""
    out = []
    for r in results:
        mark = r.status if r.passed is not False or r.hard else f"{r.status}（不计为失败）"
        out.append(f"{r.number:>2} {r.name}：实测 {r.measured}；要求 {r.expected}；{mark}")
        if details:
            out.extend(f"     {d}" for d in r.details)
    return "\n".join(out)


def exit_code(results: list[CheckResult]) -> int:
    return 1 if any(r.hard_failure for r in results) else 0
