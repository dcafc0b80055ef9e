"""View pieces several documents share: the 成文日期 as printed, the 版头 and the 署名与成文日期 block
(GB/T 9704 7.2, 7.3.5). Notice, letter, bulletin, reminder, receipt and revision views import them from here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..fonts import text_width_mm
from ..model import Masthead
from ..profile import PT_PER_MM, Profile


def chinese_date(d: dt.date) -> str:
    """成文日期 as GB/T 9704 7.3.5.4 writes it: full year, no zero padding."""
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class SignatureView:
    """署名 and 成文日期, with their offsets from the 版心's left edge (mm)."""

    issuer: str
    date: str
    issuer_left_mm: float
    date_left_mm: float
    blank_lines: int


@dataclass(frozen=True)
class MastheadView:
    """版头: 发文机关标志 (its size fitted to the 版心 width), 发文字号 and the blank lines around them."""

    issuer_mark: str
    doc_number: str
    mark_size_pt: int
    blank_lines_before_number: int
    blank_lines_after_rule: int


def signature_view(issuer: str, date_: dt.date, sealed: bool, profile: Profile,
                   date_text: str | None = None) -> SignatureView:
    """署名 and 成文日期 offsets from the 版心's left edge (mm), GB/T 9704 7.3.5.1 / 7.3.5.2. `date_text`:
    printed instead of the date (a draft's blank “2021年　　月　　日”)."""
    block = profile.block("signature")
    size, spacing = block["size_pt"], profile.grid["char_spacing_pt"]
    char = profile.char_mm()
    width = profile.type_area_pt() / PT_PER_MM
    date = date_text or chinese_date(date_)
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
    return SignatureView(issuer, date, round(max(sig_left, 0), 2), round(date_left, 2), rule["blank_lines"])


def masthead_view(masthead: Masthead | None, profile: Profile) -> MastheadView | None:
    if masthead is None:
        return None
    m = profile.data["masthead"]
    width_pt = profile.type_area_pt()
    size = min(m["max_size_pt"], int(width_pt / max(len(masthead.issuer_mark), 1)))
    return MastheadView(masthead.issuer_mark, masthead.doc_number, size, m["blank_lines_before_number"],
                        m["blank_lines_after_rule"])
