"""Annex tables: a schema (annexN.yaml: title, header groups, units, 全省 rule) and tidy rows (annexN.csv)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..annex_roles import ANNEX_ROLES, known_roles_text
from ..model import MISSING, AnnexRow, AnnexTable, Cell, Column, HeaderGroup, TotalRule, Units
from ..names import did_you_mean
from ..problems import Problems
from .csv_file import read_csv
from .placeholders import COUNT_PLACEHOLDERS, check_placeholders, plan_unit_counts
from .yaml_file import check_keys, describe, is_kind, line_of, optional, read_yaml, require

COLUMN_TYPES = ("integer", "decimal", "percent", "text")
ROW_KINDS = ("cities", "counties", "list")
INTEGER = re.compile(r"-?[0-9]+")             # ASCII digits only: a full-width "３１" is refused, not reprinted
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
PERCENT = re.compile(r"-?[0-9]+(\.[0-9]+)?%")

SCHEMA_KEYS = {"number", "role", "title", "rows", "orientation", "unit_column", "parent_column", "serial_column",
               "columns", "total", "layout"}
COLUMN_KEYS = {"key", "header", "type", "unit", "derived", "range"}
GROUP_KEYS = {"group", "columns"}
UNIT_COLUMN_KEYS = {"unit_column": {"key", "header", "display"}, "parent_column": {"key", "header", "display"},
                    "serial_column": {"header"}}
LAYOUT_KEYS = {"halves", "right_headers"}
DISPLAY_STYLES = ("name", "short_name")


@dataclass(frozen=True)
class Range:
    """The values a column allows: declared in the annex yaml (range: [low, high]) or the type's default."""

    low: Decimal | None
    high: Decimal | None
    declared: bool
    line: int | None = None

    def contains(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


# A column without `range` allows: counts (integer) and amounts (decimal) from 0 up, percentages 0–100.
# A column that may be negative (e.g. a change) must declare its range.
DEFAULT_RANGES = {"integer": Range(Decimal(0), None, False), "decimal": Range(Decimal(0), None, False),
                  "percent": Range(Decimal(0), Decimal(100), False)}
TYPE_NAMES = {"integer": "整数", "decimal": "数值", "percent": "百分数"}


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def range_problem(cell: Cell, col: Column, rng: Range, schema_name: str) -> str | None:
    """Why the cell's number is outside the column's range, or None."""
    if cell.value is None or rng.contains(cell.value):
        return None
    pct = "%" if col.type == "percent" else ""
    if rng.low is not None and rng.high is not None:
        allowed = f"应在{_plain(rng.low)}{pct}～{_plain(rng.high)}{pct}之间"
    elif rng.low is not None:
        allowed = f"应不小于{_plain(rng.low)}{pct}"
    else:
        allowed = f"应不大于{_plain(rng.high)}{pct}"
    unit = f"（单位：{col.unit}）" if col.unit and col.unit != "%" else ""
    if rng.declared:
        source = f"允许范围见 {schema_name} 第{rng.line}行本列的 range" if rng.line else f"允许范围见 {schema_name}"
    else:
        source = f"本列在 {schema_name} 中未写 range，{TYPE_NAMES[col.type]}列默认{allowed}"
    return f"“{col.header.replace(chr(10), '')}”超出允许范围：{allowed}{unit}，实际为“{cell.text}”（{source}）"


def parse_value(text: str, col: Column) -> tuple[Cell | None, str | None]:
    """(cell, None) or (None, reason in Chinese). Empty text is a missing cell, not an error."""
    if text == "":
        return MISSING, None
    if col.type == "text":
        return Cell(text, None), None
    if col.type == "integer":
        if INTEGER.fullmatch(text):
            return Cell(text, Decimal(text)), None
        return None, f"应为整数，实际为“{text}”"
    if col.type == "decimal":
        if DECIMAL.fullmatch(text):
            return Cell(text, Decimal(text)), None
        if PERCENT.fullmatch(text):
            return None, (f"百分数格式不对：本列单位{col.unit or ''}已写在表头，应只写数字"
                          f"（如“{text[:-1]}”），实际为“{text}”")
        return None, f"应为数字，实际为“{text}”"
    if col.type == "percent":
        if PERCENT.fullmatch(text):
            return Cell(text, Decimal(text[:-1])), None
        if DECIMAL.fullmatch(text):
            return None, f"百分数格式不对：应写成带%的百分数（如“10%”），实际为“{text}”"
        return None, f"应为百分数（如“10%”），实际为“{text}”"
    raise ValueError(col.type)


def _range(raw, ctype: str, derived, path: Path, problems: Problems, field: str) -> Range | None:
    """The column's declared range, its type's default, or None after recording a problem."""
    spec = raw.get("range") if isinstance(raw, dict) else None
    if spec is None:
        return DEFAULT_RANGES.get(ctype)
    line = raw.line_of("range")
    if derived or ctype == "text":
        problems.error(path, "文字列和 derived 列（由其他列相加）不设 range", line, field=field + ".range")
        return None
    ok = isinstance(spec, list) and len(spec) == 2 and \
        all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) != float("inf"))
            for v in spec) and spec != [None, None]
    if not ok:
        problems.error(path, f"range 应写成 [最小值, 最大值]，如 [0, 100]（一端不限时写 null），实际为{describe(spec)}"
                             f"{'：' + '、'.join(describe(v) for v in spec) if isinstance(spec, list) else ''}",
                       line, field=field + ".range")
        return None
    low, high = (None if v is None else Decimal(str(v)) for v in spec)
    if low is not None and high is not None and low > high:
        problems.error(path, f"range 的最小值{_plain(low)}大于最大值{_plain(high)}", line, field=field + ".range")
        return None
    return Range(low, high, True, line)


