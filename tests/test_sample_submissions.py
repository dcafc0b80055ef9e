"""The SAMPLE monthly submissions in data/jiangsu-2021/submissions (tools/make_sample_submissions.py),
read with openpyxl directly (not through the importer)."""

import calendar
import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import DATA
from openpyxl import load_workbook

from reportgen.load.plan import load_plan
from reportgen.submission_fields import AIR_FIELDS, header_index, normalize_header, progress_fields
from reportgen.writers.submission_form import DATA_SHEET, FIRST_DATA_ROW, HEADER_ROW

PLAN = load_plan(DATA)[0]
FOLDER = DATA / "submissions"
MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]
NAME = re.compile(r"^r(\d{2})_(\d{8}T\d{6})\.xlsx$")
PROVINCE = {2020: (38, Decimal("81.0")), 2021: (33, Decimal("82.4"))}   # bulletin.md §5


def read(path):
    """{unit name: {field key | "remark": value}} of one file, in row order."""
    wb = load_workbook(path, read_only=True)
    rows = list(wb[DATA_SHEET].iter_rows(min_row=HEADER_ROW, values_only=True))
    wb.close()
    index = header_index(AIR_FIELDS + progress_fields(PLAN.annexes[6]))
    index[normalize_header("备注")] = "remark"
    keys = [index[normalize_header(h)] for h in rows[0]]
    return {row[0]: {k: v for k, v in zip(keys[1:], row[1:]) if v is not None}
            for row in rows[FIRST_DATA_ROW - HEADER_ROW:] if row[0]}


@pytest.fixture(scope="module")
def archive():
    """{month: {city name: [(revision, received, path, rows), …]}}"""
    out = {}
    for month in MONTHS:
        for city in PLAN.units.cities:
            files = []
            for path in sorted((FOLDER / month / city.name).glob("*.xlsx")):
                m = NAME.match(path.name)
                assert m, path
                files.append((int(m[1]), dt.datetime.strptime(m[2], "%Y%m%dT%H%M%S"), path, read(path)))
            out.setdefault(month, {})[city.name] = files
    return out


def current(archive, month):
    """{unit name: values} of the latest revisions of `month`."""
    return {unit: values for files in archive[month].values() for unit, values in files[-1][3].items()}


