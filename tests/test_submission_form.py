"""The blank form a city fills in, and the sample submissions made from it."""

import subprocess
import sys
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import DATA
from reportgen.compute.air_quality import period_for, unit_figures
from reportgen.load.plan import load_plan
from reportgen.load.submissions import load_submissions, read_submission
from reportgen.problems import Problems
from reportgen.submission_fields import AIR_FIELDS, header_index, match_header, progress_fields
from reportgen.writers.submission_form import FIRST_DATA_ROW, HEADER_ROW, write_form

PLAN = load_plan(DATA)[0]


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    path = tmp_path_factory.mktemp("form") / "nanjing.xlsx"
    out = subprocess.run([sys.executable, "-m", "reportgen", "form", "--month", "2021-02", "--city", "南京",
                          "--out", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return path


def test_units_prefilled_locked_and_in_order(form):
    ws = load_workbook(form)["报送数据"]
    names = [ws.cell(r, 1).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 5)]
    assert names == ["南京市", "江宁区", "六合区", "溧水区", "高淳区"]
    assert ws.protection.sheet
    assert all(ws.cell(r, 1).protection.locked for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 5))
    assert not any(ws.cell(r, 2).protection.locked for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 5))


def test_every_header_is_one_the_importer_knows(form):
    ws = load_workbook(form)["报送数据"]
    fields = AIR_FIELDS + progress_fields(PLAN.annexes[6])
    index = header_index(fields)
    index["备注"] = "remark"
    headers = [c.value for c in ws[HEADER_ROW] if c.value]
    keys = [match_header(h, index) for h in headers]
    assert None not in keys and len(set(keys)) == len(keys) == 1 + len(fields) + 1


def test_data_validation_covers_every_value_cell(form):
    ws = load_workbook(form)["报送数据"]
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    rules[(row, col)] = dv
    headers = {c.value: c.column for c in ws[HEADER_ROW] if c.value}
    for col in range(2, len(headers)):           # every value column but 备注
        assert (FIRST_DATA_ROW, col) in rules, ws.cell(HEADER_ROW, col).value
    for name in ("PM2.5浓度（微克/立方米）", "有效监测天数"):
        assert all((r, headers[name]) in rules for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 5))
    valid = rules[(FIRST_DATA_ROW, headers["有效监测天数"])]
    assert (valid.type, valid.formula1, valid.formula2) == ("whole", "1", "28")   # February 2021
    good = rules[(FIRST_DATA_ROW, headers["优良天数"])]
    assert good.type == "custom" and "C4<=D4" in good.formula1
    pm = rules[(FIRST_DATA_ROW, headers["PM2.5浓度（微克/立方米）"])]
    assert (pm.type, pm.formula1, pm.formula2) == ("decimal", "0", "500")


def test_instructions_sheet(form):
    text = "\n".join(str(c.value) for row in load_workbook(form)["填报说明"].iter_rows() for c in row if c.value)
    assert "2021年2月" in text and "南京市" in text and "83.1%、83.1 或 0.831" in text and "备注" in text


def test_filled_form_imports(tmp_path):
    path = tmp_path / "filled.xlsx"
    values = {u.name: {"pm25": Decimal("33.1"), "good_days": 20, "valid_days": 28}
              for u in [PLAN.units.find("南京")] + PLAN.units.children(PLAN.units.find("南京"))}
    write_form(PLAN, "2021-02", PLAN.units.find("南京"), path, values)
    problems = Problems()
    reports = read_submission(path, "2021-02", PLAN.units, PLAN.annexes[6], problems)
    assert not problems.errors and reports[0].values["pm25"] == Decimal("33.1")


# -- the sample submissions ---------------------------------------------------------------------

ARCHIVE = load_submissions(DATA, PLAN.units, PLAN.annexes[6], Problems())


def test_sample_folder_is_complete_and_marked():
    assert ARCHIVE.sample and (DATA / "submissions" / "SAMPLE.md").exists()
    assert ARCHIVE.months == [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]
    assert all(len(ARCHIVE.current[m]) == 13 for m in ARCHIVE.months)


@pytest.mark.parametrize("year, pm25, rate", [(2020, 38, 81.0), (2021, 33, 82.4)])
def test_sample_within_published_province_figures(year, pm25, rate):
    period = period_for(f"{year}-12", "cumulative")
    figures = [unit_figures(ARCHIVE, c, period) for c in PLAN.units.cities]
    assert abs(sum(f.pm25 for f in figures) / 13 - pm25) <= 2
    assert abs(sum(f.good_rate for f in figures) / 13 - Decimal(str(rate))) <= 2


def test_sample_has_the_deliberate_cases():
    may = ARCHIVE.current["2021-05"]
    pm = {r.unit.short_name: r.values.get("pm25") for s in may.values() for r in s.reports}
    assert (pm["宜兴"], pm["太仓"]) == (Decimal("30.4"), Decimal("29.6"))
    assert pm["海安"] == pm["江都"] == Decimal("28.3")
    assert may["南京市"].revision == 2
    july = ARCHIVE.report(PLAN.units.find("盱眙"), "2021-07")
    assert "pm25" not in july.values and "设备故障" in july.remark