def _column(raw, path: Path, problems: Problems, field: str, ranges: dict[str, Range]) -> Column | None:
    if not isinstance(raw, dict):
        problems.error(path, f"列应写成 {{key: 列名, header: 表头文字, type: 类型}}，实际为{describe(raw)}",
                       line_of(raw, 0) if isinstance(raw, list) else None, field=field)
        return None
    keys_ok = check_keys(raw, COLUMN_KEYS, path, problems, field + ".")
    key = require(raw, "key", path, problems, str, field + ".")
    header = require(raw, "header", path, problems, str, field + ".")
    unit = optional(raw, "unit", path, problems, str, field + ".")
    derived = raw.get("derived")
    ctype = "integer" if derived else raw.get("type")
    if derived not in (None, "row_sum"):
        problems.error(path, f"derived 只能是 row_sum，实际为{describe(derived)}", raw.line_of("derived"),
                       field=field + ".derived")
        return None
    if ctype not in COLUMN_TYPES:
        problems.error(path, f"列类型应为{'/'.join(COLUMN_TYPES)}之一，实际为{describe(ctype)}",
                       raw.line_of("type"), field=field + ".type")
        return None
    rng = _range(raw, ctype, derived, path, problems, field)
    if key is None or header is None or not keys_ok or (raw.get("unit") is not None and unit is None):
        return None
    if rng is not None:
        ranges[key] = rng
    elif ctype != "text" and not derived:
        return None
    return Column(key, header, ctype, unit, derived)


def _check_unit_columns(schema, path: Path, problems: Problems) -> None:
    for key, allowed in UNIT_COLUMN_KEYS.items():
        spec = schema.get(key)
        if spec is None:
            continue
        needed = ("header",) if key == "serial_column" else ("key", "header")
        if not isinstance(spec, dict) or any(k not in spec for k in needed):
            problems.error(path, f"{key} 应写成 {{key: 列名, header: 表头文字, display: name 或 short_name}}",
                           schema.line_of(key), field=key)
            continue
        check_keys(spec, allowed, path, problems, key + ".")
        for k in needed:
            require(spec, k, path, problems, str, key + ".")
        if spec.get("display", "name") not in DISPLAY_STYLES:
            problems.error(path, f"display 应为 name（全称）或 short_name（简称），实际为{describe(spec.get('display'))}",
                           spec.line_of("display"), field=f"{key}.display")


def _check_layout(schema, columns: list[Column], path: Path, problems: Problems) -> None:
    layout = schema.get("layout")
    if layout is None:
        return
    if not isinstance(layout, dict) or layout.get("halves", 1) not in (1, 2) or isinstance(layout.get("halves"), bool) \
            or not isinstance(layout.get("right_headers", {}), dict):
        problems.error(path, "layout 只能有 halves（1 或 2）和 right_headers（列名: 表头文字）",
                       schema.line_of("layout"), field="layout")
        return
    check_keys(layout, LAYOUT_KEYS, path, problems, "layout.")
    right = layout.get("right_headers") or {}
    keys = {c.key for c in columns}
    for key, text in right.items():
        if key not in keys:
            problems.error(path, f"right_headers 中的“{key}”不是本表的列{did_you_mean(key, keys)}",
                           right.line_of(key), field=f"layout.right_headers.{key}")
        elif not isinstance(text, str) or not text.strip():
            problems.error(path, f"right_headers 的表头应为文字，实际为{describe(text)}", right.line_of(key),
                           field=f"layout.right_headers.{key}")


