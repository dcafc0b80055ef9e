"""Rendered HTML → DOCX with python-docx.

Reads the same HTML the PDF is made from, so both formats print the same text. It understands the
small vocabulary the templates use: <section class="part" data-orientation> (a new page; a DOCX
section), block elements whose class names a paragraph kind of the layout profile, <br>, and
<table> with <thead>/<tbody>, colspan and rowspan. Raw XML details live in docx_oxml.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt
from docx.table import _Cell

from ..fonts import imprint_height_pt, metrics_for
from ..kinsoku import LIBREOFFICE_BREAKS_AROUND
from ..profile import PT_PER_MM, Profile
from . import docx_oxml
from .cjk_lines import (
    BRACKET_UNIT,
    HEAD_UNITS,
    LATIN_RUN,
    NO_LINE_END,
    NO_LINE_START,
    break_paragraph,
    head_unbreakable_width,
    unbreakable_width,
)
from .table_grid import GridCell as _GridCell
from .table_grid import UnsupportedHtml
from .table_grid import table_grid as _table_grid
from .table_grid import table_rows as _table_rows
from .title_lines import apply_title_breaks

CELL_MARGIN_MM = 1.905  # the default left and right cell margins of Word's table styles (108 twips)
DATA_CELL_MARGIN_PT = 2.0  # data tables with heads: the PDF's cell padding (table.annex-table th, td)

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "div"}
WHITESPACE = re.compile(r"[ \t\r\n\f]+")  # as HTML collapses; U+3000 ideographic spaces stay
HTML_SPACE = " \t\r\n\f"
# paragraph kinds that are headings of the outline (GB/T 9704 7.3.3: 一、 （一） 1.), their Word style
# and outline level; a paragraph marked data-outline="3" is an item that starts with its number "1．"
OUTLINE_STYLES = {"heading-1": ("Heading 1", 0), "heading-2": ("Heading 2", 1), "3": ("Heading 3", 2)}


def _inline_pieces(el) -> list[str | None]:
    """Text pieces of a block, None for a line break (<br>)."""
    pieces: list[str | None] = []

    def walk(node):
        if node.text:
            pieces.append(WHITESPACE.sub(" ", node.text))
        for child in node:
            if child.tag == "br":
                pieces.append(None)
            elif child.tag in ("span", "b", "strong", "em"):
                walk(child)
            else:
                raise UnsupportedHtml(f"段落中不支持的元素 <{child.tag}>")
            if child.tail:
                pieces.append(WHITESPACE.sub(" ", child.tail))

    walk(el)
    # strip template indentation at the ends, like HTML does
    # (HTML white space only: U+3000 ideographic spaces, e.g. the blanks of "　　年　　月　　日", stay)
    while pieces and isinstance(pieces[0], str) and not pieces[0].strip(HTML_SPACE):
        pieces.pop(0)
    if pieces and isinstance(pieces[0], str):
        pieces[0] = pieces[0].lstrip(HTML_SPACE)
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] = pieces[-1].rstrip(HTML_SPACE)
    return pieces


def _fill_paragraph(paragraph, pieces, font: str, size_pt: float, char_spacing: float | None) -> None:
    for piece in pieces:
        if piece is None:
            run = paragraph.add_run()
            run.add_break(WD_BREAK.LINE)
        elif piece:
            run = paragraph.add_run(piece)
        else:
            continue
        docx_oxml.set_run_font(run, font, size_pt, char_spacing)


def _format_paragraph(paragraph, *, pitch_pt: float, align: str = "left", indent_mm: float = 0,
                      left_mm: float = 0, right_mm: float = 0) -> None:
    fmt = paragraph.paragraph_format
    if pitch_pt < 10:
        docx_oxml.disable_snap_to_grid(paragraph)  # a 1 pt spacer must not take a whole grid line
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pitch_pt)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = False  # pages filled to 22 lines, as the PDF (orphans/widows 1)
    fmt.alignment = ALIGN[align]
    docx_oxml.east_asian_typography(paragraph)
    if indent_mm:
        fmt.first_line_indent = Mm(indent_mm)
    if left_mm:
        fmt.left_indent = Mm(left_mm)
    if right_mm:
        fmt.right_indent = Mm(right_mm)


def _text_width(text: str) -> float:
    """Width in 字 (full-width characters); ASCII letters and digits count about half."""
    return sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in text.strip(HTML_SPACE))


def _column_widths(cells: list[_GridCell], n_cols: int, total_mm: float, profile: Profile,
                   style: dict, margin_mm: float = CELL_MARGIN_MM) -> list[float]:
    """Column widths (mm): body text on one line where it can be, and no column narrower than the
    widest run of its header that may not be broken (so no cell needs a break against GB/T 15834)."""
    size = style["size_pt"]
    wanted = [2.5] * n_cols      # in 字 of the table's size
    floors = [[0.0] * n_cols for _ in HEAD_UNITS]  # in mm, per tier of HEAD_UNITS (units whole first)
    for cell in cells:
        if cell.colspan != 1:
            continue
        role = style["header_font"] if cell.el.tag == "th" else style["font"]
        metrics = metrics_for(*profile.pdf_font_chain(role))
        lines = [t for t in cell.el.itertext()]
        longest = max((_text_width(t) for t in lines), default=0)
        want = min(longest + 1.5, 20) if cell.el.tag == "td" else min(longest / 2, 6)
        wanted[cell.col] = max(wanted[cell.col], want)
        for tier, floor in enumerate(floors):
            if cell.el.tag == "th":
                tightest = max((head_unbreakable_width(t, metrics, size, tier) for t in lines), default=0)
            else:
                tightest = max((unbreakable_width(t, metrics, size) for t in lines), default=0)
            floor[cell.col] = max(floor[cell.col], tightest / PT_PER_MM + 2 * margin_mm + 2.0)
    tier = next((t for t, f in enumerate(floors) if sum(f) < total_mm), len(floors) - 1)
    minimum = floors[tier]
    widths = [total_mm * w / sum(wanted) for w in wanted]
    head_metrics = metrics_for(*profile.pdf_font_chain(style["header_font"]))
    body_metrics = metrics_for(*profile.pdf_font_chain(style["font"]))
    if sum(minimum) >= total_mm:  # cannot honour every minimum: share the width by the minimums
        widths = [total_mm * m / sum(minimum) for m in minimum]
        return _fit_heads_for_libreoffice(widths, [0.0] * n_cols, cells, head_metrics, size, margin_mm, tier,
                                          body_metrics)
    short = [i for i in range(n_cols) if widths[i] < minimum[i]]
    if short:  # widen the tight columns, take the room from the others in proportion
        extra = sum(minimum[i] - widths[i] for i in short)
        rest = [i for i in range(n_cols) if i not in short]
        spare = sum(widths[i] - minimum[i] for i in rest)
        for i in short:
            widths[i] = minimum[i]
        for i in rest:
            widths[i] -= extra * (widths[i] - minimum[i]) / spare if spare > 0 else 0
    return _fit_heads_for_libreoffice(widths, minimum, cells, head_metrics, size, margin_mm, tier,
                                          body_metrics)


# A table head wraps by itself in the DOCX, so where its lines break is the program's choice; the
# writer makes a column a little wider or narrower where LibreOffice's own breaking (simulated here:
# as many characters as fit, its kinsoku rules) would break inside a unit of the head ("（市、" / "区）")
# or around "·" (U+00B7), which LibreOffice 7.4 breaks before and after between Chinese characters
# although GB/T 15834 and Word's kinsoku forbid it (docs/docx-in-office-programs.md)


def _allowed_breaks(text: str, tier: int) -> set[int]:
    """Positions (break before text[i]) that no unit of the head's tier and no Latin run forbids; inside
    a unit of tier 1 a break may follow its "/" or "：" only."""
    forbidden: set[int] = set()
    patterns = [re.compile(LATIN_RUN)] + ([BRACKET_UNIT] if HEAD_UNITS[tier] is not None else [])
    for pattern in patterns:
        for m in pattern.finditer(text):
            for i in range(m.start() + 1, m.end()):
                if not (pattern is BRACKET_UNIT and tier == 1 and text[i - 1] in "/："):
                    forbidden.add(i)
    return set(range(1, len(text))) - forbidden


def _libreoffice_breaks_badly(texts: list[str], metrics, size_pt: float, width_mm: float, tier: int) -> bool:
    """Would LibreOffice's own breaking of these head lines, at this content width (±0.3 mm), break
    inside a unit (see _allowed_breaks) or put a LIBREOFFICE_BREAKS_AROUND character at a line's edge?"""
    no_start = NO_LINE_START - LIBREOFFICE_BREAKS_AROUND
    no_end = NO_LINE_END - LIBREOFFICE_BREAKS_AROUND
    for text in texts:
        allowed = _allowed_breaks(text, tier)
        for slack in (-0.3, 0.0, 0.3):
            lines = [line.text for line in break_paragraph(text, metrics, size_pt, (width_mm + slack) * PT_PER_MM,
                                                           0, 0, no_start, no_end)]
            breaks = [sum(len(line) for line in lines[:k]) for k in range(1, len(lines))]
            if any(b not in allowed for b in breaks) or \
                    any(line[0] in LIBREOFFICE_BREAKS_AROUND for line in lines[1:]) or \
                    any(line[-1] in LIBREOFFICE_BREAKS_AROUND for line in lines[:-1]):
                return True
    return False


