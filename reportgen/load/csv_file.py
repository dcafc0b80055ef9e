"""CSV reading with spreadsheet-style row numbers (the header is row 1)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..problems import Problems


def read_csv(path: Path, expected: list[str], problems: Problems) -> list[tuple[int, dict[str, str]]]:
    """Rows as (row number, {column: stripped text}); header checked against `expected`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.error(path, "文件不存在")
        return []
    except UnicodeDecodeError as exc:
        problems.error(path, f"文件不是UTF-8编码（第{exc.start}字节附近）")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        problems.error(path, "文件为空，应有表头行", 1)
        return []
    header = [h.strip() for h in header]
    ok = True
    for i, col in enumerate(header):
        if col in header[:i]:
            problems.error(path, f"列“{col}”在表头中出现了两次", 1, col)
            ok = False
    for col in expected:
        if col not in header:
            problems.error(path, f"缺少必需的列“{col}”（表头应为：{','.join(expected)}）", 1, col)
            ok = False
    for col in header:
        if col not in expected:
            problems.error(path, f"多余的列“{col}”（表头应为：{','.join(expected)}）", 1, col)
            ok = False
    if not ok:
        return []
    rows = []
    previous_end = reader.line_num
    for cells in reader:
        line = previous_end + 1  # the record's first physical line, even after a cell with a line break
        previous_end = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.error(path, f"此行有{len(cells)}个单元格，表头有{len(header)}列", line)
            continue
        rows.append((line, {h: c.strip() for h, c in zip(header, cells)}))
    return rows
