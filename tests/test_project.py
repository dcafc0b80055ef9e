"""The project folder (reportgen.yaml): discovery, overrides by flags, a missing or wrong project file,
`reportgen init`, `reportgen new-plan`, a project's own templates and profiles, and the program hash."""

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import pdf_text

from reportgen import manifest, resources
from reportgen.build import build
from reportgen.cli import main
from reportgen.profile import DEFAULT_PROFILE, Profile
from reportgen.project import load_project
from reportgen.scaffold import init_project

FONT = ROOT / "fonts" / "FandolFang-Regular.otf"
MONTH = "2021-05"


@pytest.fixture(autouse=True)
def restore_resources():
    """Commands run in a temporary project put its templates and fonts in force: put back the checkout's."""
    saved = resources.current()
    yield
    resources.use(saved)


def invoke(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def example_project(tmp_path_factory):
    """A project made by init (read-only use: tests that change it copy it first)."""
    folder = tmp_path_factory.mktemp("init") / "project"
    init_project(folder)
    shutil.copy(FONT, folder / "fonts")
    return folder


@pytest.fixture
def project(example_project, tmp_path):
    folder = tmp_path / "project"
    shutil.copytree(example_project, folder, symlinks=True)
    return folder


# --- discovery and flags -------------------------------------------------------------------------------

def test_commands_find_the_project_from_a_subfolder(project, monkeypatch):
    monkeypatch.chdir(project / "data" / "jiangsu-2021" / "annexes")
    result = invoke("form", "--month", MONTH, "--city", "南京")
    assert result.exit_code == 0, result.output
    written = project / "output" / "报送表" / MONTH / f"南京市{MONTH}报送表.xlsx"
    assert written.is_file() and str(written) in result.output


def test_the_project_data_set_is_used_not_the_checkouts(project, monkeypatch):
    """A value broken in the project's copy is reported: the command read the project's data."""
    annex1 = project / "data" / "jiangsu-2021" / "annexes" / "annex1.csv"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace("南京市,31,", "南京市,abc,"), encoding="utf-8")
    monkeypatch.chdir(project)
    result = invoke("validate")
    assert result.exit_code == 2
    assert "annex1.csv，第2行" in result.output and "abc" in result.output


def test_out_and_data_flags_override_the_project(project, tmp_path, monkeypatch):
    monkeypatch.chdir(project)
    other = tmp_path / "elsewhere"
    result = invoke("form", "--month", MONTH, "--city", "无锡", "--out", other / "f.xlsx")
    assert result.exit_code == 0, result.output
    assert (other / "f.xlsx").is_file() and not (project / "output" / "报送表").exists()
    # --data names a data set of the project, or a folder
    broken = tmp_path / "broken"
    shutil.copytree(project / "data" / "jiangsu-2021", broken)
    (broken / "units.csv").unlink()
    by_folder = invoke("validate", "--data", broken)
    assert by_folder.exit_code == 2 and "units.csv" in by_folder.output
    by_name = invoke("validate", "--data", "jiangsu-2021")
    assert by_name.exit_code == 0, by_name.output


