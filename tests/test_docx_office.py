"""The DOCX as Word/WPS users work in it: the official fonts in the font table, and the
一、/（一）/1. levels as heading styles with outline levels that look exactly as the direct formatting."""

import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def notice(built):
    return built["docx"]


def part(path, name):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def test_font_table_names_every_official_font_with_its_charset(notice):
    fonts = {f.get(f"{W}name"): f for f in part(notice, "word/fontTable.xml").iter(f"{W}font")}
    for name in ("仿宋_GB2312", "楷体_GB2312", "方正小标宋简体", "黑体"):
        assert name in fonts, name
        assert fonts[name].find(f"{W}charset").get(f"{W}val") == "86"
        assert fonts[name].find(f"{W}altName") is not None
    assert "Calibri" not in fonts and "ＭＳ 明朝" not in fonts
    # every font a run names is in the table
    document = part(notice, "word/document.xml")
    used = {el.get(f"{W}eastAsia") for el in document.iter(f"{W}rFonts")} - {None}
    assert used <= set(fonts)


def test_document_language_is_set_by_the_profile(notice, tmp_path):
    """The default profile writes zh-CN as Chinese Word does: in the defaults every run inherits (no run
    overriding it) and in the theme font language; a profile with docx.east_asian_language: en-US keeps
    python-docx's en-US."""
    from reportgen.profile import Profile
    from reportgen.writers.docx import write_docx

    def languages(path):
        defaults = part(path, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        runs = {el.get(f"{W}eastAsia") for el in part(path, "word/document.xml").iter(f"{W}lang")}
        theme = part(path, "word/settings.xml").find(f"{W}themeFontLang")
        return defaults.get(f"{W}eastAsia"), runs - {None}, theme.get(f"{W}eastAsia")

    assert languages(notice) == ("zh-CN", set(), "zh-CN")
    office = tmp_path / "office.yaml"
    office.write_text("base: gbt9704\ndocx: {east_asian_language: en-US}\n", encoding="utf-8")
    html = ('<html><body><section class="part" data-orientation="portrait">'
            '<p class="body">现将工作计划印发给你们，请认真贯彻执行。</p></section></body></html>')
    write_docx(html, Profile.load(office), tmp_path / "en.docx")
    assert languages(tmp_path / "en.docx")[0] == "en-US"


def outline_level(style):
    ppr = style.element.pPr
    level = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    return None if level is None else int(level.get(qn("w:val")))


def test_headings_carry_styles_with_outline_levels(notice):
    d = docx.Document(notice)
    by_level: dict[int, list[str]] = {}
    for p in d.paragraphs:
        level = outline_level(p.style)
        if level is not None:
            by_level.setdefault(level, []).append(p.text)
    assert by_level[0][:2] == ["一、总体要求", "二、推进十项任务"]
    assert by_level[1][0] == "（一）指导思想"
    assert by_level[2][0].startswith("1.强化生态环境空间管控。")
    assert len(by_level[0]) == 4 and len(by_level[2]) >= 30
    # the style looks as the direct formatting does: black, not bold, the profile's font
    h1 = d.styles["Heading 1"].element.rPr
    assert h1.find(qn("w:color")).get(qn("w:val")) == "000000"
    assert h1.find(qn("w:b")).get(qn("w:val")) == "0"
    assert h1.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    assert d.styles["Heading 2"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    # body text is not a heading
    assert all(outline_level(p.style) is None for p in d.paragraphs if p.text.startswith("现将《"))


@pytest.fixture(scope="module")
def notice_in_libreoffice(notice_lo_pdf):
    return notice_lo_pdf


def test_landscape_page_numbers_show_their_dashes_in_libreoffice(notice_in_libreoffice):
    """The turned footer of a landscape section reads "— n —" and its dashes are drawn: LibreOffice
    drew no U+2014 of a CJK font in turned text (the text layer had it, the page showed a bare "31")."""
    from helpers import page_image, word_boxes
    from pypdf import PdfReader

    pdf = notice_in_libreoffice
    reader = PdfReader(str(pdf))
    landscape = [n for n, page in enumerate(reader.pages, start=1) if page.mediabox.width > page.mediabox.height]
    assert len(landscape) >= 3
    for n in landscape:
        words = word_boxes(pdf, n)
        number = next(w for w in words if w[0] == str(n) and w[3] < 35)  # left of the 版心 (the 订口 side)
        # the dashes stand before and after the number, in the same column (text turned top to bottom)
        dashes = [w for w in words if w[0] == "—" and abs(w[1] - number[1]) < 1]
        assert len(dashes) == 2, (n, words[:3])
        image = page_image(pdf, n, dpi=150)
        width_mm = float(reader.pages[n - 1].mediabox.width) * 25.4 / 72
        px = image.size[0] / width_mm
        for _, x0, y0, x1, y1 in dashes:
            crop = image.crop((int(x0 * px), int(y0 * px), int(x1 * px) + 1, int(y1 * px) + 1))
            assert crop.convert("L").getextrema()[0] < 128, f"第{n}页的一字线没有画出"
