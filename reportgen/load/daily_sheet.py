"""The optional daily sheet (工作表“日均值”) of a city's monthly XLSX submission: one row per unit per day,
from which a quarter's or 1—N月 composite index is exact (HJ 663: the CO and O3 percentiles of a period
are taken over its days).

Columns: 单位名称, 日 (day of the month, 1–31), PM2.5, PM10, SO2, NO2 (24-hour means, µg/m³), CO (24-hour
mean, mg/m³), O3 (daily maximum 8-hour mean, µg/m³); a blank value = no valid value that day. The sheet
obeys the data sheet's intake rules (load/submissions.py: formulas, dates, hidden rows/columns/sheet,
control characters, commas, extra decimals are refused), and must agree with the data sheet: a unit's
daily PM2.5, PM10, SO2 and NO2 must average to the monthly value it reported, and its CO and O3 daily
values must give the reported percentiles, within 0.1 (the reported values are rounded to 1 decimal).
Every problem names the file, the sheet, the row and the column; on any problem nothing is stored.
CSV submissions have no daily sheet.
"""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal
from pathlib import Path

from ..compute.composite_index import POLLUTANTS, DailyUnitReport, DayValues, statistic
from ..model import UnitReport, Units
from ..problems import Problems
from ..submission_fields import UNIT_ALIASES, UNIT_HEADER, SubmissionField, match_header, normalize_header
from .submissions import _cell_complaint, _changed, _field_value, _find_unit, _raw, _shown, _text, days_in_month
from .xlsx_cells import Cell, XlsxRefused, column_letters, sheet_names, sheet_rows

DAILY_SHEET = "日均值"
DAY_HEADER = "日"
DAY_ALIASES = ("日期", "日期（日）", "监测日")
MAX_DAILY_ROWS = 31 * 16          # a city and up to 15 counties, every day of the month
MAX_ERRORS = 100
TOLERANCE = Decimal("0.1")        # daily statistic vs the monthly value reported (1 decimal)

_D = Decimal
DAILY_FIELDS: tuple[SubmissionField, ...] = (
    SubmissionField("pm25", "PM2.5", ("PM2.5浓度", "PM₂.₅", "PM25", "PM2.5日均值"), "decimal", "微克/立方米",
                    _D(0), _D(1000), False, 1, "24小时平均"),
    SubmissionField("pm10", "PM10", ("PM10浓度", "PM₁₀", "PM10日均值"), "decimal", "微克/立方米",
                    _D(0), _D(3000), False, 1, "24小时平均"),
    SubmissionField("so2", "SO2", ("SO2浓度", "SO₂", "二氧化硫"), "decimal", "微克/立方米",
                    _D(0), _D(2620), False, 1, "24小时平均"),
    SubmissionField("no2", "NO2", ("NO2浓度", "NO₂", "二氧化氮"), "decimal", "微克/立方米",
                    _D(0), _D(940), False, 1, "24小时平均"),
    SubmissionField("co", "CO", ("CO浓度", "一氧化碳", "CO日均值"), "decimal", "毫克/立方米",
                    _D(0), _D(60), False, 1, "24小时平均"),
    SubmissionField("o3", "O3", ("O3浓度", "O₃", "O3-8h", "O3_8h", "O3日最大8小时", "O3日最大8小时平均", "臭氧"),
                    "decimal", "微克/立方米", _D(0), _D(800), False, 1, "日最大8小时平均"),
)
MONTHLY_NAMES = {"pm25": "PM2.5浓度", "pm10": "PM10浓度", "so2": "SO2浓度", "no2": "NO2浓度",
                 "co": "CO浓度（第95百分位）", "o3": "O3浓度（日最大8小时第90百分位）"}


def _index() -> dict[str, str]:
    index = {normalize_header(a): "unit" for a in (UNIT_HEADER, *UNIT_ALIASES)}
    for a in (DAY_HEADER, *DAY_ALIASES):
        index[normalize_header(a)] = "day"
    for f in DAILY_FIELDS:
        for spelling in (f.header, *f.aliases):
            index.setdefault(normalize_header(spelling), f.key)
    return index


