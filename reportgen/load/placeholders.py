"""Placeholders in texts of the data ({period}, {city_count}, …): which a text may use, checked with a
located error, so that a count or a date is computed rather than typed and left stale next year.

The counts: {city_count} the number of 设区市, {county_count} the number of 县（市、区）, of the units
the document covers (units.csv); printed as Arabic numerals ("54个县（市、区）").
"""

from __future__ import annotations

import string
from pathlib import Path

from ..model import Units, unit_counts
from ..problems import Problems

COUNT_PLACEHOLDERS = {"city_count": "设区市的个数", "county_count": "县（市、区）的个数"}


def check_placeholders(text, allowed, path: Path, line: int | None, field: str, problems: Problems) -> bool:
    """True if `text` uses only `allowed` placeholders, plainly ({name}, no format spec); else a located
    error saying which are allowed."""
    if not isinstance(text, str):
        return True
    names = "、".join("{" + n + "}" for n in allowed) or "（无）"
    try:
        fields = [(name, conv, spec) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        problems.error(path, f"花括号不成对：只能写 {names}，文字中不要单独使用“{{”“}}”", line, field=field)
        return False
    ok = True
    for name, conv, spec in fields:
        if name not in allowed or conv or spec:
            problems.error(path, f"不认识的占位符“{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}”"
                                 f"（此处只能用 {names}）", line, field=field)
            ok = False
    return ok


def plan_unit_counts(units: Units) -> dict[str, int]:
    return unit_counts(units.cities, units.counties)
