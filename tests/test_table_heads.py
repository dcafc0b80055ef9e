"""Table heads break only at sensible points: units in brackets ("（微克/立方米）") whole, or — in a crowded
table — after their "/" or "：" only, and "PM2.5" never; in the DOCX a head wraps by itself (no w:br)."""

import re
import subprocess
import zipfile

from lxml import etree

from reportgen.fonts import metrics_for
from reportgen.profile import Profile
from reportgen.writers.cjk_lines import HEAD_UNITS, head_unbreakable_width

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_head_units_and_their_pieces():
    whole, pieces, _ = HEAD_UNITS
    text = "PM2.5（微克/立方米）降尘（吨/平方千米·月）抽测（单位：万辆·次）县（市、区）"
    assert [m.group(0) for m in whole.finditer(text)] == ["（微克/立方米）", "（吨/平方千米·月）", "（单位：万辆·次）",
                                                          "（市、区）"]
    assert [m.group(0) for m in pieces.finditer(text)] == ["（微克", "立方米）", "（吨", "平方千米·月）", "（单位",
                                                           "万辆·次）", "（市、区）"]
    profile = Profile.load()
    metrics = metrics_for(*profile.pdf_font_chain("heiti"))
    widths = [head_unbreakable_width("PM2.5（微克/立方米）", metrics, 12, tier) for tier in range(3)]
    assert widths[0] > widths[1] > widths[2]
    assert widths[1] >= metrics.width("立方米）", 12) and widths[1] >= metrics.width("PM2.5", 12)


def test_docx_table_heads_have_no_line_breaks(built):
    with zipfile.ZipFile(built["docx"]) as z:
        document = etree.fromstring(z.read("word/document.xml"))
    heads = 0
    for tbl in document.iter(f"{W}tbl"):
        rows = tbl.findall(f"{W}tr")
        marked = [tr for tr in rows if tr.find(f"{W}trPr/{W}tblHeader") is not None]
        for tr in marked or rows[:1]:
            heads += 1
            assert tr.find(f".//{W}br") is None, "".join(tr.itertext())[:40]
    assert heads >= 8
    # the lines the data sets apart ("PM2.5\n（微克/立方米）") are paragraphs of the cell; in 附件2's
    # crowded head, where no column width keeps LibreOffice from breaking inside the unit, the unit is
    # set as two paragraphs broken after its "/"
    cells = [["".join(p.itertext()) for p in tc.findall(f"{W}p")] for tc in document.iter(f"{W}tc")]
    assert ["PM2.5", "（微克/", "立方米）"] in cells and ["县", "（市、区）"] in cells


def annex_page_lines(pdf):
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [page.splitlines() for page in text.split("\f") if re.match(r"\s*附件\d", page)]


def test_pdf_table_heads_break_units_only_after_a_slash_or_colon(built):
    pages = annex_page_lines(built["pdf"])
    assert len(pages) == 8
    checked = 0
    for lines in pages:
        for i, line in enumerate(lines):
            assert not re.search(r"PM2?\.?$", line), f"{line} | {lines[i + 1]}"
            opened = line.rfind("（")
            if opened < 0 or "）" in line[opened:]:
                continue
            fragment = line[opened:]
            group = fragment + "".join(lines[i + 1:i + 6])
            if "）" in group and len(group[:group.find("）") + 1]) <= 12:  # a unit, not a parenthesised phrase
                checked += 1
                assert fragment.endswith(("/", "：")), f"{line} | {lines[i + 1]}"
    assert checked >= 5


def test_libreoffice_breaks_no_unit_of_an_annex_head(notice_lo_pdf):
    """In LibreOffice's rendering of the DOCX (the reference for "opens and lays out correctly"), a unit
    in brackets — （市、区）, （微克/立方米）, （单位：辆·次） — is broken only after its "/" or "：", on every
    annex page (where the crowded 附件2 head once read "县（市、" / "区）" and "（微克/立" / "方米）")."""
    import re
    import subprocess

    from helpers import pdf_page_count

    from reportgen.writers.cjk_lines import BRACKET_UNIT

    bad, annex_pages = [], 0
    for page in range(1, pdf_page_count(notice_lo_pdf) + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(notice_lo_pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not any(re.fullmatch(r"附件\s*\d+", line) for line in lines[:3]):
            continue
        annex_pages += 1
        for a, b in zip(lines, lines[1:]):
            for m in BRACKET_UNIT.finditer(a + b):
                if m.start() < len(a) < m.end() and not a.endswith(("/", "：")):
                    bad.append((page, a, b))
    assert annex_pages == 8
    assert not bad