def has_daily_sheet(data: bytes) -> bool:
    try:
        return any(name.strip() == DAILY_SHEET for name, _ in sheet_names(io.BytesIO(data)))
    except XlsxRefused:
        return False        # the data sheet's reader has already said what is wrong with the file


def attach_daily_values(path: Path, data: bytes, month: str, units: Units, reports: list[UnitReport],
                        problems: Problems) -> list[UnitReport] | None:
    """`reports` with each unit's daily values attached (DailyUnitReport), if the workbook has a sheet
    “日均值”; unchanged if it has none; None after recording problems."""
    if not has_daily_sheet(data):
        return reports
    days = read_daily_sheet(path, data, month, units, {r.unit.name: r for r in reports}, problems)
    if days is None:
        return None
    return [DailyUnitReport(r.unit, r.values, r.remark, r.source_row, days.get(r.unit.name, ()))
            for r in reports]


def read_daily_sheet(path: Path, data: bytes, month: str, units: Units, reports: dict[str, UnitReport],
                     problems: Problems) -> dict[str, tuple[DayValues, ...]] | None:
    """unit name → its days, in day order; None after recording problems. `reports`: the data sheet's
    rows of this submission (the units the daily sheet may name, and the values it must agree with)."""
    before = len(problems.errors)
    where = f"工作表“{DAILY_SHEET}”"

    def error(message: str, row: int | None = None, column: str | None = None) -> None:
        problems.error(path, f"{where}：{message}", row, column)

    try:
        rows = sheet_rows(io.BytesIO(data), DAILY_SHEET)
    except XlsxRefused as exc:
        error(str(exc), exc.row, exc.column)
        return None
    rows = [(n, r) for n, r in rows if any(c is not None and (str(c.value).strip() or c.formula is not None) for c in r)]
    if not rows:
        return {}          # an empty daily sheet (the blank form's): no daily values
    if len(rows) > MAX_DAILY_ROWS:
        error(f"有内容的行超过{MAX_DAILY_ROWS}行（每个单位每天一行，本市及所辖县（市、区）一个月不会更多）；"
              "请核对是否粘贴了多余的内容", rows[MAX_DAILY_ROWS][0])
        return None
    index = _index()
    header_at = next((i for i, (_, cells) in enumerate(rows[:10])
                      if any(match_header(_text(c), index) == "unit" for c in cells)), None)
    if header_at is None:
        error(f"找不到表头行：前10行中没有“{UNIT_HEADER}”列；日均值表的表头为：{UNIT_HEADER}、{DAY_HEADER}、"
              f"{'、'.join(f.header for f in DAILY_FIELDS)}", rows[0][0])
        return None
    header_row, header_cells = rows[header_at]
    columns: dict[int, str] = {}
    header_text: dict[str, str] = {}
    for i, cell in enumerate(header_cells):
        text = _raw(cell)
        if not text:
            continue
        if (complaint := _cell_complaint(cell, text_column=True)):
            error(complaint, header_row, _shown(text, 20))
            continue
        key = match_header(_text(cell), index)
        if key is None:
            error(f"无法识别的列名“{_shown(text)}”；日均值表的列为：{UNIT_HEADER}、{DAY_HEADER}、"
                  f"{'、'.join(f.header for f in DAILY_FIELDS)}", header_row, _shown(text, 20))
        elif key in header_text:
            error(f"列“{text}”与“{header_text[key]}”是同一项，重复出现", header_row, text)
        else:
            columns[i] = key
            header_text[key] = text
    for key, name in (("unit", UNIT_HEADER), ("day", DAY_HEADER)):
        if key not in header_text:
            error(f"缺少“{name}”列", header_row, name)
    if len(problems.errors) > before:
        return None

    fields = {f.key: f for f in DAILY_FIELDS}
    n_days = days_in_month(month)
    found: dict[str, dict[int, DayValues]] = {}
    for number, cells in rows[header_at + 1:]:
        if len(problems.errors) - before >= MAX_ERRORS:
            error(f"错误已超过{MAX_ERRORS}处，第{number}行起未再检查；请核对整张表后重新报送", number)
            return None
        ok = True
        for i, c in enumerate(cells):
            if c is None or not (_raw(c) or c.formula is not None):
                continue
            key = columns.get(i)
            if key == "day" and c.kind == "date" and c.formula is None and not c.hidden:
                error(f"单元格{c.ref}是日期格式；“{DAY_HEADER}”列请填写当月的第几日（1～{n_days}的整数），"
                      "单元格格式为“常规”", number, header_text[key])
                ok = False
            elif (complaint := _cell_complaint(c, text_column=key in (None, "unit"))):
                error(complaint, number, header_text[key] if key else column_letters(i))
                ok = False
            elif key is None:
                error(f"“{_shown(_raw(c))}”填在了没有列名的列（{column_letters(i)}列）；请删除多余内容",
                      number, column_letters(i))
                ok = False
        if not ok:
            continue
        cell = {key: (cells[i] if i < len(cells) else None) for i, key in columns.items()}
        name = _text(cell["unit"])
        if not name:
            error("单位名称为空", number, header_text["unit"])
            continue
        unit = _find_unit(name, units.as_of(month))
        if unit is None or unit.name not in reports:
            why = (_changed(name, month, units) or f"未知单位“{_shown(name)}”" if unit is None else
                   f"{unit.name}不在本报送表的“报送数据”表中；日均值表只填本市及所辖县（市、区）")
            error(why, number, header_text["unit"])
            continue
        day = _day(cell["day"], n_days)
        if isinstance(day, str):
            error(day, number, header_text["day"])
            continue
        values: dict[str, Decimal] = {}
        for key in POLLUTANTS:
            c = cell.get(key)
            text = _text(c)
            if not text:
                continue
            value = _field_value(fields[key], c, text, n_days)
            if isinstance(value, str):
                error(value, number, header_text[key])
                ok = False
            else:
                values[key] = value
        if not ok:
            continue
        days = found.setdefault(unit.name, {})
        if day in days:
            error(f"{unit.name}{int(month[5:])}月{day}日重复填报（第{days[day].source_row}行已有）", number,
                  header_text["day"])
            continue
        days[day] = DayValues(day, values, number)
    if len(problems.errors) > before:
        return None
    _check_against_monthly(found, reports, header_text, error)
    if len(problems.errors) > before:
        return None
    return {name: tuple(days[d] for d in sorted(days)) for name, days in found.items()}


