"""Generate the SAMPLE monthly submissions of data/jiangsu-2021/submissions/ (2020 and 2021, every city).

These are invented numbers, not measurements: the folder carries SAMPLE.md, and every document built
from it says that its figures are sample data. Each file is the blank form of `reportgen form` filled
in, i.e. exactly what a city would send.

Deterministic: a fixed seed, fixed receipt times and fixed workbook dates, so running the script twice
gives byte-identical files. Bounds (../shared/docs/bulletin.md §5): province PM2.5 ≈ 38 µg/m³ in 2020 and
≈ 33 in 2021; 优良天数比率 ≈ 81.0 % and ≈ 82.4 %; each unit's 2021 level near its 附件1/附件2 target,
some better and some worse.

Deliberate cases, so the ranking rules are exercised on the sample data too (printed when run):
- 2021-05: two counties equal as printed integers but not at one decimal; a tie at one decimal;
- 2021-07: one county without valid data (values blank, 备注 explains);
- 2021-05: 南京 sends a second revision three days later, correcting one county's PM2.5.

Usage: .venv/bin/python tools/make_sample_submissions.py [--data data/jiangsu-2021]
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import math
import random
import shutil
import sys
import time
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.load.plan import load_plan  # noqa: E402
from reportgen.writers.package_zip import normalize_package  # noqa: E402
from reportgen.writers.submission_form import write_form  # noqa: E402

SEED = 20210101
YEARS = (2020, 2021)
PROVINCE_PM25 = {2020: 38.0, 2021: 33.0}          # bulletin.md §5
PROVINCE_GOOD_RATE = {2020: 81.0, 2021: 82.4}
# month factors (mean 1): PM2.5 high in winter; bad days in winter (PM2.5) and early summer (O3)
PM25_SEASON = [1.55, 1.35, 1.10, 0.90, 0.80, 0.62, 0.55, 0.55, 0.70, 0.95, 1.25, 1.60]
BAD_DAY_SEASON = [1.45, 1.10, 0.80, 0.75, 1.20, 1.55, 0.90, 0.75, 0.85, 0.55, 0.80, 1.30]
O3_SEASON = [0.60, 0.70, 0.90, 1.10, 1.30, 1.40, 1.30, 1.25, 1.15, 0.95, 0.75, 0.60]

# the deliberate cases (county positions in the fixed order of units.csv)
INTEGER_EQUAL = ((5, "30.4"), (17, "29.6"))        # both print 30, ranked apart at one decimal
ONE_DECIMAL_TIE = ((23, "28.3"), (40, "28.3"))     # a tie at one decimal
NO_DATA = ("2021-07", 30, "设备故障，本月无有效数据")
REVISED = ("2021-05", "南京市", "江宁区", Decimal("1.2"))   # second revision: this county's PM2.5 + 1.2


def q(value: float, decimals: int = 1) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def normalized(factors):
    mean = sum(factors) / len(factors)
    return [f / mean for f in factors]


def annual_levels(plan, rng):
    """Each unit's annual PM2.5 and 优良天数比率 for both years, province means as bulletin.md §5."""
    targets = {}
    for n in (1, 2):
        for row in plan.annexes[n].rows:
            targets[row.unit.name] = (float(row.cells["pm25_target"].value),
                                      float(row.cells["good_days_ratio_target"].value))
    units = plan.units.all
    pm = {2021: {u.name: targets[u.name][0] * rng.gauss(0.89, 0.06) for u in units}}
    rate = {2021: {u.name: min(96.0, targets[u.name][1] + rng.gauss(0.5, 2.5)) for u in units}}
    pm[2020] = {u: v * 38 / 33 * rng.uniform(0.97, 1.03) for u, v in pm[2021].items()}
    rate[2020] = {u: v - 1.4 + rng.gauss(0, 1.5) for u, v in rate[2021].items()}
    cities = [u.name for u in plan.units.cities]
    for year in YEARS:  # scale so that the mean of the 13 cities is the province figure
        k = PROVINCE_PM25[year] / (sum(pm[year][c] for c in cities) / len(cities))
        pm[year] = {u: v * k for u, v in pm[year].items()}
        shift = PROVINCE_GOOD_RATE[year] - sum(rate[year][c] for c in cities) / len(cities)
        rate[year] = {u: min(97.5, v + shift) for u, v in rate[year].items()}
    return pm, rate


