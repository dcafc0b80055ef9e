"""Generate the SAMPLE monthly submissions of data/jiangsu-2021/submissions/ (2020 and 2021, every city).

These are invented numbers, not measurements: the script writes SAMPLE.md into the folder, and every
document built from a folder with SAMPLE.md says that its figures are sample data. Each file is the
blank form of `reportgen form` (writers/submission_form.py) filled in, i.e. exactly what a city sends.

Deterministic: random.Random(20210101), fixed receipt times and the form's fixed workbook dates, so
running the script twice gives byte-identical files.

Bounds (/work/shared/docs/bulletin.md §5): province (mean of the 13 cities) PM2.5 ≈ 38 µg/m³ in 2020
and ≈ 33 in 2021; 优良天数比率 ≈ 81.0 % and ≈ 82.4 %. Each unit's 2021 level is near its 附件1/附件2
target; a county follows its city's performance against target, with noise. PM2.5 is high in winter
and low in midsummer; 优良天数比率 is lowest in early summer (ozone) and winter (PM2.5).

Deliberate cases, so the ranking rules are exercised (see the constants below; printed when run):
- two cities miss their 2021 PM2.5 target and two their 优良天数比率 target (the rest meet them);
- 2021-05: two counties equal as printed integers but not at one decimal, and two counties tied at one
  decimal;
- 2021-07: one county without valid data (values blank, 备注 explains);
- 2021-05: one city sends a second revision three days later, correcting one county's PM2.5.

Usage: .venv/bin/python tools/make_sample_submissions.py [--data data/jiangsu-2021]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import shutil
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from sample_common import month_values as unit_month_values  # noqa: E402
from sample_common import receipt_time  # noqa: E402

from reportgen.load.plan import load_plan  # noqa: E402
from reportgen.writers.submission_form import write_form  # noqa: E402

SEED = 20210101
YEARS = (2020, 2021)
PROVINCE_PM25 = {2020: 38.0, 2021: 33.0}          # bulletin.md §5
PROVINCE_GOOD_RATE = {2020: 81.0, 2021: 82.4}

# 2021 against the 附件1 targets: these cities miss them (the others are drawn near and mostly within)
PM25_BEHIND = {"镇江市": 1.05, "淮安市": 1.04}      # annual PM2.5 ÷ target
RATE_BEHIND = {"镇江市": -1.8, "扬州市": -1.6}      # annual 优良天数比率 − target, percentage points
# 附件6 projects: share completed by December 2021 (the other cities complete all of them)
PROGRESS_SHORT = {"连云港市": 0.88, "宿迁市": 0.93}

# the deliberate cases of the ranking rules
CASES_MONTH = "2021-05"
# (near their own values; the tie falls on places 10 and 11 of the county ranking, i.e. across the
# cut-off of the top-10 list)
INTEGER_EQUAL = (("如东县", "18.4"), ("通州区", "17.6"))     # both print 18, ranked apart at one decimal
ONE_DECIMAL_TIE = (("盐都区", "20.8"), ("海安市", "20.8"))   # a tie at one decimal
NO_DATA = ("2021-07", "盱眙县", "设备故障，本月无有效数据")
REVISED = ("2021-05", "南京市", "江宁区", Decimal("1.2"))    # r02 three days later: PM2.5 + 1.2
REVISION_DAYS_LATER = 3

SAMPLE_NOTE = """# 示例数据（SAMPLE）——不是实测数据

本文件夹中的全部报送表（2020年1月至2021年12月，13个设区市每月一份）都是 **示例数据**，由
`tools/make_sample_submissions.py` 以固定随机种子（{seed}）生成，用来演示和测试月度报送、排名和通报，
**不是任何监测站的实际监测结果**，不得作为正式数据使用或对外发布。

- **本文件（SAMPLE.md）存在，即表示本文件夹为示例数据**：程序读取报送数据时检查本文件，并在由这些数据生成的
  每一份通报（PDF、DOCX、网页版）上醒目注明“【示例数据】”，说明其中数据为程序生成的示例，非实际监测结果。
  换用真实报送数据时，请删除本文件夹中的示例文件和本文件。