def load_annex(schema_path: Path, units: Units, problems: Problems) -> AnnexTable | None:
    schema = read_yaml(schema_path, problems)
    if schema is None:
        return None
    errors_before = len(problems.errors)
    check_keys(schema, SCHEMA_KEYS, schema_path, problems)
    number = require(schema, "number", schema_path, problems, int)
    if number is not None and number < 1:
        problems.error(schema_path, f"附件序号应为正整数，实际为{number}", schema.line_of("number"), field="number")
    title = require(schema, "title", schema_path, problems, str)
    if title is not None and check_placeholders(title, COUNT_PLACEHOLDERS, schema_path, schema.line_of("title"),
                                                "title", problems):
        title = title.format(**plan_unit_counts(units))   # "{county_count}个县（市、区）…" → "54个…"
    rows_kind = require(schema, "rows", schema_path, problems, str)
    raw_columns = require(schema, "columns", schema_path, problems, list)
    if rows_kind is not None and rows_kind not in ROW_KINDS:
        problems.error(schema_path, f"rows 应为{'/'.join(ROW_KINDS)}之一，实际为“{rows_kind}”",
                       schema.line_of("rows"), field="rows")
    orientation = schema.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        problems.error(schema_path, f"orientation 应为 portrait 或 landscape，实际为{describe(orientation)}",
                       schema.line_of("orientation"), field="orientation")
    header: list[Column | HeaderGroup] = []
    ranges: dict[str, Range] = {}
    for i, raw in enumerate(raw_columns or []):
        field = f"columns[{i}]"
        if isinstance(raw, dict) and "group" in raw:
            check_keys(raw, GROUP_KEYS, schema_path, problems, field + ".")
            group = require(raw, "group", schema_path, problems, str, field + ".")
            subs = require(raw, "columns", schema_path, problems, list, field + ".") or []
            cols = [_column(c, schema_path, problems, f"{field}.columns[{j}]", ranges) for j, c in enumerate(subs)]
            if group is not None:
                header.append(HeaderGroup(group, tuple(c for c in cols if c)))
        else:
            col = _column(raw, schema_path, problems, field, ranges)
            if col:
                header.append(col)
    columns = [c for h in header for c in (h.columns if isinstance(h, HeaderGroup) else [h])]
    _check_unit_columns(schema, schema_path, problems)
    seen_keys: dict[str, str] = {}
    for name in ("parent_column", "unit_column"):
        spec = schema.get(name)
        if isinstance(spec, dict) and isinstance(spec.get("key"), str):
            seen_keys.setdefault(spec["key"], name)
    for i, col in enumerate(columns):
        if col.key in seen_keys:
            problems.error(schema_path, f"列名“{col.key}”重复（{seen_keys[col.key]} 已用此名）：每列的 key 应不同",
                           schema.line_of("columns"), field="columns")
        seen_keys.setdefault(col.key, f"columns 第{i + 1}列")
    total_rule = _total_rule(schema, header, schema_path, problems)
    if total_rule is not None and not schema.get("unit_column"):
        problems.error(schema_path, "有全省行（total）的表必须有单位列（unit_column），全省二字写在该列",
                       schema.line_of("total"), field="total")
    _check_layout(schema, columns, schema_path, problems)
    role = _role(schema, rows_kind, columns, schema_path, problems)
    if len(problems.errors) > errors_before:
        return None

    table = AnnexTable(
        number=number, title=title, orientation=orientation, rows_kind=rows_kind,
        unit_column=schema.get("unit_column"), parent_column=schema.get("parent_column"),
        serial_column=schema.get("serial_column"), header=tuple(header), rows=[],
        total_rule=total_rule, layout=schema.get("layout") or {},
        csv_path=schema_path.with_suffix(".csv"), role=role,
    )
    _check_stated_values(table, schema_path, ranges, problems)
    if len(problems.errors) > errors_before:
        return None
    _load_rows(table, units, ranges, problems)
    return table


