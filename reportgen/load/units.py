"""units.csv: the plan year's 设区市 and 县（市、区）, in their fixed order.

The `region` column (片区) is optional: a data set without it (or with it empty) has no 片区, and the
bulletin prints nothing about them. With it, every city names its 片区; their order is bulletin.yaml's
`regions` list where given (load/plan.py checks it), else the order of first appearance here.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Unit, Units
from ..names import did_you_mean
from ..problems import Problems
from .csv_file import read_csv

COLUMNS = ["code", "name", "short_name", "level", "parent", "region"]
OPTIONAL_COLUMNS = ("region",)
CODE = re.compile(r"[0-9]{6}")   # 行政区划代码 (GB/T 2260)


def load_units(path: Path, problems: Problems) -> Units:
    rows = read_csv(path, COLUMNS, problems, OPTIONAL_COLUMNS)
    with_region = [line for line, row in rows if row["level"] == "city" and row["region"]]
    units: list[Unit] = []
    seen: dict[str, int] = {}
    codes: dict[str, int] = {}
    raw_by_name: dict[str, dict] = {}
    for line, row in rows:
        bad = False
        for col in ("code", "name", "short_name", "level"):
            if not row[col]:
                problems.error(path, f"缺少必填值“{col}”", line, col)
                bad = True
        if row["code"] and not CODE.fullmatch(row["code"]):
            problems.error(path, f"行政区划代码应为6位数字，实际为“{row['code']}”", line, "code")
            bad = True
        elif row["code"] in codes:
            problems.error(path, f"行政区划代码“{row['code']}”重复（第{codes[row['code']]}行已有）", line, "code")
            bad = True
        elif row["code"]:
            codes[row["code"]] = line
        if row["level"] and row["level"] not in ("city", "county"):
            problems.error(path, f"级别应为 city（设区市）或 county（县、市、区），实际为“{row['level']}”", line, "level")
            bad = True
        for col in ("name", "short_name"):
            value = row[col]
            if value and value in seen and not (col == "short_name" and value == row["name"]):
                problems.error(path, f"单位名称“{value}”重复（第{seen[value]}行已有）", line, col)
                bad = True
        for value in {row["name"], row["short_name"]} - {""}:
            seen.setdefault(value, line)
        if row["level"] == "city" and with_region and not row["region"]:
            problems.error(path, f"缺少片区：其他设区市（如第{with_region[0]}行）填了片区，每个设区市都应填写"
                                 "（不分片区的，region列全部留空或删去该列）", line, "region")
        if row["level"] == "city" and row["region"].endswith("片区"):
            problems.error(path, f"片区名写作“{row['region'][:-2]}”即可（通报中印作“{row['region']}”）", line, "region")
        if not bad:
            raw_by_name[row["name"]] = dict(row, line=line)
    by_alias = {}
    for raw in raw_by_name.values():
        if raw["level"] == "city":
            by_alias[raw["name"]] = raw
            by_alias[raw["short_name"]] = raw
    for order, raw in enumerate(raw_by_name.values()):
        parent = region = None
        if raw["level"] == "county":
            city = by_alias.get(raw["parent"])
            if city is None:
                problems.error(path, f"上级设区市“{raw['parent']}”不存在{did_you_mean(raw['parent'], by_alias)}",
                               raw["line"], "parent")
                continue
            parent, region = city["name"], city["region"]
        else:
            region = raw["region"]
        units.append(Unit(raw["code"], raw["name"], raw["short_name"], raw["level"], parent, region, order))
    regions = tuple(dict.fromkeys(u.region for u in units if u.level == "city" and u.region))
    return Units(units, regions)