- 数值范围参照公开的全省年度数据（2020年全省 PM2.5 约38微克/立方米、优良天数比率约81.0%；2021年约33、82.4%），
  各单位的水平围绕其2021年工作计划附件1、附件2的目标随机生成；项目进度（附件6各类已完成数）只有2021年。
- 每个文件就是 `reportgen form` 生成的空白报送表填上数字，与各市实际报送的文件格式相同；
  文件名 `r01_20210605T090000.xlsx` 中 r01 为第1版，其后为接收时间。
- 为检验排名规则，数据中有意安排了：
{cases}
- 重新生成：`.venv/bin/python tools/make_sample_submissions.py`（结果逐字节相同）。
"""


def city_of(unit) -> str:
    return unit.name if unit.level == "city" else unit.parent


def annual_levels(plan, rng):
    """Each unit's annual PM2.5 and 优良天数比率 in both years; the 13 cities' means are bulletin.md §5's."""
    targets = {}
    for role in ("city_targets", "county_targets"):
        for row in plan.annex_for_role(role).rows:
            targets[row.unit.name] = (float(row.cells["pm25_target"].value),
                                      float(row.cells["good_days_ratio_target"].value))
    cities = [c.name for c in plan.units.cities]
    free = [c for c in cities if c not in PM25_BEHIND]
    ratio = {c: PM25_BEHIND.get(c) or rng.gauss(0.87, 0.04) for c in cities}
    # scale the free cities so that the mean of the 13 is the province figure
    k = ((len(cities) * PROVINCE_PM25[2021] - sum(targets[c][0] * PM25_BEHIND[c] for c in PM25_BEHIND))
         / sum(targets[c][0] * ratio[c] for c in free))
    ratio.update({c: ratio[c] * k for c in free})
    offset = {c: RATE_BEHIND.get(c) or rng.gauss(1.0, 1.5) for c in cities}
    free = [c for c in cities if c not in RATE_BEHIND]
    shift = (len(cities) * PROVINCE_GOOD_RATE[2021] - sum(targets[c][1] + offset[c] for c in cities)) / len(free)
    offset.update({c: offset[c] + shift for c in free})

    pm, rate = {2021: {}, 2020: {}}, {2021: {}, 2020: {}}
    for u in plan.units.all:
        city = city_of(u)
        if u.level == "city":
            pm[2021][u.name] = targets[u.name][0] * ratio[city]
            rate[2021][u.name] = targets[u.name][1] + offset[city]
        else:
            pm[2021][u.name] = targets[u.name][0] * ratio[city] * rng.gauss(1.0, 0.05)
            rate[2021][u.name] = min(97.5, targets[u.name][1] + offset[city] + rng.gauss(0, 1.5))
        pm[2020][u.name] = pm[2021][u.name] * 38 / 33 * rng.uniform(0.97, 1.03)
        rate[2020][u.name] = rate[2021][u.name] - 1.4 + rng.gauss(0, 1.2)
    k = PROVINCE_PM25[2020] / (sum(pm[2020][c] for c in cities) / len(cities))
    shift = PROVINCE_GOOD_RATE[2020] - sum(rate[2020][c] for c in cities) / len(cities)
    pm[2020] = {u: v * k for u, v in pm[2020].items()}
    rate[2020] = {u: min(97.5, v + shift) for u, v in rate[2020].items()}
    return pm, rate


def month_values(unit, year, mon, pm, rate, weather, rng):
    """One unit's row: the city's weather of the month shared by its counties, plus the unit's own noise."""
    return unit_month_values(pm[year][unit.name], rate[year][unit.name], year, mon, weather[city_of(unit)], rng)


def progress_values(plan, city, mon, pace):
    """Cumulative completed projects per 附件6 category by the end of month `mon` of the plan year."""
    row = next(r for r in plan.annex_for_role("projects").rows if r.unit.name == city.name)
    share = PROGRESS_SHORT.get(city.name, 1.0)
    out = {}
    for col in plan.annex_for_role("projects").columns:
        if col.derived:
            continue
        planned = int(row.cells[col.key].value or 0)
        out[f"progress.{col.key}"] = math.floor(planned * share * (mon / 12) ** pace[(city.name, col.key)] + 1e-9)
    return out


def write_submission(plan, folder: Path, month: str, city, values: dict, revision: int, received: dt.datetime):
    target = folder / month / city.name / f"r{revision:02d}_{received:%Y%m%dT%H%M%S}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_form(plan, month, city, target, values)   # deterministic: fixed workbook dates
    return target