def test_project_option_and_environment_variable(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # no reportgen.yaml here or above
    by_option = invoke("--project", project, "form", "--month", MONTH, "--city", "常州")
    assert by_option.exit_code == 0, by_option.output
    assert (project / "output" / "报送表" / MONTH / f"常州市{MONTH}报送表.xlsx").is_file()
    by_env = invoke("form", "--month", MONTH, "--city", "苏州", env={"REPORTGEN_PROJECT": str(project)})
    assert by_env.exit_code == 0, by_env.output
    assert (project / "output" / "报送表" / MONTH / f"苏州市{MONTH}报送表.xlsx").is_file()
    wrong = invoke("--project", tmp_path / "nothing", "validate")
    assert wrong.exit_code == 2 and "没有项目文件 reportgen.yaml" in wrong.output


@pytest.mark.parametrize("args", [["validate"], ["build", "--only", "notice"], ["form", "--month", MONTH, "--city", "南京"],
                                  ["submissions", "--month", MONTH], ["bulletin", "--month", MONTH]])
def test_no_project_and_no_data_stops_with_exit_2(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "找不到项目文件夹（reportgen.yaml）" in result.output
    assert "reportgen init" in result.output and "--data" in result.output
    assert list(tmp_path.iterdir()) == []   # nothing written, and not the checkout's Jiangsu data either


def test_the_checkout_is_a_project():
    project = load_project(ROOT / "reportgen.yaml")
    assert project.dataset() == (ROOT / "data" / "jiangsu-2021").resolve()
    assert project.output == (ROOT / "output").resolve()
    assert project.fonts == ((ROOT / "fonts").resolve(),)


# --- a wrong reportgen.yaml ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("datasets:\n  a: data/jiangsu-2021\noutptu: out\n", ["第3行", "outptu", "是否是“output”"]),
    ("datasets:\n  a: data/jiangsu-2021\ndefault: b\n", ["第3行", "default", "默认数据集“b”不在 datasets 中"]),
    ("datasets: [data/jiangsu-2021]\n", ["第1行", "datasets", "名称: 文件夹"]),
    ("output: out\n", ["缺少必填字段“datasets”"]),
    ("datasets:\n  a: 5\n", ["第2行", "datasets.a", "数字 5"]),
    ("datasets:\n  a b: data\n", ["第2行", "不能含空格"]),
    ("datasets:\n  a: data/jiangsu-2021\nprofile: gbt9705\n", ["第3行", "profile", "是否是“gbt9704”"]),
    ("datasets:\n  a: data/jiangsu-2021\nfonts: {a: 1}\n", ["第3行", "fonts"]),
    ("datasets:\n  a: &x data\n  b: *x\n", ["第2行", "锚点"]),
    ("datasets:\n  a: data\n   b: c\n", ["YAML格式错误"]),
    ("", ["文件为空"]),
])
def test_a_wrong_project_file_is_a_located_error(text, expected, project, monkeypatch):
    (project / "reportgen.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    result = invoke("validate")
    assert result.exit_code == 2, result.output
    assert "reportgen.yaml" in result.output
    for part in expected:
        assert part in result.output, (part, result.output)
    assert "Traceback" not in result.output


def test_a_data_set_whose_folder_is_missing(project, monkeypatch):
    shutil.rmtree(project / "data" / "jiangsu-2021")
    monkeypatch.chdir(project)
    result = invoke("validate")
    assert result.exit_code == 2
    assert "第4行" in result.output and "datasets.jiangsu-2021" in result.output and "不存在" in result.output


# --- init ----------------------------------------------------------------------------------------------

def test_init_makes_a_project_that_validates(tmp_path, monkeypatch):
    target = tmp_path / "office"
    result = invoke("init", target)
    assert result.exit_code == 0, result.output
    assert "reportgen validate" in result.output and "new-plan" in result.output
    assert (target / "reportgen.yaml").is_file()
    assert (target / "data" / "jiangsu-2021" / "submissions" / "SAMPLE.md").is_file()
    assert not (target / "data" / "jiangsu-2021" / "issued").exists()
    assert not list(tmp_path.glob(".reportgen-init-*"))
    monkeypatch.chdir(target)
    validated = invoke("validate")
    assert validated.exit_code == 0, validated.output
    assert "示例数据" in validated.output


def test_init_in_the_current_empty_folder_keeps_that_folder(tmp_path, monkeypatch):
    """`reportgen init` in the folder one stands in fills it: replacing it would leave the shell (and the
    process) in a deleted folder."""
    target = tmp_path / "office"
    target.mkdir()
    inode = target.stat().st_ino
    monkeypatch.chdir(target)
    result = invoke("init")
    assert result.exit_code == 0, result.output
    assert target.stat().st_ino == inode and (target / "reportgen.yaml").is_file()
    assert Path.cwd() == target and not list(tmp_path.glob(".reportgen-init-*"))


def test_init_refuses_a_project_or_a_non_empty_folder(tmp_path, example_project):
    again = invoke("init", example_project)
    assert again.exit_code == 2 and "已有项目文件 reportgen.yaml" in again.output
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("x", encoding="utf-8")
    refused = invoke("init", busy)
    assert refused.exit_code == 2 and "不是空的" in refused.output
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("init", empty).exit_code == 0


# --- new-plan ------------------------------------------------------------------------------------------

def test_new_plan_clears_what_must_be_decided_and_says_so(project, monkeypatch):
    monkeypatch.chdir(project)
    old_config = (project / "reportgen.yaml").read_text(encoding="utf-8")
    result = invoke("new-plan", "2022", "--from", "jiangsu-2021")
    assert result.exit_code == 0, result.output
    new = project / "data" / "jiangsu-2022"
    out = result.output
    # registered, the rest of reportgen.yaml (comments included) as it was
    config = (project / "reportgen.yaml").read_text(encoding="utf-8")
    assert "  jiangsu-2022: data/jiangsu-2022\n" in config
    assert config.replace("  jiangsu-2022: data/jiangsu-2022\n", "") == old_config
    assert load_project(project / "reportgen.yaml").datasets["jiangsu-2022"] == new.resolve()
    # the notice: year, date, title
    notice = (new / "notice.yaml").read_text(encoding="utf-8")
    date_line = next(line for line in notice.splitlines() if line.startswith("date:"))
    assert "year: 2022" in notice and date_line.split("#")[0].strip() == "date:"
    assert "title: 关于印发江苏省2022年大气污染防治工作计划的通知" in notice
    assert "# 发文机关 (署名)" in notice   # comments kept
    assert "date（成文日期）：已清空（原为 2021-03-07）" in out
    # letters: the period follows the year
    assert "period: {start: 2022-01-01, end: 2022-12-31}" in (new / "letters.yaml").read_text(encoding="utf-8")
    # annex values cleared, units kept; every cleared file named in the output
    with open(new / "annexes" / "annex1.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 13 and all(r["unit"] and not r["pm25_target"] and not r["good_days_ratio_target"] for r in rows)
    for n in (1, 2, 3, 5, 6, 7, 8):
        assert f"annexes/annex{n}.csv" in out
    stated_line = next(i for i, line in enumerate(
        (project / "data" / "jiangsu-2021" / "annexes" / "annex1.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if line.strip().startswith("values:"))
    assert f"annexes/annex1.yaml 第{stated_line}行：total.values" in out
    assert (new / "annexes" / "annex4.csv").read_bytes() == \
        (project / "data" / "jiangsu-2021" / "annexes" / "annex4.csv").read_bytes()
    assert "annexes/annex4.csv：清单" in out and "请逐行核对" in out
    assert "workplan.yaml 第17行：仍写着2021年" in out
    # submissions carried for the 同比 comparison, and said so; the checklist in the new README
    assert (new / "submissions" / "2021-05").is_dir() and "submissions/" in out and "同比" in out
    assert "notice.yaml" in (new / "README.md").read_text(encoding="utf-8")
    assert (project / "data" / "jiangsu-2021" / "notice.yaml").read_text(encoding="utf-8").count("2021") > 2  # untouched

    # validate lists what is to be decided: the date as an error, every cleared value as missing
    validated = invoke("validate", "--data", "jiangsu-2022")
    assert validated.exit_code == 2
    errors = [line for line in validated.output.splitlines() if line.startswith("[错误]")]
    assert errors == ["[错误] jiangsu-2022/notice.yaml，第3行，字段“date”：缺少必填字段“date”"], errors
    gaps = validated.output.count("[缺失] jiangsu-2022/annexes/annex1.csv")
    assert gaps == 26
    assert "全省行“PM2.5浓度工作目标（微克/立方米）”的公布值" in validated.output


def test_new_plan_refusals(project, monkeypatch):
    monkeypatch.chdir(project)
    assert invoke("new-plan", "2022", "--from", "jiangsu-2021").exit_code == 0
    for args, message in ((["2022", "--from", "jiangsu-2021"], "已有名为“jiangsu-2022”"),
                          (["2021", "--from", "jiangsu-2021", "--name", "x"], "应晚于"),
                          (["2023", "--from", "nosuch"], "没有名为“nosuch”"),
                          (["2023", "--from", "jiangsu-2021", "--name", "a/b"], "不能含")):
        result = invoke("new-plan", *args)
        assert result.exit_code == 2 and message in result.output, result.output
    assert sorted(p.name for p in (project / "data").iterdir()) == ["jiangsu-2021", "jiangsu-2022"]
    # a reportgen.yaml that cannot be edited line by line stops it before anything is made
    (project / "reportgen.yaml").write_text("datasets: {jiangsu-2021: data/jiangsu-2021}\n", encoding="utf-8")
    flow = invoke("new-plan", "2023", "--from", "jiangsu-2021")
    assert flow.exit_code == 2 and "写在一行中" in flow.output
    assert sorted(p.name for p in (project / "data").iterdir()) == ["jiangsu-2021", "jiangsu-2022"]


# --- a project's own templates and profiles ------------------------------------------------------------

def test_a_project_template_replaces_the_packages_and_rebuilds(project, monkeypatch):
    monkeypatch.chdir(project)
    first = invoke("letters", "--unit", "南京")
    assert first.exit_code == 0, first.output
    letter = project / "output" / "2021" / "目标责任书" / "南京市.pdf"
    assert "本项目自己的模板" not in pdf_text(letter)
    unchanged = invoke("letters", "--unit", "南京")
    assert "都是最新的" in unchanged.output
    own = (resources.TEMPLATES_DIR / "letter.html.j2").read_text(encoding="utf-8")
    marker = "<p class=\"body\">本项目自己的模板</p>"
    assert own.endswith("</section>\n{% endblock %}\n")
    (project / "templates" / "letter.html.j2").write_text(
        own.replace("</section>\n{% endblock %}", marker + "</section>\n{% endblock %}", 1), encoding="utf-8")
    second = invoke("letters", "--unit", "南京")
    assert second.exit_code == 0, second.output
    assert "模板" in second.output and "南京市.pdf" in second.output
    assert "本项目自己的模板" in pdf_text(letter)
    assert (resources.TEMPLATES_DIR / "letter.html.j2").read_text(encoding="utf-8") == own
    # the shared pieces every document template uses count too: a project's own macros rebuild the letter
    macros = (resources.TEMPLATES_DIR / "_macros.html.j2").read_text(encoding="utf-8")
    (project / "templates" / "_macros.html.j2").write_text(macros + "\n{#- the project's own copy -#}\n", encoding="utf-8")
    third = invoke("letters", "--unit", "南京")
    assert third.exit_code == 0 and "模板" in third.output and "南京市.pdf" in third.output, third.output


def test_a_project_profile_replaces_the_packages(project):
    (project / "profiles" / "gbt9704.yaml").write_text('page_number:\n  text: "- {page} -"\n', encoding="utf-8")
    (project / "profiles" / "本单位.yaml").write_text("base: gbt9704\ngrid:\n  line_pitch_pt: 28\n", encoding="utf-8")
    load_project(project / "reportgen.yaml").activate()
    standard = Profile.load()
    assert standard.path == project / "profiles" / "gbt9704.yaml"
    assert standard.page_number["text"] == "- {page} -"
    assert ("page_number.text", "— {page} —", "- {page} -") in standard.deviations()
    office = Profile.load(resources.profile_by_name("本单位"))
    assert office.grid["line_pitch_pt"] == 28 and office.page_number["text"] == "- {page} -"  # based on the project's
    assert Profile.load(DEFAULT_PROFILE).page_number["text"] == "— {page} —"


def test_templates_profiles_and_example_are_package_data():
    for path in (resources.TEMPLATES_DIR / "notice.html.j2", resources.STANDARD_PROFILE,
                 resources.example_dir() / "notice.yaml", resources.example_dir() / "submissions" / "SAMPLE.md"):
        assert path.is_file(), path
    assert resources.TEMPLATES_DIR.parent == Path(manifest.__file__).parent


# --- library versions in the program hash --------------------------------------------------------------

def test_upgrading_a_library_marks_outputs_stale(tmp_path, monkeypatch):
    data = ROOT / "data" / "jiangsu-2021"
    first = build(data, tmp_path, kinds=("letters",), unit_names=["南京"])
    assert first.written
    assert not build(data, tmp_path, kinds=("letters",), unit_names=["南京"]).written

    import importlib.metadata

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "999.0" if name == "weasyprint" else real(name))
    manifest.program_digest.cache_clear()
    try:
        assert manifest.library_versions()["weasyprint"] == "999.0"
        again = build(data, tmp_path, kinds=("letters",), unit_names=["南京"])
    finally:
        monkeypatch.undo()
        manifest.program_digest.cache_clear()
    assert again.written and all("程序版本" in w.reasons for w in again.written)
