"""Every raw WordprocessingML tweak python-docx has no API for, in one place.

- fonts on all four rFonts slots plus w:hint="eastAsia", so “ ” — …… stay in the CJK font;
- run character spacing (w:spacing, twentieths of a point) for 28 characters a line;
- the section's document grid (w:docGrid type="lines");
- table header rows repeated on every page (w:tblHeader), cell shading, merged cells;
- PAGE fields in footers.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# Child order of the property elements (ECMA-376 Part 1); python-docx does not export these.
PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
             "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
             "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
             "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
             "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
             "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
             "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
             "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
             "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
             "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
TRPR_ORDER = ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
              "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
TCPR_ORDER = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
              "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers", "w:cellIns",
              "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _put(parent, tag: str, tag_seq: tuple[str, ...], **attrs):
    """Replace or add the child `tag` where the schema's element order wants it (Word is strict)."""
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    successors = tag_seq[tag_seq.index(tag) + 1:]
    parent.insert_element_before(el, *successors)
    return el


def set_run_font(run, name: str, size_pt: float, char_spacing_pt: float | None = None) -> None:
    set_rpr_font(run._r.get_or_add_rPr(), name, size_pt, char_spacing_pt)


def set_rpr_font(rpr, name: str, size_pt: float, char_spacing_pt: float | None = None) -> None:
    """Font on a run's or a style's w:rPr."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _put(rpr, "w:rFonts", RPR_ORDER)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]  # theme fonts would override the explicit names
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    fonts.set(qn("w:hint"), "eastAsia")
    half_points = str(round(size_pt * 2))
    for tag in ("w:sz", "w:szCs"):
        _put(rpr, tag, RPR_ORDER, val=half_points)
    if char_spacing_pt:
        _put(rpr, "w:spacing", RPR_ORDER, val=str(round(char_spacing_pt * 20)))


def latin_run_font(run, name: str) -> None:
    """The run's Western slots (w:ascii, w:hAnsi) in `name`; w:eastAsia and the East Asian hint stay."""
    fonts = run._r.get_or_add_rPr().find(qn("w:rFonts"))
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)


def set_doc_grid(section, line_pitch_pt: float) -> None:
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(line_pitch_pt * 20)))


def mark_header_row(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    _put(tr_pr, "w:cantSplit", TRPR_ORDER)
    _put(tr_pr, "w:tblHeader", TRPR_ORDER)


def keep_row_together(row) -> None:
    _put(row._tr.get_or_add_trPr(), "w:cantSplit", TRPR_ORDER)


def shade_cell(cell, fill_hex: str) -> None:
    _put(cell._tc.get_or_add_tcPr(), "w:shd", TCPR_ORDER, val="clear", color="auto", fill=fill_hex)


def center_cell_vertically(cell) -> None:
    _put(cell._tc.get_or_add_tcPr(), "w:vAlign", TCPR_ORDER, val="center")


def add_field(paragraph, instruction: str, font: str, size_pt: float):
    """A field such as PAGE, as begin/instr/separate/result/end runs."""
    def run_with(el):
        run = paragraph.add_run()
        set_run_font(run, font, size_pt)
        run._r.append(el)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    result = paragraph.add_run("1")
    set_run_font(result, font, size_pt)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def disable_snap_to_grid(paragraph) -> None:
    """Large text (titles, tables) must not take two grid cells."""
    _put(paragraph._p.get_or_add_pPr(), "w:snapToGrid", PPR_ORDER, val="0")


def east_asian_typography(paragraph) -> None:
    """Kinsoku on; punctuation may not hang past the 版心; no automatic CJK/Latin spacing (the PDF has none)."""
    p_pr = paragraph._p.get_or_add_pPr()
    _put(p_pr, "w:kinsoku", PPR_ORDER, val="1")
    _put(p_pr, "w:overflowPunct", PPR_ORDER, val="0")
    _put(p_pr, "w:autoSpaceDE", PPR_ORDER, val="0")
    _put(p_pr, "w:autoSpaceDN", PPR_ORDER, val="0")


def set_run_color(run, hex_color: str) -> None:
    _put(run._r.get_or_add_rPr(), "w:color", RPR_ORDER, val=hex_color)


def paragraph_rules(paragraph, *, top_pt: float = 0, bottom_pt: float = 0, space_pt: float = 0,
                    hex_color: str = "000000") -> None:
    """Rules above and/or below the paragraph (w:pBdr), `space_pt` from its text."""
    borders = _put(paragraph._p.get_or_add_pPr(), "w:pBdr", PPR_ORDER)
    for side, width in (("top", top_pt), ("bottom", bottom_pt)):
        if not width:
            continue
        el = OxmlElement(f"w:{side}")
        for k, v in (("val", "single"), ("sz", str(round(width * 8))), ("space", str(round(space_pt))),
                     ("color", hex_color)):
            el.set(qn(f"w:{k}"), v)
        borders.append(el)


TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
               "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
               "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def table_rules(table, top_pt: float, inside_pt: float, bottom_pt: float) -> None:
    """Horizontal rules only: thick top and bottom, thin between rows, no vertical lines."""
    borders = _put(table._tbl.tblPr, "w:tblBorders", TBLPR_ORDER)
    for side, width in (("top", top_pt), ("left", 0), ("bottom", bottom_pt), ("right", 0),
                        ("insideH", inside_pt), ("insideV", 0)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single" if width else "nil")
        if width:
            el.set(qn("w:sz"), str(round(width * 8)))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)


def cell_margins(table, left_right_pt: float) -> None:
    """Left and right margins of every cell of the table (w:tblCellMar), as the PDF's cell padding."""
    margins = _put(table._tbl.tblPr, "w:tblCellMar", TBLPR_ORDER)
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(left_right_pt * 20)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)


