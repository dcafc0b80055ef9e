"""Annex tables: a schema (annexN.yaml: title, header groups, units, 全省 rule) and tidy rows (annexN.csv)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..model import MISSING, AnnexRow, AnnexTable, Cell, Column, HeaderGroup, TotalRule, Units
from ..problems import Problems
from .csv_file import read_csv
from .units import close_matches
from .yaml_file import read_yaml, require

COLUMN_TYPES = ("integer", "decimal", "percent", "text")
ROW_KINDS = ("cities", "counties", "list")
INTEGER = re.compile(r"-?\d+")
DECIMAL = re.compile(r"-?\d+(\.\d+)?")
PERCENT = re.compile(r"\d+(\.\d+)?%")


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


def _column(raw, path: Path, problems: Problems, field: str) -> Column | None:
    key = require(raw, "key", path, problems, str, field + ".")
    header = require(raw, "header", path, problems, str, field + ".")
    derived = raw.get("derived") if isinstance(raw, dict) else None
    ctype = "integer" if derived else (raw.get("type") if isinstance(raw, dict) else None)
    if derived not in (None, "row_sum"):
        problems.error(path, f"derived 只能是 row_sum，实际为“{derived}”", raw.line_of("derived"), field=field + ".derived")
        return None
    if ctype not in COLUMN_TYPES:
        problems.error(path, f"列类型应为{'/'.join(COLUMN_TYPES)}之一，实际为“{ctype}”",
                       raw.line_of("type") if isinstance(raw, dict) else None, field=field + ".type")
        return None
    if key is None or header is None:
        return None
    return Column(key, header, ctype, raw.get("unit"), derived)


def load_annex(schema_path: Path, units: Units, problems: Problems) -> AnnexTable | None:
    schema = read_yaml(schema_path, problems)
    if schema is None:
        return None
    errors_before = len(problems.errors)
    number = require(schema, "number", schema_path, problems, int)
    title = require(schema, "title", schema_path, problems, str)
    rows_kind = require(schema, "rows", schema_path, problems, str)
    raw_columns = require(schema, "columns", schema_path, problems, list)
    if rows_kind is not None and rows_kind not in ROW_KINDS:
        problems.error(schema_path, f"rows 应为{'/'.join(ROW_KINDS)}之一，实际为“{rows_kind}”",
                       schema.line_of("rows"), field="rows")
    orientation = schema.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        problems.error(schema_path, f"orientation 应为 portrait 或 landscape，实际为“{orientation}”",
                       schema.line_of("orientation"), field="orientation")
    header: list[Column | HeaderGroup] = []
    for i, raw in enumerate(raw_columns or []):
        field = f"columns[{i}]"
        if isinstance(raw, dict) and "group" in raw:
            subs = require(raw, "columns", schema_path, problems, list, field + ".") or []
            cols = [_column(c, schema_path, problems, f"{field}.columns[{j}]") for j, c in enumerate(subs)]
            header.append(HeaderGroup(str(raw["group"]), tuple(c for c in cols if c)))
        else:
            col = _column(raw, schema_path, problems, field)
            if col:
                header.append(col)
    total_rule = _total_rule(schema, header, schema_path, problems)
    for key in ("unit_column", "parent_column", "serial_column"):
        spec = schema.get(key)
        if spec is None:
            continue
        if not isinstance(spec, dict) or "header" not in spec or (key != "serial_column" and "key" not in spec):
            problems.error(schema_path, f"{key} 应写成 {{key: 列名, header: 表头文字, display: name 或 short_name}}",
                           schema.line_of(key), field=key)
    if total_rule is not None and not schema.get("unit_column"):
        problems.error(schema_path, "有全省行（total）的表必须有单位列（unit_column），全省二字写在该列",
                       schema.line_of("total"), field="total")
    layout = schema.get("layout") or {}
    if not isinstance(layout, dict) or layout.get("halves", 1) not in (1, 2) or \
            not isinstance(layout.get("right_headers", {}), dict):
        problems.error(schema_path, "layout 只能有 halves（1 或 2）和 right_headers（列名: 表头文字）",
                       schema.line_of("layout"), field="layout")
    if len(problems.errors) > errors_before:
        return None

    table = AnnexTable(
        number=number, title=title, orientation=orientation, rows_kind=rows_kind,
        unit_column=schema.get("unit_column"), parent_column=schema.get("parent_column"),
        serial_column=schema.get("serial_column"), header=tuple(header), rows=[],
        total_rule=total_rule, layout=layout,
        csv_path=schema_path.with_suffix(".csv"),
    )
    _check_stated_values(table, schema_path, schema, problems)
    if len(problems.errors) > errors_before:
        return None
    _load_rows(table, units, problems)
    return table


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
    lines = {k: stated.line_of(k) for k in stated} if hasattr(stated, "line_of") else {}
    return TotalRule(str(t.get("label", "全省")), rule, {k: str(v) for k, v in stated.items()},
                     problems.name(path), lines)


def _check_stated_values(table: AnnexTable, schema_path: Path, schema, problems: Problems) -> None:
    if table.total_rule is None:
        return
    by_key = {c.key: c for c in table.columns}
    field = "total.values" if table.total_rule.rule == "stated" else "total.stated"
    for key, text in table.total_rule.stated.items():
        line = table.total_rule.stated_lines.get(key)
        if key not in by_key:
            problems.error(schema_path, f"全省行引用了不存在的列“{key}”", line, field=f"{field}.{key}")
            continue
        _, reason = parse_value(text, by_key[key])
        if reason:
            problems.error(schema_path, f"全省行{reason}", line, field=f"{field}.{key}")


def _load_rows(table: AnnexTable, units: Units, problems: Problems) -> None:
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
                               f"{close_matches(raw[col['key']], [u.short_name for u in units.cities])}",
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
                problems.error(path, f"未知的{what}“{name}”{close_matches(name, candidates)}", line, col["key"])
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
