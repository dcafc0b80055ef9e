"""Air-quality figures of a unit over a period, from the cities' monthly submissions: pure functions.

Methods (documented here because the bulletin's numbers depend on them):
- PM2.5 of a period of several months: the mean of the monthly means weighted by each month's
  有效监测天数 (the calendar days where a month gave only the ratio), which is the mean over the valid
  days of the period.
- 优良天数比率 of several months: Σ优良天数 / Σ有效监测天数 × 100. A month that gave only the ratio
  cannot be added up, so the period has no ratio (and says why); nothing is estimated.
- 综合指数 (HJ 633/663 + bulletin.md §4, compute/composite_index.py): Σ C_i/S_i over the six pollutants.
  A single month from the values the city reported; a quarter or 1—N月 only from the daily values
  (日均值) of every month of the period, because the CO and O3 percentiles of several months cannot be
  derived from monthly percentiles. Without daily values the period has no index, and says why.
- 改善幅度: PM2.5 and 综合指数 (本期 − 上年同期)/上年同期 × 100 (%); 优良天数比率 本期 − 上年同期
  (percentage points). Computed from unrounded values.
- Province (全省): the arithmetic mean of the 13 cities' values; missing if any city's is missing.
- Administrative changes (unit_changes.yaml, load/unit_changes.py): a unit's figures are those of the
  units of the period's reference month (`Period.as_of`, the bulletin's month, kept by year_before()).
  A month before a change reads the report that stands for the unit then (Units.series_source: its own,
  or its old name's after a rename with comparison "continue"); across a change with comparison "none"
  (and any split) there is no comparable figure, and the reason names the change.
- A month without valid data (not submitted, or reported empty with a 备注) leaves the unit without a
  value for every period containing it, with the reason worded for the period: a single month's reason
  is bare ("南京市未报送", "无有效数据：设备故障"); a longer period's names its months ("3月、5月无有效数据")
  and leaves out the 备注 (whose "本月" would be wrong there).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from decimal import Decimal

from ..model import SubmissionArchive, Unit, Units
from .composite_index import STANDARDS, days_of, index_parts, min_days, period_concentrations  # noqa: F401

POLLUTANT_NAMES = {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3"}
QUARTERS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}


@dataclass(frozen=True)
class Period:
    kind: str                   # "month" | "quarter" | "cumulative"
    year: int
    months: tuple[int, ...]
    as_of: str | None = None    # the month whose units the figures are for; None: the period's last month

    @property
    def keys(self) -> list[str]:
        return [f"{self.year}-{m:02d}" for m in self.months]

    @property
    def reference(self) -> str:
        return self.as_of or self.keys[-1]

    def year_before(self) -> Period:
        """The same months a year earlier, for the units of this period (上年同期)."""
        return Period(self.kind, self.year - 1, self.months, self.reference)


def period_for(month: str, kind: str) -> Period:
    year, m = (int(x) for x in month.split("-"))
    if kind == "month":
        return Period(kind, year, (m,))
    if kind == "quarter":
        return Period(kind, year, QUARTERS[(m - 1) // 3 + 1])
    if kind == "cumulative":
        return Period(kind, year, tuple(range(1, m + 1)))
    raise ValueError(kind)


def previous_months(month: str, count: int) -> list[str]:
    """`count` months ending with `month`, oldest first."""
    year, m = (int(x) for x in month.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year}-{m:02d}")
        m -= 1
        if m == 0:
            year, m = year - 1, 12
    return out[::-1]


@dataclass(frozen=True)
class Figures:
    """A unit's values for one period; None with `reasons` where there is no valid value."""

    pm25: Decimal | None
    good_rate: Decimal | None
    composite: Decimal | None
    reasons: dict[str, str]     # indicator → why it has no value, worded for the period
    composite_parts: dict[str, Decimal] | None = None   # C_i/S_i of the six pollutants (污染负荷比)
    incomparable: str | None = None   # no figure because the period reaches across an administrative change


def _month_label(key: str) -> str:
    return f"{int(key[5:])}月"


def _months_text(keys: list[str]) -> str:
    """3月 / 3月、5月 / 1—5月 (a run of three or more months)"""
    runs: list[list[int]] = []
    for m in (int(k[5:]) for k in keys):
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = []
    for run in runs:
        parts += [f"{run[0]}—{run[-1]}月"] if len(run) >= 3 else [f"{m}月" for m in run]
    return "、".join(parts)


def _why(failures: list[tuple[str, str]], single: bool) -> str:
    """One reason for a period from (month key, what is wrong that month): in a single month the bare
    reason; over several months each reason with its months ("3月、5月无有效数据"), no month's 备注
    (its "本月" would be wrong in a 1—N月 context)."""
    if single:
        return failures[0][1]
    by_reason: dict[str, list[str]] = {}
    for key, what in failures:
        by_reason.setdefault(what, []).append(key)
    return "，".join(f"{_months_text(keys)}{what}" for what, keys in by_reason.items())