def files_of_roles(annex_dir: Path, roles) -> set[str]:
    """The CSV file names of the annexes declaring one of `roles`, read quietly (problems with the
    schemas are reported when the plan is loaded)."""
    found = set()
    for schema in Path(annex_dir).glob("annex*.yaml"):
        data = read_yaml(schema, Problems())
        if isinstance(data, dict) and data.get("role") in roles:
            found.add(schema.with_suffix(".csv").name)
    return found


def _role(schema, rows_kind, columns: list[Column], path: Path, problems: Problems) -> str | None:
    """`role:` what the program reads the annex for (annex_roles.py); absent: none."""
    if schema.get("role") is None:
        return None
    role = schema["role"]
    line = schema.line_of("role")
    known = ANNEX_ROLES.get(role) if isinstance(role, str) else None
    if known is None:
        problems.error(path, f"不认识的附件用途“{role if isinstance(role, str) else describe(role)}”"
                             f"{did_you_mean(str(role), ANNEX_ROLES) if isinstance(role, str) else ''}；"
                             f"可用的用途：{known_roles_text()}", line, field="role")
        return None
    if rows_kind in ROW_KINDS and rows_kind != known.rows:
        problems.error(path, f"用途为 {role} 的附件应为 rows: {known.rows}（每个"
                             f"{'设区市' if known.rows == 'cities' else '县（市、区）'}一行），实际为 rows: {rows_kind}",
                       line, field="role")
    keys = {c.key for c in columns}
    missing = [k for k in known.columns if k not in keys]
    if missing:
        problems.error(path, f"用途为 {role} 的附件应有列 {'、'.join(known.columns)}，缺少 {'、'.join(missing)}",
                       line, field="role")
    if role == "projects":
        for col in columns:
            if not col.derived and col.type != "integer":
                problems.error(path, f"用途为 projects 的附件各列为项目数，应为 integer，"
                                     f"“{col.header.replace(chr(10), '')}”列为 {col.type}", line, field="role")
    return role


TOTAL_KEYS = {"sum": {"label", "rule", "stated"}, "stated": {"label", "rule", "values"}}


def _total_rule(schema, header, path: Path, problems: Problems) -> TotalRule | None:
    """The 全省 row: rule "sum" (column sums, `stated` = published values to check) or "stated" (`values`)."""
    if "total" not in schema:
        return None
    t = schema["total"]
    if not isinstance(t, dict):
        problems.error(path, "total 应为键值对（label、rule 等）", schema.line_of("total"), field="total")
        return None
    rule = t.get("rule")
    if rule not in TOTAL_KEYS:
        problems.error(path, f"total.rule 应为 sum（各市相加）或 stated（按公布值），实际为“{rule}”",
                       t.line_of("rule"), field="total.rule")
        return None
    for key in t:
        if key not in TOTAL_KEYS[rule]:
            problems.error(path, f"total 中不认识的字段“{key}”（rule 为 {rule} 时可用：{'、'.join(sorted(TOTAL_KEYS[rule]))}）",
                           t.line_of(key), field=f"total.{key}")
    values_key = "values" if rule == "stated" else "stated"
    stated = t.get(values_key) or {}
    if not isinstance(stated, dict):
        problems.error(path, f"total.{values_key} 应为“列名: 数值”形式", t.line_of(values_key), field=f"total.{values_key}")
        return None
    if rule == "sum":
        columns = [c for h in header for c in (h.columns if isinstance(h, HeaderGroup) else [h])]
        for col in columns:
            if col.type not in ("integer", "decimal"):
                problems.error(path, f"“{col.header.replace(chr(10), '')}”列是{col.type}，不能相加；"
                                     "请把全省行改为 rule: stated 并写明公布值", t.line_of("rule"), field="total.rule")
    label = t.get("label", "全省")
    if not isinstance(label, str) or not label.strip():
        problems.error(path, f"total.label 应为文字（如“全省”），实际为{describe(label)}", t.line_of("label"),
                       field="total.label")
        return None
    for key, value in stated.items():
        if not is_kind(value, (str, int, float)):
            problems.error(path, f"全省行的数值应写成文字或数字，实际为{describe(value)}", stated.line_of(key),
                           field=f"total.{values_key}.{key}")
            return None
    lines = {k: stated.line_of(k) for k in stated} if hasattr(stated, "line_of") else {}
    return TotalRule(label, rule, {k: str(v) for k, v in stated.items()},
                     problems.name(path), lines)


