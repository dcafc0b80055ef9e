"""A Python API for analysts: a data set's annexes and submissions as pandas DataFrames.

    from reportgen import api
    data = api.open_project()         # the project folder (reportgen.yaml) from here upwards, its default data set
    data = api.open_data_set("data/jiangsu-2021")   # or one data set folder
    targets = data.annexes()          # one row per annex cell
    monthly = data.submissions()      # one row per reported value, current revisions of every month

The documents keep their exact decimal arithmetic (reportgen.compute works on Decimal and the printed
text); the frames are where people analyse the data. Every frame carries the exact text or Decimal next
to a float `value`, so nothing is lost by the conversion, and a missing value is a row with
`value` NaN and `missing` True, never a made-up number.

Nothing here writes: the API reads through the same checked loaders as the CLI, and a data set with
errors raises reportgen.problems.DataError listing them (file, row, column), as `reportgen validate`
prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .load.plan import load_plan
from .load.submissions import check_month, load_submissions, submission_fields
from .model import AnnexTable, Plan, SubmissionArchive
from .problems import DataError, Problems
from .project import ProjectNotFound, find_project_file, load_project

ANNEX_COLUMNS = ["annex", "annex_title", "row", "unit", "unit_level", "city", "column", "header",
                 "measure", "text", "value", "missing"]
SUBMISSION_COLUMNS = ["month", "city", "unit", "unit_level", "field", "header", "measure", "value",
                      "exact", "revision", "received", "remark", "sample"]


def _float(value: Decimal | None) -> float:
    return float("nan") if value is None else float(value)


@dataclass
class DataSet:
    """One checked plan data set (a folder such as data/jiangsu-2021) and its submissions."""

    plan: Plan

    @property
    def root(self) -> Path:
        return self.plan.root

    @property
    def year(self) -> int:
        return self.plan.year

    def units(self) -> pd.DataFrame:
        """The plan's cities and counties in their fixed order: code, name, short_name, level, parent."""
        rows = [{"code": u.code, "name": u.name, "short_name": u.short_name, "level": u.level,
                 "parent": u.parent or None, "order": u.order} for u in self.plan.units.all]
        return pd.DataFrame(rows, columns=["code", "name", "short_name", "level", "parent", "order"])

    def annexes(self, numbers: list[int] | None = None) -> pd.DataFrame:
        """Every cell of the annex tables, one row per (annex, row, column); totals as printed are not
        rows (they are computed or stated, see `annex_totals`). `text` is exactly what the document prints;
        `value` its number (NaN for text and missing cells)."""
        records = []
        for number in sorted(numbers or self.plan.annexes):
            table = self.plan.annexes[number]
            for i, row in enumerate(table.rows, start=1):
                for column in table.columns:
                    cell = row.cells.get(column.key)
                    records.append(self._annex_record(table, i, row.unit, row.parent, column, cell))
        return pd.DataFrame(records, columns=ANNEX_COLUMNS)

    def annex_totals(self) -> pd.DataFrame:
        """The 全省 (total) row of every annex that has one, as printed."""
        records = []
        for number in sorted(self.plan.annexes):
            table = self.plan.annexes[number]
            for column in table.columns:
                if column.key in table.total:
                    records.append(self._annex_record(table, 0, None, None, column, table.total[column.key]))
        return pd.DataFrame(records, columns=ANNEX_COLUMNS)

    @staticmethod
    def _annex_record(table: AnnexTable, row_number, unit, parent, column, cell) -> dict:
        text = cell.text if cell is not None else ""
        value = cell.value if cell is not None else None
        return {"annex": table.number, "annex_title": table.title, "row": row_number,
                "unit": unit.name if unit else None, "unit_level": unit.level if unit else None,
                "city": (unit.name if unit and unit.level == "city" else
                         (unit.parent if unit else (parent.name if parent else None))),
                "column": column.key, "header": column.header.replace("\n", ""), "measure": column.unit,
                "text": text, "value": _float(value) if column.type != "text" else float("nan"),
                "missing": text == ""}

    def archive(self, months: set[str] | None = None) -> SubmissionArchive:
        """The checked submissions (current revision of each city and month); raises DataError on errors."""
        problems = Problems(self.root)
        archive = load_submissions(self.root, self.plan.units, self.plan.annex_for_role("projects"), problems, months=months)
        if problems.errors:
            raise DataError(problems.items)
        return archive

    def submissions(self, months: list[str] | str | None = None) -> pd.DataFrame:
        """Every value the cities reported, current revision of every month, one row per (month, unit,
        field). A field a unit left empty is a row with `value` NaN and `exact` None, so gaps stay visible.
        Rates are in percent as printed (83.1, not 0.831)."""
        if isinstance(months, str):
            months = [months]
        for month in months or ():
            if (complaint := check_month(month)):
                raise ValueError(complaint)
        archive = self.archive(set(months) if months else None)
        fields = submission_fields(self.plan.annex_for_role("projects"))
        records = []
        for month in archive.months:
            for city_name, sub in sorted(archive.current[month].items(),
                                         key=lambda kv: kv[1].city.order):
                for report in sub.reports:
                    for f in fields:
                        exact = report.values.get(f.key)
                        records.append({
                            "month": month, "city": city_name, "unit": report.unit.name,
                            "unit_level": report.unit.level, "field": f.key, "header": f.header,
                            "measure": f.unit, "value": _float(exact), "exact": exact,
                            "revision": sub.revision, "received": pd.Timestamp(sub.received),
                            "remark": report.remark or None, "sample": archive.sample})
        frame = pd.DataFrame(records, columns=SUBMISSION_COLUMNS)
        return frame


def open_data_set(path: str | Path) -> DataSet:
    """Load and check a plan data set folder; raises DataError listing every error (as `validate`)."""
    plan, _problems = load_plan(Path(path))
    return DataSet(plan)


def open_project(path: str | Path | None = None, data_set: str | None = None) -> DataSet:
    """The data set `data_set` (default: the project's default) of the project folder holding `path`
    (default: the current folder) or the nearest folder above it with a reportgen.yaml."""
    file = find_project_file(Path(path) if path else None)
    if file is None:
        raise ProjectNotFound(f"{Path(path or '.').resolve()} 及其上级文件夹中都没有项目文件 reportgen.yaml")
    project = load_project(file)
    try:
        folder = project.dataset(data_set)
    except KeyError:
        raise ProjectNotFound(f"项目 {project.root} 中没有数据集“{data_set}”（有：{'、'.join(project.datasets)}）"
                              ) from None
    return open_data_set(folder)
