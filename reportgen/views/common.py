"""View pieces several documents share: the 成文日期 as printed, the 版头 and the 署名与成文日期 block
(GB/T 9704 7.2, 7.3.5). Notice, bulletin, reminder, receipt and revision views import them from here; where
the 署名 and 成文日期 stand is measured at rendering (reportgen.placement), not here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..model import Masthead, Plan, Unit
from ..profile import Profile


def chinese_date(d: dt.date) -> str:
    """成文日期 as GB/T 9704 7.3.5.4 writes it: full year, no zero padding."""
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Signing:
    """署名 and 成文日期 as printed (GB/T 9704 7.3.5), and whether the document is sealed. Where they stand
    on their lines is measured when the document is rendered (reportgen.placement)."""

    issuer: str
    date: str
    sealed: bool


@dataclass(frozen=True)
class MastheadView:
    """版头: 发文机关标志 (its size fitted to the 版心 width), 发文字号 and the blank lines around them."""

    issuer_mark: str
    doc_number: str
    mark_size_pt: int
    blank_lines_before_number: int
    blank_lines_after_rule: int


def signing_block(issuer: str, date_: dt.date, sealed: bool, date_text: str | None = None) -> Signing:
    """`date_text`: printed instead of the date (a draft's blank “2021年　　月　　日”)."""
    return Signing(issuer, date_text or chinese_date(date_), sealed)


def masthead_view(masthead: Masthead | None, profile: Profile) -> MastheadView | None:
    if masthead is None:
        return None
    m = profile.data["masthead"]
    width_pt = profile.type_area_pt()
    size = min(m["max_size_pt"], int(width_pt / max(len(masthead.issuer_mark), 1)))
    return MastheadView(masthead.issuer_mark, masthead.doc_number, size, m["blank_lines_before_number"],
                        m["blank_lines_after_rule"])


# the bulletin's recipients name the cities' offices as “各设区市…”: a reminder or receipt names one of them
ALL_CITIES = re.compile(r"^各设区市(\S*?)(?:[，、；,]|$)")


def recipient(plan: Plan, city: Unit) -> str:
    """“南京市大气污染防治联席会议办公室” from bulletin.yaml's “各设区市大气污染防治联席会议办公室，…”;
    the city's name alone when the recipients do not start that way."""
    m = ALL_CITIES.match(plan.bulletin.recipients.strip())
    return city.name + (m.group(1) if m else "")
