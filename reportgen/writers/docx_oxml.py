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
