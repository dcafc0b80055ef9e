"""The second data set (tests/data/example-2022, tools/make_example_province.py): a fictional province's
2022 plan — 5 设区市 and 17 县（市、区）, annexes numbered differently from Jiangsu's (their meaning is
their `role:`), no 片区, the plan year in notice.yaml with a notice dated December 2021, one county
merged during the year — must validate and build every document kind, and no output may carry Jiangsu
text (nor 2021 text in the plan documents). Issue 14.

Two groups: the data set itself, its generator and the submission files; then validate, build and read
back every document (class TestBuiltDataSet).
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import html
import importlib.util
import re
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "example-2022"
GENERATOR = ROOT / "tools" / "make_example_province.py"

# Text of the Jiangsu data set that must never reach this data set's documents: the province, its
# 片区, its office and 文号 prefix, a city name, and Jiangsu's fixed unit counts.
JIANGSU_TEXT = ("江苏", "苏南", "苏中", "苏北", "苏大气办", "南京", "13个设区市", "54个县")
SAMPLE_MARK = "【示例数据】"
CITY_COUNT, COUNTY_COUNT = 5, 17

def load_generator():
    spec = importlib.util.spec_from_file_location("make_example_province", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = load_generator()


def annex_roles(data: Path = DATA) -> dict[str, int]:
    """role → annex number, as the data set declares it (annexes/annexN.yaml `role:`)."""
    roles = {}
    for path in sorted((data / "annexes").glob("annex*.yaml")):
        schema = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "role" in schema:
            roles[schema["role"]] = schema["number"]
    return roles


def project_headers(data: Path = DATA) -> list[str]:
    """The projects annex's column headers (derived 合计 excluded), whatever its number."""
    n = annex_roles(data)["projects"]
    schema = yaml.safe_load((data / "annexes" / f"annex{n}.yaml").read_text(encoding="utf-8"))
    cols = []
    for c in schema["columns"]:
        cols += c["columns"] if "group" in c else [c]
    return [c["header"].replace("\n", "") for c in cols if not c.get("derived")]


def units_rows(data: Path = DATA) -> list[dict]:
    with open(data / "units.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------------------------
# reading documents back

PAGE_NUMBER_LINE = re.compile(r"^\s*—\s*\d+\s*—\s*$")


def pdf_text(path: Path) -> str:
    """Text of every page (page-number lines dropped, so a sentence across pages reads whole) and the
    document information (title, author, …)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    out = "\n".join(line for line in out.replace("\f", "\n").splitlines() if not PAGE_NUMBER_LINE.match(line))
    from pypdf import PdfReader
    meta = PdfReader(str(path)).metadata or {}
    return out + "\n" + "\n".join(str(v) for v in meta.values())


def xml_text(xml: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", xml))


def docx_text(path: Path) -> str:
    """Every text part of the package: body, headers, footers, footnotes and document properties."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(xml_text(z.read(n).decode("utf-8")) for n in z.namelist()
                         if n.endswith(".xml") and (n.startswith("word/") or n.startswith("docProps/")))


def html_text(path: Path) -> str:
    return xml_text(path.read_text(encoding="utf-8"))


def xlsx_text(path: Path) -> str:
    wb = load_workbook(path)
    parts = [wb.properties.title or "", wb.properties.creator or "", wb.properties.subject or ""]
    for ws in wb.worksheets:
        parts.append(ws.title)
        parts.append(ws.oddHeader.center.text or "" if ws.oddHeader else "")
        for row in ws.iter_rows(values_only=True):
            parts += [str(v) for v in row if v is not None]
    return "\n".join(parts)


READERS = {".pdf": pdf_text, ".docx": docx_text, ".html": html_text, ".xlsx": xlsx_text}