def unit_figures(archive: SubmissionArchive, unit: Unit, period: Period, units: Units | None = None) -> Figures:
    """`units`: the plan's units with their changes (None: no changes are considered)."""
    single = len(period.months) == 1
    reasons: dict[str, str] = {}
    reports = []
    absent: list[tuple[str, str]] = []
    for key in period.keys:
        source = unit
        if units is not None and units.changes:
            source, broken = units.series_source(unit, key, period.reference)
            if broken is not None:
                why = incomparable_reason(broken, period)
                return Figures(None, None, None, {k: why for k in ("pm25", "good_rate", "composite")},
                               incomparable=why)
        report = archive.report(source, key)
        if report is None:
            if key not in archive.current:
                absent.append((key, "无报送数据"))
            else:
                city = unit.name if unit.level == "city" else unit.parent
                absent.append((key, "未报送" if unit.level == "city" else f"{city}未报送"))
        reports.append((key, report))
    if absent:
        why = _why(absent, single)
        return Figures(None, None, None, {k: why for k in ("pm25", "good_rate", "composite")})

    def no_data(key, r) -> str:
        if single and r.remark:   # the 备注 as the office wrote it, once
            return r.remark if "数据" in r.remark else f"无有效数据：{r.remark}"
        return "无有效数据"

    pm25 = None
    failed = [(key, no_data(key, r)) for key, r in reports if "pm25" not in r.values]
    if failed:
        reasons["pm25"] = _why(failed, single)
    else:
        weighted, weights = Decimal(0), Decimal(0)
        for key, r in reports:
            days = r.values.get("valid_days") or Decimal(calendar.monthrange(int(key[:4]), int(key[5:]))[1])
            weighted += r.values["pm25"] * days
            weights += days
        pm25 = weighted / weights

    good_rate = None
    if single and "good_days" not in reports[0][1].values and "good_rate" in reports[0][1].values:
        good_rate = reports[0][1].values["good_rate"]
    else:
        failed = [(key, "只报送了优良天数比率，无法累计" if "good_rate" in r.values else no_data(key, r))
                  for key, r in reports if "good_days" not in r.values]
        if failed:
            reasons["good_rate"] = _why(failed, single)
        else:
            good = sum(r.values["good_days"] for _, r in reports)
            valid = sum(r.values["valid_days"] for _, r in reports)
            good_rate = good / valid * 100

    composite, parts = None, None
    if single:
        key, r = reports[0]
        parts = index_parts(r.values)
        if parts is None:
            # a row reported empty (备注) has no valid data at all; only a row with some of the six
            # pollutants has left the others out
            reported = any(p in r.values for p in POLLUTANT_NAMES)
            reasons["composite"] = "未报送全部六项污染物" if reported else no_data(key, r)
    else:
        # a period's CO and O3 percentiles need every day of the period (HJ 663): the daily sheets
        missing = [(key, "未报送日均值") for key, r in reports if days_of(r) is None]
        if missing:
            reasons["composite"] = _why(missing, False)
        else:
            months = [(period.year, int(key[5:]), days_of(r)) for key, r in reports]
            values, short = period_concentrations(months)
            parts = index_parts(values)
            if parts is None:
                counted: dict[int, list[str]] = {}
                for m, p, _ in short:
                    counted.setdefault(m, []).append(POLLUTANT_NAMES[p])
                reasons["composite"] = "，".join(
                    f"{m}月{'、'.join(names)}日均值不足{min_days(period.year, m)}天" for m, names in counted.items())
    if parts is not None:
        composite = sum(parts.values())
    return Figures(pm25, good_rate, composite, reasons, parts)


def incomparable_reason(change_, period: Period) -> str:
    """Why a unit has no figure for a period reaching back across a change: "高淳区于2021年7月1日并入
    溧水区，无可比的上年同期数据" (a period of the year before) or "……，1—8月跨越调整，无可比数据"."""
    if period.as_of is not None and int(period.as_of[:4]) > period.year:
        return f"{change_.describe()}，无可比的上年同期数据"
    return f"{change_.describe()}，{_months_text(period.keys)}跨越调整，无可比数据"


def change(current: Decimal | None, previous: Decimal | None, relative: bool) -> Decimal | None:
    """改善幅度: relative (%) for concentrations and the index, difference (percentage points) for rates."""
    if current is None or previous is None:
        return None
    if relative:
        return None if previous == 0 else (current - previous) / previous * 100
    return current - previous


def mean(values: list[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum(values) / len(values)


@dataclass(frozen=True)
class Indicator:
    key: str
    figure: str          # the Figures attribute it is made from
    change: bool         # 改善幅度 against the same period of the year before
    relative: bool       # change in % (concentrations, index) or in percentage points (rates)
    better: str          # "lower" (逆指标) | "higher" (正指标)


INDICATORS = {
    "pm25": Indicator("pm25", "pm25", False, False, "lower"),
    "pm25_change": Indicator("pm25_change", "pm25", True, True, "lower"),
    "good_rate": Indicator("good_rate", "good_rate", False, False, "higher"),
    "good_rate_change": Indicator("good_rate_change", "good_rate", True, False, "higher"),
    "composite": Indicator("composite", "composite", False, False, "lower"),
    "composite_change": Indicator("composite_change", "composite", True, True, "lower"),
}


def indicator_value(indicator: Indicator, current: Figures, previous: Figures | None) -> tuple[Decimal | None, str | None]:
    """The indicator's value for a unit, or None and why."""
    value = getattr(current, indicator.figure)
    if value is None:
        return None, current.reasons.get(indicator.figure, "无有效数据")
    if not indicator.change:
        return value, None
    before = getattr(previous, indicator.figure) if previous is not None else None
    if before is None:
        return None, previous.incomparable if previous is not None and previous.incomparable else "无上年同期数据"
    return change(value, before, indicator.relative), None
