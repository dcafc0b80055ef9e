"""The optional daily sheet (日均值): a period's composite index from every day of the period (HJ 663
percentiles), checked against a hand computation; and bad daily sheets refused with located Chinese
messages, nothing stored."""

from __future__ import annotations

import re
import shutil
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA
from helpers import pdf_text

from reportgen.build import build
from reportgen.compute.air_quality import period_for, unit_figures
from reportgen.compute.composite_index import percentile
from reportgen.load.plan import load_plan
from reportgen.load.submissions import load_submissions, store_submission
from reportgen.problems import DataError, Problems

PLAN = load_plan(DATA)[0]
NANJING = PLAN.units.find("南京市")
UNITS = [NANJING] + PLAN.units.children(NANJING)
DAYS = {"2021-01": 31, "2021-02": 28}
POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3")
HEADERS = ["单位名称", "日", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3"]


def daily(u: int, month: str, day: int) -> dict[str, Decimal]:
    """Made-up but varied daily values of unit u (0 = the city)."""
    m = int(month[5:])
    d = day + 31 * (m - 1)
    return {"pm25": Decimal(20 + (d * 7 + u * 5) % 41), "pm10": Decimal(40 + (d * 11 + u) % 53),
            "so2": Decimal(5 + (d + u) % 9), "no2": Decimal(18 + (d * 3 + u * 2) % 29),
            "co": Decimal(5 + (d * 5 + u) % 13) / 10, "o3": Decimal(60 + (d * 13 + u * 7) % 97)}


def hand_percentile(values, p):
    """HJ 663-2013 附录A, written out: k = 1 + (n−1)p%, s = ⌊k⌋, X(s) + (X(s+1) − X(s))(k − s)."""
    xs = sorted(values)
    k = 1 + (len(xs) - 1) * Decimal(p) / 100
    s = int(k)
    return xs[s - 1] if s >= len(xs) else xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s)


def monthly(u: int, month: str) -> dict[str, Decimal]:
    days = [daily(u, month, d) for d in range(1, DAYS[month] + 1)]
    out = {k: (sum(x[k] for x in days) / len(days)) for k in ("pm25", "pm10", "so2", "no2")}
    out["co"] = hand_percentile([x["co"] for x in days], 95)
    out["o3"] = hand_percentile([x["o3"] for x in days], 90)
    return {k: v.quantize(Decimal("0.1"), ROUND_HALF_EVEN) for k, v in out.items()}


def workbook(month: str, edit=None) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报送数据"
    ws.append(["单位名称", "PM2.5浓度", "PM10浓度", "SO2浓度", "NO2浓度", "CO浓度", "O3浓度", "优良天数", "有效监测天数", "备注"])
    for u, unit in enumerate(UNITS):
        m = monthly(u, month)
        ws.append([unit.name] + [float(m[k]) for k in POLLUTANTS] + [20, DAYS[month], None])
    sheet = wb.create_sheet("日均值")
    sheet.append(HEADERS)
    for u, unit in enumerate(UNITS):
        for day in range(1, DAYS[month] + 1):
            v = daily(u, month, day)
            sheet.append([unit.name, day] + [float(v[k]) for k in POLLUTANTS])
    if edit:
        edit(wb)
    return wb