def month_values(unit, year, mon, pm, rate, rng):
    days = calendar.monthrange(year, mon)[1]
    pm25 = pm[year][unit.name] * normalized(PM25_SEASON)[mon - 1] * rng.uniform(0.92, 1.08)
    bad_share = (100 - rate[year][unit.name]) * normalized(BAD_DAY_SEASON)[mon - 1] * rng.uniform(0.8, 1.2)
    valid = days - rng.choice([0, 0, 0, 1, 1, 2])
    good = max(0, min(valid, round(valid * (100 - bad_share) / 100)))
    return {
        "pm25": q(pm25),
        "good_days": good,
        "valid_days": valid,
        "good_rate": q(good / valid * 100),
        "pm10": q(pm25 * rng.uniform(1.5, 1.8)),
        "so2": q(rng.uniform(5, 12)),
        "no2": q(rng.uniform(18, 45) * (1.15 if mon in (1, 2, 11, 12) else 0.95)),
        "co": q(rng.uniform(0.6, 1.4)),
        "o3": q(min(200.0, max(80.0, 150 * normalized(O3_SEASON)[mon - 1] * rng.uniform(0.85, 1.1)))),
    }


def progress_values(plan, city, mon, finals):
    """Cumulative completed projects per 附件6 category by the end of month `mon` (2021)."""
    row = next(r for r in plan.annexes[6].rows if r.unit.name == city.name)
    out = {}
    for col in plan.annexes[6].columns:
        if col.derived:
            continue
        planned = int(row.cells[col.key].value or 0)
        out[f"progress.{col.key}"] = math.floor(planned * finals[(city.name, col.key)] * (mon / 12) ** 1.1)
    return out


def receipt_time(month: str, city_index: int, days_later: int = 0) -> dt.datetime:
    year, mon = (int(x) for x in month.split("-"))
    first_next = dt.datetime(year + mon // 12, mon % 12 + 1, 1)
    return first_next + dt.timedelta(days=4 + days_later, hours=9, minutes=7 * city_index)


def write_submission(plan, folder: Path, month: str, city, values: dict, revision: int, received: dt.datetime):
    target = folder / month / city.name / f"r{revision:02d}_{received:%Y%m%dT%H%M%S}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_form(plan, month, city, target, values)
    normalize_package(target, received)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "jiangsu-2021")
    args = parser.parse_args()
    started = time.perf_counter()
    plan, _ = load_plan(args.data)
    rng = random.Random(SEED)
    folder = args.data / "submissions"
    sample_note = folder / "SAMPLE.md"
    keep = sample_note.read_bytes() if sample_note.exists() else None
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if keep is not None:
        sample_note.write_bytes(keep)
    pm, rate = annual_levels(plan, rng)
    finals = {(c.name, col.key): rng.uniform(0.85, 1.05) for c in plan.units.cities
              for col in plan.annexes[6].columns if not col.derived}
    counties = plan.units.counties
    files = 0
    for year in YEARS:
        for mon in range(1, 13):
            month = f"{year}-{mon:02d}"
            values = {u.name: month_values(u, year, mon, pm, rate, rng) for u in plan.units.all}
            if year == plan.year:
                for city in plan.units.cities:
                    values[city.name].update(progress_values(plan, city, mon, finals))
            if month == "2021-05":
                for i, v in INTEGER_EQUAL + ONE_DECIMAL_TIE:
                    values[counties[i].name]["pm25"] = Decimal(v)
            if month == NO_DATA[0]:
                values[counties[NO_DATA[1]].name] = {"remark": NO_DATA[2]}
            for index, city in enumerate(plan.units.cities):
                write_submission(plan, folder, month, city, values, 1, receipt_time(month, index))
                files += 1
                if (month, city.name) == REVISED[:2]:
                    corrected = dict(values)
                    county = dict(corrected[REVISED[2]])
                    county["pm25"] = county["pm25"] + REVISED[3]
                    corrected[REVISED[2]] = county
                    write_submission(plan, folder, month, city, corrected, 2, receipt_time(month, index, 3))
                    files += 1
    print(f"{files} files in {folder} ({time.perf_counter() - started:.1f} s)")
    a, b = (counties[i].name for i, _ in INTEGER_EQUAL)
    c, d = (counties[i].name for i, _ in ONE_DECIMAL_TIE)
    print(f"2021-05: {a} {INTEGER_EQUAL[0][1]} and {b} {INTEGER_EQUAL[1][1]} (both print 30); "
          f"{c} and {d} tie at {ONE_DECIMAL_TIE[0][1]}")
    print(f"{NO_DATA[0]}: {counties[NO_DATA[1]].name} without valid data ({NO_DATA[2]})")
    print(f"{REVISED[0]}: {REVISED[1]} second revision, {REVISED[2]} PM2.5 +{REVISED[3]}")


if __name__ == "__main__":
    main()
