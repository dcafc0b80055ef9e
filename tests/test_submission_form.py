"""The blank monthly form a city fills in (writers/submission_form.py)."""

from decimal import Decimal

import pytest
from conftest import DATA
from openpyxl import load_workbook

from reportgen.load.plan import load_plan
from reportgen.load.submissions import read_submission
from reportgen.problems import Problems
from reportgen.submission_fields import AIR_FIELDS, header_index, normalize_header, progress_fields
from reportgen.writers.submission_form import DATA_SHEET, FIRST_DATA_ROW, HEADER_ROW, HELP_SHEET, TITLE_ROW, write_form

PLAN = load_plan(DATA)[0]
FIELDS = AIR_FIELDS + progress_fields(PLAN.annexes[6])
NANJING = PLAN.units.find("南京")
NANJING_UNITS = ["南京市", "江宁区", "六合区", "溧水区", "高淳区"]


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    path = tmp_path_factory.mktemp("form") / "nanjing.xlsx"
    write_form(PLAN, "2021-02", NANJING, path)
    return path


def cell_rules(ws):
    """(row, column) → the data validation that covers the cell."""
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    assert (row, col) not in rules, "two rules on one cell"
                    rules[(row, col)] = dv
    return rules


def test_title_and_header_rows(form):
    ws = load_workbook(form)[DATA_SHEET]
    assert load_workbook(form).sheetnames == [DATA_SHEET, HELP_SHEET]
    assert ws.cell(TITLE_ROW, 1).value == "2021年2月 南京市空气质量数据报送表（南京市及所辖县（市、区））"
    assert len(FIELDS) + 2 == ws.max_column == 22                  # 单位名称, 9 + 11 values, 备注 (A–V)
    assert f"A{TITLE_ROW}:V{TITLE_ROW}" in [str(r) for r in ws.merged_cells.ranges]
    assert ws.freeze_panes == f"B{FIRST_DATA_ROW}"
    assert all(ws.cell(HEADER_ROW, c).alignment.wrap_text for c in range(1, ws.max_column + 1))


def test_units_prefilled_locked_and_in_order(form):
    ws = load_workbook(form)[DATA_SHEET]
    last = FIRST_DATA_ROW + len(NANJING_UNITS) - 1
    assert [ws.cell(r, 1).value for r in range(FIRST_DATA_ROW, last + 2)] == NANJING_UNITS + [None]
    assert [ws.cell(r, 1).value for r in range(FIRST_DATA_ROW, last + 1)] == \
        [u.name for u in [NANJING] + PLAN.units.children(NANJING)]
    assert ws.protection.sheet
    assert all(ws.cell(r, 1).protection.locked for r in range(1, last + 1))          # names, header, title
    assert all(ws.cell(HEADER_ROW, c).protection.locked for c in range(1, ws.max_column + 1))
    progress = {c for c in range(2, ws.max_column) if "已完成" in ws.cell(HEADER_ROW, c).value}
    assert len(progress) == len(progress_fields(PLAN.annexes[6])) == 11
    for r in range(FIRST_DATA_ROW, last + 1):
        for c in range(2, ws.max_column + 1):
            cell = ws.cell(r, c)
            if r > FIRST_DATA_ROW and c in progress:      # county rows: progress not theirs
                assert cell.protection.locked and cell.fill.fgColor.rgb.endswith("BFBFBF")
            else:
                assert not cell.protection.locked, cell.coordinate


def test_every_header_is_one_the_importer_knows(form):
    ws = load_workbook(form)[DATA_SHEET]
    index = header_index(FIELDS)
    index[normalize_header("备注")] = "remark"
    headers = [ws.cell(HEADER_ROW, c).value for c in range(1, ws.max_column + 1)]
    keys = [index.get(normalize_header(h)) for h in headers]
    assert keys == ["unit"] + [f.key for f in FIELDS] + ["remark"], headers
    assert "PM2.5浓度（微克/立方米）" in headers and "源头替代示范型企业数（已完成）（家）" in headers


