"""Font metrics of the fonts the PDF embeds, for layout decisions made before WeasyPrint runs
(line breaking, the 署名/日期 offsets). Resolves families through fontconfig, as WeasyPrint does."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

from .profile import PT_PER_MM, Profile


@cache
def _font_file(family: str) -> tuple[str, int] | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}:%{index}", family], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = out.rpartition(":")
    return (path, int(index or 0)) if path else None


def font_file(family: str) -> tuple[str, int] | None:
    """(path, index in a collection) of the font fontconfig gives for `family`, or None."""
    return _font_file(family)


@cache
def _font_tables(path: str, index: int):
    """(cmap, hmtx, units per em) of one font, read once per process: several chains share a font,
    and decoding a CJK font's cmap takes ~0.1 s."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    return font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm


class FontMetrics:
    """Advance widths from a chain of fonts: the first font that has the character wins (as Pango does)."""

    def __init__(self, fonts: list[tuple[str, int]]):
        self._fonts = [_font_tables(path, index) for path, index in fonts]
        self._cache: dict[str, float] = {}

    def em(self, ch: str) -> float:
        """Advance of one character in em."""
        if ch not in self._cache:
            width = 1.0
            for cmap, hmtx, upm in self._fonts:
                glyph = cmap.get(ord(ch))
                if glyph is not None:
                    width = hmtx[glyph][0] / upm
                    break
            self._cache[ch] = width
        return self._cache[ch]

    def width(self, text: str, size_pt: float) -> float:
        return sum(self.em(ch) for ch in text) * size_pt

    def missing(self, text: str) -> set[str]:
        """Characters none of the fonts has."""
        return {ch for ch in text if not ch.isspace() and all(ord(ch) not in c for c, _, _ in self._fonts)}


@cache
def metrics_for(files: tuple[str, ...], families: tuple[str, ...]) -> FontMetrics:
    chain = [(f, 0) for f in files if Path(f).is_file()]
    chain += [m for m in (_font_file(fam) for fam in families) if m is not None]
    return FontMetrics(chain)




def warm_font_metrics(profile: Profile) -> None:
    """Load every font chain the writers measure with (reading a CJK font's cmap takes ~0.1 s), so
    that worker processes forked afterwards share them instead of each loading its own."""
    for role in profile.fonts:
        files, families = profile.pdf_font_chain(role)
        metrics_for(files, families)
        metrics_for(files[:1], () if files else families[:1])
        for family in families:
            metrics_for((), (family,))


def text_width_mm(profile: Profile, role: str, text: str, size_pt: float, spacing_pt: float = 0.0) -> float:
    """Advance width of a line of text in the role's PDF fonts, letter-spacing included."""
    metrics = metrics_for(*profile.pdf_font_chain(role))
    return (metrics.width(text, size_pt) + len(text) * spacing_pt) / PT_PER_MM


@cache
def family_installed(family: str) -> bool:
    """Whether fontconfig has this family itself (fc-match always answers, with a substitute if need be)."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}", family], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return family.lower() in (name.strip().lower() for name in out.split(","))


def missing_families(profile: Profile) -> list[tuple[str, str]]:
    """(role, family) for every PDF font family of the profile that is not installed."""
    out = []
    for role in profile.fonts:
        _, families = profile.pdf_font_chain(role)
        out += [(role, family) for family in families if not family_installed(family)]
    return out


def imprint_height_pt(profile: Profile, copy_rows: list[str]) -> float:
    """Height of the 版记: each 抄送 row wrapped (its lines hang 3 characters in, after “抄送：”), the
    印发 row, and the rules. Used to push the 版记 to the 版心 bottom, and to see whether it fits at all."""
    import math

    imp = profile.data["imprint"]
    char = imp["size_pt"] / PT_PER_MM
    indent = imp["indent_chars"] * char
    avail = profile.type_area_pt() / PT_PER_MM - 2 * indent - 3 * char
    lines = 1
    for text in copy_rows:
        need = text_width_mm(profile, imp["font"], text, imp["size_pt"], profile.grid["char_spacing_pt"])
        lines += max(1, math.ceil(need / avail - 0.02))
    rules = (2 * imp["thick_rule_mm"] + (imp["thin_rule_mm"] if copy_rows else 0)) * PT_PER_MM
    return lines * profile.grid["line_pitch_pt"] + rules