def _check_stated_values(table: AnnexTable, schema_path: Path, ranges: dict[str, Range], problems: Problems) -> None:
    if table.total_rule is None:
        return
    by_key = {c.key: c for c in table.columns}
    field = "total.values" if table.total_rule.rule == "stated" else "total.stated"
    for key, text in table.total_rule.stated.items():
        line = table.total_rule.stated_lines.get(key)
        if key not in by_key:
            problems.error(schema_path, f"全省行引用了不存在的列“{key}”", line, field=f"{field}.{key}")
            continue
        cell, reason = parse_value(text, by_key[key])
        if reason:
            problems.error(schema_path, f"全省行{reason}", line, field=f"{field}.{key}")
        elif cell is MISSING and table.total_rule.rule == "stated":   # e.g. cleared by reportgen new-plan
            problems.gap(schema_path, f"全省行“{by_key[key].header.replace(chr(10), '')}”的公布值（{field}.{key}）"
                                      "没有填写（缺失，文件中留空）", line)
        elif table.total_rule.rule == "stated" and key in ranges and \
                (reason := range_problem(cell, by_key[key], ranges[key], schema_path.name)):
            # a sum's published value is checked against the computed sum (compute/annex_totals.py)
            problems.error(schema_path, f"全省行{reason}", line, field=f"{field}.{key}")


def _load_rows(table: AnnexTable, units: Units, ranges: dict[str, Range], problems: Problems) -> None:
    path = table.csv_path
    data_columns = [c for c in table.columns if not c.derived]
    keys = [c["key"] for c in (table.parent_column, table.unit_column) if c] + [c.key for c in data_columns]
    level = {"cities": "city", "counties": "county"}.get(table.rows_kind)
    seen: dict[str, int] = {}
    for line, raw in read_csv(path, keys, problems):
        unit = parent = None
        ok = True
        if table.parent_column:
            col = table.parent_column
            parent = units.find(raw[col["key"]])
            if parent is None or parent.level != "city":
                problems.error(path, f"未知的设区市“{raw[col['key']]}”"
                               f"{did_you_mean(raw[col['key']], [u.short_name for u in units.cities])}",
                               line, col["key"])
                ok = False
        if table.unit_column:
            col = table.unit_column
            name = raw[col["key"]]
            unit = units.find(name)
            candidates = [u.short_name for u in units.all if level in (None, u.level)]
            if not name:
                problems.error(path, "缺少单位名称", line, col["key"])
                ok = False
            elif unit is None or (level and unit.level != level):
                what = {"city": "设区市", "county": "县（市、区）"}.get(level, "单位")
                problems.error(path, f"未知的{what}“{name}”{did_you_mean(name, candidates)}", line, col["key"])
                ok = False
            elif unit.name in seen:
                problems.error(path, f"“{name}”重复出现（第{seen[unit.name]}行已有）", line, col["key"])
                ok = False
            else:
                seen[unit.name] = line
                if parent is not None and unit.parent != parent.name:
                    problems.error(path, f"“{name}”属于{unit.parent}，不属于{parent.name}",
                                   line, table.parent_column["key"])
                    ok = False
        cells = {}
        for col in data_columns:
            cell, reason = parse_value(raw[col.key], col)
            if reason is None and col.key in ranges:
                reason = range_problem(cell, col, ranges[col.key], path.with_suffix(".yaml").name)
            if reason:
                problems.error(path, reason, line, col.key)
                ok = False
            elif cell.missing and col.type == "text":
                problems.error(path, "缺少必填值", line, col.key)
                ok = False
            elif cell.missing:
                who = unit.name if unit else f"第{line}行"
                problems.gap(path, f"{who}的“{col.header.replace(chr(10), '')}”没有数值（缺失，文件中留空）",
                             line, col.key)
            cells[col.key] = cell
        if ok:
            table.rows.append(AnnexRow(unit, parent, cells, line))
    if level:
        expected = units.cities if level == "city" else units.counties
        missing = [u.name for u in expected if u.name not in seen]
        if missing:
            problems.error(path, f"缺少以下单位的行：{'、'.join(missing)}（每个{'设区市' if level == 'city' else '县（市、区）'}应有且仅有一行）")
