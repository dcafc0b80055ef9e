"""View model of the 报送回执: the office's receipt for one revision of one city's monthly submission.
The city, month, revision and time of receipt come from the archive; the values are printed exactly as
the importer read them (no rounding, no padding); a value left empty is printed as missing, never as 0.
The issuer and the recipient's wording come from bulletin.yaml, as in the reminder."""

from __future__ import annotations

import datetime as dt

from ..model import Plan, Unit, UnitReport
from ..profile import Profile
from ..submission_fields import PROGRESS_SUFFIX
from .common import chinese_date, signature_view
from .reminder_view import recipient

MISSING = "（未填报）"
PROGRESS_PREFIX = "progress."


def value_text(value) -> str:
    """A value as read (Decimal, not rounded, no exponent), or the missing mark."""
    return MISSING if value is None else format(value, "f")


def received_text(t: dt.datetime) -> str:
    """“2021年6月8日9时00分”: the time of receipt as the document prints it."""
    return f"{chinese_date(t.date())}{t.hour}时{t.minute:02d}分"


def _cell(value) -> dict:
    return {"text": value_text(value), "missing": value is None}


def _air_tables(reports: list[UnitReport], fields) -> list[dict]:
    """Rows: the city and its counties; columns: the air-quality fields, in two tables (a portrait page
    holds about six columns with the missing mark unbroken)."""
    half = len(fields) // 2
    groups = [g for g in (fields[:half], fields[half:]) if g]
    return [{"headers": [(f.header, f.unit) for f in group],
             "rows": [{"unit": r.unit.name, "cells": [_cell(r.values.get(f.key)) for f in group]} for r in reports]}
            for group in groups]


def _progress_table(reports: list[UnitReport], fields) -> dict | None:
    """Rows: the project categories; columns: the city (it reports them) and any county that did."""
    if not fields:
        return None
    units = [r for i, r in enumerate(reports) if i == 0 or any(f.key in r.values for f in fields)]
    return {"units": [r.unit.name for r in units],
            "rows": [{"category": f.header.removesuffix(PROGRESS_SUFFIX), "unit": f.unit, "cells": [_cell(r.values.get(f.key)) for r in units]}
                     for f in fields]}


def _missing(reports: list[UnitReport], air, progress) -> list[str]:
    """“江宁区：PM10浓度、SO2浓度” per unit with empty values (project columns: the city's only)."""
    out = []
    for i, r in enumerate(reports):
        asked = list(air) + (list(progress) if i == 0 else [])
        empty = [f.header for f in asked if f.key not in r.values]
        if empty:
            out.append(f"{r.unit.name}：{'、'.join(empty)}")
    return out


def receipt_view(plan: Plan, city: Unit, month: str, revision: int, received: dt.datetime, current: int,
                 reports: list[UnitReport], fields, profile: Profile, sample: bool) -> dict:
    """`reports`: the revision as read (city first, then its counties); `current`: the revision in force."""
    year, mon = int(month[:4]), int(month[5:])
    period = f"{year}年{mon}月"
    air = [f for f in fields if not f.key.startswith(PROGRESS_PREFIX)]
    progress = [f for f in fields if f.key.startswith(PROGRESS_PREFIX)]
    return {
        "title": f"{city.name}{period}数据报送回执",
        "recipient": recipient(plan, city),
        "period": period,
        "revision": revision,
        "received": received_text(received),
        "superseded_by": current if current != revision else None,
        "air_tables": _air_tables(reports, air),
        "progress": _progress_table(reports, progress),
        "missing": _missing(reports, air, progress),
        "missing_mark": MISSING,
        "remarks": [f"{r.unit.name}：{r.remark}" for r in reports if r.remark],
        "signature": signature_view(plan.bulletin.issuer, received.date(), False, profile),
        "sample": sample,
    }
