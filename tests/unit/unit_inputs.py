"""Small hand-made model objects for the fast unit tests (no files read, nothing built)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from reportgen.model import MISSING, AnnexRow, AnnexTable, Cell, Submission, SubmissionArchive, Unit, UnitReport, Units

D = Decimal


def city(name: str, order: float, code: str = "320100") -> Unit:
    return Unit(code, name, name[:-1], "city", None, "", order)


def county(name: str, parent: str, order: float, code: str = "320102") -> Unit:
    return Unit(code, name, name[:-1], "county", parent, "", order)


NANJING = city("南京市", 1, "320100")
XUANWU = county("玄武区", "南京市", 2, "320102")
WUXI = city("无锡市", 3, "320200")
UNITS = Units([NANJING, XUANWU, WUXI])


def values(**kw) -> dict[str, Decimal]:
    """values(pm25="30.0", good_days=20) → {"pm25": Decimal("30.0"), "good_days": Decimal("20")}"""
    return {k: D(str(v)) for k, v in kw.items()}


def report(unit: Unit, remark: str = "", **kw) -> UnitReport:
    return UnitReport(unit, values(**kw), remark, 2)


def submission(city_unit: Unit, month: str, reports, revision: int = 1) -> Submission:
    return Submission(city_unit, month, revision, dt.datetime(2021, 6, 5, 9, 0), Path(f"{month}.csv"),
                      tuple(reports))


def archive(*submissions: Submission) -> SubmissionArchive:
    current: dict[str, dict[str, Submission]] = {}
    for s in submissions:
        current.setdefault(s.month, {})[s.city.name] = s
    return SubmissionArchive(Path("."), False, [], current)


# -- annex tables --------------------------------------------------------------------------------

def cell(text: str) -> Cell:
    if text == "":
        return MISSING
    return Cell(text, Decimal(text.rstrip("%")) if text[0].isdigit() else None)


def annex(number: int, columns, rows, total_rule=None) -> AnnexTable:
    """rows: [(unit, {column key: text})]"""

    return AnnexTable(number, f"附件{number}", "portrait", "cities", {"key": "unit", "header": "设区市"}, None,
                      None, tuple(columns),
                      [AnnexRow(u, None, {k: cell(v) for k, v in cells.items()}, i + 2)
                       for i, (u, cells) in enumerate(rows)], total_rule)
