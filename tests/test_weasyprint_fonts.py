"""The WeasyPrint font-embedding patch (reportgen/writers/weasyprint_fonts.py) changes no byte of a PDF.
(That the patch fits the installed WeasyPrint is checked in tests/unit/test_weasyprint_patch_pin.py.)"""

from weasyprint import HTML

from reportgen.writers import weasyprint_fonts
from reportgen.writers.pdf import _stylesheet

# the fonts the templates use (Noto CJK collections, AR PL UKai, FandolFang), through the shared stylesheet
HTML_TEXT = """<p style="font-family: 'Noto Serif CJK SC'">关于印发江苏省大气污染防治工作计划的通知 2021</p>
<p style="font-family: 'Noto Sans CJK SC'; font-weight: bold">一、总体要求（PM2.5）</p>
<p style="font-family: 'AR PL UKai CN'">楷体 文字</p><p style="font-family: FangSong">仿宋 正文，第1页</p>"""


def _pdf() -> bytes:
    stylesheet, font_config = _stylesheet("@page { size: A4 }")
    return HTML(string=HTML_TEXT).write_pdf(stylesheets=[stylesheet], font_config=font_config)


def test_patched_font_embedding_gives_the_same_bytes():
    weasyprint_fonts.uninstall()
    try:
        stock = _pdf()
        assert _pdf() == stock   # WeasyPrint alone is deterministic
        assert weasyprint_fonts.install()
        patched = _pdf()
    finally:
        weasyprint_fonts.install()
    assert patched == stock


def test_fonts_are_not_copied_whole_when_subset_but_are_when_read(monkeypatch):
    from weasyprint.pdf import fonts as pdf_fonts
    from weasyprint.text.fonts import get_hb_object_data

    weasyprint_fonts.install()
    fonts, sizes = [], []
    real_clean = pdf_fonts.Font.clean

    def clean(font, to_unicode, hinting):
        assert font.__dict__["file_content"] is weasyprint_fonts.WHOLE_FACE   # not copied by __init__
        fonts.append(font)
        real_clean(font, to_unicode, hinting)
        assert isinstance(font.__dict__["file_content"], bytes)   # the subset
        whole = get_hb_object_data(font.hb_face)
        sizes.append(len(whole))
        font.file_content = weasyprint_fonts.WHOLE_FACE   # read again: the whole face, as WeasyPrint copies it
        assert font.file_content == whole

    monkeypatch.setattr(pdf_fonts.Font, "clean", clean)
    _pdf()
    assert fonts and max(sizes) > 10_000_000   # a CJK collection among them