def test_data_validation_covers_every_value_cell(form):
    ws = load_workbook(form)[DATA_SHEET]
    rules = cell_rules(ws)
    last = FIRST_DATA_ROW + len(NANJING_UNITS) - 1
    for r in range(FIRST_DATA_ROW, last + 1):
        for c in range(2, ws.max_column + 1):
            if not ws.cell(r, c).protection.locked:
                dv = rules.get((r, c))
                assert dv is not None, ws.cell(r, c).coordinate
                assert dv.showErrorMessage and dv.error and dv.prompt and dv.showInputMessage
    col = {f.key: c for c, f in enumerate(FIELDS, start=2)}
    for f in FIELDS:
        dv = rules[(FIRST_DATA_ROW, col[f.key])]
        if f.key == "good_days":
            assert dv.type == "custom"
            assert "C4<=D4" in dv.formula1 and "C4<=28" in dv.formula1 and "INT(C4)=C4" in dv.formula1
        elif f.key == "valid_days":
            assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "1", "28")
        elif f.key.startswith("progress."):
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
        else:
            assert dv.type == "decimal" and Decimal(dv.formula1) == f.low and Decimal(dv.formula2) == f.high
    assert (rules[(FIRST_DATA_ROW, col["good_rate"])].formula1, rules[(FIRST_DATA_ROW, col["good_rate"])].formula2) \
        == ("0", "100")
    assert rules[(FIRST_DATA_ROW, col["pm25"])].formula2 == "500"
    assert "同一行的有效监测天数" in rules[(FIRST_DATA_ROW, col["good_days"])].error


def test_day_limits_follow_the_month(tmp_path):
    path = tmp_path / "yancheng.xlsx"
    write_form(PLAN, "2020-07", PLAN.units.find("盐城"), path)
    ws = load_workbook(path)[DATA_SHEET]
    rules = cell_rules(ws)
    assert rules[(FIRST_DATA_ROW + 8, 4)].formula2 == "31"       # 有效监测天数, last county row
    assert "C4<=31" in rules[(FIRST_DATA_ROW, 3)].formula1
    assert ws.cell(FIRST_DATA_ROW + 8, 1).value == "东台市" and ws.cell(FIRST_DATA_ROW + 9, 1).value is None


def test_instructions_sheet(form):
    text = "\n".join(str(c.value) for row in load_workbook(form)[HELP_SHEET].iter_rows() for c in row if c.value)
    assert "2021年2月" in text and "本月共28天" in text and "南京市" in text and "江宁区、六合区、溧水区、高淳区" in text
    assert "83.1%、83.1 或 0.831" in text and "备注" in text and "设备故障，本月无有效数据" in text
    assert "新的版本" in text and "原来的版本保留" in text and "未设密码" in text
    assert "整数，1～28" in text and "数值，0～500" in text
    for f in FIELDS:
        assert f.header in text


def test_output_is_deterministic(tmp_path, form):
    again = tmp_path / "again.xlsx"
    write_form(PLAN, "2021-02", NANJING, again)
    assert again.read_bytes() == form.read_bytes()
    props = load_workbook(form).properties
    assert props.creator == "reportgen"
    assert str(props.created) == str(props.modified) == "2021-03-01 00:00:00"


def test_filled_form_imports(tmp_path):
    path = tmp_path / "filled.xlsx"
    values = {u.name: {"pm25": Decimal("33.1"), "good_days": 20, "valid_days": 28, "good_rate": Decimal("71.4")}
              for u in [NANJING] + PLAN.units.children(NANJING)}
    values["南京市"]["progress.rolling"] = 3
    values["高淳区"] = {"remark": "设备故障，本月无有效数据"}
    write_form(PLAN, "2021-02", NANJING, path, values)
    problems = Problems()
    reports = read_submission(path, "2021-02", PLAN.units, PLAN.annexes[6], problems)
    assert not problems.errors, problems.items
    assert [r.unit.name for r in reports] == NANJING_UNITS
    assert reports[0].values["pm25"] == Decimal("33.1") and reports[0].values["progress.rolling"] == 3
    assert "pm25" not in reports[4].values and reports[4].remark == "设备故障，本月无有效数据"