def flat(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines (and GB/T 9704 spaces some titles)."""
    return re.sub(r"\s+", "", text)


def jiangsu_in(text: str) -> list[str]:
    t = flat(text)
    return [w for w in JIANGSU_TEXT if w in t]


# ---------------------------------------------------------------------------------------------------
# the data set itself (passes before and after issue 14's loader changes)

def test_generator_is_deterministic(tmp_path):
    """Re-running the generator gives the committed files byte for byte."""
    out = tmp_path / "example-2022"
    gen.generate(out)
    mine = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file())
    assert mine == committed
    _, mismatch, errors = filecmp.cmpfiles(out, DATA, [str(p) for p in mine], shallow=False)
    assert not mismatch and not errors, f"regenerated files differ: {mismatch + errors}"


def test_dataset_is_another_province():
    """Other unit counts, no 片区, other annex numbering, a plan year that is not the notice date's."""
    rows = units_rows()
    assert "region" not in rows[0]
    assert sum(r["level"] == "city" for r in rows) == CITY_COUNT
    assert sum(r["level"] == "county" for r in rows) == COUNTY_COUNT
    assert all(r["code"].startswith("99") for r in rows)       # no real province has the code 99
    roles = annex_roles()
    assert set(roles) == {"projects", "city_targets", "county_targets"}
    # Jiangsu's numbers are city targets 1, county targets 2, projects 6: none of them here
    assert roles["city_targets"] != 1 and roles["county_targets"] != 2 and roles["projects"] != 6
    assert not (DATA / "annexes" / "annex6.yaml").exists()
    notice = yaml.safe_load((DATA / "notice.yaml").read_text(encoding="utf-8"))
    assert notice[gen.PLAN_YEAR_KEY] == 2022 and notice["date"].year == 2021
    assert (DATA / "SAMPLE.md").exists() and (DATA / "submissions" / "SAMPLE.md").exists()
    assert (DATA / "README.md").read_text(encoding="utf-8").count("示例数据") >= 1


def test_unit_change_refers_to_units_of_one_city():
    changes = yaml.safe_load((DATA / "unit_changes.yaml").read_text(encoding="utf-8"))["changes"]
    assert isinstance(changes, list) and len(changes) == 1
    change = changes[0]
    assert set(change) == {"date", "kind", "from", "into", "comparison"}
    assert change["kind"] == "merged" and change["date"] == dt.date(2022, 4, 1)
    by_name = {r["name"]: r for r in units_rows()}
    # units.csv lists the units at the start of the plan year: the merged county is still there
    assert by_name[change["from"]]["level"] == by_name[change["into"]]["level"] == "county"
    assert by_name[change["from"]]["parent"] == by_name[change["into"]]["parent"]


def test_plan_data_has_no_jiangsu_or_2021_text():
    """The data set's own texts: no Jiangsu text anywhere (but in README.md, which compares the two data
    sets and is read by no program); 2021 only as the notice's date (and in SAMPLE.md, which names the
    months of the submissions)."""
    for path in sorted(DATA.rglob("*")):
        if path.suffix not in (".yaml", ".csv", ".md") or path.name == "README.md":
            continue
        text = path.read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        assert not jiangsu_in(body), f"{path.relative_to(DATA)}: {jiangsu_in(body)}"
        if path.parent.name == "annexes" or path.name in ("workplan.yaml", "letters.yaml", "bulletin.yaml",
                                                           "departments.yaml", "units.csv"):
            assert "2021" not in body, path.relative_to(DATA)
    for path in sorted((DATA / "submissions").glob("*/*/r*.xlsx")):
        assert not jiangsu_in(xlsx_text(path)), path.relative_to(DATA)
    notice = (DATA / "notice.yaml").read_text(encoding="utf-8")
    assert [line for line in notice.splitlines() if "2021" in line and not line.startswith("#")] == \
        ["date: 2021-12-28"]


def plan_errors(data: Path) -> list:
    from reportgen.load.plan import load_plan
    from reportgen.problems import DataError
    try:
        load_plan(data)
    except DataError as e:
        return list(e.problems)
    return []


def test_plan_data_is_valid(tmp_path):
    """The plan data (work plan and its figure references, letters, bulletin settings, annexes and their
    totals, unit changes) is valid without the submissions too."""
    import shutil
    copy = tmp_path / "example-2022"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("submissions"))
    assert [str(p) for p in plan_errors(copy)] == []