def float_table_on_page(table, x_mm: float, y_mm: float) -> None:
    """Place a table at a fixed position on the page (w:tblpPr anchored to the page)."""
    _put(table._tbl.tblPr, "w:tblpPr", TBLPR_ORDER, leftFromText="0", rightFromText="0", topFromText="0",
         bottomFromText="0", vertAnchor="page", horzAnchor="page", tblpX=str(round(x_mm * 56.6929)),
         tblpY=str(round(y_mm * 56.6929)))


def cell_text_top_to_bottom(cell) -> None:
    """Text in the cell turned a quarter clockwise (reads top to bottom): w:textDirection tbRl."""
    _put(cell._tc.get_or_add_tcPr(), "w:textDirection", TCPR_ORDER, val="tbRl")


def exact_row_height(row, height_mm: float) -> None:
    _put(row._tr.get_or_add_trPr(), "w:trHeight", TRPR_ORDER, val=str(round(height_mm * 56.6929)), hRule="exact")


# -- document language, font table, heading styles ------------------------------------------------

# The official fonts (GB/T 9704 and the profile's DOCX names), as Word's font table describes them:
# charset 86 (GB2312), and an alternative name that Word and WPS find on machines without the font.
OFFICIAL_FONTS = {
    "仿宋_GB2312": {"alt": "仿宋", "panose": "02010609030101010101", "family": "modern", "pitch": "fixed"},
    "楷体_GB2312": {"alt": "楷体", "panose": "02010609030101010101", "family": "modern", "pitch": "fixed"},
    "黑体": {"alt": "SimHei", "panose": "02010609060101010101", "family": "modern", "pitch": "fixed"},
    "宋体": {"alt": "SimSun", "panose": "02010600030101010101", "family": "auto", "pitch": "variable"},
    "方正小标宋简体": {"alt": "宋体", "panose": "02000000000000000000", "family": "script", "pitch": "fixed"},
    "仿宋": {"alt": "FangSong", "panose": "02010609060101010101", "family": "modern", "pitch": "fixed"},
    "楷体": {"alt": "KaiTi", "panose": "02010609060101010101", "family": "modern", "pitch": "fixed"},
}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def font_table_xml(names: list[str]) -> bytes:
    """word/fontTable.xml naming `names` (the fonts the document uses) plus Times New Roman."""
    from lxml import etree

    w = f"{{{W_NS}}}"
    root = etree.Element(f"{w}fonts", nsmap={"w": W_NS})
    for name in [*dict.fromkeys(names), "Times New Roman"]:
        spec = OFFICIAL_FONTS.get(name)
        font = etree.SubElement(root, f"{w}font", {f"{w}name": name})
        if spec is None:   # a Latin font
            etree.SubElement(font, f"{w}charset", {f"{w}val": "00"})
            etree.SubElement(font, f"{w}family", {f"{w}val": "roman"})
            etree.SubElement(font, f"{w}pitch", {f"{w}val": "variable"})
            continue
        etree.SubElement(font, f"{w}altName", {f"{w}val": spec["alt"]})
        etree.SubElement(font, f"{w}panose1", {f"{w}val": spec["panose"]})
        etree.SubElement(font, f"{w}charset", {f"{w}val": "86"})
        etree.SubElement(font, f"{w}family", {f"{w}val": spec["family"]})
        etree.SubElement(font, f"{w}pitch", {f"{w}val": spec["pitch"]})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_document_language(document, east_asian: str = "zh-CN", western: str = "en-US") -> None:
    """The document's languages as Chinese Word writes them: the defaults' w:lang (every run inherits
    it: Word proofs the text as Chinese and applies Chinese line rules) and the theme font language.
    (LibreOffice then hangs line-final punctuation, see docs/docx-in-office-programs.md.)"""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is None:
        raise ValueError("the DOCX template has no w:docDefaults/w:rPrDefault")
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    _put(rpr, "w:lang", RPR_ORDER, val=western, eastAsia=east_asian, bidi="ar-SA")
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), western)
        theme_lang.set(qn("w:eastAsia"), east_asian)


def replace_font_table(document, names: list[str]) -> None:
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            rel.target_part._blob = font_table_xml(names)
            return


def heading_style(document, style_name: str, outline_level: int, font: str, size_pt: float):
    """A built-in heading style ("Heading 1" …, shown as 标题 1 in Chinese Word) restyled to the
    profile's font and size, black, not bold, no spacing, with its outline level (0-based), so the
    navigation pane and outline view list the headings while they look as GB/T 9704 wants."""
    style = document.styles[style_name]
    el = style.element
    old = el.find(qn("w:rPr"))
    if old is not None:
        el.remove(old)
    rpr = OxmlElement("w:rPr")
    el.append(rpr)
    set_rpr_font(rpr, font, size_pt)
    _put(rpr, "w:b", RPR_ORDER, val="0")
    _put(rpr, "w:bCs", RPR_ORDER, val="0")
    _put(rpr, "w:color", RPR_ORDER, val="000000")
    ppr = el.get_or_add_pPr()
    for child in list(ppr):
        ppr.remove(child)
    _put(ppr, "w:keepNext", PPR_ORDER, val="1" if outline_level < 2 else "0")
    _put(ppr, "w:spacing", PPR_ORDER, before="0", after="0")
    _put(ppr, "w:outlineLvl", PPR_ORDER, val=str(outline_level))
    return style
