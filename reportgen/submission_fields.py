"""The monthly submission format: which columns a city's spreadsheet has, their accepted header
spellings, units and physical ranges.

Shared by the importer (load/submissions.py), which reads what cities send, and by the blank-form
writer (writers/submission_form.py), which writes what they fill in; so the two cannot disagree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache


@dataclass(frozen=True)
class SubmissionField:
    key: str
    header: str                   # canonical header, as the blank form prints it
    aliases: tuple[str, ...]      # other spellings accepted on import (compared after normalize_header)
    kind: str                     # "decimal" | "integer" | "rate" (a percentage; 83.1% / 83.1 / 0.831)
    unit: str
    low: Decimal                  # physical range, inclusive
    high: Decimal
    required: bool
    decimals: int | None = None   # decimals the form asks for (None: integer)
    note: str = ""                # shown on the form's instructions sheet


UNIT_HEADER = "单位名称"
UNIT_ALIASES = ("单位", "城市", "地区", "名称", "县（市、区）", "县(市、区)", "设区市", "县市区", "区县", "市县")

# Order is the form's column order.
AIR_FIELDS: tuple[SubmissionField, ...] = (
    SubmissionField("pm25", "PM2.5浓度", ("PM2.5", "PM₂.₅", "PM₂.₅浓度", "PM25", "PM2.5月均浓度", "PM2.5平均浓度"),
                    "decimal", "微克/立方米", Decimal("0"), Decimal("500"), True, 1,
                    "月均浓度，保留1位小数"),
    SubmissionField("good_days", "优良天数", ("优良天数（天）", "达标天数"),
                    "integer", "天", Decimal("0"), Decimal("31"), False, None,
                    "不得大于有效监测天数"),
    SubmissionField("valid_days", "有效监测天数", ("有效天数", "监测天数", "有效监测天数（天）"),
                    "integer", "天", Decimal("1"), Decimal("31"), False, None,
                    "不得大于当月天数"),
    SubmissionField("good_rate", "优良天数比率", ("优良率", "优良天数比例", "优良天数比率（%）", "空气优良率", "优良比率"),
                    "rate", "%", Decimal("0"), Decimal("100"), False, 1,
                    "可填83.1%、83.1或0.831；填了优良天数和有效监测天数时可不填，填了须与之相符"),
    SubmissionField("pm10", "PM10浓度", ("PM10", "PM₁₀", "PM₁₀浓度"),
                    "decimal", "微克/立方米", Decimal("0"), Decimal("1000"), False, 1, "选填"),
    SubmissionField("so2", "SO2浓度", ("SO2", "SO₂", "SO₂浓度", "二氧化硫"),
                    "decimal", "微克/立方米", Decimal("0"), Decimal("800"), False, 1, "选填"),
    SubmissionField("no2", "NO2浓度", ("NO2", "NO₂", "NO₂浓度", "二氧化氮"),
                    "decimal", "微克/立方米", Decimal("0"), Decimal("500"), False, 1, "选填"),
    SubmissionField("co", "CO浓度（第95百分位）", ("CO", "CO浓度", "CO-95per", "一氧化碳"),
                    "decimal", "毫克/立方米", Decimal("0"), Decimal("30"), False, 1, "选填，日均值第95百分位"),
    SubmissionField("o3", "O3浓度（日最大8小时第90百分位）", ("O3", "O₃", "O3浓度", "O₃浓度", "O3-8h", "O3_8h", "臭氧"),
                    "decimal", "微克/立方米", Decimal("0"), Decimal("800"), False, 1,
                    "选填，日最大8小时平均第90百分位"),
)

PROGRESS_SUFFIX = "（已完成）"


def progress_header(annex_header: str) -> str:
    """Form header of the 'completed count' column of one category of the projects annex (role: projects)."""
    return annex_header.replace("\n", "") + PROGRESS_SUFFIX


def progress_fields(annex6) -> tuple[SubmissionField, ...]:
    """One optional integer column per category of the projects annex (`annex6`: the annex with role
    projects, whatever its number; None: no progress columns), its derived 合计 excluded."""
    if annex6 is None:
        return ()
    out = []
    for col in annex6.columns:
        if col.derived:
            continue
        bare = col.header.replace("\n", "")
        out.append(SubmissionField(f"progress.{col.key}", progress_header(col.header), (bare, "已完成" + bare),
                                   "integer", col.unit or "项", Decimal("0"), Decimal("100000"), False, None,
                                   "选填，设区市填写本市累计已完成数，县（市、区）行不填"))
    return tuple(out)


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


@lru_cache(maxsize=4096)
def normalize_header(text: str) -> str:
    """Header spelling used for matching: NFKC (full-width → half-width), subscripts → digits,
    no spaces or line breaks, ASCII letters upper-case, unit suffixes in brackets dropped."""
    s = unicodedata.normalize("NFKC", str(text or "")).translate(_SUBSCRIPTS)
    s = re.sub(r"\s+", "", s).upper()
    s = re.sub(r"[（(](微克/立方米|μG/M3|µG/M3|UG/M3|MG/M3|毫克/立方米|%|天|个|项|家)[)）]$", "", s)
    return s


def header_index(fields) -> dict[str, str]:
    """normalized spelling → field key (plus "unit" for the unit-name column). A fresh dict each time
    (callers add to it); built from a cached one."""
    return dict(_header_index(tuple(fields)))


@lru_cache(maxsize=16)
def _header_index(fields: tuple) -> dict[str, str]:
    index = {normalize_header(a): "unit" for a in (UNIT_HEADER, *UNIT_ALIASES)}
    for f in fields:
        for spelling in (f.header, *f.aliases):
            index.setdefault(normalize_header(spelling), f.key)
    return index


_TRAILING_GROUP = re.compile(r"[（(][^（）()]*[)）]$")


def match_header(text: str, index: dict[str, str]) -> str | None:
    """The field key a header means: its spelling as is, or without trailing bracketed units such as
    “（微克/立方米）” or “（家）” (one or two of them), or None."""
    s = normalize_header(text)
    for _ in range(3):
        if s in index:
            return index[s]
        stripped = _TRAILING_GROUP.sub("", s)
        if stripped == s:
            return None
        s = stripped
    return None
