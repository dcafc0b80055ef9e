"""Monthly submissions: forgiving import of what people really type, located errors for what matters,
and revisions that are kept, never overwritten."""

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import DATA
from openpyxl import Workbook

from reportgen.load.plan import load_plan
from reportgen.load.submissions import load_submissions, read_submission, store_submission
from reportgen.problems import DataError, Problems

HEADER = "单位名称,PM2.5浓度,优良天数,有效监测天数,备注"
GOOD_ROWS = ["南京市,33.1,25,31,", "江宁区,31.0,26,31,", "六合区,32.4,24,30,", "溧水区,30.2,27,31,",
             "高淳区,29.9,28,31,"]


@pytest.fixture(scope="module")
def plan():
    return load_plan(DATA)[0]


def write_csv(tmp_path, lines, name="nanjing.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def read(plan, path, month="2021-05"):
    problems = Problems()
    reports = read_submission(path, month, plan.units, plan.annexes.get(6), problems)
    return reports, problems.errors


def only_error(plan, tmp_path, lines):
    reports, errors = read(plan, write_csv(tmp_path, lines))
    assert reports is None
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


# -- forgiving ----------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(plan, tmp_path, encoding):
    reports, errors = read(plan, write_csv(tmp_path, [HEADER] + GOOD_ROWS, encoding=encoding))
    assert not errors
    assert [r.unit.name for r in reports] == ["南京市", "江宁区", "六合区", "溧水区", "高淳区"]
    assert reports[0].values["pm25"] == Decimal("33.1")


def test_aliases_names_full_width_digits_and_rate_forms(plan, tmp_path):
    lines = ["单位,PM₂.₅,优良天数比率（%）,PM10",
             "南京,３３.１,83.1%,60",          # short name, full-width digits, rate with %
             "江宁,31.0,83.1,55",              # rate as a number of percent
             "六合,32.4,0.831,58",             # rate as a fraction
             "溧水区,30.2,８３.１,57",
             "高淳区,29.9,90,50"]
    reports, errors = read(plan, write_csv(tmp_path, lines))
    assert not errors, [str(e) for e in errors]
    assert reports[0].values["pm25"] == Decimal("33.1")
    assert [r.values["good_rate"] for r in reports[:4]] == [Decimal("83.1")] * 4
    assert reports[0].values["pm10"] == Decimal("60")


def test_xlsx_with_title_rows_and_percent_cells(plan, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "报送数据"
    ws.append(["2021年5月 南京市空气质量数据报送表"])
    ws.append([])
    ws.append(["单位名称", "PM2.5浓度（微克/立方米）", "优良天数比率"])
    for name, pm, rate in [("南京市", 33.1, 0.831), ("江宁区", 31, 0.9), ("六合区", 32.4, 0.8),
                           ("溧水区", 30.2, 0.7), ("高淳区", 29.9, 0.75)]:
        ws.append([name, pm, rate])
    path = tmp_path / "nj.xlsx"
    wb.save(path)
    reports, errors = read(plan, path)
    assert not errors, [str(e) for e in errors]
    assert reports[0].values["good_rate"] == Decimal("83.1")
    assert reports[1].values["pm25"] == Decimal("31")


def test_missing_value_explained_in_remark_is_accepted(plan, tmp_path):
    rows = GOOD_ROWS[:1] + ["江宁区,,,,设备故障，本月无有效数据"] + GOOD_ROWS[2:]
    reports, errors = read(plan, write_csv(tmp_path, [HEADER] + rows))
    assert not errors
    assert "pm25" not in reports[1].values and reports[1].remark == "设备故障，本月无有效数据"


# -- strict: each error class names file, row and column ------------------------------------------

def test_unknown_unit(plan, tmp_path):
    e = only_error(plan, tmp_path, [HEADER] + GOOD_ROWS + ["江宁新区,30,20,30,"])
    assert (e.row, e.column) == (7, "单位名称") and "未知单位“江宁新区”" in e.message and "江宁" in e.message
    assert e.file.endswith("nanjing.csv")


def test_duplicate_unit(plan, tmp_path):
    e = only_error(plan, tmp_path, [HEADER] + GOOD_ROWS + ["江宁,30,20,30,"])
    assert (e.row, e.column) == (7, "单位名称") and "江宁区重复填报（第3行已有）" in e.message


def test_county_filed_by_wrong_city(plan, tmp_path):
    e = only_error(plan, tmp_path, [HEADER] + GOOD_ROWS + ["昆山市,30,20,30,"])
    assert (e.row, e.column) == (7, "单位名称") and "昆山市属于苏州市，不应由南京市报送" in e.message


def test_missing_counties(plan, tmp_path):
    e = only_error(plan, tmp_path, [HEADER] + GOOD_ROWS[:3])
    assert e.column == "单位名称" and "缺少以下单位的行：溧水区、高淳区" in e.message


@pytest.mark.parametrize("row, column, phrase", [
    ("江宁区,512.0,20,31,", "PM2.5浓度", "超出合理范围"),
    ("江宁区,-1,20,31,", "PM2.5浓度", "超出合理范围"),
    ("江宁区,30,20,32,", "有效监测天数", "超出合理范围，有效监测天数应在1～31天之间"),
])
def test_values_outside_physical_ranges(plan, tmp_path, row, column, phrase):
    e = only_error(plan, tmp_path, [HEADER, GOOD_ROWS[0], row] + GOOD_ROWS[2:])
    assert (e.row, e.column) == (3, column) and phrase in e.message


def test_february_has_28_days(plan, tmp_path):
    reports, errors = read(plan, write_csv(tmp_path, [HEADER, "南京市,33.1,25,30,"] + GOOD_ROWS[1:]), month="2021-02")
    assert reports is None and any("有效监测天数应在1～28天之间" in e.message for e in errors)


def test_good_days_above_valid_days(plan, tmp_path):
    e = only_error(plan, tmp_path, [HEADER, GOOD_ROWS[0], "江宁区,30,30,29,"] + GOOD_ROWS[2:])
    assert (e.row, e.column) == (3, "优良天数") and "优良天数30大于有效监测天数29" in e.message


@pytest.mark.parametrize("cell", ["abc", "30..1", "三十"])
def test_non_numeric_cell(plan, tmp_path, cell):
    e = only_error(plan, tmp_path, [HEADER, GOOD_ROWS[0], f"江宁区,{cell},20,31,"] + GOOD_ROWS[2:])
    assert (e.row, e.column) == (3, "PM2.5浓度") and f"“{cell}”不是数值" in e.message


def test_blank_pm25_without_remark(plan, tmp_path):
    e = only_error(plan, tmp_path, [HEADER, GOOD_ROWS[0], "江宁区,,20,31,"] + GOOD_ROWS[2:])
    assert (e.row, e.column) == (3, "PM2.5浓度") and "备注" in e.message


def test_rate_contradicting_the_day_counts(plan, tmp_path):
    lines = ["单位名称,PM2.5浓度,优良天数,有效监测天数,优良天数比率"] + \
            [r.rstrip(",") + ",85.0" for r in GOOD_ROWS[:1]] + [r.rstrip(",") + "," for r in GOOD_ROWS[1:]]
    e = only_error(plan, tmp_path, lines)
    assert (e.row, e.column) == (2, "优良天数比率") and "不符" in e.message


def test_unknown_column(plan, tmp_path):
    e = only_error(plan, tmp_path, ["单位名称,PM2.5浓度,优良天数,有效监测天数,细颗粒物"] + GOOD_ROWS)
    assert (e.row, e.column) == (1, "细颗粒物") and "无法识别的列名" in e.message


# -- revisions --------------------------------------------------------------------------------------

def test_second_submission_is_a_new_revision_and_current(plan, tmp_path, data_copy):
    first = write_csv(tmp_path, [HEADER] + GOOD_ROWS, "first.csv")
    second = write_csv(tmp_path, [HEADER, "南京市,35.0,25,31,"] + GOOD_ROWS[1:], "second.csv")
    month = "2019-05"  # a month without sample data
    s1 = store_submission(data_copy, first, month, plan.units, plan.annexes[6], received=dt.datetime(2019, 6, 5, 9))
    s2 = store_submission(data_copy, second, month, plan.units, plan.annexes[6], "南京",
                          received=dt.datetime(2019, 6, 8, 16, 30))
    assert (s1.revision, s2.revision) == (1, 2)
    assert s1.path.exists() and s2.path.exists() and s1.path != s2.path
    assert s1.path.read_bytes() == first.read_bytes()
    archive = load_submissions(data_copy, plan.units, plan.annexes[6], Problems(), months={month})
    current = archive.current[month]["南京市"]
    assert current.revision == 2 and current.reports[0].values["pm25"] == Decimal("35.0")
    out = subprocess.run([sys.executable, "-m", "reportgen", "submissions", "--data", str(data_copy), "--month", month],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "南京市：第1版  接收于 2019-06-05 09:00:00" in out.stdout
    assert "南京市：第2版  接收于 2019-06-08 16:30:00" in out.stdout and "← 现行版本" in out.stdout
    assert "无锡市：未报送" in out.stdout


def test_rejected_submission_is_not_stored(plan, tmp_path, data_copy):
    bad = write_csv(tmp_path, [HEADER] + GOOD_ROWS + ["昆山市,30,20,30,"])
    out = subprocess.run([sys.executable, "-m", "reportgen", "submit", str(bad), "--data", str(data_copy),
                          "--month", "2019-05"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "第7行，“单位名称”列：昆山市属于苏州市，不应由南京市报送" in out.stderr
    assert not (data_copy / "submissions" / "2019-05").exists()
    with pytest.raises(DataError):
        store_submission(data_copy, bad, "2019-05", plan.units, plan.annexes[6])


def test_the_same_file_sent_twice_is_not_a_new_revision(plan, tmp_path, data_copy):
    first = write_csv(tmp_path, [HEADER] + GOOD_ROWS, "first.csv")
    month = "2019-05"
    s1 = store_submission(data_copy, first, month, plan.units, plan.annexes[6], received=dt.datetime(2019, 6, 5, 9))
    again = store_submission(data_copy, first, month, plan.units, plan.annexes[6], received=dt.datetime(2019, 6, 6, 9))
    assert again.unchanged and again.revision == 1 and again.path == s1.path
    assert sorted(p.name for p in (data_copy / "submissions" / month / "南京市").glob("r*")) == [s1.path.name]
    out = subprocess.run([sys.executable, "-m", "reportgen", "submit", str(first), "--data", str(data_copy),
                          "--month", month], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "是同一个文件，内容完全相同，未另存新版本" in out.stdout
    # a changed file is a new revision as before
    second = write_csv(tmp_path, [HEADER, "南京市,35.0,25,31,"] + GOOD_ROWS[1:], "second.csv")
    assert store_submission(data_copy, second, month, plan.units, plan.annexes[6]).revision == 2


def test_a_month_after_the_plan_year_belongs_to_another_data_set(tmp_path, data_copy):
    """After new-plan the default data set is still last year's: a 2022 file must not land in it."""
    good = write_csv(tmp_path, [HEADER] + GOOD_ROWS)
    for args in (["submit", str(good), "--month", "2022-03"], ["form", "--city", "南京", "--month", "2022-03",
                                                                "--out", str(tmp_path / "f.xlsx")]):
        out = subprocess.run([sys.executable, "-m", "reportgen", *args, "--data", str(data_copy)],
                             capture_output=True, text=True)
        assert out.returncode == 2, out.stdout
        assert "2022年3月在本数据集的计划年度（2021年）之后，应使用2022年的数据集" in out.stderr
    assert not (data_copy / "submissions" / "2022-03").exists() and not (tmp_path / "f.xlsx").exists()
    # an earlier year's month is the comparison data: accepted
    out = subprocess.run([sys.executable, "-m", "reportgen", "submit", str(good), "--month", "2019-05", "--data",
                          str(data_copy)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_submit_names_values_the_last_revision_gave_and_this_one_leaves_empty(tmp_path, data_copy):
    full = write_csv(tmp_path, ["单位名称,PM2.5浓度,优良天数,有效监测天数,PM10浓度,备注"]
                     + [row.rstrip(",") + ",50,"  for row in GOOD_ROWS], "full.csv")
    partial = write_csv(tmp_path, [HEADER] + GOOD_ROWS, "partial.csv")
    for path in (full, partial):
        out = subprocess.run([sys.executable, "-m", "reportgen", "submit", str(path), "--data", str(data_copy),
                              "--month", "2019-05"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    assert "[提醒] 第1版填了、本版空着的数值（5项），通报中将按未填报处理，请核对是否漏填：" in out.stdout
    assert "  南京市 PM10浓度" in out.stdout and "  高淳区 PM10浓度" in out.stdout
    assert "PM2.5浓度" not in out.stdout.split("[提醒]")[1]


def test_a_file_read_again_gives_the_same_reports_and_a_bad_one_its_messages_again(plan, tmp_path):
    """The rows of a file read without problems are kept by its bytes (issue 18): the same bytes under
    another name give the same reports; a changed byte is read anew; a file with a problem is never kept,
    so each reading reports it under its own name."""
    from reportgen.load import submissions as module

    first = write_csv(tmp_path, [HEADER] + GOOD_ROWS, "a.csv")
    copy = write_csv(tmp_path, [HEADER] + GOOD_ROWS, "b.csv")
    reports, errors = read(plan, first)
    assert not errors and reports
    kept = len(module._ROWS_CACHE)
    again, errors = read(plan, copy)
    assert not errors and again == reports and len(module._ROWS_CACHE) == kept
    changed = write_csv(tmp_path, [HEADER] + GOOD_ROWS[:-1] + ["高淳区,29.8,28,31,"], "c.csv")
    assert read(plan, changed)[0][-1].values["pm25"] == Decimal("29.8")
    bad = [HEADER] + GOOD_ROWS[:-1] + ["高淳区,29.9,28,3l,"]
    for name in ("d.csv", "e.csv"):
        reports, errors = read(plan, write_csv(tmp_path, bad, name))
        assert reports is None and len(errors) == 1 and errors[0].file.endswith(name) and "3l" in errors[0].message