def test_folder_is_complete_and_marked_as_sample(archive):
    note = (FOLDER / "SAMPLE.md").read_text(encoding="utf-8")
    assert "示例数据" in note and "不是任何监测站的实际监测结果" in note
    assert "tools/make_sample_submissions.py" in note and "SAMPLE.md" in note and "【示例数据】" in note
    assert sorted(p.name for p in FOLDER.iterdir() if p.is_dir()) == MONTHS
    for month in MONTHS:
        assert sorted(p.name for p in (FOLDER / month).iterdir()) == sorted(c.name for c in PLAN.units.cities)
        year, mon = (int(x) for x in month.split("-"))
        fifth_next = dt.datetime(year + mon // 12, mon % 12 + 1, 5, 9)
        for index, city in enumerate(PLAN.units.cities):
            files = archive[month][city.name]
            assert [f[0] for f in files] == list(range(1, len(files) + 1))
            assert files[0][1] == fifth_next + dt.timedelta(minutes=7 * index)      # receipt time
            assert all(later[1] > earlier[1] for earlier, later in zip(files, files[1:]))
            assert list(files[0][3]) == [city.name] + [u.name for u in PLAN.units.children(city)]


def test_every_row_is_consistent(archive):
    for month in MONTHS:
        year, mon = (int(x) for x in month.split("-"))
        days = calendar.monthrange(year, mon)[1]
        for files in archive[month].values():
            for _, _, path, rows in files:
                for unit, v in rows.items():
                    if "pm25" not in v:
                        assert v.get("remark"), (path, unit)
                        continue
                    assert 0 <= v["good_days"] <= v["valid_days"] <= days and v["valid_days"] >= days - 2, (path, unit)
                    rate = (Decimal(v["good_days"]) * 100 / v["valid_days"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
                    assert abs(Decimal(str(v["good_rate"])) - rate) <= Decimal("0.05"), (path, unit)
                    assert 5 <= v["pm25"] <= 90 and v["pm10"] > v["pm25"], (path, unit)
                    assert 5 <= v["so2"] <= 12 and 18 <= v["no2"] <= 45 and 0.6 <= v["co"] <= 1.4, (path, unit)
                    assert 80 <= v["o3"] <= 200, (path, unit)
                    for key in ("pm25", "pm10", "so2", "no2", "co", "o3", "good_rate"):
                        assert Decimal(str(v[key])) == Decimal(str(v[key])).quantize(Decimal("0.1")), (path, key)


def annual(archive, year):
    """unit name → (PM2.5 weighted by 有效监测天数, 优良天数比率) over the year's 12 months."""
    sums = {}
    for mon in range(1, 13):
        for unit, v in current(archive, f"{year}-{mon:02d}").items():
            if "pm25" in v:
                s = sums.setdefault(unit, [Decimal(0), 0, 0])
                s[0] += Decimal(str(v["pm25"])) * v["valid_days"]
                s[1] += v["good_days"]
                s[2] += v["valid_days"]
    return {u: (s[0] / s[2], Decimal(s[1]) * 100 / s[2]) for u, s in sums.items()}


@pytest.mark.parametrize("year", [2020, 2021])
def test_province_figures_as_published(archive, year):
    figures = annual(archive, year)
    cities = [c.name for c in PLAN.units.cities]
    pm25, rate = PROVINCE[year]
    assert abs(sum(figures[c][0] for c in cities) / 13 - pm25) <= 2
    assert abs(sum(figures[c][1] for c in cities) / 13 - rate) <= 2


def test_seasonal_cycle(archive):
    for year in (2020, 2021):
        means = []
        for mon in range(1, 13):
            month = current(archive, f"{year}-{mon:02d}")
            means.append(sum(month[c.name]["pm25"] for c in PLAN.units.cities) / 13)
        assert min(means[0], means[11]) > 1.8 * max(means[6], means[7])
        assert 15 <= min(means[6], means[7]) and max(means[6], means[7]) <= 28
    worst = max(current(archive, m)[c.name]["pm25"] for m in ("2021-01", "2021-12") for c in PLAN.units.cities)
    assert 55 <= worst <= 70


def test_targets_both_met_and_missed_in_2021(archive):
    figures = annual(archive, 2021)
    targets = {r.unit.name: (r.cells["pm25_target"].value, r.cells["good_days_ratio_target"].value)
               for n in (1, 2) for r in PLAN.annexes[n].rows}
    for level in ("city", "county"):
        units = [u.name for u in PLAN.units.all if u.level == level]
        pm_missed = [u for u in units if round(figures[u][0], 1) > targets[u][0]]
        rate_missed = [u for u in units if round(figures[u][1], 1) < targets[u][1]]
        assert 0 < len(pm_missed) < len(units) / 2 and 0 < len(rate_missed) < len(units) / 2, level


def test_progress_rises_to_the_annex6_counts(archive):
    planned = {r.unit.name: r for r in PLAN.annexes[6].rows}
    keys = [f.key for f in progress_fields(PLAN.annexes[6])]
    for month in MONTHS[:12]:
        assert not any(k in v for v in current(archive, month).values() for k in keys)      # 2020: none
    short = []
    for city in PLAN.units.cities:
        series = [current(archive, f"2021-{m:02d}")[city.name] for m in range(1, 13)]
        for key in keys:
            values = [s[key] for s in series]
            target = int(planned[city.name].cells[key.removeprefix("progress.")].value)
            assert values == sorted(values) and values[0] <= max(2, target * 0.1) and values[-1] <= target
            assert values[-1] >= math.floor(target * 0.85)
            if values[-1] < target:
                short.append(city.name)
        for county in PLAN.units.children(city):
            assert not any(k in current(archive, "2021-12")[county.name] for k in keys)
    assert 0 < len(set(short)) < 13


def test_the_deliberate_cases(archive):
    may = current(archive, "2021-05")
    half_up = lambda x: Decimal(str(x)).quantize(Decimal(1), ROUND_HALF_UP)   # noqa: E731
    # printed as integers equal, apart at one decimal
    assert (may["如东县"]["pm25"], may["通州区"]["pm25"]) == (18.4, 17.6)
    assert half_up(18.4) == half_up(17.6) == 18
    # a tie at one decimal, on places 10 and 11 of the county ranking (the top-10 list's cut-off)
    counties = sorted((may[u.name]["pm25"], u.name) for u in PLAN.units.counties)
    assert may["盐都区"]["pm25"] == may["海安市"]["pm25"] == 20.8
    assert {name for _, name in counties[9:11]} == {"盐都区", "海安市"}
    assert counties[8][0] < 20.8 < counties[11][0]
    # no valid data
    july = current(archive, "2021-07")["盱眙县"]
    assert july == {"remark": "设备故障，本月无有效数据"}
    # a second revision a few days later, one county's PM2.5 corrected
    nanjing = archive["2021-05"]["南京市"]
    assert [f[0] for f in nanjing] == [1, 2] and 1 <= (nanjing[1][1] - nanjing[0][1]).days <= 5
    first, second = nanjing[0][3], nanjing[1][3]
    changed = {(u, k) for u in first for k in set(first[u]) | set(second[u]) if first[u].get(k) != second[u].get(k)}
    assert changed == {("江宁区", "pm25")}
    assert Decimal(str(second["江宁区"]["pm25"])) - Decimal(str(first["江宁区"]["pm25"])) == Decimal("1.2")
    assert sum(len(files) for m in MONTHS for files in archive[m].values()) == 24 * 13 + 1
