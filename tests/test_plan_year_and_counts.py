"""The plan year is stated in notice.yaml (`year:`), not taken from the notice's date; counts of units
in wording ({city_count}, {county_count}) follow units.csv; the rankings `reportgen diff` compares are
those bulletin.yaml sets."""

import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA
from helpers import docx_text, pdf_text
from test_annex_roles import replace_in, write_plain_month

from reportgen.build import build
from reportgen.cli import main
from reportgen.compute.revision_diff import bulletin_rankings
from reportgen.load.plan import load_plan


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def plan_copy(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions"))
    return root


def error_lines(result):
    return [s for s in result.output.splitlines() if s.startswith("[错误]")]


def assert_refused(result, expected):
    assert result.exit_code == 2, result.output
    assert any(all(f in e for f in expected) for e in error_lines(result)), result.output


# -- the plan year ---------------------------------------------------------------------------------

@pytest.mark.parametrize("old,new,expected", [
    ("year: 2021 ", "# year: 2021 ", ["notice.yaml", "缺少必填字段“year”", "字段“year”"]),
    ("year: 2021 ", "year: 二〇二一 ", ["notice.yaml", "第3行", "字段“year”应为整数，实际为“二〇二一”"]),
    ("year: 2021 ", "year: 2021.5 ", ["notice.yaml", "第3行", "字段“year”应为整数"]),
    ("year: 2021 ", "year: 221 ", ["notice.yaml", "第3行", "字段“year”", "计划年度应为2000～2100之间的四位年份"]),
    ("year: 2021 ", "year: '2021' ", ["notice.yaml", "第3行", "字段“year”应为整数"]),
], ids=["missing", "chinese", "decimal", "three-digits", "quoted"])
def test_a_missing_or_bad_year_is_a_located_error(plan_copy, old, new, expected):
    replace_in(plan_copy / "notice.yaml", old, new)
    assert_refused(run("validate", "--data", plan_copy), expected)


def test_a_plan_issued_the_year_before_is_filed_under_its_own_year(plan_copy, tmp_path):
    notice = plan_copy / "notice.yaml"
    replace_in(notice, "year: 2021 ", "year: 2022 ")
    replace_in(notice, "date: 2021-03-07", "date: 2021-12-20")
    result = run("validate", "--data", plan_copy)
    assert result.exit_code == 0, result.output
    # the title still says 2021: said, not refused
    assert "[提醒]" in result.output and "计划年度为2022年，但标题" in result.output
    plan = load_plan(plan_copy)[0]
    assert plan.year == 2022 and plan.notice.date.year == 2021
    built = build(plan_copy, tmp_path / "out", kinds=("notice",))
    pdf = next(w.path for w in built.written if w.path.suffix == ".pdf")
    assert pdf.parent == tmp_path / "out" / "2022" / "通知"
    assert "2021年12月20日" in pdf_text(pdf, 1, 1).replace("\n", "")


def test_a_date_far_from_the_year_is_said(plan_copy):
    replace_in(plan_copy / "notice.yaml", "date: 2021-03-07", "date: 2019-03-07")
    result = run("validate", "--data", plan_copy)
    assert result.exit_code == 0 and "计划年度为2021年，成文日期却是2019年" in result.output


# -- counts in wording -----------------------------------------------------------------------------

def test_counts_follow_units_csv(plan_copy, tmp_path):
    """One county merged away (高淳区 dropped from units.csv and 附件2): every count of counties says 53."""
    replace_in(plan_copy / "units.csv", "320118,高淳区,高淳,county,南京,\n", "")
    replace_in(plan_copy / "annexes" / "annex2.csv", "南京,高淳,34,87.1\n", "")
    plan = load_plan(plan_copy)[0]
    write_plain_month(plan_copy, plan, "2021-05")
    result = build(plan_copy, tmp_path / "out", kinds=("notice", "bulletins"), months=["2021-05"])
    files = {(w.path.parent.name, w.path.suffix): w.path for w in result.written}
    notice = pdf_text(files[("通知", ".pdf")]).replace("\n", "")
    assert "2021年53个县（市、区）空气质量工作目标表" in notice
    assert "各设区市、53个县（市、区）2021年空气质量改善工作目标" in notice
    assert "54个" not in notice
    bulletin = docx_text(files[("通报", ".docx")])
    assert "对53个县（市、区）空气质量状况进行排名" in bulletin
    assert "全省数值为13个设区市的算术平均" in bulletin
    assert "54个" not in bulletin


@pytest.mark.parametrize("file,old,new,expected", [
    ("bulletin.yaml", "对{county_count}个", "对{counties}个",
     ["bulletin.yaml", "字段“basis”", "不认识的占位符“{counties}”", "{city_count}、{county_count}"]),
    ("bulletin.yaml", "全省数值为{city_count}个", "全省数值为{city_count:03d}个",
     ["bulletin.yaml", "字段“data_note”", "不认识的占位符“{city_count:03d}”"]),
    ("annexes/annex2.yaml", "2021年{county_count}个", "2021年{县数}个",
     ["annex2.yaml", "第3行", "字段“title”", "不认识的占位符“{县数}”"]),
    ("annexes/annex3.yaml", "title: 2021年", "title: 按{year}年",
     ["annex3.yaml", "字段“title”", "不认识的占位符“{year}”"]),
], ids=["basis", "format-spec", "annex-title", "annex-year"])
def test_unknown_placeholders_are_located_errors(plan_copy, file, old, new, expected):
    replace_in(plan_copy / file, old, new)
    assert_refused(run("validate", "--data", plan_copy), expected)


# -- rankings compared by diff ---------------------------------------------------------------------

def test_diff_compares_the_rankings_bulletin_yaml_sets(plan_copy):
    settings = load_plan(DATA)[0].bulletin
    may = bulletin_rankings(settings, "2021-05")
    names = [name for *_, name in may]
    assert names[:4] == ["县（市、区）PM2.5浓度（单月）", "县（市、区）PM2.5浓度改善幅度（单月）",
                         "县（市、区）优良天数比率（单月）", "县（市、区）优良天数比率改善幅度（单月）"]
    assert "县（市、区）优良天数比率改善幅度（累计）" in names and names[-2:] == [
        "设区市PM2.5浓度（累计）", "设区市优良天数比率（累计）"]
    assert len(may) == 2 * 4 + 2
    # January's 单月 and 累计 are the same months: compared once
    assert len(bulletin_rankings(settings, "2021-01")) == 4 + 2
    # the 2024 rules in bulletin.yaml: composite instead of good_rate, quarters at their last month
    replace_in(plan_copy / "bulletin.yaml", "periods: [month, cumulative]", "periods: [quarter]")
    replace_in(plan_copy / "bulletin.yaml", "indicators: [pm25, pm25_change, good_rate, good_rate_change]",
               "indicators: [pm25, composite]")
    settings = load_plan(plan_copy)[0].bulletin
    assert [n for *_, n in bulletin_rankings(settings, "2021-06")][:2] == [
        "县（市、区）PM2.5浓度（季度）", "县（市、区）环境空气质量综合指数（季度）"]
    assert len(bulletin_rankings(settings, "2021-05")) == 2
