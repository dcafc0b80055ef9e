"""Air-quality figures of a unit over a period, from the cities' monthly submissions: pure functions.

Methods (documented here because the bulletin's numbers depend on them):
- PM2.5 of a period of several months: the mean of the monthly means weighted by each month's
  有效监测天数 (the calendar days where a month gave only the ratio), which is the mean over the valid
  days of the period.
- 优良天数比率 of several months: Σ优良天数 / Σ有效监测天数 × 100. A month that gave only the ratio
  cannot be added up, so the period has no ratio (and says why); nothing is estimated.
- 综合指数 (HJ 633/663 + bulletin.md §4): Σ C_i/S_i over the six pollutants, for a single month only:
  the CO and O3 percentiles of several months cannot be derived from monthly percentiles.
- 改善幅度: PM2.5 and 综合指数 (本期 − 上年同期)/上年同期 × 100 (%); 优良天数比率 本期 − 上年同期
  (percentage points). Computed from unrounded values.
- Province (全省): the arithmetic mean of the 13 cities' values; missing if any city's is missing.
- A month without valid data (not submitted, or reported empty with a 备注) leaves the unit without a
  value for every period containing it, with the reason.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from decimal import Decimal

from ..model import SubmissionArchive, Unit

STANDARDS = {  # S_i of the composite index; CO in mg/m³
    "pm25": Decimal(35), "pm10": Decimal(70), "so2": Decimal(60), "no2": Decimal(40),
    "co": Decimal(4), "o3": Decimal(160),
}
QUARTERS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}


@dataclass(frozen=True)
class Period:
    kind: str                   # "month" | "quarter" | "cumulative"
    year: int
    months: tuple[int, ...]

    @property
    def keys(self) -> list[str]:
        return [f"{self.year}-{m:02d}" for m in self.months]

    def year_before(self) -> "Period":
        return Period(self.kind, self.year - 1, self.months)


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
    reasons: dict[str, str]     # indicator → why it has no value


def _month_label(key: str) -> str:
    return f"{int(key[5:])}月"


def unit_figures(archive: SubmissionArchive, unit: Unit, period: Period) -> Figures:
    reasons: dict[str, str] = {}
    reports = []
    for key in period.keys:
        report = archive.report(unit, key)
        if report is None:
            why = f"{_month_label(key)}未报送" if key in archive.current else f"{_month_label(key)}无报送数据"
            reasons = {k: why for k in ("pm25", "good_rate", "composite")}
            return Figures(None, None, None, reasons)
        reports.append((key, report))

    pm25 = None
    weighted, weights = Decimal(0), Decimal(0)
    for key, r in reports:
        if "pm25" not in r.values:
            reasons["pm25"] = f"{_month_label(key)}无有效数据" + (f"：{r.remark}" if r.remark else "")
            break
        days = r.values.get("valid_days") or Decimal(calendar.monthrange(int(key[:4]), int(key[5:]))[1])
        weighted += r.values["pm25"] * days
        weights += days
    else:
        pm25 = weighted / weights

    good_rate = None
    if len(reports) == 1 and "good_days" not in reports[0][1].values and "good_rate" in reports[0][1].values:
        good_rate = reports[0][1].values["good_rate"]
    else:
        good, valid = Decimal(0), Decimal(0)
        for key, r in reports:
            if "good_days" not in r.values:
                if "good_rate" in r.values:
                    reasons["good_rate"] = f"{_month_label(key)}只报送了优良天数比率，无法累计"
                else:
                    reasons["good_rate"] = f"{_month_label(key)}无有效数据" + (f"：{r.remark}" if r.remark else "")
                break
            good += r.values["good_days"]
            valid += r.values["valid_days"]
        else:
            good_rate = good / valid * 100

    composite = None
    if len(reports) > 1:
        reasons["composite"] = "季度、累计综合指数需要逐日数据"
    else:
        key, r = reports[0]
        absent = [k for k in STANDARDS if k not in r.values]
        if absent:
            reasons["composite"] = f"{_month_label(key)}未报送全部六项污染物"
        else:
            composite = sum(r.values[k] / STANDARDS[k] for k in STANDARDS)
    return Figures(pm25, good_rate, composite, reasons)


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
        return None, "无上年同期数据"
    return change(value, before, indicator.relative), None
