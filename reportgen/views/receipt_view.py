"""View model of the 报送回执: the office's receipt for one revision of one city's monthly submission.
The city, month, revision and time of receipt come from the archive; the values are printed as the
importer read them, with the decimals the form asks for (the intake refuses more, so nothing is
rounded); a value left empty is printed as missing, never as 0. The issuer and the recipient's wording
come from bulletin.yaml, as in the reminder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Plan, Unit, UnitReport
from ..submission_fields import PROGRESS_SUFFIX, SubmissionField
from .common import Signing, chinese_date, recipient, signing_block

PROGRESS_PREFIX = "progress."


@dataclass(frozen=True)
class ReceiptCell:
    text: str | None     # None: left empty in the submission (the template prints the missing mark)


@dataclass(frozen=True)
class ReceiptRow:
    label: str           # the unit (air-quality tables) or the project category
    measure: str | None  # the project category's unit of count (项, 家); None in air-quality tables
    cells: tuple[ReceiptCell, ...]


@dataclass(frozen=True)
class ReceiptTable:
    part: int                              # 1, 2 … of the month's air-quality values; 0: projects
    headers: tuple[tuple[str, str], ...]   # (column head, unit)
    rows: tuple[ReceiptRow, ...]


@dataclass(frozen=True)
class ReceiptView:
    title: str                   # “南京市2021年5月数据报送回执”: also the document's title in its files
    recipient: str
    period: str                  # “2021年5月”
    revision: int
    received: str                # “2021年6月8日9时00分”
    superseded_by: int | None    # the revision in force when it is a later one
    air_tables: tuple[ReceiptTable, ...]
    progress: ReceiptTable | None
    missing: tuple[str, ...]     # “江宁区：PM10浓度、SO2浓度” per unit with empty values
    remarks: tuple[str, ...]
    signing: Signing
    sample: bool


def value_text(value, field: SubmissionField) -> str | None:
    """A value with the decimals the form asks for (35.0 stays 35.0: a spreadsheet stores it as 35), or
    None when it was left empty."""
    if value is None:
        return None
    return f"{value:.{field.decimals}f}" if field.decimals else format(value, "f")


def received_text(t: dt.datetime) -> str:
    """“2021年6月8日9时00分”: the time of receipt as the document prints it."""
    return f"{chinese_date(t.date())}{t.hour}时{t.minute:02d}分"


def air_tables(reports: list[UnitReport], fields: list[SubmissionField]) -> tuple[ReceiptTable, ...]:
    """Rows: the city and its counties; columns: the air-quality fields, in two tables (a portrait page
    holds about six columns with the missing mark unbroken)."""
    half = (len(fields) + 1) // 2
    groups = [g for g in (fields[:half], fields[half:]) if g]
    return tuple(
        ReceiptTable(i, tuple((f.header, f.unit) for f in group),
                     tuple(ReceiptRow(r.unit.name, None, tuple(ReceiptCell(value_text(r.values.get(f.key), f))
                                                               for f in group)) for r in reports))
        for i, group in enumerate(groups, 1))


def progress_table(reports: list[UnitReport], fields: list[SubmissionField]) -> ReceiptTable | None:
    """Rows: the project categories; columns: the city (it reports them) and any county that did."""
    if not fields:
        return None
    units = [r for i, r in enumerate(reports) if i == 0 or any(f.key in r.values for f in fields)]
    return ReceiptTable(0, tuple((r.unit.name, "") for r in units), tuple(
        ReceiptRow(f.header.removesuffix(PROGRESS_SUFFIX), f.unit,
                   tuple(ReceiptCell(value_text(r.values.get(f.key), f)) for r in units))
        for f in fields))


def missing_values(reports: list[UnitReport], air: list[SubmissionField],
                   progress: list[SubmissionField]) -> tuple[str, ...]:
    """“江宁区：PM10浓度、SO2浓度” per unit with empty values (project columns: the city's only)."""
    out = []
    for i, r in enumerate(reports):
        asked = list(air) + (list(progress) if i == 0 else [])
        empty = [f.header for f in asked if f.key not in r.values]
        if empty:
            out.append(f"{r.unit.name}：{'、'.join(empty)}")
    return tuple(out)


def receipt_view(plan: Plan, city: Unit, month: str, revision: int, received: dt.datetime, current: int,
                 reports: list[UnitReport], fields: list[SubmissionField], sample: bool) -> ReceiptView:
    """`reports`: the revision as read (city first, then its counties); `current`: the revision in force."""
    year, mon = int(month[:4]), int(month[5:])
    period = f"{year}年{mon}月"
    air = [f for f in fields if not f.key.startswith(PROGRESS_PREFIX)]
    progress = [f for f in fields if f.key.startswith(PROGRESS_PREFIX)]
    return ReceiptView(
        title=f"{city.name}{period}数据报送回执",
        recipient=recipient(plan, city),
        period=period,
        revision=revision,
        received=received_text(received),
        superseded_by=current if current != revision else None,
        air_tables=air_tables(reports, air),
        progress=progress_table(reports, progress),
        missing=missing_values(reports, air, progress),
        remarks=tuple(f"{r.unit.name}：{r.remark}" for r in reports if r.remark),
        signing=signing_block(plan.bulletin.issuer, received.date(), False),
        sample=sample,
    )
