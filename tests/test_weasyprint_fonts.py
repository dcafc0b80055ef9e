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
        first, second = _pdf(), _pdf()   # the second reuses the cached font files
    finally:
        weasyprint_fonts.install()
    assert first == stock
    assert second == stock
    assert weasyprint_fonts._face_data, "the font files were not cached"


def test_the_cached_font_file_is_the_whole_face():
    from weasyprint.text.fonts import get_hb_object_data

    weasyprint_fonts.install()
    _pdf()
    for face, data in weasyprint_fonts._face_data.values():
        assert data == get_hb_object_data(face)
    assert max(len(data) for _, data in weasyprint_fonts._face_data.values()) > 10_000_000   # a CJK collection
