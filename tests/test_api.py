"""reportgen.api: annexes and submissions as tidy pandas DataFrames, read through the checked loaders."""

import csv
import math
import shutil
from decimal import Decimal

import pytest
from conftest import DATA

from reportgen import api
from reportgen.load.xlsx_cells import sheet_rows
from reportgen.problems import DataError


@pytest.fixture(scope="module")
def data_set():
    return api.open_data_set(DATA)


def test_units_in_fixed_order(data_set):
    units = data_set.units()
    assert len(units) == 67
    assert (units["level"] == "city").sum() == 13
    assert list(units["order"]) == sorted(units["order"])
    jiangning = units[units["name"] == "江宁区"].iloc[0]
    assert jiangning["parent"] == "南京市" and jiangning["code"] == "320115"


def test_annex_cells_match_the_csv_and_missing_stays_missing(data_set):
    frame = data_set.annexes()
    # every cell of 附件1 as printed: the CSV's text, and its number
    with (DATA / "annexes" / "annex1.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    a1 = frame[frame["annex"] == 1]
    assert len(a1) == len(rows) * 2
    nanjing = a1[(a1["unit"] == "南京市") & (a1["column"] == "pm25_target")].iloc[0]
    assert nanjing["text"] == rows[0]["pm25_target"]
    assert nanjing["value"] == float(rows[0]["pm25_target"])
    # 附件8's truncated 扬州 row: missing cells are rows with NaN, never a number
    a8 = frame[(frame["annex"] == 8) & (frame["unit"] == "扬州市")]
    gaps = a8[a8["missing"]]
    assert len(gaps) == 8
    assert gaps["value"].isna().all() and (gaps["text"] == "").all()
    # percentages keep their printed text; the value is the number shown
    rate = frame[(frame["annex"] == 8) & (frame["column"] == "inspection_review_rate")].iloc[0]
    assert rate["text"] == "85%" and rate["value"] == 85.0


def test_annex_totals_as_printed(data_set):
    totals = data_set.annex_totals()
    stated = totals[(totals["annex"] == 1) & (totals["column"] == "pm25_target")].iloc[0]
    assert stated["text"] == "37" and stated["value"] == 37.0


def test_submissions_current_revision_of_every_month(data_set):
    frame = data_set.submissions(months=["2021-05", "2021-07"])
    assert sorted(frame["month"].unique()) == ["2021-05", "2021-07"]
    # 南京市 sent a second revision for 2021-05: the frame holds r02's figures, read from that file
    nj = frame[(frame["month"] == "2021-05") & (frame["city"] == "南京市")]
    assert set(nj["revision"]) == {2}
    r02 = DATA / "submissions" / "2021-05" / "南京市" / "r02_20210608T090000.xlsx"
    sheet = dict(sheet_rows(r02, "报送数据"))
    header_row = next(r for r in sheet.values() if any(c and c.value == "单位名称" for c in r))
    pm_col = next(i for i, c in enumerate(header_row) if c and str(c.value).startswith("PM2.5"))
    jiangning_file = next(r for r in sheet.values() if r and r[0] and r[0].value == "江宁区")
    row = nj[(nj["unit"] == "江宁区") & (nj["field"] == "pm25")].iloc[0]
    assert row["exact"] == Decimal(str(jiangning_file[pm_col].value))
    # 盱眙县 2021-07: every value left empty with a remark; the frame shows the gap, not a number
    xuyi = frame[(frame["month"] == "2021-07") & (frame["unit"] == "盱眙县")]
    assert len(xuyi) > 0 and xuyi["value"].isna().all() and xuyi["exact"].isna().all()
    assert set(xuyi["remark"]) == {"设备故障，本月无有效数据"}
    assert frame["sample"].all()


def test_a_data_set_with_errors_raises_instead_of_returning_numbers(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("submissions"))
    text = (target / "annexes" / "annex1.csv").read_text(encoding="utf-8")
    (target / "annexes" / "annex1.csv").write_text(text.replace(",31,", ",3l,", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        api.open_data_set(target)
    assert any("3l" in p.message for p in caught.value.problems)


def test_readme_example_runs(monkeypatch):
    """The README's analyst example is code that works, not prose that drifted."""
    readme = (DATA.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("reportgen.api`）", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(DATA.parents[1])
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["pm25"].shape[0] == 67
    assert not math.isnan(namespace["pm25"].loc["南京市", "2021-05"])


def test_open_project_finds_the_folder_upwards_and_names_unknown_data_sets():
    data = api.open_project(DATA / "annexes")    # inside the checkout, which is a project
    assert data.root.resolve() == DATA.resolve() and data.year == 2021
    with pytest.raises(api.ProjectNotFound) as caught:
        api.open_project(DATA, data_set="jiangsu-2099")
    assert "jiangsu-2099" in str(caught.value) and "jiangsu-2021" in str(caught.value)


@pytest.mark.parametrize("months", [["2021-5"], ["2021/05"], "2021年5月"])
def test_a_mistyped_month_is_an_error_not_an_empty_table(data_set, months):
    with pytest.raises(ValueError, match="格式不对"):
        data_set.submissions(months=months)


def test_one_month_as_a_string(data_set):
    assert set(data_set.submissions(months="2021-05")["month"]) == {"2021-05"}
