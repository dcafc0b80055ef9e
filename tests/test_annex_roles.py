"""Annex roles are declared in the plan data (annexes/annexN.yaml `role:`), not fixed by annex numbers:
a plan that numbers its annexes differently gets the same bulletin figures and form columns; an unknown
or doubled role is a located error; a plan without a role loses that feature and is told so."""

import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA
from helpers import docx_text
from openpyxl import load_workbook

from reportgen.annex_roles import ANNEX_ROLES
from reportgen.build import build
from reportgen.cli import main
from reportgen.load.plan import load_plan
from reportgen.writers.submission_form import DATA_SHEET, HEADER_ROW, HELP_SHEET, write_form

MONTH = "2021-12"   # the sample submissions' last month: project progress and the targets are reported


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def replace_in(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def swap_annexes(root, a, b):
    """Renumber annexes a and b of the data set at `root` as an office would: the files, their
    `number:`, and every reference in the plan's texts and letters.yaml."""
    annexes = root / "annexes"
    for ext in ("yaml", "csv"):
        (annexes / f"annex{a}.{ext}").rename(annexes / f"annex_tmp.{ext}")
        (annexes / f"annex{b}.{ext}").rename(annexes / f"annex{a}.{ext}")
        (annexes / f"annex_tmp.{ext}").rename(annexes / f"annex{b}.{ext}")
    replace_in(annexes / f"annex{a}.yaml", f"number: {b}\n", f"number: {a}\n")
    replace_in(annexes / f"annex{b}.yaml", f"number: {a}\n", f"number: {b}\n")
    workplan = root / "workplan.yaml"
    text = workplan.read_text(encoding="utf-8")
    text = re.sub(rf"附件([{a}{b}])(?![0-9])", lambda m: f"附件{b if m.group(1) == str(a) else a}", text)
    workplan.write_text(text, encoding="utf-8")
    letters = root / "letters.yaml"
    replace_in(letters, "annexes: [1, 3, 4, 5, 6, 7, 8]", "annexes: [6, 3, 4, 5, 1, 7, 8]")


@pytest.fixture(scope="module")
def renumbered(tmp_path_factory):
    """The default data and a copy whose 附件1 and 附件6 trade numbers, each with its December
    bulletin (DOCX text) and the form of 南京."""
    base = tmp_path_factory.mktemp("roles")
    out = {}
    for name in ("as_published", "renumbered"):
        root = base / name
        shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("2020-*", "2021-0*", "2021-10", "2021-11"))
        if name == "renumbered":
            swap_annexes(root, 1, 6)
        result = build(root, base / f"{name}-out", kinds=("bulletins",), months=[MONTH])
        docx = next(w.path for w in result.written if w.path.suffix == ".docx")
        plan = load_plan(root)[0]
        form = base / f"{name}.xlsx"
        write_form(plan, MONTH, plan.units.find("南京"), form)
        out[name] = {"plan": plan, "bulletin": docx_text(docx), "form": form}
    return out


def test_the_renumbered_plan_declares_the_same_roles_under_other_numbers(renumbered):
    a, b = renumbered["as_published"]["plan"], renumbered["renumbered"]["plan"]
    assert a.annex_for_role("projects").number == 6 and b.annex_for_role("projects").number == 1
    assert a.annex_for_role("city_targets").number == 1 and b.annex_for_role("city_targets").number == 6
    assert b.annex_for_role("county_targets").number == 2


def test_renumbered_annexes_give_the_same_bulletin(renumbered):
    before, after = renumbered["as_published"]["bulletin"], renumbered["renumbered"]["bulletin"]
    assert "全省年度目标为PM2.5浓度37微克/立方米、优良天数比率81.3%" in after
    assert "对照《2021年大气污染防治工程项目表》（工作计划附件1）" in after
    assert "注：年度项目为工作计划附件1所列项目数" in after
    # every figure, list and target the same; only the projects annex's number follows the data
    assert after == before.replace("工作计划附件6", "工作计划附件1")
    assert "工作计划附件6" not in after


def test_renumbered_annexes_give_the_same_form_columns(renumbered):
    def headers(path):
        ws = load_workbook(path)[DATA_SHEET]
        return [ws.cell(HEADER_ROW, c).value for c in range(1, ws.max_column + 1)]

    before, after = headers(renumbered["as_published"]["form"]), headers(renumbered["renumbered"]["form"])
    assert after == before
    assert "VOCs综合治理项目（已完成）（项）" in after and "PM2.5浓度工作目标（微克/立方米）（已完成）" not in "".join(after)