def _split_heads_libreoffice_would_break_badly(pieces: list, metrics, size_pt: float, width_mm: float) -> list:
    """Where no column width found by _fit_heads_for_libreoffice keeps LibreOffice from breaking a head
    line inside a unit ("（微克/立" / "方米）" in a crowded table), the line is set as paragraphs
    broken where GB/T 15834 allows (after a unit's "/" or "："; "（微克/" / "立方米）"): still no w:br,
    and a reader who widens the column can join them. `pieces` as _inline_pieces gives them (None
    between lines)."""
    out: list = []
    for piece in pieces:
        if piece is None or not _libreoffice_breaks_badly([piece], metrics, size_pt, width_mm, 1):
            out.append(piece)
            continue
        allowed = sorted(_allowed_breaks(piece, 1))
        start = 0
        while metrics.width(piece[start:], size_pt) > (width_mm - 0.3) * PT_PER_MM:
            fitting = [b for b in allowed if b > start and metrics.width(piece[start:b], size_pt)
                       <= (width_mm - 0.3) * PT_PER_MM]
            later = [b for b in allowed if b > start]
            end = max(fitting) if fitting else (min(later) if later else None)
            if end is None:
                break
            out += [piece[start:end], None]
            start = end
        out.append(piece[start:])
    return out


