"""CSV reading with spreadsheet-style row numbers (the header is row 1).

The file is read as plan text (size limit, UTF-8 with or without BOM, no NUL bytes; see yaml_file.py);
every header and cell is checked for invisible characters before it is stripped.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..problems import Problems
from .yaml_file import FORBIDDEN_CHARS, read_text_file, text_problem

CELL_LIMIT = csv.field_size_limit()   # 131072 characters: no plan cell is near it
MAX_REPORTED_ROWS = 20   # bad rows (cell count, invisible characters) listed before giving a count


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"有单元格超过{CELL_LIMIT}个字符（可能是引号没有成对，使后面的内容都并入了一格）"
    return f"无法按CSV读取（{exc}）"


def read_csv(path: Path, expected: list[str], problems: Problems,
             optional: tuple[str, ...] = ()) -> list[tuple[int, dict[str, str]]]:
    """Rows as (row number, {column: stripped text}); header checked against `expected`. Columns in
    `optional` may be left out of the header; rows then hold "" for them."""
    text = read_text_file(path, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.error(path, f"表头行{_csv_problem(exc)}", 1)
        return []
    if header is None:
        problems.error(path, "文件为空，应有表头行", 1)
        return []
    ok = True
    for i, col in enumerate(header):
        if (reason := text_problem(col)) is not None:
            problems.error(path, f"表头第{i + 1}列：{reason}", 1)
            ok = False
    if not ok:
        return []
    header = [h.strip() for h in header]
    shown = ",".join(expected)   # as typed in the file
    for i, col in enumerate(header):
        if not col:
            problems.error(path, f"表头第{i + 1}列是空的（行末多了逗号？表头应为：{shown}）", 1)
            ok = False
        elif col in header[:i]:
            problems.error(path, f"列“{col}”在表头中出现了两次", 1, col)
            ok = False
    for col in expected:
        if col not in header and col not in optional:
            problems.error(path, f"缺少必需的列“{col}”（表头应为：{shown}）", 1, col)
            ok = False
    for col in header:
        if col and col not in expected:
            problems.error(path, f"多余的列“{col}”（表头应为：{shown}）", 1, col)
            ok = False
    if not ok:
        return []
    rows = []
    bad_shape = 0
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            problems.error(path, f"此行{_csv_problem(exc)}", previous_end + 1)
            return []
        if cells is None:
            break
        line = previous_end + 1  # the record's first physical line, even after a cell with a line break
        previous_end = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            bad_shape += 1
            if bad_shape <= MAX_REPORTED_ROWS:
                extra = ""
                if len(cells) > len(header):
                    typed = FORBIDDEN_CHARS.sub("", "，".join(cells[len(header):]))[:40]
                    extra = (f"，多出的内容为“{typed}”"
                             "（单元格内的文字含逗号时，整格应加英文双引号）")
                problems.error(path, f"此行有{len(cells)}个单元格，表头有{len(header)}列{extra}", line)
            continue
        bad_cells = [(h, reason) for h, c in zip(header, cells) if (reason := text_problem(c)) is not None]
        if bad_cells:
            bad_shape += 1
            if bad_shape <= MAX_REPORTED_ROWS:
                for h, reason in bad_cells:
                    problems.error(path, reason, line, h)
        else:
            row = dict.fromkeys(optional, "")
            row.update({h: c.strip() for h, c in zip(header, cells)})
            rows.append((line, row))
    if bad_shape > MAX_REPORTED_ROWS:
        problems.error(path, f"……另有{bad_shape - MAX_REPORTED_ROWS}行有同类问题（单元格个数与表头不符，或有不可见字符）")
    return rows
