"""The WeasyPrint font-embedding patch (reportgen/writers/weasyprint_fonts.py) must fit the installed
WeasyPrint exactly. If one of these fails after an upgrade, the patch is NOT applied (the build falls back
to WeasyPrint's own, slower code): read the new WeasyPrint source of the functions named below, port the
patch or drop it, then update PINNED_VERSION, EXPECTED_SOURCES and the pin in pyproject.toml."""

import inspect
import re
from pathlib import Path

import weasyprint
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text import fonts as text_fonts

from reportgen.writers import weasyprint_fonts

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_weasyprint_is_the_one_the_patch_was_written_for():
    assert weasyprint.__version__ == weasyprint_fonts.PINNED_VERSION, (
        f"WeasyPrint {weasyprint.__version__} installed; reportgen/writers/weasyprint_fonts.py patches "
        f"{weasyprint_fonts.PINNED_VERSION}: port or drop the patch")


def test_pyproject_pins_that_weasyprint_exactly():
    assert re.search(r'"weasyprint==([0-9.]+)"', (ROOT / "pyproject.toml").read_text())[1] == \
        weasyprint_fonts.PINNED_VERSION


def test_the_patched_functions_sources_are_those_the_patch_was_written_for():
    digests = weasyprint_fonts.source_digests()
    for name, expected in weasyprint_fonts.EXPECTED_SOURCES.items():
        assert digests[name] == expected, (
            f"{name} changed in the installed WeasyPrint: the patch in reportgen/writers/weasyprint_fonts.py "
            "replaces or relies on it as it was in WeasyPrint 70.0; port or drop the patch")
    assert weasyprint_fonts.mismatches() == []


def test_the_patched_functions_signatures_are_unchanged():
    assert str(inspect.signature(pdf_fonts.Font.__init__)) == "(self, pango_font, description, font_size)"
    assert inspect.signature(weasyprint_fonts._originals.get(
        "weasyprint.pdf.fonts.Font._harfbuzz_subset", pdf_fonts.Font._harfbuzz_subset)) == \
        inspect.signature(weasyprint_fonts._harfbuzz_subset)
    assert str(inspect.signature(text_fonts.get_hb_object_data)) == "(hb_object, ot_color=None, glyph=None)"
    assert inspect.signature(weasyprint_fonts._lazy_face_data) == inspect.signature(text_fonts.get_hb_object_data)


def test_font_init_still_takes_the_whole_face_from_pdf_fonts_get_hb_object_data():
    # the one call the cache intercepts, and pdf/fonts.py's only other caller is the replaced method
    source = inspect.getsource(pdf_fonts)
    assert source.count("get_hb_object_data(") == 2
    assert "self.file_content = get_hb_object_data(self.hb_face)" in inspect.getsource(pdf_fonts.Font.__init__)
    # Font.file_content becomes a descriptor: WeasyPrint must not define it on the class itself
    assert not any("file_content" in vars(cls) for cls in pdf_fonts.Font.__mro__[1:])


def test_install_applies_the_patch():
    assert weasyprint_fonts.install()
    assert pdf_fonts.Font._harfbuzz_subset is weasyprint_fonts._harfbuzz_subset
    assert pdf_fonts.get_hb_object_data is weasyprint_fonts._lazy_face_data
