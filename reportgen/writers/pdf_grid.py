"""Pre-pass of the PDF writer: break grid paragraphs into lines and justify them (see cjk_lines).

Takes the rendered HTML and returns HTML whose body paragraphs hold one <span class="grid-line"> per
line, each with the letter-spacing that makes it end on the 版心's right edge, separated by <br>. The
text itself is unchanged and in reading order. The DOCX writer reads the original HTML: Word and
LibreOffice break and justify lines themselves.
"""

from __future__ import annotations

import lxml.html

from ..profile import PT_PER_MM, Profile
from ..fonts import metrics_for
from .cjk_lines import break_paragraph

GRID_TAGS = {"p", "h1", "h2", "h3"}


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


def apply_grid(html: str, profile: Profile) -> str:
    doc = lxml.html.document_fromstring(html)
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
            metrics = metrics_for(*profile.pdf_font_chain(block["font"]))
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
                span.text = line.text
                el.append(span)
                if n < len(lines) - 1:
                    el.append(lxml.html.Element("br"))
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