def _fit_heads_for_libreoffice(widths: list[float], minimum: list[float], cells: list[_GridCell],
                               metrics, size_pt: float, margin_mm: float, tier: int,
                               body_metrics=None) -> list[float]:
    """Move a column's width by up to 12 mm, to or from another column (whose head stays well
    broken and whose body cells stay on one line), where LibreOffice would break its head badly
    (_libreoffice_breaks_badly)."""
    widths = list(widths)
    one_line = [0.0] * len(widths)   # a column's body cells on one line
    for c in cells:
        if c.colspan == 1 and c.el.tag == "td" and body_metrics is not None:
            text = "".join(c.el.itertext()).strip()
            one_line[c.col] = max(one_line[c.col], body_metrics.width(text, size_pt) / PT_PER_MM + 2 * margin_mm + 1)
    minimum = [max(m, min(o, w)) for m, o, w in zip(minimum, one_line, widths)]
    heads = [[t.strip() for c in cells if c.col == col and c.colspan == 1 and c.el.tag == "th"
              for t in c.el.itertext() if t.strip()] for col in range(len(widths))]

    def bad(col: int, width: float) -> bool:
        return bool(heads[col]) and _libreoffice_breaks_badly(heads[col], metrics, size_pt, width - 2 * margin_mm, tier)

    for col in range(len(widths)):
        if not heads[col] or not bad(col, widths[col]):
            continue
        done = False
        for step in range(1, 49):
            for delta in (0.25 * step, -0.25 * step):
                if widths[col] + delta < minimum[col] or bad(col, widths[col] + delta):
                    continue
                donors = sorted((i for i in range(len(widths)) if i != col), key=lambda i: minimum[i] - widths[i])
                donor = next((i for i in donors if widths[i] - delta >= minimum[i] and
                              (bad(i, widths[i]) or not bad(i, widths[i] - delta))), None)
                if donor is not None:
                    widths[col] += delta
                    widths[donor] -= delta
                    done = True
                    break
            if done:
                break
    return widths


