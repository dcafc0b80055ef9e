"""SAMPLE.md at the root of a data set marks the whole data set (plan and submissions) as sample data:
every document built from it says so — notice, letters, 任务分工, annex spreadsheets, bulletins, forms.
The real Jiangsu plan is not marked: its notice and letters carry no such label (only bulletins of its
sample submissions do, marked by submissions/SAMPLE.md)."""

import shutil

import pytest
from conftest import DATA
from helpers import docx_text, pdf_text
from openpyxl import load_workbook
from test_annex_roles import write_plain_month

from reportgen.build import build
from reportgen.load.plan import load_plan
from reportgen.profile import Profile
from reportgen.render import render_document
from reportgen.views.letter_view import department_view, letter_view
from reportgen.writers.submission_form import DATA_SHEET, TITLE_ROW, write_form

LABEL = "【示例数据】"


@pytest.fixture(scope="module")
def sample_set(tmp_path_factory):
    base = tmp_path_factory.mktemp("sample-set")
    root = base / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions"))
    (root / "SAMPLE.md").write_text("# 示例数据\n本数据集为测试用的示例数据。\n", encoding="utf-8")
    plan = load_plan(root)[0]
    write_plain_month(root, plan, "2021-05")
    result = build(root, base / "out", kinds=("notice", "letters", "tables", "bulletins"), unit_names=["江宁"],
                   allow_incomplete=True, months=["2021-05"])
    return {"root": root, "plan": plan, "files": [w.path for w in result.written], "base": base}


def of_kind(files, folder, suffix):
    found = [f for f in files if f.parent.name == folder and f.suffix == suffix]
    assert found, (folder, suffix, files)
    return found[0]


@pytest.mark.parametrize("folder", ["通知", "目标责任书", "通报"])
def test_documents_of_a_sample_data_set_are_labelled(sample_set, folder):
    files = sample_set["files"]
    assert LABEL in pdf_text(of_kind(files, folder, ".pdf"), 1, 1)
    assert LABEL in docx_text(of_kind(files, folder, ".docx"))


def test_the_bulletin_web_page_is_labelled(sample_set):
    assert LABEL in of_kind(sample_set["files"], "通报", ".html").read_text(encoding="utf-8")


def test_the_annex_spreadsheet_is_labelled(sample_set):
    wb = load_workbook(of_kind(sample_set["files"], "附件数据", ".xlsx"))
    assert all(LABEL in (ws.cell(2, 1).value or "") for ws in wb.worksheets)


def test_the_tasks_document_is_labelled(sample_set):
    plan = sample_set["plan"]
    html = render_document("tasks.html.j2", department_view(plan, plan.task_departments[0]), Profile.load())
    assert LABEL in html


def test_the_blank_form_is_labelled(sample_set):
    plan = sample_set["plan"]
    path = sample_set["base"] / "form.xlsx"
    write_form(plan, "2021-06", plan.units.find("南京"), path)
    assert load_workbook(path)[DATA_SHEET].cell(TITLE_ROW, 1).value.startswith(LABEL)


def test_the_real_plan_is_not_labelled(built, tmp_path):
    plan = load_plan(DATA)[0]
    assert not plan.sample
    assert "示例数据" not in pdf_text(built["pdf"]) and "示例数据" not in docx_text(built["docx"])
    path = tmp_path / "form.xlsx"
    write_form(plan, "2021-06", plan.units.find("南京"), path)
    assert LABEL not in load_workbook(path)[DATA_SHEET].cell(TITLE_ROW, 1).value
    html = render_document("letter.html.j2", letter_view(plan, plan.units.find("江宁")), Profile.load())
    assert "示例数据" not in html
