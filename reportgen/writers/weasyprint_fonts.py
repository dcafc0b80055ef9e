"""Two per-document costs of WeasyPrint 70.0's font embedding, removed without changing a byte.

WeasyPrint has no supported option for this: `write_pdf`'s font options are `full_fonts` (embed whole
fonts: far bigger files) and `hinting`, and reusing the FontConfiguration (which writers/pdf.py does)
shares the parsed @font-face fonts, not the embedding. So this module patches, in WeasyPrint 70.0
only (pinned in pyproject.toml), `weasyprint/pdf/fonts.py`: its name `get_hb_object_data`, the method
`Font._harfbuzz_subset`, and a descriptor for `Font.file_content`:

1. `Font.__init__` copies the whole font file into a Python bytes object
   (`self.file_content = get_hb_object_data(self.hb_face)`) for every font of every document, although
   with HarfBuzz subsetting (the usual case) that copy is never read: subsetting works on the HarfBuzz
   face and replaces `file_content` with the subset. Our fonts are 17–27 MB CJK collections (Noto CJK
   .ttc, AR PL UKai): ~90 MB copied per document, ~10 ms of CPU per font, and large transient
   allocations in every worker. The patch makes the copy lazy: `get_hb_object_data` *as called from
   `pdf/fonts.py`* (only `Font.__init__` calls it there once 2. is in place) returns a marker for the
   whole face, and `Font.file_content` becomes a data descriptor that, when read while it still holds
   the marker, makes the copy then from the font's own face (`self.hb_face`, which the Font keeps alive;
   a HarfBuzz face's data is immutable, so the bytes are those `__init__` would have copied). A font
   that is embedded whole, or goes through the fontTools, variable-font or colour-font paths, reads it
   and gets exactly WeasyPrint's bytes.

2. `Font._harfbuzz_subset`'s second pass keeps glyphs 0..max(used glyph id) by building a Python tuple
   of up to 65,536 ints and converting it into a C array (`ffi.new`), ~8 ms per CJK font per document.
   The replacement below is the 70.0 method line for line except that it passes the first
   max(used glyph id) + 1 elements of one C array 0..65535 made once per process: the same glyph set.
   Because `get_hb_object_data` is replaced in `pdf/fonts.py`'s namespace (see 1.), this method calls
   the original function explicitly for the subset face.

`install()` patches only if WeasyPrint is 70.0 and the sources of the replaced functions are those
the patch was written for (their SHA-256 below); otherwise it leaves WeasyPrint alone (stock behaviour,
just slower) and logs a warning. tests/unit/test_weasyprint_patch_pin.py (fast lane) fails loudly in
that case; tests/test_weasyprint_fonts.py checks that a PDF written with the patch has the same bytes
as one written without it, and that subset fonts are no longer copied whole.
"""

from __future__ import annotations

import hashlib
import inspect
import logging

PINNED_VERSION = "70.0"

# sha256 of inspect.getsource() of what this module replaces or relies on, in WeasyPrint 70.0: the two
# functions it replaces and the one it wraps, and the whole of pdf/fonts.py (every reader of
# Font.file_content is there)
EXPECTED_SOURCES = {
    "weasyprint.pdf.fonts": "9ad9a202a416b84585e59d758e6b5e1b35604807dc3fa4472b6829bc5c4cdcb7",
    "weasyprint.pdf.fonts.Font.__init__": "1f281166b10302a4278a04384970b91496a19b071e071a4087f77a49bc1487fe",
    "weasyprint.pdf.fonts.Font._harfbuzz_subset": "f80805663ede8080a3e1ffff831e20c74bd25fa3b8e4410334ba807158dc685f",
    "weasyprint.text.fonts.get_hb_object_data": "03040a623df04c2b5fe464037e14b07fe430fd1ec43602abf955fdf3fbe77ea6",
}

_installed = False
_glyph_range = None   # C array hb_codepoint_t[65536] holding 0..65535, made on first use


def _sources() -> dict:
    from weasyprint.pdf import fonts as pdf_fonts
    from weasyprint.text import fonts as text_fonts

    return {"weasyprint.pdf.fonts": pdf_fonts,
            "weasyprint.pdf.fonts.Font.__init__": pdf_fonts.Font.__init__,
            "weasyprint.pdf.fonts.Font._harfbuzz_subset": pdf_fonts.Font._harfbuzz_subset,
            "weasyprint.text.fonts.get_hb_object_data": text_fonts.get_hb_object_data}


def source_digests() -> dict[str, str]:
    """The sha256 of the current source of each function in EXPECTED_SOURCES (the originals, even
    after install())."""
    functions = _sources() if not _installed else {**_sources(), **_originals}
    return {name: hashlib.sha256(inspect.getsource(f).encode()).hexdigest() for name, f in functions.items()}


def mismatches() -> list[str]:
    """Why the patch would not fit the installed WeasyPrint (empty when it fits)."""
    import weasyprint

    if weasyprint.__version__ != PINNED_VERSION:
        return [f"WeasyPrint {weasyprint.__version__}, the patch is for {PINNED_VERSION}"]
    digests = source_digests()
    return [f"{name} differs from WeasyPrint {PINNED_VERSION}'s" for name, digest in EXPECTED_SOURCES.items()
            if digests[name] != digest]


