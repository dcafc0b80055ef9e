"""Problems found in input data: values with a location, worded for the office staff (Chinese).

Loaders collect every problem instead of stopping at the first, so `reportgen validate` can list them
all at once. The CLI decides how to show them and which exit code to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "错误"   # the data cannot be used; nothing is built
    GAP = "缺失"     # a value is missing; documents show the gap visibly, never a made-up number
    WARNING = "提醒"  # probably a mistake, but it may be intended: shown, does not stop anything


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None        # line number in the file (CSV: header is row 1, as in a spreadsheet)
    column: str | None = None     # CSV column header
    field: str | None = None      # YAML field path, e.g. "columns[2].type"
    severity: Severity = Severity.ERROR

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"“{self.column}”列")
        if self.field:
            parts.append(f"字段“{self.field}”")
        return "，".join(parts)

    def __str__(self) -> str:
        return f"[{self.severity.value}] {self.location()}：{self.message}"


class DataError(Exception):
    """Raised when loading found errors; carries every problem found (errors and gaps)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Problems:
    """Collector passed through the loaders."""

    def __init__(self, root: Path | None = None):
        self.root = root
        self.items: list[Problem] = []

    def name(self, path: Path) -> str:
        if self.root is not None:
            try:
                return str(path.relative_to(self.root.parent))
            except ValueError:
                pass
        return str(path)

    def error(self, path: Path, message: str, row: int | None = None, column: str | None = None,
              field: str | None = None) -> None:
        self.items.append(Problem(self.name(path), message, row, column, field, Severity.ERROR))

    def gap(self, path: Path, message: str, row: int | None = None, column: str | None = None) -> None:
        self.items.append(Problem(self.name(path), message, row, column, None, Severity.GAP))

    def warning(self, path: Path, message: str, row: int | None = None, column: str | None = None,
                field: str | None = None) -> None:
        self.items.append(Problem(self.name(path), message, row, column, field, Severity.WARNING))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def gaps(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.GAP]
