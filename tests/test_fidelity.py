"""Every non-empty line of the published notice appears, in order, in the generated PDF and DOCX."""

from helpers import docx_text, missing_in_order, pdf_page_count, pdf_text


def test_pdf_has_every_seed_line_in_order(built, seed_lines):
    missing = missing_in_order(seed_lines, pdf_text(built["pdf"]))
    assert missing == [], f"{len(missing)} seed lines missing from the PDF, first: {missing[:5]}"


def test_docx_has_every_seed_line_in_order(built, seed_lines):
    missing = missing_in_order(seed_lines, docx_text(built["docx"]))
    assert missing == [], f"{len(missing)} seed lines missing from the DOCX, first: {missing[:5]}"


def test_fidelity_check_detects_a_changed_line(built, seed_lines):
    """The check itself can fail: a line that is not in the document, or lines out of order."""
    text = pdf_text(built["pdf"])
    assert missing_in_order(["江苏省2022年大气污染防治工作计划"], text)
    assert missing_in_order([seed_lines[-1], seed_lines[0]], text)


def test_libreoffice_opens_docx_with_page_count_near_pdf(built, notice_lo_pdf):
    lo_pdf = notice_lo_pdf
    ours = pdf_page_count(built["pdf"])
    theirs = pdf_page_count(lo_pdf)
    assert abs(theirs - ours) <= 0.1 * ours, f"WeasyPrint {ours} pages, LibreOffice {theirs} pages"
    assert missing_in_order(["附件8", "2021年各设区市移动源污染防治目标任务表"], pdf_text(lo_pdf)) == []