def strip_role(root, n):
    path = root / "annexes" / f"annex{n}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^role: .*\n", "", text, flags=re.M), encoding="utf-8")


def write_plain_month(root, plan, month):
    """Submissions of air-quality figures only (no progress columns), as a plan without projects asks."""
    for i, city in enumerate(plan.units.cities):
        folder = root / "submissions" / month / city.name
        folder.mkdir(parents=True)
        lines = ["单位名称,PM2.5浓度,优良天数,有效监测天数,备注", f"{city.name},{30 + i}.0,24,28,"]
        lines += [f"{county.name},{25 + j}.5,24,28," for j, county in enumerate(plan.units.children(city))]
        (folder / "r01_20220105T090000.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_without_a_projects_annex_the_form_and_bulletin_have_no_progress(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions"))
    strip_role(root, 6)
    plan = load_plan(root)[0]
    assert plan.annex_for_role("projects") is None
    write_plain_month(root, plan, MONTH)
    result = run("validate", "--data", root)
    assert result.exit_code == 0, result.output
    assert "没有附件声明用途 role: projects" in result.output and "报送表没有项目进度列" in result.output
    form = tmp_path / "form.xlsx"
    write_form(plan, MONTH, plan.units.find("南京"), form)
    wb = load_workbook(form)
    headers = [wb[DATA_SHEET].cell(HEADER_ROW, c).value for c in range(1, wb[DATA_SHEET].max_column + 1)]
    assert not any("已完成" in h for h in headers), headers
    help_text = "\n".join(str(c.value) for row in wb[HELP_SHEET].iter_rows() for c in row if c.value)
    assert "项目进度" not in help_text and "3. 每个数值单元格" in help_text
    result = build(root, tmp_path / "out", kinds=("bulletins",), months=[MONTH])
    text = docx_text(next(w.path for w in result.written if w.path.suffix == ".docx"))
    assert "重点工程项目进展" not in text and "工程项目表" not in text
    assert "对照2021年度目标（工作计划附件2）" in text    # the county targets remain


UNKNOWN = ["annex6.yaml", "字段“role”", "不认识的附件用途“project”", "是否是：projects", *ANNEX_ROLES]


@pytest.mark.parametrize("mutate,expected", [
    (lambda r: replace_in(r / "annexes/annex6.yaml", "role: projects", "role: project"), UNKNOWN),
    (lambda r: replace_in(r / "annexes/annex6.yaml", "role: projects", "role: [projects]"),
     ["annex6.yaml", "字段“role”", "不认识的附件用途“列表"]),
    (lambda r: replace_in(r / "annexes/annex7.yaml", "number: 7\n", "number: 7\nrole: projects\n"),
     ["annex7.yaml", "第2行", "字段“role”", "用途 projects 已由附件6（annex6.yaml）声明"]),
    (lambda r: replace_in(r / "annexes/annex3.yaml", "number: 3\n", "number: 3\nrole: city_targets\n"),
     ["annex3.yaml", "第2行", "字段“role”", "应有列 pm25_target、good_days_ratio_target"]),
    (lambda r: replace_in(r / "annexes/annex1.yaml", "role: city_targets", "role: county_targets"),
     ["annex1.yaml", "第2行", "应为 rows: counties"]),
], ids=["unknown", "not-text", "twice", "columns", "rows"])
def test_bad_roles_are_located_errors(tmp_path, mutate, expected):
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions"))
    mutate(root)
    result = run("validate", "--data", root)
    assert result.exit_code == 2, result.output
    errors = [s for s in result.output.splitlines() if s.startswith("[错误]")]
    assert any(all(f in e for f in expected) for e in errors), "\n".join(errors)


def test_the_bulletin_command_shows_the_gaps_of_the_annexes_it_reads_by_role(tmp_path):
    """`reportgen bulletin` shows gaps only of the annexes with a bulletin's roles, whatever their
    numbers: after renumbering, a gap in the projects annex (now 附件1) is shown, 附件8's are not."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("2020-*", "2021-0*", "2021-10", "2021-11"))
    swap_annexes(root, 1, 6)
    replace_in(root / "annexes" / "annex1.csv", "南京,4,20,20,", "南京,4,20,,")
    result = run("bulletin", "--data", root, "--out", tmp_path / "out", "--month", MONTH)
    assert result.exit_code == 0, result.output
    gaps = [s for s in result.output.splitlines() if s.startswith("[缺失]")]
    assert any("annex1.csv" in g and "南京市" in g and "A级企业培育" in g for g in gaps), result.output
    assert not any("annex8.csv" in g for g in gaps), result.output