def other_cities_csv(root: Path, month: str) -> None:
    for city in PLAN.units.cities:
        if city.name == NANJING.name:
            continue
        folder = root / "submissions" / month / city.name
        folder.mkdir(parents=True)
        lines = ["单位名称,PM2.5浓度,优良天数,有效监测天数,备注", f"{city.name},30.0,20,{DAYS[month]},"]
        lines += [f"{c.name},30.0,20,{DAYS[month]}," for c in PLAN.units.children(city)]
        (folder / "r01_20210305T090000.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_percentile_by_hand():
    values = [Decimal(x) for x in range(1, 11)]           # k = 1 + 9 × 0.95 = 9.55 → 9 + (10 − 9) × 0.55
    assert percentile(values, 95) == Decimal("9.55")
    assert percentile(values, 90) == Decimal("9.1")        # k = 9.1
    assert percentile([Decimal(3)], 90) == 3


@pytest.fixture(scope="module")
def daily_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("daily") / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    settings = root / "bulletin.yaml"
    settings.write_text(re.sub(r"(?m)^  indicators: .*$", "  indicators: [pm25, composite]",
                               settings.read_text(encoding="utf-8")), encoding="utf-8")
    for month in DAYS:
        path = root.parent / f"南京{month}.xlsx"
        workbook(month).save(path)
        store_submission(root, path, month, PLAN.units, PLAN.annexes.get(6))   # through the intake
        other_cities_csv(root, month)
    return root


def test_period_composite_index_from_daily_sheets_matches_a_hand_computation(daily_data):
    archive = load_submissions(daily_data, PLAN.units, PLAN.annexes.get(6), Problems())
    period = period_for("2021-02", "cumulative")
    for u, unit in enumerate(UNITS):
        days = [daily(u, m, d) for m in DAYS for d in range(1, DAYS[m] + 1)]     # all 59 days of 1—2月
        c = {k: sum(x[k] for x in days) / len(days) for k in ("pm25", "pm10", "so2", "no2")}
        c["co"] = hand_percentile([x["co"] for x in days], 95)
        c["o3"] = hand_percentile([x["o3"] for x in days], 90)
        expected = c["pm25"] / 35 + c["pm10"] / 70 + c["so2"] / 60 + c["no2"] / 40 + c["co"] / 4 + c["o3"] / 160
        got = unit_figures(archive, unit, period).composite
        assert abs(got - expected) < Decimal("1e-20"), unit.name
        # not the mean of the months' indices (the percentiles do not add up that way)
        months = [unit_figures(archive, unit, period_for(m, "month")).composite for m in DAYS]
        assert got != sum(months) / 2


def test_period_composite_list_in_the_bulletin(daily_data):
    out = daily_data.parent / "out"
    result = build(daily_data, out, kinds=("bulletins",), months=["2021-02"])
    pdf = next(w.path for w in result.written if w.path.suffix == ".pdf")
    text = re.sub(r"—\d+—", "", re.sub(r"\s+", "", pdf_text(pdf)))
    archive = load_submissions(daily_data, PLAN.units, PLAN.annexes.get(6), Problems())
    period = period_for("2021-02", "cumulative")
    counties = UNITS[1:]
    value = {c.name: unit_figures(archive, c, period).composite.quantize(Decimal("0.01"), ROUND_HALF_EVEN)
             for c in counties}
    order = sorted(counties, key=lambda c: (value[c.name], c.order))
    groups = []
    for c in order:   # ties written as 甲（乙并列）
        if groups and value[groups[-1][0].name] == value[c.name]:
            groups[-1].append(c)
        else:
            groups.append([c])
    listed = "、".join(g[0].short_name + (f"（{'、'.join(x.short_name for x in g[1:])}并列）" if g[1:] else "")
                      for g in groups)
    # 4 counties ranked: fewer than 前10 + 后10, so one order, best first
    assert f"2021年1—2月，4个县（市、区）中，环境空气质量综合指数由低到高依次为：{listed}。" in text
    others = len(PLAN.units.counties) - 4
    note = re.search(r"注：环境空气质量综合指数为逆指标[^注]*?未参与排名：([^。]*)（1月、2月未报送日均值）。", text)
    assert note and len(note.group(1).split("、")) == others      # one group, one reason


# -- bad daily sheets ---------------------------------------------------------------------------------

def set_daily(ref: str, value, number_format=None):
    def edit(wb):
        cell = wb["日均值"][ref]
        cell.value = value
        if number_format:
            cell.number_format = number_format
    return edit


def hide_daily_row(wb):
    wb["日均值"].row_dimensions[5].hidden = True


def hide_daily_sheet(wb):
    wb["日均值"].sheet_state = "hidden"


def replace_unit(wb):
    wb["日均值"]["A3"] = "徐州市"


def duplicate_day(wb):
    wb["日均值"]["B3"] = 1


def rows_beyond_limit(wb):
    ws = wb["日均值"]
    for _ in range(400):
        ws.append(["江宁区", 1, 30])


def no_day_column(wb):
    wb["日均值"]["B1"] = "备用"


FEB = "2021-02"
# case: (name, edit, words in the message, row, column)
CASES = [
    ("formula", set_daily("C2", "=20+1.4"), ["公式", "=20+1.4"], 2, "PM2.5"),
    ("date-in-number-column", set_daily("D3", 44230, "yyyy-mm-dd"), ["日期格式"], 3, "PM10"),
    ("date-as-day", set_daily("B4", 44230, "yyyy-mm-dd"), ["日期格式", "第几日"], 4, "日"),
    ("comma", set_daily("C5", "35,2"), ["含逗号"], 5, "PM2.5"),
    ("extra-decimals", set_daily("H6", 101.25), ["有2位小数", "保留1位小数"], 6, "O3"),
    ("control-character", set_daily("A7", "江宁区\u202e"), ["控制字符"], 7, "单位名称"),
    ("out-of-range", set_daily("G8", 99), ["超出合理范围"], 8, "CO"),
    ("not-a-number", set_daily("E9", "无"), ["不是数值"], 9, "SO2"),
    ("day-beyond-february", set_daily("B10", 30), ["不是本月的日期", "1～28"], 10, "日"),
    ("hidden-row", hide_daily_row, ["隐藏"], 5, None),
    ("other-citys-unit", replace_unit, ["徐州市不在本报送表"], 3, "单位名称"),
    ("duplicate-day", duplicate_day, ["重复填报", "第2行已有"], 3, "日"),
    ("no-day-column", no_day_column, ["无法识别的列名“备用”"], 1, "备用"),
]


@pytest.mark.parametrize("name,edit,words,row,column", CASES, ids=[c[0] for c in CASES])
def test_bad_daily_sheet_is_refused_with_a_located_message(name, edit, words, row, column, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    path = tmp_path / "南京.xlsx"
    workbook(FEB, edit).save(path)
    with pytest.raises(DataError) as exc:
        store_submission(data, path, FEB, PLAN.units, PLAN.annexes.get(6))
    problems = [p for p in exc.value.problems if "日均值" in p.message]
    assert problems, [str(p) for p in exc.value.problems]
    shown = str(problems[0])
    assert "南京.xlsx" in shown and "工作表“日均值”" in shown, shown
    assert all(w in shown for w in words), shown
    assert problems[0].row == row, shown
    if column:
        assert problems[0].column == column, shown
    assert not any(data.rglob("*.xlsx"))                     # nothing stored


def test_hidden_daily_sheet_and_oversized_sheet_are_refused(tmp_path):
    for edit, words in ((hide_daily_sheet, "被隐藏了"), (rows_beyond_limit, "超过")):
        path = tmp_path / "南京.xlsx"
        workbook(FEB, edit).save(path)
        with pytest.raises(DataError) as exc:
            store_submission(tmp_path / "data", path, FEB, PLAN.units, PLAN.annexes.get(6))
        shown = "\n".join(str(p) for p in exc.value.problems)
        assert "工作表“日均值”" in shown and words in shown, shown
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.xlsx"))


def test_daily_values_must_agree_with_the_monthly_value(tmp_path):
    def shift(wb):
        ws = wb["日均值"]
        for r in range(2, 2 + DAYS[FEB]):      # 南京市's days: PM2.5 all 3 higher
            ws.cell(r, 3).value = ws.cell(r, 3).value + 3
    path = tmp_path / "南京.xlsx"
    workbook(FEB, shift).save(path)
    with pytest.raises(DataError) as exc:
        store_submission(tmp_path / "data", path, FEB, PLAN.units, PLAN.annexes.get(6))
    shown = "\n".join(str(p) for p in exc.value.problems)
    assert "南京市28天PM2.5日均值的平均值为" in shown and "与“报送数据”表中的PM2.5浓度" in shown and "不符" in shown, shown


def test_a_good_daily_sheet_is_accepted_and_kept(tmp_path):
    path = tmp_path / "南京.xlsx"
    workbook(FEB).save(path)
    stored = store_submission(tmp_path / "data", path, FEB, PLAN.units, PLAN.annexes.get(6))
    assert stored.path.read_bytes() == path.read_bytes()