_originals: dict = {}


class _WholeFace:
    """What pdf/fonts.py's get_hb_object_data returns for a whole face: the copy is made when read."""

    def __repr__(self):
        return "<whole font face, copied when read>"


WHOLE_FACE = _WholeFace()


def _lazy_face_data(hb_object, ot_color=None, glyph=None):
    """get_hb_object_data as pdf/fonts.py calls it: for the whole face (Font.__init__), the marker."""
    if ot_color is None:
        return WHOLE_FACE
    return _originals["weasyprint.text.fonts.get_hb_object_data"](hb_object, ot_color, glyph)


class _FileContent:
    """Font.file_content: the font file's bytes, copied from the font's face when first read."""

    def __get__(self, font, owner=None):
        if font is None:
            return self
        try:
            value = font.__dict__["file_content"]
        except KeyError:
            raise AttributeError("file_content") from None
        if value is WHOLE_FACE:
            value = font.__dict__["file_content"] = \
                _originals["weasyprint.text.fonts.get_hb_object_data"](font.hb_face)
        return value

    def __set__(self, font, value):
        font.__dict__["file_content"] = value


def _harfbuzz_subset(self, to_unicode, hinting):
    """Subset font using Harfbuzz (WeasyPrint 70.0's Font._harfbuzz_subset; see the module docstring
    for the two lines that differ)."""
    from weasyprint.logger import LOGGER
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    global _glyph_range

    hb_subset = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(),
        harfbuzz_subset.hb_subset_input_destroy)

    # Only keep used glyphs.
    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    gid_array = ffi.new(f'hb_codepoint_t[{len(to_unicode)}]', sorted(to_unicode))
    harfbuzz.hb_set_add_sorted_array(gid_set, gid_array, len(to_unicode))

    # Set flags.
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS |
        harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED |
        harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if self.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(hb_subset, flags)

    # Drop useless tables.
    drop_set = harfbuzz_subset.hb_subset_input_set(
        hb_subset, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    drop_tables = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in (
        b'BASE', b'DSIG', b'EBDT', b'EBLC', b'EBSC', b'GPOS', b'GSUB', b'JSTF',
        b'LTSH', b'PCLT', b'SVG '))
    drop_tables_array = ffi.new(f'hb_codepoint_t[{len(drop_tables)}]', drop_tables)
    harfbuzz.hb_set_add_sorted_array(drop_set, drop_tables_array, len(drop_tables))

    # Subset font.
    hb_face = ffi.gc(
        harfbuzz_subset.hb_subset_or_fail(self.hb_face, hb_subset),
        harfbuzz.hb_face_destroy)

    # Drop empty glyphs after last one used.
    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    # changed: the first max + 1 elements of one array 0..65535, not a new array from a new tuple
    keep_count = max(to_unicode) + 1
    if keep_count <= 65536:
        if _glyph_range is None:
            _glyph_range = ffi.new('hb_codepoint_t[65536]', tuple(range(65536)))
        gid_array = _glyph_range
    else:  # not a glyph id of an OpenType font; as WeasyPrint does
        gid_array = ffi.new(f'hb_codepoint_t[{keep_count}]', tuple(range(keep_count)))
    harfbuzz.hb_set_add_sorted_array(gid_set, gid_array, keep_count)

    # Set flags.
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED |
        harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if self.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(hb_subset, flags)

    # Subset font.
    hb_face = ffi.gc(
        harfbuzz_subset.hb_subset_or_fail(hb_face, hb_subset),
        harfbuzz.hb_face_destroy)

    # Store new font.
    if hb_face:
        # changed: the original function (pdf/fonts.py's name now returns the whole-face marker)
        file_content = get_hb_object_data(hb_face)
        if file_content:
            self.file_content = file_content
            return

    LOGGER.warning('Unable to subset "%s" with HarfBuzz', self.family)


def install() -> bool:
    """Patch WeasyPrint (once per process) if it is the version and source this was written for;
    return whether the patch is in force."""
    global _installed
    if _installed:
        return True
    if problems := mismatches():
        logging.getLogger(__name__).warning("WeasyPrint font embedding not patched (%s)", "; ".join(problems))
        return False
    from weasyprint.pdf import fonts as pdf_fonts

    _originals.update((name, f) for name, f in _sources().items() if name != "weasyprint.pdf.fonts")
    pdf_fonts.get_hb_object_data = _lazy_face_data
    pdf_fonts.Font._harfbuzz_subset = _harfbuzz_subset
    pdf_fonts.Font.file_content = _FileContent()
    _installed = True
    return True


def uninstall() -> None:
    """Undo install() (for tests; Font objects made while installed keep the descriptor's behaviour
    only as far as their file_content was already read)."""
    global _installed
    if not _installed:
        return
    from weasyprint.pdf import fonts as pdf_fonts

    pdf_fonts.get_hb_object_data = _originals["weasyprint.text.fonts.get_hb_object_data"]
    pdf_fonts.Font._harfbuzz_subset = _originals["weasyprint.pdf.fonts.Font._harfbuzz_subset"]
    del pdf_fonts.Font.file_content
    _installed = False