def _day(cell: Cell | None, n_days: int) -> int | str:
    """The day of the month a cell names, or why it cannot be taken."""
    text = _text(cell)
    if not text:
        return f"“{DAY_HEADER}”为空；请填写当月的第几日（1～{n_days}）"
    s = unicodedata.normalize("NFKC", text).removesuffix("日")
    if not s.isascii() or not s.isdigit() or not 1 <= int(s) <= n_days:
        return f"“{_shown(text)}”不是本月的日期；“{DAY_HEADER}”列填写当月的第几日（1～{n_days}的整数）"
    return int(s)


def _check_against_monthly(found, reports, header_text, error) -> None:
    """Each unit's daily statistic must give the monthly value it reported on the data sheet."""
    for name, days in found.items():
        report = reports[name]
        for key in POLLUTANTS:
            values = [d.values[key] for d in days.values() if key in d.values]
            if not values or key not in report.values:
                continue
            computed = statistic(key, values)
            if abs(computed - report.values[key]) > TOLERANCE:
                how = {"co": "第95百分位数", "o3": "第90百分位数"}.get(key, "平均值")
                error(f"{name}{len(values)}天{header_text.get(key, key)}日均值的{how}为{computed:.1f}，与“报送数据”表中的"
                      f"{MONTHLY_NAMES[key]}{report.values[key]}不符（允许相差{TOLERANCE}）；请核对两张表",
                      None, header_text.get(key))
