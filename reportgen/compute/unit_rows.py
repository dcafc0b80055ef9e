"""Which rows of each annex belong to a unit: its own row, or (附件4) the rows listing it as the city."""

from __future__ import annotations

from ..model import AnnexRow, AnnexTable, Plan, Unit


def rows_for_unit(table: AnnexTable, unit: Unit, include_counties: bool = False) -> list[AnnexRow]:
    """The unit's own row; for list annexes (附件4) the rows naming it as their city; with
    include_counties, a city also gets the rows of its counties (附件2)."""
    own = [r for r in table.rows if r.unit is not None and r.unit.name == unit.name]
    if own or (table.unit_column and not include_counties):
        return own
    return [r for r in table.rows if r.parent is not None and r.parent.name == unit.name]


def unit_gaps(plan: Plan, unit: Unit, annexes: tuple[int, ...]) -> list[tuple[int, str]]:
    """(annex number, column header) of every missing value the unit's letter would print."""
    gaps = []
    for n in annexes:
        table = plan.annexes[n]
        for row in rows_for_unit(table, unit):
            for col in table.columns:
                if row.cells[col.key].missing:
                    gaps.append((n, col.header.replace("\n", "")))
    return gaps
