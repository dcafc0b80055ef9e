"""Tables of the rendered HTML placed on a grid: which <th>/<td> covers which rows and columns.

Shared by the DOCX writer (one w:tc per grid cell) and the PDF pre-pass (widths of table heads)."""

from __future__ import annotations

from dataclasses import dataclass


class UnsupportedHtml(ValueError):
    """The template used an element the DOCX writer does not know: a template bug, not a data error."""


@dataclass
class GridCell:
    el: object
    row: int
    col: int
    rowspan: int
    colspan: int


def table_rows(table_el) -> list:
    """The <tr> elements in grid order: <thead>, <tbody>, then rows directly in the table."""
    head = table_el.find("thead")
    body = table_el.find("tbody")
    return (list(head) if head is not None else []) + (list(body) if body is not None else []) \
        + [tr for tr in table_el if tr.tag == "tr"]


def table_grid(table_el) -> tuple[list[GridCell], int, int, int]:
    """Place every <th>/<td> on the grid; return (cells, rows, columns, header row count)."""
    head = table_el.find("thead")
    trs = table_rows(table_el)
    header_rows = len(head) if head is not None else 0
    occupied: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    n_cols = 0
    for r, tr in enumerate(trs):
        c = 0
        for cell_el in tr:
            if cell_el.tag not in ("td", "th"):
                raise UnsupportedHtml(f"表格行中不支持的元素 <{cell_el.tag}>")
            while (r, c) in occupied:
                c += 1
            rs, cs = int(cell_el.get("rowspan", 1)), int(cell_el.get("colspan", 1))
            cells.append(GridCell(cell_el, r, c, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, c + dc))
            c += cs
            n_cols = max(n_cols, c)
    return cells, len(trs), n_cols, header_rows
