"""What the two sample-data generators share (tools/make_sample_submissions.py for data/jiangsu-2021,
tools/make_example_province.py for tests/data/example-2022): rounding, the seasonal cycle of the
pollutants, one unit's monthly row of figures, and the receipt times of the forms.

Both generators must keep giving byte-identical files: the random draws here are made in a fixed
order (tests/test_second_dataset.py regenerates the example province and compares it with the
committed files).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal


def q(value: float, decimals: int = 1) -> Decimal:
    """`value` rounded half-even to `decimals` places, as a form's figure."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def normalized(factors: list[float]) -> list[float]:
    """Month factors scaled to a mean of 1 (the year's level stays the unit's own)."""
    mean = sum(factors) / len(factors)
    return [f / mean for f in factors]


# month factors (normalized to mean 1): PM2.5 high in winter; bad days in winter (PM2.5) and early
# summer (O3). O3 high from May to September
PM25_SEASON = normalized([1.38, 1.25, 1.08, 0.90, 0.80, 0.66, 0.62, 0.62, 0.74, 0.95, 1.18, 1.40])
BAD_DAY_SEASON = normalized([1.45, 1.10, 0.80, 0.75, 1.20, 1.55, 0.90, 0.75, 0.85, 0.55, 0.80, 1.30])
O3_MONTHLY = [88, 98, 120, 145, 170, 178, 160, 155, 150, 125, 100, 86]   # typical O3-8h-90per, µg/m³
WINTER = (1, 2, 11, 12)


def month_values(pm25_level: float, good_rate_level: float, year: int, mon: int, weather: tuple[float, float],
                 rng) -> dict:
    """One unit's row of a month: its annual PM2.5 and 优良天数比率 levels, the season, the month's weather
    of its city (PM2.5 factor, bad-day factor; shared by the city's counties), plus the unit's own noise."""
    days = calendar.monthrange(year, mon)[1]
    pm_weather, bad_weather = weather
    pm25 = pm25_level * PM25_SEASON[mon - 1] * pm_weather * rng.uniform(0.96, 1.04)
    bad_share = (100 - good_rate_level) * BAD_DAY_SEASON[mon - 1] * bad_weather * rng.uniform(0.9, 1.1)
    valid = days - rng.choice([0, 0, 0, 1, 1, 2])
    good = max(0, min(valid, round(valid * (100 - bad_share) / 100)))
    winter = mon in WINTER
    return {
        "pm25": q(pm25),
        "good_days": good,
        "valid_days": valid,
        "good_rate": q(good / valid * 100),
        "pm10": q(pm25 * rng.uniform(1.5, 1.8)),
        "so2": q(rng.uniform(6, 12) if winter else rng.uniform(5, 10)),
        "no2": q(rng.uniform(26, 45) if winter else rng.uniform(18, 38)),
        "co": q(rng.uniform(0.9, 1.4) if winter else rng.uniform(0.6, 1.1)),
        "o3": q(min(200.0, max(80.0, O3_MONTHLY[mon - 1] * rng.uniform(0.92, 1.08)))),
    }


def receipt_time(month: str, city_index: int, days_later: int = 0) -> dt.datetime:
    """The 5th of the following month, 09:00 plus 7 minutes per city (in units.csv order)."""
    year, mon = (int(x) for x in month.split("-"))
    first_next = dt.datetime(year + mon // 12, mon % 12 + 1, 1)
    return first_next + dt.timedelta(days=4 + days_later, hours=9, minutes=7 * city_index)