def case_lines(plan) -> list[str]:
    city = plan.units.find(REVISED[1])
    index = plan.units.cities.index(city)
    (a, va), (b, vb) = INTEGER_EQUAL
    (c, vc), (d, vd) = ONE_DECIMAL_TIE
    y, m = (int(x) for x in CASES_MONTH.split("-"))
    ny, nm = (int(x) for x in NO_DATA[0].split("-"))
    ry, rm = (int(x) for x in REVISED[0].split("-"))
    received = receipt_time(REVISED[0], index, REVISION_DAYS_LATER)
    return [
        f"{y}年{m}月{a} PM2.5 {va}、{b} {vb}：取整后都是{round(Decimal(va))}，保留1位小数不同；",
        f"{y}年{m}月{c}、{d} PM2.5 都是 {vc}（保留1位小数并列）；",
        f"{ny}年{nm}月{NO_DATA[1]}数值全部留空，备注“{NO_DATA[2]}”；",
        f"{ry}年{rm}月{REVISED[1]}于{received.year}年{received.month}月{received.day}日{received:%H:%M}"
        f"报送第2版（r02），{REVISED[2]} PM2.5 更正为原值加{REVISED[3]}；",
        f"2021年 PM2.5 未达到附件1目标：{'、'.join(PM25_BEHIND)}；优良天数比率未达到目标：{'、'.join(RATE_BEHIND)}；",
        f"2021年12月附件6项目未全部完成：{'、'.join(f'{c}（约{round(s * 100)}%）' for c, s in PROGRESS_SHORT.items())}。",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "jiangsu-2021")
    args = parser.parse_args()
    started = time.perf_counter()
    plan, _ = load_plan(args.data)
    folder = args.data / "submissions"
    if folder.exists() and any(folder.iterdir()) and not (folder / "SAMPLE.md").exists():
        sys.exit(f"{folder} holds submissions not marked as sample data (no SAMPLE.md): not overwritten")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lines = case_lines(plan)
    (folder / "SAMPLE.md").write_text(
        SAMPLE_NOTE.format(seed=SEED, cases="\n".join(f"  - {line}" for line in lines)), encoding="utf-8")

    rng = random.Random(SEED)
    pm, rate = annual_levels(plan, rng)
    pace = {(c.name, col.key): rng.uniform(1.2, 1.8) for c in plan.units.cities
            for col in plan.annex_for_role("projects").columns if not col.derived}
    names = {u.name for u in plan.units.all}
    for name, _ in INTEGER_EQUAL + ONE_DECIMAL_TIE:
        assert name in names and plan.units.find(name).level == "county", name
    files = 0
    for year in YEARS:
        for mon in range(1, 13):
            month = f"{year}-{mon:02d}"
            weather = {c.name: (rng.uniform(0.95, 1.05), rng.uniform(0.85, 1.15)) for c in plan.units.cities}
            values = {u.name: month_values(u, year, mon, pm, rate, weather, rng) for u in plan.units.all}
            if year == plan.year:
                for city in plan.units.cities:
                    values[city.name].update(progress_values(plan, city, mon, pace))
            if month == CASES_MONTH:
                for name, value in INTEGER_EQUAL + ONE_DECIMAL_TIE:
                    values[name]["pm25"] = Decimal(value)
            if month == NO_DATA[0]:
                values[NO_DATA[1]] = {"remark": NO_DATA[2]}
            for index, city in enumerate(plan.units.cities):
                write_submission(plan, folder, month, city, values, 1, receipt_time(month, index))
                files += 1
                if (month, city.name) == REVISED[:2]:
                    corrected = dict(values)
                    county = dict(corrected[REVISED[2]])
                    county["pm25"] = county["pm25"] + REVISED[3]
                    corrected[REVISED[2]] = county
                    write_submission(plan, folder, month, city, corrected, 2,
                                     receipt_time(month, index, REVISION_DAYS_LATER))
                    files += 1
    print(f"{files} files in {folder} ({time.perf_counter() - started:.1f} s); sample data, seed {SEED}")
    print("deliberate cases:")
    for line in lines:
        print("  " + line)


if __name__ == "__main__":
    main()
