"""环境空气质量综合指数 and 污染负荷比 from concentrations, and period concentrations from daily values
(日均值): pure functions, no I/O, no wording.

Formulas (../shared/docs/bulletin.md §4, HJ 663-2013):
- I_sum = Σ C_i / S_i over PM2.5, PM10, SO2, NO2, CO, O3, with S = 35, 70, 60, 40 µg/m³, 4 mg/m³ (CO),
  160 µg/m³ (O3). C_i is the period mean of the daily values for PM2.5, PM10, SO2 and NO2, the 95th
  percentile of the daily means for CO and the 90th percentile of the daily maximum 8-hour means for O3.
- 污染负荷比 P_i = (C_i/S_i) / I_sum × 100%.
- Percentile (HJ 663-2013 附录A): sort X(1) ≤ … ≤ X(n); k = 1 + (n − 1)·p/100; s = ⌊k⌋;
  m_p = X(s) + (X(s+1) − X(s))·(k − s). (The same as Excel's PERCENTILE.INC.)
- Validity (GB 3095-2012 §8 表4, as applied by HJ 663): a month counts when it has at least 27 daily
  values of the pollutant (February 25). A period's CO and O3 percentiles are taken over all the days of
  the period, which is why they cannot be derived from the months' percentiles.
Computed from unrounded values; rounding is the bulletin's business.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import UnitReport

POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3")
STANDARDS = {  # S_i of the composite index; CO in mg/m³
    "pm25": Decimal(35), "pm10": Decimal(70), "so2": Decimal(60), "no2": Decimal(40),
    "co": Decimal(4), "o3": Decimal(160),
}
PERCENTILES = {"co": 95, "o3": 90}      # the others: the mean
MIN_DAYS, MIN_DAYS_FEBRUARY = 27, 25


# -- model types (kept here while the shared model module is edited by others; they belong in model.py) --

@dataclass(frozen=True)
class DayValues:
    """One unit's values on one day of a month, from a submission's daily sheet (日均值)."""

    day: int                       # day of the month
    values: dict[str, Decimal]     # pollutant → 24-hour mean (O3: daily maximum 8-hour mean); absent = no valid value
    source_row: int


@dataclass(frozen=True)
class DailyUnitReport(UnitReport):
    """A unit's row of the data sheet together with its rows of the daily sheet."""

    days: tuple[DayValues, ...] = ()


def days_of(report: UnitReport | None) -> tuple[DayValues, ...] | None:
    """The unit's daily values for the month, or None when its submission had no daily sheet or no
    rows for it."""
    days = getattr(report, "days", None)
    return days or None


# -- formulas --------------------------------------------------------------------------------------

def percentile(values: Sequence[Decimal], p: int) -> Decimal:
    """HJ 663-2013 附录A percentile of `values` (p in percent)."""
    xs = sorted(values)
    if not xs:
        raise ValueError("percentile of no values")
    k = 1 + (len(xs) - 1) * Decimal(p) / 100
    s = int(k)                      # ⌊k⌋, k ≥ 1
    if s >= len(xs):
        return xs[-1]
    return xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s)


def statistic(pollutant: str, values: Sequence[Decimal]) -> Decimal:
    """The period value of a pollutant from its daily values: mean, or the percentile for CO and O3."""
    if pollutant in PERCENTILES:
        return percentile(values, PERCENTILES[pollutant])
    return sum(values) / len(values)


def index_parts(concentrations: dict[str, Decimal]) -> dict[str, Decimal] | None:
    """C_i/S_i of the six pollutants, or None if any is missing."""
    if any(p not in concentrations for p in POLLUTANTS):
        return None
    return {p: concentrations[p] / STANDARDS[p] for p in POLLUTANTS}


def load_shares(parts: dict[str, Decimal]) -> dict[str, Decimal]:
    """污染负荷比 (percent) of each pollutant."""
    total = sum(parts.values())
    return {p: (v / total * 100 if total else Decimal(0)) for p, v in parts.items()}


def min_days(year: int, month: int) -> int:
    return MIN_DAYS_FEBRUARY if month == 2 else MIN_DAYS


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def period_concentrations(months: Sequence[tuple[int, int, Sequence[DayValues]]]) -> tuple[dict[str, Decimal], list[tuple[int, str, int]]]:
    """Period values of the six pollutants from the daily values of every month of the period
    ((year, month, days) each). Returns (values, shortfalls): a pollutant is left out when some month
    has fewer valid days than the validity rule asks; shortfalls lists (month, pollutant, days found)."""
    out: dict[str, Decimal] = {}
    short: list[tuple[int, str, int]] = []
    for p in POLLUTANTS:
        values: list[Decimal] = []
        ok = True
        for year, month, days in months:
            found = [d.values[p] for d in days if p in d.values]
            if len(found) < min_days(year, month):
                short.append((month, p, len(found)))
                ok = False
            values += found
        if ok and values:
            out[p] = statistic(p, values)
    return out, short
