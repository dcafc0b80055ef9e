"""Where blocks stand on the page, measured in the fonts the PDF embeds: the offsets of the 署名 and the
成文日期 from the 版心's left edge (GB/T 9704 7.3.5) and whether the 版记 fits the 版心's height (7.4).

Views say what is to be placed (views.common.Signing, the 版记's rows); rendering asks this module where.
render.render_document passes a Placement for the document's profile to every template as `layout`:
``{{ m.signature(layout.signature(signing)) }}``, ``layout.imprint_fits(copy_rows)``."""

from __future__ import annotations

from dataclasses import dataclass

from .fonts import imprint_height_pt, text_width_mm
from .profile import PT_PER_MM, Profile


@dataclass(frozen=True)
class PlacedSignature:
    """署名 and 成文日期 with their offsets from the 版心's left edge (mm) and the blank lines above them."""

    issuer: str
    date: str
    issuer_left_mm: float
    date_left_mm: float
    blank_lines: int


def place_signature(issuer: str, date: str, sealed: bool, profile: Profile) -> PlacedSignature:
    """GB/T 9704 7.3.5.1 / 7.3.5.2, with the profile's rules: sealed, the 署名 is centred over the
    成文日期, which ends `right_chars` from the right edge; unsealed, the 成文日期 stands `date_shift_chars`
    right of the 署名, the longer of the two ending `right_chars` from the right edge."""
    block = profile.block("signature")
    size, spacing = block["size_pt"], profile.grid["char_spacing_pt"]
    char = profile.char_mm()
    width = profile.type_area_pt() / PT_PER_MM
    sig_w = text_width_mm(profile, block["font"], issuer, size, spacing)
    date_w = text_width_mm(profile, block["font"], date, size, spacing)
    rule = profile.data["signature"]["sealed" if sealed else "unsealed"]
    if sealed:
        date_left = width - rule["right_chars"] * char - date_w
        sig_left = date_left + date_w / 2 - sig_w / 2
    elif date_w + rule["date_shift_chars"] * char <= sig_w:
        sig_left = width - rule["right_chars"] * char - sig_w
        date_left = sig_left + rule["date_shift_chars"] * char
    else:
        date_left = width - rule["right_chars"] * char - date_w
        sig_left = date_left - rule["date_shift_chars"] * char
    return PlacedSignature(issuer, date, round(max(sig_left, 0), 2), round(date_left, 2), rule["blank_lines"])


def imprint_fits(copy_rows: list[str], profile: Profile) -> bool:
    """Whether the 版记 (its 抄送 rows as printed, the 印发 row, the rules) fits the 版心's height: a 版记
    taller than the 版心 cannot sit on its bottom; it then runs from the page top, over pages."""
    return imprint_height_pt(profile, list(copy_rows)) <= profile.type_area_height_mm() * PT_PER_MM


class Placement:
    """The placing functions bound to one profile, as templates call them (`layout` in a template)."""

    def __init__(self, profile: Profile):
        self._profile = profile

    def signature(self, signing) -> PlacedSignature:
        """`signing`: a views.common.Signing (anything with issuer, date and sealed)."""
        return place_signature(signing.issuer, signing.date, signing.sealed, self._profile)

    def imprint_fits(self, copy_rows) -> bool:
        return imprint_fits(list(copy_rows), self._profile)
