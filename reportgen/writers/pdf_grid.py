"""Pre-pass of the PDF writer: break grid paragraphs into lines and justify them (see cjk_lines).

Takes the rendered HTML and returns HTML whose body paragraphs hold one <span class="grid-line"> per
line, each with the letter-spacing that makes it end on the 版心's right edge, separated by <br>. The
text itself is unchanged and in reading order. The DOCX writer reads the original HTML: Word and
LibreOffice break and justify lines themselves.

Table heads: units in brackets ("（微克/立方米）") go in no-wrap spans, whole or — in a table too
crowded for that — in pieces that break only after their "/" or "："; annex tables get a data-index
by which write_pdf finds them on the laid-out pages.
"""

from __future__ import annotations

import itertools
import re

import lxml.html

from ..fonts import metrics_for
from ..profile import PT_PER_MM, Profile
from .cjk_lines import HEAD_UNITS, break_paragraph, head_unbreakable_width
from .table_grid import table_grid

GRID_TAGS = {"p", "h1", "h2", "h3"}
# Pango breaks around U+00B7 (辆·次), which GB/T 15834 forbids at either end of a line
KEEP_TOGETHER = re.compile(r"\S·\S")


def _wrap_matches(el, pattern: re.Pattern, css_class: str) -> None:
    """Put every match of `pattern` in el's own text and its children's tails into <span class=…>."""
    def split(text: str):
        pieces, pos = [], 0
        for m in pattern.finditer(text):
            pieces.append((text[pos:m.start()], m.group(0)))
            pos = m.end()
        return pieces, text[pos:]

    def rebuild(text: str, insert_at: int, parent) -> tuple[str, int]:
        pieces, rest = split(text)
        if not pieces:
            return text, insert_at
        head = pieces[0][0]
        spans = []
        for i, (_, matched) in enumerate(pieces):
            span = lxml.html.Element("span", {"class": css_class})
            span.text = matched
            span.tail = pieces[i + 1][0] if i + 1 < len(pieces) else rest
            spans.append(span)
        for offset, span in enumerate(spans):
            parent.insert(insert_at + offset, span)
        return head, insert_at + len(spans)

    children = list(el)
    if el.text:
        el.text, _ = rebuild(el.text, 0, el)
    for child in children:
        if child.tail:
            index = list(el).index(child) + 1
            child.tail, _ = rebuild(child.tail, index, el)


def _line_content(span, text: str, primary) -> None:
    """The line's text; characters the primary font lacks go in a zero-line-height span, so the
    fallback font's taller ascent and descent cannot push the line off the 28.95 pt grid."""
    missing = primary.missing(text)
    if not missing:
        span.text = text
        return
    span.text = ""
    last = None
    for ch in text:
        if ch in missing:
            last = lxml.html.Element("span", {"class": "fallback-glyph"})
            last.text = ch
            last.tail = ""
            span.append(last)
        elif last is None:
            span.text += ch
        else:
            last.tail += ch


def _grid_block(profile: Profile, el) -> dict | None:
    kind = (el.get("class") or "").split()
    if not kind or kind[0] not in profile.blocks:
        return None
    block = profile.blocks[kind[0]]
    if block.get("align", "left") not in ("left", "justify"):
        return None
    if len(el) or not (el.text or "").strip():
        return None  # only plain-text paragraphs are broken here
    return block


CELL_PADDING_PT = 4.75  # table.annex-table th/td: 2 pt padding each side and a 0.75 pt rule


def _head_unit_pattern(table, profile: Profile, orientation: str) -> re.Pattern | None:
    """The units of the table's heads to keep on one line (a tier of HEAD_UNITS): the first tier
    whose unbreakable pieces and the unbroken body cells fit the 版心 together. (Runs of Latin letters
    and digits, "PM2.5", need no span: Pango does not break them.)"""
    style = profile.tables.get(table.get("data-orientation") or orientation) or profile.tables["portrait"]
    size = style["size_pt"]
    cells, _, n_cols, _ = table_grid(table)
    head = metrics_for(*profile.pdf_font_chain(style["header_font"]))
    body = metrics_for(*profile.pdf_font_chain(style["font"]))
    for tier, pattern in enumerate(HEAD_UNITS):
        need = [0.0] * n_cols
        for cell in cells:
            if cell.colspan != 1:
                continue
            for text in cell.el.itertext():
                w = head_unbreakable_width(text, head, size, tier) if cell.el.tag == "th" \
                    else body.width(text.strip(), size)
                need[cell.col] = max(need[cell.col], w + CELL_PADDING_PT)
        if sum(need) <= profile.type_area_pt(orientation):
            return pattern
    return None


def apply_grid(html: str, profile: Profile) -> str:
    doc = lxml.html.document_fromstring(html)
    annex_tables = itertools.count()
    char_mm = profile.char_mm()
    spacing = profile.grid["char_spacing_pt"]
    for part in doc.body.iter("section"):
        width = profile.type_area_pt(part.get("data-orientation", "portrait"))
        for el in part:
            if el.tag not in GRID_TAGS:
                continue
            block = _grid_block(profile, el)
            if block is None:
                continue
            files, families = profile.pdf_font_chain(block["font"])
            metrics = metrics_for(files, families)
            primary = metrics_for(files[:1], () if files else families[:1])
            left = block.get("left_chars", 0) * char_mm * PT_PER_MM
            right = block.get("right_chars", 0) * char_mm * PT_PER_MM
            indent = block.get("indent_chars", 0) * char_mm * PT_PER_MM
            text = el.text.strip()
            lines = break_paragraph(text, metrics, block["size_pt"], width - left - right, indent, spacing)
            el.text = None
            el.set("class", (el.get("class") or "") + " grid")
            for n, line in enumerate(lines):
                span = lxml.html.Element("span", {"class": "grid-line",
                                                  "style": f"letter-spacing: {line.spacing_pt:.4f}pt"})
                _line_content(span, line.text, primary)
                el.append(span)
                if n < len(lines) - 1:
                    el.append(lxml.html.Element("br"))
        for table in part.iter("table"):
            if "annex-table" in (table.get("class") or "").split():
                table.set("data-index", str(next(annex_tables)))  # found again in the laid-out pages (pdf.py)
            if table.find(".//th") is None:
                continue
            units = _head_unit_pattern(table, profile, part.get("data-orientation", "portrait"))
            for cell in table.iter("th") if units is not None else ():
                _wrap_matches(cell, units, "keep-together")
        for cell in part.iter("td", "th"):
            _wrap_matches(cell, KEEP_TOGETHER, "keep-together")
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
