"""unit_changes.yaml (optional): administrative changes of 县（市、区） with their dates.

units.csv lists the units of the plan year. A county merged into another, renamed or split before the
plan year is no longer listed there; it is written here, so that the months before the change keep
their units (submissions naming it stay valid, bulletins of those months rank it), and the months from
the change on do not have it. A county that changes DURING the plan year (dated after the year's first
month) and merged into another may stay listed in units.csv: the plan published at the start of the
year has it (annexes, letters as published), and from the change's month on it is gone (forms,
submissions, bulletins, counts, rankings: `Units.as_of`); its short name and code then come from
units.csv. (Not for a rename or a split: the new units would have to be listed too, and the plan would
have both.) Schema (README, “区划调整”):

    changes:
      - date: 2021-07-01        # the first day of the first month under the new units (a 1st of a month)
        kind: merged            # merged 并入 | renamed 更名 | split 拆分
        from: 高淳区             # the unit that ceased (full name); in units.csv only for a merge
                                # within the plan year (after its first month)
        short_name: 高淳         # its short name, as bulletins of earlier months print it
                                # (optional when `from` is in units.csv; if given, as there)
        code: "320118"           # optional: its 行政区划代码 (as in units.csv when listed there)
        into: 溧水区             # the successor (split: a list of the new units)
        comparison: none        # continue: the successor's series runs across the change;
                                # none: no comparable figure across it (split: always none)

Comparisons across a change (compute/air_quality.py applies them): with `continue` the successor is
compared with its own series (for a rename: the old name's reports); with `none` the successor has no
figure for a period that reaches back before the change, and no 上年同期 figure across it; the bulletin
says so in words.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model import Unit, UnitChange, Units
from ..names import did_you_mean
from ..problems import Problems
from .units import CODE
from .yaml_file import check_keys, describe, line_of, read_yaml

FILE_NAME = "unit_changes.yaml"
ENTRY_KEYS = {"date", "kind", "from", "short_name", "code", "into", "comparison", "note"}
KINDS = {"merged": "并入", "renamed": "更名", "split": "拆分"}
COMPARISONS = ("continue", "none")
EARLIEST = dt.date(1980, 1, 1)   # GB/T 2260's first edition: no change of a coded unit is older


def load_unit_changes(path: Path, units: Units, year: int | None, problems: Problems) -> Units:
    """`units` with the changes of `path` (units unchanged when the file is absent or has errors)."""
    if not path.exists():
        return units
    data = read_yaml(path, problems)
    if data is None:
        return units
    before = len(problems.errors)
    check_keys(data, {"changes"}, path, problems)
    entries = data.get("changes")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        problems.error(path, f"“changes”应为列表（每项一次区划调整），实际为{describe(entries)}", line_of(data, "changes"),
                       field="changes")
        return units
    raw = []
    for i, entry in enumerate(entries):
        field = f"changes[{i}]"
        line = line_of(entries, i)
        if not isinstance(entry, dict):
            problems.error(path, f"应为键值对（date、kind、from、into……），实际为{describe(entry)}", line, field=field)
            continue
        if not check_keys(entry, ENTRY_KEYS, path, problems, field + "."):
            continue
        checked = _entry(entry, field, line, path, units, year, problems)
        if checked is not None:
            raw.append(checked)
    if len(problems.errors) > before:
        return units
    olds: dict[str, dict] = {}
    for r in raw:
        if r["from"] in olds:
            problems.error(path, f"“{r['from']}”已在第{olds[r['from']]['line']}行的调整中不再存在，不能再次调整",
                           r["line"], field=r["field"] + ".from")
        olds.setdefault(r["from"], r)
    if len(problems.errors) > before or _cycles(raw, path, problems):
        return units
    # successors exist (in units.csv, or as a unit of earlier months) when the change takes effect
    for r in raw:
        for i, name in enumerate(r["into"]):
            where = f"{r['field']}.into" + (f"[{i}]" if r["kind"] == "split" else "")
            current = units.find(name)
            if current is None and name not in olds:
                pool = [u.name for u in units.counties] + list(olds)
                problems.error(path, f"未知单位“{name}”{did_you_mean(name, pool)}：调整后的单位应列在 units.csv 中，"
                                     "或是另一项调整之前的单位", r["line"], field=where)
            elif current is not None and current.level != "county":
                problems.error(path, f"“{name}”是设区市；区划调整只适用于县（市、区）", r["line"], field=where)
            elif name in olds and olds[name]["date"] <= r["date"]:
                problems.error(path, f"“{name}”在{_date(r['date'])}时已不存在（见第{olds[name]['line']}行）",
                               r["line"], field=where)
            elif (made := next((o for o in raw if o["kind"] != "merged" and name in o["into"]
                                and o["date"] > r["date"]), None)) is not None:
                problems.error(path, f"“{name}”在{_date(r['date'])}时尚不存在（{_date(made['date'])}才由"
                                     f"{made['from']}{KINDS[made['kind']]}而来，见第{made['line']}行）", r["line"], field=where)
    if len(problems.errors) > before:
        return units
    # the old units, built in date order so that a successor which is itself an old unit is known
    made: dict[str, Unit] = {}
    changes: list[UnitChange] = []
    successors: dict[str, int] = {}

    def unit_named(name: str) -> Unit:
        return units.find(name) if units.find(name) is not None else made[name]

    # a unit of earlier months sits next to its successor in the fixed order (after it for a merge,
    # in its place for a rename or split): successors first, so resolve latest changes first
    for r in sorted(raw, key=lambda r: r["date"], reverse=True):
        if r["listed"]:
            made[r["from"]] = units.find(r["from"])    # part of the plan year: as units.csv has it
            continue
        first = unit_named(r["into"][0])
        successors[first.name] = successors.get(first.name, 0) + 1
        step = successors[first.name] / 1000
        order = first.order + step if r["kind"] == "merged" else first.order - step
        made[r["from"]] = Unit(r["code"], r["from"], r["short_name"], "county", first.parent, first.region, order)
    for r in sorted(raw, key=lambda r: r["date"]):
        changes.append(UnitChange(r["date"], r["kind"], made[r["from"]], tuple(unit_named(n) for n in r["into"]),
                                  r["comparison"], r["line"]))
    listed = {r["from"] for r in raw if r["listed"]}
    return Units(units.all, units.regions, tuple(changes), tuple(u for u in made.values() if u.name not in listed))


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _entry(entry, field: str, line: int, path: Path, units: Units, year: int | None, problems: Problems) -> dict | None:
    """One change's fields checked one by one; None after recording what is wrong."""
    before = len(problems.errors)

    def error(key: str, message: str) -> None:
        problems.error(path, message, line_of(entry, key) or line, field=f"{field}.{key}")

    for key in ("date", "kind", "from", "into"):
        if key not in entry or entry[key] in (None, ""):
            error(key, f"缺少必填字段“{key}”")
    if len(problems.errors) > before:
        return None
    date, kind, old, into = entry["date"], entry["kind"], entry["from"], entry["into"]
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        error("date", f"生效日期应写成如 2021-07-01，实际为{describe(date)}")
    elif date.day != 1:
        error("date", f"生效日期应为某月1日（报送和排名按月进行，该月起按新区划）；{_date(date)}是月中，"
                      f"请写明从哪个月起按新区划报送，如 {date.year + date.month // 12}-{date.month % 12 + 1:02d}-01")
    elif year is not None and not EARLIEST <= date <= dt.date(year, 12, 31):
        error("date", f"生效日期{_date(date)}不在{EARLIEST.year}年至计划年度（{year}年）末之间"
                      "（units.csv 列的是计划年度的单位，以后的调整写入下一年度的数据）")
    if kind not in KINDS:
        error("kind", f"调整类型应为 {'、'.join(f'{k}（{v}）' for k, v in KINDS.items())} 之一，实际为{describe(kind)}")
        return None
    listed: Unit | None = None    # `from` listed in units.csv: a merge within the plan year
    before_from = len(problems.errors)
    if not isinstance(old, str) or not old.strip():
        error("from", f"调整前的单位应为单位全称，实际为{describe(old)}")
    else:
        old = old.strip()
        current = units.find(old)
        if current is not None and current.level == "city":
            error("from", f"“{old}”是设区市；区划调整只适用于县（市、区）")
        elif current is not None and current.name != old:
            error("from", f"调整前的单位应写全称“{current.name}”，而不是简称“{old}”")
        elif current is not None and not within_year(date, year):
            when = f"{_date(date)}{KINDS[kind]}的单位" if isinstance(date, dt.date) else "该单位"
            plan_year = f"计划年度（{year}年）" if year is not None else "计划年度"
            error("from", f"“{old}”仍列在 units.csv 中；{when}不能留在其中（只有{plan_year}2月1日至12月1日之间并入的单位，"
                          f"计划年初仍有它，才可留在 units.csv 中），{KINDS[kind]}前的单位请从中删除"
                          "（历年报送表中的该单位仍然有效）")
        elif current is not None and kind != "merged":
            error("from", f"“{old}”仍列在 units.csv 中；年中{KINDS[kind]}的单位不能留在其中（{KINDS[kind]}后的单位也要列在"
                          f" units.csv 中，计划中会同时出现调整前后的单位），请从中删除“{old}”（目前只有年中并入的单位"
                          "可以留在 units.csv 中）")
        elif current is not None:
            listed = current
    if kind == "split":
        if not isinstance(into, list) or len(into) < 2 or not all(isinstance(n, str) and n.strip() for n in into):
            error("into", f"拆分后的单位应为至少两个单位名称的列表，如 [甲区, 乙区]，实际为{describe(into)}")
            return None
        into = [n.strip() for n in into]
    elif not isinstance(into, str) or not into.strip():
        error("into", f"{KINDS[kind]}后的单位应为一个单位的全称，实际为{describe(into)}")
        return None
    else:
        into = [into.strip()]
    if isinstance(old, str) and old in into:
        error("into", f"“{old}”不能{KINDS[kind]}为自身")
    short = entry.get("short_name")
    if listed is not None:
        if short is not None and (not isinstance(short, str) or short.strip() != listed.short_name):
            error("short_name", f"“{old}”列在 units.csv 中，简称应与其一致（“{listed.short_name}”，可省略），"
                                f"实际为{describe(short)}")
        code = entry.get("code", "")
        code = str(code) if isinstance(code, int) and not isinstance(code, bool) else code
        if code and code != listed.code:
            error("code", f"“{old}”列在 units.csv 中，行政区划代码应与其一致（{listed.code}，可省略），实际为{describe(code)}")
        short, code = listed.short_name, listed.code
    elif len(problems.errors) > before_from:
        pass    # `from` is wrong: its short name is not judged
    elif not isinstance(short, str) or not short.strip():
        error("short_name", f"请写明“{old}”的简称（调整前各月的通报中使用），实际为{describe(short)}")
    elif (same := units.find(short.strip())) is not None and not (kind == "renamed" and same.name in into):
        error("short_name", f"简称“{short.strip()}”已是 units.csv 中{same.name}的名称；调整前后同时存在的两个单位不能同名")
    if listed is None:
        code = entry.get("code", "")
        code = str(code) if isinstance(code, int) and not isinstance(code, bool) else code
        if code and not (isinstance(code, str) and CODE.fullmatch(code)):
            error("code", f"行政区划代码应为6位数字，实际为{describe(code)}")
    default = {"renamed": "continue", "split": "none"}.get(kind)
    comparison = entry.get("comparison", default)
    if comparison is None:
        error("comparison", f"请写明跨调整如何比较：continue（{into[0]}的数据前后可比）或 none（无可比数据）")
    elif comparison not in COMPARISONS:
        error("comparison", f"应为 continue 或 none，实际为{describe(comparison)}")
    elif kind == "split" and comparison != "none":
        error("comparison", "拆分后的单位没有可比的前期数据，comparison 只能为 none")
    if len(problems.errors) > before:
        return None
    return {"date": date, "kind": kind, "from": old, "into": into, "short_name": short.strip(), "code": code or "",
            "comparison": comparison, "line": line, "field": field, "listed": listed is not None}


def within_year(date, year: int | None) -> bool:
    """A change dated after the plan year's first month and within the year: a unit it merges away may
    be part of the plan (units.csv) and ceases from that month on."""
    return isinstance(date, dt.date) and year is not None and dt.date(year, 2, 1) <= date <= dt.date(year, 12, 31)


def _cycles(raw: list[dict], path: Path, problems: Problems) -> bool:
    """A unit that, following from → into, leads back to itself."""
    edges = {r["from"]: r for r in raw}
    for r in raw:
        trail = [r["from"]]
        todo = list(r["into"])
        seen = set()
        while todo:
            name = todo.pop()
            if name == r["from"]:
                problems.error(path, f"区划调整形成循环：{'→'.join(trail + [name])}；每个单位只能调整一次，"
                                     "且不能经调整回到自身", r["line"], field=r["field"] + ".into")
                return True
            if name in seen or name not in edges:
                continue
            seen.add(name)
            trail.append(name)
            todo.extend(edges[name]["into"])
    return False
