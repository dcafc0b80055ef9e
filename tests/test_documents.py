"""Structure of the generated notice: annex pages, landscape, merged headers, repeated headers, gaps."""

import subprocess

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from helpers import docx_text, pdf_pages_text
from pypdf import PdfReader


def annex_pages(pdf):
    """{annex number: [page indexes]} from the 附件N label lines (the label starts the annex's pages)."""
    pages = pdf_pages_text(pdf)
    starts = {}
    for i, text in enumerate(pages):
        first = text.strip().splitlines()[0] if text.strip() else ""
        if first.startswith("附件") and first[2:].isdigit():
            starts[int(first[2:])] = i
    order = sorted(starts.items(), key=lambda kv: kv[1])
    out = {}
    for k, (n, start) in enumerate(order):
        end = order[k + 1][1] if k + 1 < len(order) else len(pages)
        out[n] = list(range(start, end))
    return out, pages


def test_every_annex_starts_a_page_and_wide_ones_are_turned(built):
    """GB/T 9704 8: wide tables turned a quarter on portrait pages, heading toward the left edge."""
    from helpers import word_boxes

    spans, _ = annex_pages(built["pdf"])
    assert sorted(spans) == list(range(1, 9))
    reader = PdfReader(str(built["pdf"]))
    for n, pages in spans.items():
        for i in pages:
            box = reader.pages[i].mediabox
            assert float(box.width) < float(box.height), f"附件{n} page {i + 1} is not portrait"
        title = next(w for w in word_boxes(built["pdf"], pages[0] + 1) if w[0].startswith("2021年") or w[0] == "全省重点石化企业清单")
        width, height = title[3] - title[1], title[4] - title[2]
        turned = height > width
        assert turned == (n in (6, 7, 8)), f"附件{n}: title box {width:.0f} × {height:.0f} mm"
        if turned:
            assert title[1] < 28 + 40, "the turned table's heading must face the left edge"


def test_portrait_pages_are_a4_with_gbt9704_page_numbers(built):
    reader = PdfReader(str(built["pdf"]))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    raw = subprocess.run(["pdftotext", "-raw", "-f", "1", "-l", "2", str(built["pdf"]), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "— 1 —" in raw and "— 2 —" in raw


def test_table_headers_repeat_on_every_page_of_a_table(built):
    spans, pages = annex_pages(built["pdf"])
    for n, idx in spans.items():
        for i in idx[1:]:
            assert "城市" in pages[i] or "设区市" in pages[i] or "序号" in pages[i], f"附件{n} page {i + 1}"
    doc = Document(str(built["docx"]))
    for table in doc.tables:
        first_row = table.rows[0]._tr
        assert first_row.find(qn("w:trPr")) is not None
        assert first_row.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None


def test_docx_sections_merges_and_fonts(built):
    doc = Document(str(built["docx"]))
    orientations = [s.orientation for s in doc.sections]
    assert orientations[-3:] == [WD_ORIENT.LANDSCAPE] * 3
    assert all(o == WD_ORIENT.PORTRAIT for o in orientations[:-3])
    assert round(doc.sections[0].top_margin.mm) == 37 and round(doc.sections[0].left_margin.mm) == 28
    # 附件6: two header rows; 产业结构优化调整项目 spans 3 columns, 城市 spans 2 rows
    annex6 = doc.tables[5]
    xml = annex6._tbl.xml
    assert 'w:gridSpan w:val="3"' in xml and 'w:gridSpan w:val="4"' in xml and "w:vMerge" in xml
    head = [c.text for c in annex6.rows[0].cells]
    assert head[0] == "城市" and "产业结构优化调整项目" in head
    # every run names its CJK font on all slots, with the eastAsia hint
    for run in doc.paragraphs[0].runs:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体" and fonts.get(qn("w:hint")) == "eastAsia"


def test_missing_cells_are_visibly_empty_in_both_formats(built):
    doc = Document(str(built["docx"]))
    annex8 = doc.tables[7]
    rows = {r.cells[0].text: r for r in annex8.rows}
    yangzhou = rows["扬州"]
    assert [c.text for c in yangzhou.cells[1:3]] == ["1440", "360"]
    for cell in yangzhou.cells[3:]:
        assert cell.text == ""
        shd = cell._tc.tcPr.find(qn("w:shd"))
        assert shd is not None and shd.get(qn("w:fill")) == "D9D9D9"
    assert all(c.text == "" for c in rows["宿迁"].cells[1:])
    assert "灰底空白格为数据中缺失的数值" in docx_text(built["docx"])
    spans, pages = annex_pages(built["pdf"])
    annex8_text = "".join(pages[i] for i in spans[8])
    assert "灰底空白格为数据中缺失的数值" in annex8_text
    assert "0" not in annex8_text.split("扬州")[1].split("镇江")[0].replace("1440", "").replace("360", "")


def test_totals_are_computed_from_city_rows(built):
    plan = built["result"].plan
    annex6 = plan.annexes[6]
    assert annex6.total["total"].text == "10134"
    assert annex6.rows[0].cells["total"].text == "729"
    assert plan.annexes[1].total["pm25_target"].text == "37"  # stated, not a sum
    assert plan.annexes[8].total == {}


def test_responsibility_notes_are_structured(built):
    plan = built["result"].plan
    items = {i.number: i for i in list(plan.workplan.sections[1].subsections[1].items)}
    note = items[6].paragraphs[0].responsibility
    assert note.note == "（省住房城乡建设厅牵头，省发展改革委、工业和信息化厅、市场监管局、能源局配合）"
    assert note.lead == ("省住房城乡建设厅",)
    assert note.support == ("省发展改革委", "省工业和信息化厅", "省市场监管局", "省能源局")


def test_docx_landscape_pages_keep_the_portrait_page_number_position(notice_lo_pdf):
    """On a landscape page (the portrait page turned, 订口 on top) the number stands where it would on
    the portrait page: 7 mm below the 版心 (28 mm from the left here), 1 字 in from the outer edge."""
    from helpers import word_boxes

    lo = notice_lo_pdf
    reader = PdfReader(str(lo))
    landscape = [i + 1 for i, p in enumerate(reader.pages) if float(p.mediabox.width) > float(p.mediabox.height)]
    assert len(landscape) == 3
    for page in landscape:
        number = [w for w in word_boxes(lo, page) if w[0] == str(page) and w[1] < 40]
        assert number, f"no page number on page {page}"
        _, x0, y0, x1, y1 = number[0]
        dashes = [w for w in word_boxes(lo, page) if w[0] == "—" and abs(w[1] - x0) < 1]
        assert len(dashes) == 2
        assert (x0 + x1) / 2 == pytest.approx(297 - 269, abs=1.0)
        top = min(d[2] for d in dashes)
        bottom = max(d[4] for d in dashes)
        if page % 2:
            assert bottom == pytest.approx(184 - 14 / 72 * 25.4, abs=1.0)
        else:
            assert top == pytest.approx(28 + 14 / 72 * 25.4, abs=1.0)
