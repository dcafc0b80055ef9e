"""Line breaking for the PDF's 22 × 28 grid: GB/T 15834 kinsoku rules and flush right edges.

WeasyPrint does not justify CJK text (only spaces stretch), so body paragraphs are broken here, with
the real advance widths of the fonts the PDF embeds, and every full line gets the letter-spacing that
puts its last glyph on the 版心's right edge. Lines that would start with a closing mark (。，、）》”…)
or end with an opening one (（《“) give their last character to the next line, as Word does; —— and
…… and runs of Latin letters and digits (PM2.5, 2021) are never split, unless a run is longer than a
line (a long web address), which then breaks between its characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..fonts import FontMetrics
from ..kinsoku import BREAKER_NO_START, NO_END

# the kinsoku lists (reportgen/kinsoku.py, shared with the checker)
NO_LINE_START = BREAKER_NO_START
NO_LINE_END = NO_END
# units that never break inside: —— and ……, and runs of half-width letters, digits and their punctuation
UNIT = re.compile(r"——|……|[A-Za-z0-9][A-Za-z0-9.%/\-·:+]*[A-Za-z0-9%]|.", re.S)


@dataclass
class Line:
    text: str
    spacing_pt: float      # letter-spacing to apply
    full: bool             # a full line (flush right), not the paragraph's last


def break_paragraph(text: str, metrics: FontMetrics, size_pt: float, width_pt: float, indent_pt: float,
                    base_spacing_pt: float, no_start: frozenset[str] = NO_LINE_START,
                    no_end: frozenset[str] = NO_LINE_END) -> list[Line]:
    """Greedy breaking: as many units as fit at the base spacing, then kinsoku push-back, then justify."""
    units = []
    for unit in UNIT.findall(text):
        # a run too long for any line (a long web address) is broken between its characters, not
        # squeezed into one line by negative letter-spacing
        if len(unit) > 1 and metrics.width(unit, size_pt) + (len(unit) - 1) * base_spacing_pt > width_pt - indent_pt:
            units += list(unit)
        else:
            units.append(unit)
    widths = [metrics.width(u, size_pt) for u in units]
    lines: list[Line] = []
    i = 0
    while i < len(units):
        avail = width_pt - (indent_pt if not lines else 0)
        j, natural, chars = i, 0.0, 0
        while j < len(units):
            w, n = natural + widths[j], chars + len(units[j])
            if w + (n - 1) * base_spacing_pt > avail + 0.01 and j > i:
                break
            natural, chars, j = w, n, j + 1
        if j == len(units):
            lines.append(Line("".join(units[i:]), base_spacing_pt, False))
            break
        k = j
        while k > i + 1 and (units[k][0] in no_start or units[k - 1][-1] in no_end):
            k -= 1
        if k != j:
            natural = sum(widths[i:k])
            chars = sum(len(u) for u in units[i:k])
        line = "".join(units[i:k])
        spacing = (avail - natural) / (chars - 1) if chars > 1 else 0.0
        lines.append(Line(line, spacing, True))
        i = k
    return lines


def unbreakable_width(text: str, metrics: FontMetrics, size_pt: float) -> float:
    """Width of the widest run that no GB/T 15834 break can split (e.g. "（市、"): the narrowest
    line the text can be set in without breaking a rule."""
    units = UNIT.findall(text)
    widest, run = 0.0, 0.0
    for k, unit in enumerate(units):
        joined = k > 0 and (unit[0] in NO_LINE_START or units[k - 1][-1] in NO_LINE_END)
        run = run + metrics.width(unit, size_pt) if joined else metrics.width(unit, size_pt)
        widest = max(widest, run)
    return widest


# Table heads: a unit in brackets ("（微克/立方米）", "（%）") and a run of Latin letters and digits
# ("PM2.5", "VOCs") are not broken. Where a table is too crowded for whole units, a unit may break
# after its "/" or "：" ("（微克/" + "立方米）", "（单位：" + "辆·次）"), and nowhere else; only a table
# too crowded even for that falls back to the GB/T 15834 rules alone.
LATIN_RUN = r"[A-Za-z0-9][A-Za-z0-9.%/\-·:+]*[A-Za-z0-9%]"
BRACKET_UNIT = re.compile(r"[（(][^（()）]{1,10}[）)]")
# the pieces of a unit that may break after "/" or "：" ("（微克" and "立方米）"; the mark stays between)
BRACKET_UNIT_PIECE = re.compile(r"[（(][^（()）/：]{1,10}(?=[/：][^（()）]{0,10}[）)])"
                                r"|(?<=[/：])[^（()）/：]{1,10}(?=[/：][^（()）]{0,10}[）)])"
                                r"|(?<=[/：])[^（()）/：]{1,10}[）)]|[（(][^（()）/：]{1,10}[）)]")
HEAD_UNITS = (BRACKET_UNIT, BRACKET_UNIT_PIECE, None)   # tiers, from the most to the least kept whole


def head_unbreakable_width(text: str, metrics: FontMetrics, size_pt: float, tier: int = 0) -> float:
    """Width of the widest piece of a table head that may not be broken at the given tier of
    HEAD_UNITS: its units or unit pieces, its Latin runs, and the runs GB/T 15834 forbids to break
    (see unbreakable_width)."""
    widest = unbreakable_width(text, metrics, size_pt)
    if HEAD_UNITS[tier] is not None:
        for pattern in (HEAD_UNITS[tier], re.compile(LATIN_RUN)):
            widest = max([widest] + [metrics.width(m.group(0), size_pt) for m in pattern.finditer(text)])
    return widest
