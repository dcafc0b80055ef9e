"""目标责任书, 任务分工 and per-unit XLSX, read back from the generated files."""

import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import DATA
from helpers import docx_text, pdf_text
from reportgen.build import build
from reportgen.cli import main
from reportgen.load.plan import load_plan


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    out = tmp_path_factory.mktemp("letters")
    result = build(DATA, out, kinds=("letters", "tasks", "tables"), allow_incomplete=True)
    plan, _ = load_plan(DATA)
    return {"out": out / "2021", "result": result, "plan": plan}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_letter_per_unit_in_both_formats(letters):
    folder = letters["out"] / "目标责任书"
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 134
    assert "南京市.pdf" in files and "江宁区.docx" in files and "沭阳县.pdf" in files


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_city_letters_carry_exactly_their_own_targets(letters, fmt):
    plan = letters["plan"]
    read = pdf_text if fmt == "pdf" else docx_text
    enterprises = {row.cells["enterprise"].text: row.parent.name for row in plan.annexes[4].rows}
    for city in plan.units.cities:
        text = flat(read(letters["out"] / "目标责任书" / f"{city.name}.{fmt}"))
        a1 = next(r for r in plan.annexes[1].rows if r.unit == city).cells
        a5 = next(r for r in plan.annexes[5].rows if r.unit == city).cells
        assert f"乙方：{city.name}人民政府" in text
        assert re.findall(r"PM2\.5浓度工作目标：([\d.]+)微克/立方米", text) == [a1["pm25_target"].text]
        assert re.findall(r"优良天数比率工作目标：([\d.]+)%", text) == [a1["good_days_ratio_target"].text]
        assert re.findall(r"降尘考核目标：([\d.]+)吨/平方千米·月", text) == [a5["dustfall_target"].text]
        for name, owner in enterprises.items():
            assert (name in text) == (owner == city.name), f"{city.name}: {name}"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_county_letters_carry_their_annex2_targets(letters, fmt):
    plan = letters["plan"]
    read = pdf_text if fmt == "pdf" else docx_text
    for row in plan.annexes[2].rows:
        county = row.unit
        text = flat(read(letters["out"] / "目标责任书" / f"{county.name}.{fmt}"))
        assert f"甲方：{county.parent}人民政府" in text and f"乙方：{county.name}人民政府" in text
        assert re.findall(r"PM2\.5：([\d.]+)微克/立方米", text) == [row.cells["pm25_target"].text]
        assert re.findall(r"优良天数比率：([\d.]+)%", text) == [row.cells["good_days_ratio_target"].text]


def test_missing_values_print_as_pending_never_as_numbers(letters):
    text = flat(pdf_text(letters["out"] / "目标责任书" / "扬州市.pdf"))
    assert "路检路查：1440辆·次" in text and "入户监督抽测：360辆·次" in text
    assert "工程机械监督抽测：（待补充）" in text
    suqian = flat(docx_text(letters["out"] / "目标责任书" / "宿迁市.docx"))
    assert "路检路查：（待补充）" in suqian
    assert "工程机械监督抽测：720" not in suqian


def test_department_task_lists_quote_the_plan(letters):
    folder = letters["out"] / "任务分工"
    assert len(list(folder.glob("*.pdf"))) == len(letters["plan"].departments)
    text = flat(pdf_text(folder / "省林业局.pdf"))
    assert "全省新增造林5万亩" in text and "（二（四）11）" in text
    supporting = flat(pdf_text(folder / "省铁路办.pdf"))
    assert "牵头（或按职责分工负责）0项、配合1项" in supporting


def test_unit_workbook_has_its_rows_with_merged_headers(letters):
    wb = load_workbook(letters["out"] / "附件数据" / "南京市.xlsx")
    assert wb.sheetnames == ["附件1", "附件2", "附件3", "附件4", "附件5", "附件6", "附件7", "附件8"]
    a6 = wb["附件6"]
    merged = {str(r) for r in a6.merged_cells.ranges}
    assert "A3:A4" in merged and "C3:E3" in merged            # 城市 over two rows; 产业结构… over three columns
    assert [c.value for c in a6[5]][:2] == ["南京", 4] and a6.cell(row=5, column=13).value == 729
    a2 = wb["附件2"]
    assert [a2.cell(row=r, column=2).value for r in range(4, 8)] == ["江宁", "六合", "溧水", "高淳"]
    county = load_workbook(letters["out"] / "附件数据" / "江宁区.xlsx")
    assert county.sheetnames == ["附件2"]


def test_incomplete_letters_need_the_flag(tmp_path):
    result = CliRunner().invoke(main, ["letters", "--unit", "镇江", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "镇江市：附件8“路检路查（单位：辆·次）”" in result.output and "--allow-incomplete" in result.output
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("name", ["南京", "南京市", "江宁", "江宁区"])
def test_single_unit_by_any_name(tmp_path, name):
    result = CliRunner().invoke(main, ["letters", "--unit", name, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    expected = "南京市" if name.startswith("南京") else "江宁区"
    assert sorted(p.name for p in (tmp_path / "2021" / "目标责任书").iterdir()) == [f"{expected}.docx", f"{expected}.pdf"]


def test_unknown_unit_lists_close_matches(tmp_path):
    result = CliRunner().invoke(main, ["letters", "--unit", "南鲸", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "没有名为“南鲸”的设区市或县（市、区）" in result.output and "南京" in result.output
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("name", ["目标责任书/南京市", "目标责任书/扬州市", "目标责任书/江宁区", "任务分工/省生态环境厅"])
def test_letters_pass_the_gbt9704_checks_in_both_formats(letters, tmp_path, name):
    from reportgen.check import check_docx, check_pdf

    for results in (check_pdf(letters["out"] / f"{name}.pdf"),
                    check_docx(letters["out"] / f"{name}.docx", tmp_path)):
        failed = [(r.number, r.name, r.measured, r.details) for r in results if r.hard_failure]
        assert failed == []
