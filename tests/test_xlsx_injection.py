"""Text from data is written into every generated XLSX as text, never as a formula or error value
that Excel would evaluate when an office opens the file."""

from __future__ import annotations

import re
import shutil
import zipfile

from conftest import DATA
from openpyxl import load_workbook

from reportgen.build import build
from reportgen.load.plan import load_plan
from reportgen.writers.submission_form import write_form

FORMULA_NAME = '=HYPERLINK("http://example.invalid/","点此")'
DDE_TITLE = "=cmd|'/c calc'!A1 全省重点石化企业清单"


def formula_elements(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [name for name in z.namelist()
                if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >/]", z.read(name))]


def test_annex_text_that_looks_like_a_formula_stays_text(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
    annex = data / "annexes" / "annex4.csv"
    annex.write_text(annex.read_text(encoding="utf-8").replace(
        "南京市,中国石化扬子石油化工有限公司", f'南京市,"{FORMULA_NAME.replace(chr(34), chr(34) * 2)}"'), encoding="utf-8")
    meta = data / "annexes" / "annex4.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("title: 全省重点石化企业清单", f'title: "{DDE_TITLE}"'),
                    encoding="utf-8")
    out = tmp_path / "out"
    result = build(data, out, kinds=("tables",), unit_names=["南京"])
    xlsx = next(w.path for w in result.written if w.path.name == "南京市.xlsx")
    assert formula_elements(xlsx) == []
    wb = load_workbook(xlsx)
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert FORMULA_NAME in texts and DDE_TITLE in texts        # kept verbatim, as text


def test_form_remarks_that_look_like_formulas_stay_text(tmp_path):
    plan = load_plan(DATA)[0]
    target = tmp_path / "form.xlsx"
    write_form(plan, "2021-05", plan.units.find("南京市"), target,
               {"南京市": {"pm25": "33.1", "remark": "=1+1"}, "江宁区": {"remark": "#N/A"}})
    assert formula_elements(target) == []
    ws = load_workbook(target)["报送数据"]
    remarks = [ws.cell(r, ws.max_column).value for r in (4, 5)]
    assert remarks == ["=1+1", "#N/A"]
    assert [ws.cell(r, ws.max_column).data_type for r in (4, 5)] == ["s", "s"]