def _plan_for_forms():
    from reportgen.load.plan import load_plan
    return load_plan(DATA)[0]


def test_submissions_are_forms_with_the_projects_columns():
    """Every stored submission is the form filled in: the projects annex's columns (附件1 here) are its
    progress columns, and the merged county has no row from the month of the merge."""
    expected = project_headers()
    merged = gen.UNIT_CHANGES[0]
    files = sorted((DATA / "submissions").glob("*/*/r*.xlsx"))
    assert len(files) == CITY_COUNT * len(gen.MONTHS) + 1            # one second revision
    for path in files:
        month, city = path.parent.parent.name, path.parent.name
        ws = load_workbook(path)["报送数据"]
        headers = [str(c.value or "") for c in ws[3]]
        progress = [h for h in headers if "已完成" in h]
        assert [re.sub(r"（已完成）（项）$", "", h) for h in progress] == expected, path
        names = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
        after = dt.date(int(month[:4]), int(month[5:]), 1) >= merged["date"]
        if city == "白鹭市":
            assert (merged["from"] in names) == (not after), path
        assert names[0] == city


def test_submissions_are_read_by_the_importer():
    """reportgen/load/submissions.py reads every submission without a problem: before the merge with
    桐坞县, after it without."""
    from reportgen.load.submissions import read_submission
    from reportgen.problems import Problems
    plan = _plan_for_forms()
    projects = plan.annex_for_role("projects")
    assert projects is plan.annexes[annex_roles()["projects"]]
    for path in sorted((DATA / "submissions").glob("*/*/r*.xlsx")):
        month, city_name = path.parent.parent.name, path.parent.name
        problems = Problems(DATA)
        city = plan.units.find(city_name)
        reports = read_submission(path, month, plan.units, projects, problems, city=city)
        assert not problems.errors, [p.message for p in problems.errors]
        assert len(reports) == 1 + len(plan.units.as_of(month).children(city))
        if month.startswith("2022"):
            city_row = next(r for r in reports if r.unit.name == city_name)
            assert sum(1 for k in city_row.values if k.startswith("progress.")) == len(project_headers())


# ---------------------------------------------------------------------------------------------------
# validate, build and read back every document

