"""Issuing is a recorded act: the office's 文号 and 成文日期, archived files that no later build rewrites,
and a plain report of which issued documents the data now contradicts. Also: a build makes every
document whose data is complete and names the ones it holds back; 任务分工 only for departments."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA
from helpers import docx_text, pdf_text

from reportgen.cli import main

MAY = "2021-05"
NUMBER = "苏大气办〔2021〕105号"
CSV = ("单位名称,PM2.5浓度,优良天数,有效监测天数,备注\n南京市,45.1,25,31,\n江宁区,31.0,26,31,\n六合区,32.4,24,30,\n"
       "溧水区,30.2,27,31,\n高淳区,29.9,28,31,\n")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """A copy of the data set whose May 2021 bulletin is issued, built into `out`."""
    root = tmp_path_factory.mktemp("issuing")
    data, out = root / "data", root / "out"
    shutil.copytree(DATA, data)
    result = invoke("issue", "bulletin", "--data", data, "--out", out, "--month", MAY, "--number", NUMBER,
                    "--date", "2021-06-10")
    assert result.exit_code == 0, result.output
    folder = out / "2021" / "通报"
    pdf = next(folder.glob("2021-05*.pdf"))
    return {"data": data, "out": out, "pdf": pdf, "docx": pdf.with_suffix(".docx"), "output": result.output,
            "archive": data / "issued" / "2021" / "通报"}


def test_issued_bulletin_prints_the_offices_number_and_date(issued):
    for text in (pdf_text(issued["pdf"]), docx_text(issued["docx"])):
        assert NUMBER in flat(text) and "2021年6月10日" in flat(text)
    assert "已印发《关于2021年5月全省环境空气质量状况的通报》（苏大气办〔2021〕105号，成文日期2021年6月10日）" in issued["output"]
    archived = {p.suffix for p in issued["archive"].iterdir()}
    assert archived == {".pdf", ".docx", ".html", ".yaml"}
    assert (issued["archive"] / issued["pdf"].name).read_bytes() == issued["pdf"].read_bytes()


def test_a_draft_invents_neither_number_nor_date(issued, tmp_path):
    result = invoke("bulletin", "--data", issued["data"], "--out", tmp_path, "--month", "2021-04")
    assert result.exit_code == 0, result.output
    pdf = next((tmp_path / "2021" / "通报").glob("2021-04*.pdf"))
    for text in (pdf_text(pdf), docx_text(pdf.with_suffix(".docx"))):
        lines = [line.strip() for line in text.splitlines()]
        assert any(line.replace("\u3000", "").replace(" ", "") == "苏大气办〔2021〕号" for line in lines), text[:300]
        assert "104号" not in text and "2021年5月10日" not in flat(text)
        assert any(flat(line) == "2021年月日" for line in lines)


def test_a_record_of_an_earlier_view_layout_is_no_change_of_data(issued, tmp_path):
    """An issue record whose view hashes are named differently was written by a program with another
    view model layout (the bulletin's before its typed sections, or before its 署名 block was placed at
    rendering): no false "data changed" notice. The same names with another hash still are a change."""
    data = tmp_path / "data"
    shutil.copytree(issued["data"], data)
    record = next((data / "issued" / "2021" / "通报").glob("2021-05*.yaml"))
    text = record.read_text(encoding="utf-8")
    assert "\n    header: " in text
    record.write_text(text.replace("\n    header: ", "\n    title: "), encoding="utf-8")
    result = invoke("bulletin", "--data", data, "--out", tmp_path / "out", "--month", MAY)
    assert result.exit_code == 0, result.output
    assert "[已印发]" not in result.output
    # issued before the views stopped measuring fonts: the placed 署名 block was hashed as "signature"
    assert "\n    signing: " in text
    record.write_text(re.sub(r"\n    signing: (\w+)", "\n    signature: 0", text), encoding="utf-8")
    result = invoke("bulletin", "--data", data, "--out", tmp_path / "out", "--month", MAY)
    assert result.exit_code == 0, result.output
    assert "[已印发]" not in result.output
    record.write_text(re.sub(r"\n    header: (\w+)", "\n    header: 0", text), encoding="utf-8")
    result = invoke("bulletin", "--data", data, "--out", tmp_path / "out", "--month", MAY)
    assert "[已印发] 《关于2021年5月全省环境空气质量状况的通报》" in result.output
    assert "计划数据（目标、附件等）有修改" in result.output


def test_revised_data_never_rewrites_the_issued_bulletin(issued, tmp_path):
    before = {p.name: p.read_bytes() for p in issued["pdf"].parent.glob("2021-05*")}
    csv = tmp_path / "南京.csv"
    csv.write_text(CSV, encoding="utf-8")
    submitted = invoke("submit", csv, "--month", MAY, "--data", issued["data"])
    assert submitted.exit_code == 0, submitted.output
    # the person submitting learns at once that May's bulletin is already issued
    assert "[提醒] 2021年5月的通报已于" in submitted.output and f"（{NUMBER}）" in submitted.output
    result = invoke("bulletin", "--data", issued["data"], "--out", issued["out"], "--month", MAY, "--month", "2021-06",
                    "--force")
    assert result.exit_code == 0, result.output
    after = {p.name: p.read_bytes() for p in issued["pdf"].parent.glob("2021-05*")}
    assert after == before                                              # byte-identical, --force or not
    assert "[已印发] 《关于2021年5月全省环境空气质量状况的通报》（苏大气办〔2021〕105号" in result.output
    assert "南京市" in result.output and "报送了2021年5月的第3版数据" in result.output
    assert any("2021-06" in str(p) for p in issued["out"].rglob("*.pdf"))  # drafts are rebuilt as before
    # an issued file damaged in the output folder is put back as issued
    issued["pdf"].write_bytes(b"damaged")
    again = invoke("bulletin", "--data", issued["data"], "--out", issued["out"], "--month", MAY)
    assert again.exit_code == 0 and issued["pdf"].read_bytes() == before[issued["pdf"].name]
    assert f"已恢复 {issued['pdf']}（已印发的文件，取自存档" in again.output and f"已生成 {issued['pdf']}" not in again.output


@pytest.mark.parametrize("args,expected", [
    (["--month", MAY, "--number", "苏大气办〔2021〕106号", "--date", "2021-06-11"], "已于"),
    (["--month", "2021-04", "--number", NUMBER, "--date", "2021-05-10"], "已用于《关于2021年5月"),
    (["--month", "2021-04", "--number", "苏大气办[2021]104号", "--date", "2021-05-10"], "格式不对"),
    (["--month", "2021-04", "--number", "苏大气办〔2021〕第104号", "--date", "2021-05-10"], "格式不对"),
    (["--month", "2021-04", "--number", "苏环办〔2021〕104号", "--date", "2021-05-10"], "与 bulletin.yaml 规定的格式不符"),
    (["--month", "2021-04", "--number", "苏大气办〔2020〕104号", "--date", "2021-05-10"], "与 bulletin.yaml 规定的格式不符"),
    (["--month", "2021-04", "--number", "苏大气办〔2021〕104号", "--date", "2021-04-20"], "不晚于2021年4月的最后一天"),
    (["--month", "2021-04", "--number", "苏大气办〔2021〕104号", "--date", "2021-13-01"], "格式不对"),
    # months outside the plan year (2021): with data (2020, the 同比 comparison's) or without
    (["--month", "2020-04", "--number", "苏大气办〔2020〕104号", "--date", "2020-05-10"],
     "2020年4月不在本数据集的计划年度（2021年）内"),
    (["--month", "2019-04", "--number", "苏大气办〔2019〕104号", "--date", "2019-05-10"], "不在本数据集的计划年度"),
    # a date in the future would be an act that has not happened (and could never be taken back)
    (["--month", "2021-04", "--number", "苏大气办〔2999〕104号", "--date", "2999-05-10"], "晚于今天"),
    # 南京市's current 2021-06 data arrived on 2021-07-05: a bulletin cannot be signed before it
    (["--month", "2021-06", "--number", "苏大气办〔2021〕106号", "--date", "2021-07-01"], "早于通报所用数据的接收日期"),
    # the 文号's year is the year of signing: a December bulletin signed in January carries the new year
    (["--month", "2021-12", "--number", "苏大气办〔2021〕112号", "--date", "2022-01-10"], "与 bulletin.yaml 规定的格式不符"),
])
def test_issuing_refuses_what_an_office_must_not_do(issued, args, expected):
    before = sorted(p.name for p in issued["archive"].iterdir())
    result = invoke("issue", "bulletin", "--data", issued["data"], "--out", issued["out"], *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output and "未印发" in result.output
    assert sorted(p.name for p in issued["archive"].iterdir()) == before


def test_a_december_bulletin_signed_in_january_carries_the_new_year(issued):
    result = invoke("issue", "bulletin", "--data", issued["data"], "--out", issued["out"], "--month", "2021-12",
                    "--number", "苏大气办〔2022〕3号", "--date", "2022-01-10")
    assert result.exit_code == 0, result.output
    pdf = next(issued["out"].rglob("2021-12*.pdf"))
    assert "苏大气办〔2022〕3号" in flat(pdf_text(pdf)) and "2022年1月10日" in flat(pdf_text(pdf))


def test_build_makes_what_is_complete_and_names_what_it_holds_back(tmp_path):
    result = invoke("letters", "--unit", "南京", "--unit", "镇江", "--out", tmp_path)
    assert result.exit_code == 2, result.output
    built = sorted(p.name for p in tmp_path.rglob("*.pdf")) + sorted(p.name for p in tmp_path.rglob("*.xlsx"))
    assert built == ["南京市.pdf", "南京市.xlsx"]
    assert "[未生成] 以下单位的目标责任书和附件数据含缺失的数值，暂不生成" in result.output
    assert "镇江市：附件8“路检路查（单位：辆·次）”" in result.output and "--allow-incomplete" in result.output


def test_task_lists_only_for_departments(full_build):
    names = {p.stem for p in (full_build["out"] / "2021" / "任务分工").glob("*.pdf")}
    assert "省生态环境厅" in names and len(names) == 21
    assert not names & {"省各有关部门", "省各相关部门", "县级以上人民政府确定的监督管理部门"}


def test_revision_note_cites_issued_documents_by_title_and_number_as_of_its_date(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(DATA, old)
    issued = invoke("issue", "bulletin", "--data", old, "--out", tmp_path / "out", "--month", MAY, "--number", NUMBER,
                    "--date", "2021-06-10")
    assert issued.exit_code == 0, issued.output
    shutil.copytree(old, new)
    csv = tmp_path / "南京.csv"
    csv.write_text(CSV, encoding="utf-8")
    assert invoke("submit", csv, "--month", MAY, "--data", new).exit_code == 0
    labels = ["--old-label", "6月10日印发时的数据", "--new-label", "南京市6月18日更正后的数据"]
    texts = {}
    for date in ("2021-06-20", "2021-06-09"):
        out = tmp_path / f"note-{date}"
        note = invoke("revision-note", old, new, "--data", new, "--out", out, "--date", date, *labels)
        assert note.exit_code == 0, note.output
        texts[date] = flat(pdf_text(next(out.rglob("*.pdf"))))
    after = texts["2021-06-20"]
    assert "以下已印发的文件涉及上述数值，原文件不再改动，相关内容以本说明为准：《关于2021年5月全省环境空气质量状况的通报》（苏大气办〔2021〕105号）" in after
    assert "2021年6月全省" not in after and "2021年12月" not in after       # drafts were never sent to anyone
    assert "重新生成" not in after and str(tmp_path) not in after and "HEAD" not in after
    assert "苏大气办〔2021〕105号" not in texts["2021-06-09"]                 # not yet issued on that date
    # the submission's new revision is said in words, not counted as a revised value; months as words
    assert "南京市2021年5月的报送数据以第3版为准（原为第2版）" in after and "现行版本" not in after
    assert not re.search(r"20\d\d-\d\d", after)
    # ranks only of bulletins that could exist on the note's date (May's; June's is made after June ends)
    assert "2021年5月" in after and after.count("2021年6月") == 1 and "2021年11月" not in after   # 6月: the date
    # the note does not claim the remade documents were already sent
    assert "已按修订后的数据重新制作" not in after
    # a second note of the same day is a record of its own: the first is not overwritten
    out = tmp_path / "note-2021-06-20"
    first = {p.name: p.read_bytes() for p in out.rglob("*.pdf")}
    again = invoke("revision-note", old, new, "--data", new, "--out", out, "--date", "2021-06-20", *labels)
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in out.rglob("*.pdf")) == ["修订说明-20210620-2.pdf", "修订说明-20210620.pdf"]
    assert all(next(out.rglob(name)).read_bytes() == data for name, data in first.items())
    # no change, no note
    same = invoke("revision-note", new, new, "--data", new, "--out", tmp_path / "none", "--date", "2021-06-20", *labels)
    assert same.exit_code == 2 and "没有任何修改" in same.output
    assert not (tmp_path / "none").exists() or not any(p.is_file() for p in (tmp_path / "none").rglob("*"))
