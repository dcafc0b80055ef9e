"""合计 columns and 全省 rows of the annex tables.

A row_sum column is the sum of the row's other numeric columns. The 全省 row is either the column
sums of the city rows (rule "sum") or the values the province states (rule "stated", for targets that
are not sums, such as 附件1's PM2.5 37). A stated value that disagrees with the computed sum is an
error. A sum over a missing cell is missing too: never a partial total.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import MISSING, AnnexTable, Cell
from ..problems import Problem, Severity


def number_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _sum(cells: list[Cell]) -> Cell:
    if not cells or any(c.missing for c in cells):
        return MISSING
    total = sum((c.value for c in cells), Decimal(0))
    return Cell(number_text(total), total)


def _stated_cell(text: str, kind: str) -> Cell:
    """A published value (already checked by load/annexes.py) with its number, as the rows have; an
    empty one (a new plan's value not decided yet) is missing."""
    if text == "":
        return MISSING
    if kind == "percent" and text.endswith("%"):
        return Cell(text, Decimal(text[:-1]))
    if kind in ("integer", "decimal"):
        return Cell(text, Decimal(text))
    return Cell(text, None)


def compute_annex_totals(table: AnnexTable) -> list[Problem]:
    """Fill derived cells and table.total; return the problems found (stated totals that disagree)."""
    numeric = [c for c in table.columns if not c.derived and c.type in ("integer", "decimal")]
    for col in table.columns:
        if col.derived == "row_sum":
            for row in table.rows:
                row.cells[col.key] = _sum([row.cells[c.key] for c in numeric])
    rule = table.total_rule
    if rule is None:
        return []
    problems = []
    for col in table.columns:
        if rule.rule == "stated":
            text = rule.stated.get(col.key)
            # blank: not filled in yet (e.g. cleared by reportgen new-plan; load/annexes.py reports the gap)
            table.total[col.key] = _stated_cell(text, col.type) if text is not None and text.strip() else MISSING
            continue
        computed = _sum([row.cells[col.key] for row in table.rows])
        table.total[col.key] = computed
        stated = rule.stated.get(col.key)
        if stated is not None and computed.missing:
            problems.append(Problem(
                rule.schema_file, f"全省“{col.header.replace(chr(10), '')}”公布值为{stated}，但有城市的数值缺失，无法核对，"
                                  "全省行此格按缺失显示", row=rule.stated_lines.get(col.key),
                field=f"total.stated.{col.key}", severity=Severity.GAP))
        elif stated is not None and Decimal(stated) != computed.value:
            problems.append(Problem(
                rule.schema_file,
                f"全省“{col.header.replace(chr(10), '')}”公布值为{stated}，但各市相加为{computed.text}，两者不符"
                f"（请核对 {table.csv_path.name if table.csv_path else ''} 中各市的数值或此处的公布值）",
                row=rule.stated_lines.get(col.key), field=f"total.stated.{col.key}"))
    return problems


def annex_figure(table: AnnexTable, unit_name: str | None, column_key: str | None) -> Cell:
    """The figure a plan text refers to (load/figure_refs.py): the 全省 cell of a column (unit_name None),
    a unit's cell, or the number of rows of the table (column_key None). Call after compute_annex_totals;
    a cell that is missing, or a unit without a row, is MISSING."""
    if column_key is None:
        return Cell(str(len(table.rows)), Decimal(len(table.rows)))
    if unit_name is None:
        return table.total.get(column_key, MISSING)
    for row in table.rows:
        if row.unit is not None and row.unit.name == unit_name:
            return row.cells.get(column_key, MISSING)
    return MISSING