def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every document kind built once: {"out": Path, "result": click result, "seconds": float}."""
    out = tmp_path_factory.mktemp("example-2022-output")
    started = time.perf_counter()
    result = cli("build", "--data", DATA, "--out", out)
    seconds = time.perf_counter() - started
    print(f"example-2022 build: {seconds:.1f} s, exit {result.exit_code}")
    return {"out": out, "result": result, "seconds": seconds}


def succeeded(built) -> Path:
    """The output folder, after checking that the build succeeded (no test passes on an empty folder)."""
    assert built["result"].exit_code == 0, built["result"].output[-3000:]
    return built["out"]


def outputs(out: Path, pattern: str = "**/*") -> list[Path]:
    return sorted(p for p in out.glob(pattern) if p.is_file() and p.suffix in READERS)


def plan_documents(out: Path) -> list[Path]:
    return [p for p in outputs(out) if p.parent.name in ("通知", "目标责任书", "任务分工", "附件数据")]


def bulletins(out: Path) -> list[Path]:
    return [p for p in outputs(out) if p.parent.name == "通报"]


# notice (PDF, DOCX); a letter per unit (PDF, DOCX); 任务分工 of 7 departments (PDF, DOCX); an annex XLSX
# per unit; a bulletin (PDF, DOCX, HTML) per month of the plan year with submissions (January–May)
OUTPUT_COUNT = 2 + 2 * (CITY_COUNT + COUNTY_COUNT) + 2 * 7 + (CITY_COUNT + COUNTY_COUNT) + 3 * 5


def bulletin_of(out: Path, month: str, suffix: str = ".pdf") -> Path:
    found = [p for p in bulletins(out) if p.name.startswith(month) and p.suffix == suffix]
    assert len(found) == 1, (month, [p.name for p in bulletins(out)])
    return found[0]


class TestBuiltDataSet:

    def test_validate(self):
        result = cli("validate", "--data", DATA)
        assert result.exit_code == 0, result.output

    def test_build_every_kind(self, built):
        out = succeeded(built)
        # the plan's documents are filed under the plan year, not the year of the notice's date
        assert not (out / "2021" / "通知").exists() and not (out / "2021" / "目标责任书").exists()
        year = out / "2022"
        assert len(list((year / "通知").glob("*.pdf"))) == 1 and len(list((year / "通知").glob("*.docx"))) == 1
        assert len(list((year / "任务分工").glob("*.pdf"))) == 7        # every department in departments.yaml
        assert len(list((year / "附件数据").glob("*.xlsx"))) == CITY_COUNT + COUNTY_COUNT
        # bulletins of the plan year only: the 2021 submissions are the 同比 comparison's, and no 2021
        # bulletin is written into the shared output folder (that is the 2021 data set's)
        months = {p.name[:7] for p in bulletins(out)}
        assert months == {m for m in gen.MONTHS if m.startswith("2022-")}
        assert not (out / "2021").exists()
        for month in months:
            for suffix in (".pdf", ".docx", ".html"):
                bulletin_of(out, month, suffix)

    def test_one_letter_per_city_and_county(self, built):
        # units.csv lists the units at the start of the year: the county merged in April has a letter
        letters = succeeded(built) / "2022" / "目标责任书"
        names = {p.stem for p in letters.glob("*.pdf")}
        assert len(names) == CITY_COUNT + COUNTY_COUNT
        assert names == {p.stem for p in letters.glob("*.docx")}
        assert names == {r["name"] for r in units_rows()}

    def test_no_jiangsu_text_in_any_output(self, built):
        found = {}
        assert len(outputs(succeeded(built))) == OUTPUT_COUNT
        for path in outputs(built["out"]):
            words = jiangsu_in(READERS[path.suffix](path))
            if words:
                found[str(path.relative_to(built["out"]))] = words
        assert not found

    def test_no_2021_text_in_plan_documents(self, built):
        notice_date = f"{gen.NOTICE_DATE.year}年{gen.NOTICE_DATE.month}月{gen.NOTICE_DATE.day}日"
        found = {}
        docs = plan_documents(succeeded(built))
        assert len(docs) > 50
        for path in docs:
            text = flat(READERS[path.suffix](path))
            if path.parent.name == "通知":
                text = text.replace(notice_date, "")    # the 成文日期 is the only 2021 in the notice
            if "2021年" in text:
                found[str(path.relative_to(built["out"]))] = re.findall(r".{0,12}2021年.{0,12}", text)[:3]
        assert not found

    def test_every_document_says_sample(self, built):
        assert len(outputs(succeeded(built))) == OUTPUT_COUNT
        unmarked = [str(p.relative_to(built["out"])) for p in outputs(built["out"])
                    if SAMPLE_MARK not in flat(READERS[p.suffix](p))]
        assert not unmarked

    def test_letters_take_targets_from_the_annexes_they_name(self, built):
        from reportgen.load.plan import load_plan
        text = flat(pdf_text(succeeded(built) / "2022" / "目标责任书" / "丹枫市.pdf"))
        plan, _ = load_plan(DATA)
        city_targets = plan.annexes[annex_roles()["city_targets"]]
        row = next(r for r in city_targets.rows if r.unit.name == "丹枫市")
        assert f"附件{annex_roles()['city_targets']}" in text or city_targets.title in text
        assert row.cells["pm25_target"].text in text
        assert "2022年1月1日至2022年12月31日" in text

    def test_form_progress_columns_come_from_the_projects_annex(self, tmp_path):
        target = tmp_path / "form.xlsx"
        result = cli("form", "--data", DATA, "--month", "2022-03", "--city", "白鹭", "--out", target)
        assert result.exit_code == 0, result.output
        ws = load_workbook(target)["报送数据"]
        headers = [str(c.value or "") for c in ws[3]]
        progress = [re.sub(r"（已完成）（项）$", "", h) for h in headers if "已完成" in h]
        assert progress == project_headers()
        names = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
        assert "桐坞县" in names                          # before the merge

    def test_form_after_the_merge_has_no_merged_county(self, tmp_path):
        target = tmp_path / "form.xlsx"
        result = cli("form", "--data", DATA, "--month", "2022-05", "--city", "白鹭", "--out", target)
        assert result.exit_code == 0, result.output
        ws = load_workbook(target)["报送数据"]
        names = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
        assert "桐坞县" not in names and "芦湾区" in names

    def test_bulletin_counts_match_the_units(self, built):
        # unit_changes: 17 counties before April, 16 after; every city submitted every month
        for month, counties in (("2022-03", COUNTY_COUNT), ("2022-05", COUNTY_COUNT - 1)):
            text = flat(pdf_text(bulletin_of(succeeded(built), month)))
            label = f"2022年{int(month[5:])}月"
            assert f"{label}，{CITY_COUNT}个设区市中{CITY_COUNT}个报送" in text, month
            assert {int(n) for n in re.findall(r"(\d+)个设区市", text)} == {CITY_COUNT}, month
            # the month's county ranking counts the units of that month, all of which have data
            assert f"{label}，{counties}个县（市、区）中" in text, month
            # bulletin.yaml's {county_count} and {city_count}: the units of the month
            assert f"对{counties}个县（市、区）空气质量状况进行排名" in text, month
            assert f"全省数值为{CITY_COUNT}个设区市的算术平均" in text, month
            month_part = text[text.index(f"（一）{label}排名"):text.index("（二）", text.index(f"（一）{label}排名"))]
            # 桐坞 is not one of the units left out (a reason in brackets may name it: the merge)
            unranked = re.findall(r"未参与排名：([^。]*)。", re.sub(r"（[^（）]*）", "", month_part))
            assert not any("桐坞" in names for names in unranked), month
        # from the merge on, 芦湾 (comparison: none) has no 同比 figure, and the bulletin says why
        assert "未参与排名：芦湾（桐坞县于2022年4月1日并入芦湾区，无可比的上年同期数据）" in text

    def test_bulletin_targets_and_projects_follow_the_roles(self, built):
        text = flat(pdf_text(bulletin_of(succeeded(built), "2022-05")))
        # 全省 target stated in the city-targets annex (附件2 here)
        assert "全省年度目标为PM2.5浓度31微克/立方米、优良天数比率84.0%" in text
        roles = annex_roles()
        # the annexes are named by their numbers in this plan
        assert f"（工作计划附件{roles['county_targets']}）" in text
        assert f"（工作计划附件{roles['projects']}）" in text and "附件6" not in text
        assert "2022年大气污染防治重点工程项目表" in text

    def test_bulletins_compare_with_the_year_before(self, built):
        text = flat(pdf_text(bulletin_of(succeeded(built), "2022-05")))
        assert "同比" in text
        assert SAMPLE_MARK in text

    def test_build_time(self, built):
        # every document kind of this data set is built in well under a minute on a free machine (about
        # 35 s of CPU); the bound leaves room for a busy runner and catches a data set grown too large
        succeeded(built)
        assert built["seconds"] < 180