def _set_widths(table_el, n_cols: int, total_mm: float) -> list[float] | None:
    """Column widths the template sets (<colgroup><col style="width: 60%">…), as the PDF uses them;
    None when it sets none for some column."""
    percents = []
    for col in table_el.findall("colgroup/col"):
        m = re.search(r"width:\s*([\d.]+)%", col.get("style") or "")
        if not m:
            return None
        percents.append(float(m.group(1)))
    if len(percents) != n_cols:
        return None
    return [total_mm * p / sum(percents) for p in percents]


def _blocks(container):
    """Block elements in order; <div> wrappers (e.g. the PDF's turned tables) are looked through."""
    for el in container:
        if not isinstance(el.tag, str):
            continue  # comments
        if el.tag == "div" and len(el) and all(isinstance(c.tag, str) and c.tag in BLOCK_TAGS | {"table"} for c in el):
            yield from _blocks(el)
        else:
            yield el


class DocxWriter:
    def __init__(self, profile: Profile):
        self.profile = profile
        self.grid = profile.grid

    # -- document and sections -----------------------------------------------------------------
    def write(self, html: str, target: Path, title: str = "") -> None:
        # titles carry the line breaks the PDF prints (GB/T 9704 7.3.1), not Word's or LibreOffice's
        root = lxml.html.document_fromstring(apply_title_breaks(html, self.profile))
        doc = Document()
        self._setup_styles(doc)
        doc.settings.odd_and_even_pages_header_footer = True
        doc.core_properties.title = title or (root.findtext(".//title") or "")
        doc.core_properties.author = "reportgen"
        doc.core_properties.comments = ""
        parts = [el for el in root.body if el.tag == "section"]
        for i, part in enumerate(parts):
            if i == 0:
                section = doc.sections[0]
            else:
                section = doc.add_section(WD_SECTION.NEW_PAGE)
                # the paragraph carrying the section break: 1 pt high, so a full page never spills a blank one
                _format_paragraph(doc.paragraphs[-1], pitch_pt=1)
            orientation = part.get("data-orientation", "portrait")
            self._setup_section(section, orientation)
            if i == 0:
                self._page_numbers(section)
            elif orientation != parts[i - 1].get("data-orientation", "portrait"):
                if orientation == "landscape":
                    self._turned_page_numbers(section)
                else:
                    self._page_numbers(section)
            for el in _blocks(part):
                if el.tag == "table":
                    self._table(doc, el, orientation)
                elif el.tag in BLOCK_TAGS:
                    self._paragraph(doc, el)
                else:
                    raise UnsupportedHtml(f"不支持的元素 <{el.tag}>")
        doc.save(str(target))

    def _setup_styles(self, doc) -> None:
        body = self.profile.block("body")
        normal = doc.styles["Normal"]
        docx_oxml.set_rpr_font(normal.element.get_or_add_rPr(), self.profile.docx_font(body["font"]),
                               body["size_pt"])
        for kind, (name, level) in OUTLINE_STYLES.items():
            block = self.profile.block(kind if kind.startswith("heading") else "body")
            docx_oxml.heading_style(doc, name, level, self.profile.docx_font(block["font"]), block["size_pt"])
        docx_oxml.replace_font_table(doc, [spec["docx"] for spec in self.profile.fonts.values()])
        language = self.profile.data.get("docx", {}).get("east_asian_language", "zh-CN")
        if language != "en-US":   # python-docx's template already says en-US (docs/docx-in-office-programs.md)
            docx_oxml.set_document_language(doc, language)

    def _setup_section(self, section, orientation: str) -> None:
        page = self.profile.page
        width, height = Mm(page["width_mm"]), Mm(page["height_mm"])
        margins = page["margins_mm"]
        if orientation == "landscape":
            section.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
            margins = page["landscape_margins_mm"]
        else:
            section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
        section.top_margin = Mm(margins["top"])
        section.bottom_margin = Mm(margins["bottom"])
        section.left_margin = Mm(margins["left"])
        section.right_margin = Mm(margins["right"])
        pn = self.profile.page_number
        # the footer's bottom sits so that the dash line's centre is `below_type_area_mm` under the 版心
        section.footer_distance = Mm(margins["bottom"] - pn["below_type_area_mm"]
                                     - pn["size_pt"] / PT_PER_MM / 2 - 0.8)
        section.header_distance = Mm(15)
        docx_oxml.set_doc_grid(section, self.grid["line_pitch_pt"])

    def _turned_page_numbers(self, section) -> None:
        """Page numbers of a landscape section where they stand on the portrait pages (GB/T 9704 8).

        The landscape page is the portrait page turned so that its left edge (订口) is on top, so a
        point (x, y) of the portrait page is at (page height − y, x) here, and the number reads top to
        bottom: a small table anchored to the page, its cell's text turned (tbRl)."""
        pn = self.profile.page_number
        page, margins = self.profile.page, self.profile.page["margins_mm"]
        size_mm = pn["size_pt"] / PT_PER_MM
        indent = pn["outer_indent_chars"] * size_mm
        centre_y = page["height_mm"] - margins["bottom"] + pn["below_type_area_mm"]  # portrait, from the top
        x = page["height_mm"] - centre_y  # landscape, from the left (LibreOffice centres the turned line here)
        left, right = margins["left"] + indent, page["width_mm"] - margins["right"] - indent
        for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            holder = footer.paragraphs[0]
            table = footer.add_table(rows=1, cols=1, width=Mm(size_mm * 1.5))
            footer._element.remove(table._tbl)
            holder._p.addprevious(table._tbl)  # the footer must still end with a paragraph
            docx_oxml.float_table_on_page(table, x, left)
            docx_oxml.exact_row_height(table.rows[0], right - left)
            cell = table.cell(0, 0)
            cell.width = Mm(size_mm * 1.5)
            docx_oxml.cell_text_top_to_bottom(cell)
            self._page_number_paragraph(cell.paragraphs[0], align, indent_mm=0, turned=True)

    def _page_number_paragraph(self, para, align: str, indent_mm: float, turned: bool = False) -> None:
        pn = self.profile.page_number
        font = self.profile.docx_font(pn["font"])
        before, _, after = pn["text"].partition("{page}")
        _format_paragraph(para, pitch_pt=pn["size_pt"] * 1.2, align=align,
                          left_mm=indent_mm if align == "left" else 0, right_mm=indent_mm if align == "right" else 0)
        runs = [para.add_run(before)]
        docx_oxml.add_field(para, "PAGE", font, pn["size_pt"])
        runs.append(para.add_run(after))
        for run in runs:
            docx_oxml.set_run_font(run, font, pn["size_pt"])
            if turned:
                # LibreOffice draws no 一字线 (U+2014) of a CJK font in turned (tbRl) text, so the
                # landscape number read a bare "31": the dashes are set in a Western font there,
                # which it turns like the portrait pages' dashes (docs/docx-in-office-programs.md)
                docx_oxml.latin_run_font(run, pn.get("turned_dash_font", "Times New Roman"))

    def _page_numbers(self, section) -> None:
        pn = self.profile.page_number
        indent = pn["outer_indent_chars"] * pn["size_pt"] / PT_PER_MM
        for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False  # a portrait section after landscape ones gets its own
            self._page_number_paragraph(footer.paragraphs[0], align, indent)

    # -- blocks ----------------------------------------------------------------------------------
    def _picture(self, doc, img) -> None:
        """A paragraph holding one image (a chart): data: URI PNG, size from data-width-mm/height-mm."""
        src = img.get("src") or ""
        if not src.startswith("data:image/png;base64,"):
            raise UnsupportedHtml("图片只支持 data:image/png;base64 形式")
        png = base64.b64decode(src.partition(",")[2])
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        docx_oxml.disable_snap_to_grid(para)
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        para.add_run().add_picture(io.BytesIO(png), width=Mm(float(img.get("data-width-mm"))),
                                   height=Mm(float(img.get("data-height-mm"))))

    def _paragraph(self, doc, el) -> None:
        kind = (el.get("class") or "body").split()[0]
        if len(el) == 1 and el[0].tag == "img":
            self._picture(doc, el[0])
            return
        if kind == "red-rule":
            # the rule of the 版头 hangs under the 发文字号 paragraph, 4 mm below its text
            m = self.profile.data["masthead"]
            docx_oxml.paragraph_rules(doc.paragraphs[-1], bottom_pt=m["rule_width_pt"],
                                      space_pt=m["rule_below_number_mm"] * PT_PER_MM, hex_color=m["color"])
            return
        block = self.profile.block(kind)
        char = self.profile.char_mm()
        size = float(el.get("data-size-pt") or block["size_pt"])
        outline = OUTLINE_STYLES.get(kind) or OUTLINE_STYLES.get(el.get("data-outline") or "")
        para = doc.add_paragraph(style=outline[0] if outline else None)
        left_mm = float(el.get("data-left-mm")) if el.get("data-left-mm") else block.get("left_chars", 0) * char
        _format_paragraph(para, pitch_pt=max(self.grid["line_pitch_pt"], size) if kind != "issuer-mark" else size,
                          align=block.get("align", "left"),
                          indent_mm=block.get("indent_chars", 0) * char, left_mm=left_mm,
                          right_mm=block.get("right_chars", 0) * char)
        if el.tag.startswith("h") or kind == "table-caption":
            para.paragraph_format.keep_with_next = True
        if "keep-with-next" in (el.get("class") or "").split():
            # CSS break-after/break-inside: avoid — on the page of what follows, all lines together
            para.paragraph_format.keep_with_next = True
            para.paragraph_format.keep_together = True
        if size != self.profile.block("body")["size_pt"]:
            docx_oxml.disable_snap_to_grid(para)
        spacing = None if kind == "issuer-mark" else self.grid["char_spacing_pt"]
        _fill_paragraph(para, _inline_pieces(el), self.profile.docx_font(block["font"]), size, spacing)
        if kind == "issuer-mark":
            m = self.profile.data["masthead"]
            para.paragraph_format.space_before = Mm(m["top_mm"])
            for run in para.runs:
                docx_oxml.set_run_color(run, m["color"])

    def _cell_lines(self, pieces: list, role: str, size_pt: float, width_mm: float) -> list:
        """Break a cell's lines here, by the GB/T 15834 rules, where they would not fit: LibreOffice's
        own breaking in narrow cells puts "、" or "·" at a line's start or end."""
        files, families = self.profile.pdf_font_chain(role)
        metrics = metrics_for(files, families)
        out: list = []
        for piece in pieces:
            if piece is None or metrics.width(piece, size_pt) <= (width_mm - 0.5) * PT_PER_MM:
                out.append(piece)
                continue
            lines = break_paragraph(piece, metrics, size_pt, (width_mm - 0.5) * PT_PER_MM, 0, 0)
            for i, line in enumerate(lines):
                if i:
                    out.append(None)
                out.append(line.text)
        return out

    def _head_paragraphs(self, cell, para, pieces: list, font: str, style: dict, align: str,
                         spacing: float | None, snap_off: bool) -> None:
        lines: list[list[str]] = [[]]
        for piece in pieces:
            if piece is None:
                lines.append([])
            else:
                lines[-1].append(piece)
        for n, line in enumerate(lines):
            if n:
                para = cell.add_paragraph()
                _format_paragraph(para, pitch_pt=style["line_pitch_pt"], align=align)
                if snap_off:
                    docx_oxml.disable_snap_to_grid(para)
            _fill_paragraph(para, line, self.profile.docx_font(font), style["size_pt"], spacing)

    def _imprint(self, doc, table_el) -> None:
        """版记: rules thick/thin/thick, 4号仿宋, 1 字 in from both sides, its last rule on the 版心 bottom.

        The last row (印发机关 … 印发日期) is the document's last paragraph, with tab stops and a thick
        rule below; rows above it (抄送) form a table ruled thick above and thin below. A spacer
        paragraph of computed height pushes the whole down to the 版心 bottom: the section starts at the
        page top and every line has an exact height, so Word and LibreOffice agree (LibreOffice ignores
        floating tables anchored to the bottom, and a table cannot end a Word document)."""
        imp = self.profile.data["imprint"]
        pitch = self.grid["line_pitch_pt"]
        char = imp["size_pt"] / PT_PER_MM
        thick, thin = imp["thick_rule_mm"] * PT_PER_MM, imp["thin_rule_mm"] * PT_PER_MM
        font, size = self.profile.docx_font(imp["font"]), imp["size_pt"]
        indent = imp["indent_chars"] * char
        width_mm = self.profile.type_area_pt() / PT_PER_MM
        rows = [tr for tr in table_el.iter("tr")]
        *upper, last = rows
        height = imprint_height_pt(self.profile, ["".join(tr.itertext()) for tr in upper])
        spacer = doc.add_paragraph()
        _format_paragraph(spacer, pitch_pt=1)
        # a 抄送 list taller than the 版心 (some 20 lines) cannot end on its bottom: it then simply
        # starts at the page top and runs on (a negative spacing is invalid OOXML)
        spacer.paragraph_format.space_before = Pt(max(0.0, self.profile.type_area_height_mm() * PT_PER_MM
                                                      - height - 2.2))
        if upper:
            table = doc.add_table(rows=len(upper), cols=1)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.columns[0].width = Mm(width_mm)
            docx_oxml.table_rules(table, thick, thin, thin)
            for row, tr in zip(table.rows, upper):
                cell = row.cells[0]
                cell.width = Mm(width_mm)
                para = cell.paragraphs[0]
                # the cell's own margin already moves the text in by CELL_MARGIN_MM
                _format_paragraph(para, pitch_pt=pitch, left_mm=indent + 3 * char - CELL_MARGIN_MM,
                                  indent_mm=-3 * char, right_mm=max(indent - CELL_MARGIN_MM, 0))
                _fill_paragraph(para, _inline_pieces(tr.find("td")), font, size, self.grid["char_spacing_pt"])
        para = doc.add_paragraph()
        _format_paragraph(para, pitch_pt=pitch)
        docx_oxml.paragraph_rules(para, top_pt=0 if upper else thick, bottom_pt=thick)
        cells = [td for td in last if td.tag == "td"]
        para.paragraph_format.tab_stops.add_tab_stop(Mm(indent), WD_TAB_ALIGNMENT.LEFT)
        para.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm - indent), WD_TAB_ALIGNMENT.RIGHT)
        pieces: list = []
        for td in cells:
            pieces += ["\t"] + _inline_pieces(td)
        _fill_paragraph(para, pieces, font, size, self.grid["char_spacing_pt"])

    def _table(self, doc, table_el, orientation: str) -> None:
        if "imprint" in (table_el.get("class") or "").split():
            return self._imprint(doc, table_el)
        classes = (table_el.get("class") or "").split()
        style = self.profile.tables[orientation]
        align, spacing = "center", None
        if table_el.get("data-block"):
            # a table laid out as text (e.g. a signing block): the paragraph kind's font and size, on
            # the body grid, left-aligned and from the top of each cell
            block = self.profile.block(table_el.get("data-block"))
            style = {"font": block["font"], "header_font": block["font"], "size_pt": block["size_pt"],
                     "line_pitch_pt": max(self.grid["line_pitch_pt"], block["size_pt"])}
            align, spacing = block.get("align", "left"), self.grid["char_spacing_pt"]
        cells, n_rows, n_cols, header_rows = _table_grid(table_el)
        table = doc.add_table(rows=n_rows, cols=n_cols)
        if "borderless" not in classes:
            table.style = doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        margins = self.profile.page["landscape_margins_mm" if orientation == "landscape" else "margins_mm"]
        page_w = self.profile.page["height_mm" if orientation == "landscape" else "width_mm"]
        type_width = page_w - margins["left"] - margins["right"]
        margin_mm = CELL_MARGIN_MM
        if not table_el.get("data-block") and any(c.el.tag == "th" for c in cells):
            margin_mm = DATA_CELL_MARGIN_PT / PT_PER_MM
            docx_oxml.cell_margins(table, DATA_CELL_MARGIN_PT)
        widths = [Mm(w) for w in _set_widths(table_el, n_cols, type_width)
                  or _column_widths(cells, n_cols, type_width, self.profile, style, margin_mm)]
        for i, column in enumerate(table.columns):
            column.width = widths[i]  # w:gridCol, which LibreOffice follows
        # cell objects taken once: table.cell() re-walks the whole table on every call
        grid = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
        for row in grid:
            for i, cell in enumerate(row):
                cell.width = widths[i]
        for r in range(header_rows):
            docx_oxml.mark_header_row(table.rows[r])
        for r in range(header_rows, n_rows):
            docx_oxml.keep_row_together(table.rows[r])
        for spec in cells:
            cell = grid[spec.row][spec.col]
            if spec.rowspan > 1 or spec.colspan > 1:
                cell = cell.merge(grid[spec.row + spec.rowspan - 1][spec.col + spec.colspan - 1])
            para = cell.paragraphs[0]
            _format_paragraph(para, pitch_pt=style["line_pitch_pt"], align=align)
            if not table_el.get("data-block"):  # text of a data-block table stays on the body grid
                docx_oxml.disable_snap_to_grid(para)
            font = style["header_font"] if spec.el.tag == "th" else style["font"]
            if spec.el.tag == "th":
                # a head wraps by itself (no w:br); each line the template or the data set apart
                # ("PM2.5" / "（微克/立方米）") is a paragraph of its own
                pieces = _inline_pieces(spec.el)
                if not table_el.get("data-block"):
                    width_mm = sum(w.mm for w in widths[spec.col:spec.col + spec.colspan]) - 2 * margin_mm
                    pieces = _split_heads_libreoffice_would_break_badly(
                        pieces, metrics_for(*self.profile.pdf_font_chain(font)), style["size_pt"], width_mm)
                self._head_paragraphs(cell, para, pieces, font, style, align, spacing,
                                      snap_off=not table_el.get("data-block"))
            else:
                width_mm = sum(w.mm for w in widths[spec.col:spec.col + spec.colspan]) - 2 * margin_mm
                pieces = self._cell_lines(_inline_pieces(spec.el), font, style["size_pt"], width_mm)
                _fill_paragraph(para, pieces, self.profile.docx_font(font), style["size_pt"], spacing)
            if not table_el.get("data-block"):
                docx_oxml.center_cell_vertically(cell)
            if "missing" in (spec.el.get("class") or "").split():
                docx_oxml.shade_cell(cell, self.profile.missing_fill)
        for r, tr in enumerate(_table_rows(table_el)):
            if "keep-with-next" in (tr.get("class") or "").split() and r + 1 < n_rows:
                # a row that heads the rows below it (CSS break-after: avoid) stays on their page
                for cell in table.rows[r].cells:
                    for para in cell.paragraphs:
                        para.paragraph_format.keep_with_next = True
        if "keep" in classes:
            # a short table is not split across pages (CSS break-inside: avoid): every row's
            # paragraphs keep with the next row, which Word and LibreOffice both honour
            for row in table.rows[:-1]:
                for cell in row.cells:
                    for para in cell.paragraphs:
                        para.paragraph_format.keep_with_next = True


def write_docx(html: str, profile: Profile, target: Path, title: str = "") -> None:
    DocxWriter(profile).write(html, target, title)
