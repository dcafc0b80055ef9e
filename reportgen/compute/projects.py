"""Progress of the key projects (重点工程项目) a bulletin reports: each city's projects of the year
(the projects annex) against the completed count its submission reports, and the province's sums."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import AnnexRow, AnnexTable, SubmissionArchive, Unit


@dataclass(frozen=True)
class CityProjects:
    unit: Unit
    planned: Decimal | None     # projects of the year; None when the annex lacks a value
    done: Decimal | None        # completed so far, as reported; None when not reported

    @property
    def share(self) -> Decimal | None:
        """Completed as a percentage of the year's projects; None without both (or with none planned)."""
        return self.done / self.planned * 100 if self.done is not None and self.planned else None


@dataclass(frozen=True)
class ProjectProgress:
    cities: tuple[CityProjects, ...]
    planned: Decimal | None     # the province's projects: the sum when every city's count is known
    done: Decimal | None        # the province's completed projects: only when every count is known
    share: Decimal | None       # done / planned in %, when both are known and planned is not 0
    not_reported: tuple[Unit, ...]


def planned_projects(table: AnnexTable, row: AnnexRow | None) -> Decimal | None:
    """A city's projects of the year: its row's 合计 (the derived row_sum column), else the sum of its
    categories; None when a value is missing."""
    if row is None:
        return None
    total = next((c for c in table.columns if c.derived == "row_sum"), None)
    if total is not None:
        return row.cells[total.key].value if total.key in row.cells else None
    values = [row.cells[c.key].value for c in table.columns if c.key in row.cells]
    return None if not values or None in values else sum(values)


def project_progress(table: AnnexTable, archive: SubmissionArchive, cities: list[Unit], month: str) -> ProjectProgress:
    """Each city's completed projects as of `month`: the sum of its report's progress.<category> values
    (all of them reported, else None)."""
    keys = [f"progress.{col.key}" for col in table.columns if not col.derived]
    rows, planned_sum, done_sum, planned_all, done_all = [], Decimal(0), Decimal(0), True, True
    for c in cities:
        planned = planned_projects(table, next((r for r in table.rows if r.unit is not None and r.unit.name == c.name),
                                               None))
        report = archive.report(c, month)
        done = None
        if report is not None and all(k in report.values for k in keys):
            done = sum(report.values[k] for k in keys)
        if planned is None:
            planned_all = False
        else:
            planned_sum += planned
        if done is None:
            done_all = False
        else:
            done_sum += done
        rows.append(CityProjects(c, planned, done))
    complete = planned_all and done_all
    return ProjectProgress(tuple(rows), planned_sum if planned_all else None, done_sum if complete else None,
                           done_sum / planned_sum * 100 if complete and planned_sum else None,
                           tuple(r.unit for r in rows if r.done is None))
