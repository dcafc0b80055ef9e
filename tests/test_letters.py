"""目标责任书, 任务分工 and per-unit XLSX, read back from the generated files."""

import re
import subprocess

import pytest
from click.testing import CliRunner
from conftest import DATA
from helpers import docx_text, pdf_pages_text, pdf_text
from openpyxl import load_workbook

from reportgen.cli import main
from reportgen.compute.unit_rows import rows_for_unit
from reportgen.load.plan import load_plan


@pytest.fixture(scope="module")
def letters(full_build):
    """The letters, task lists and 附件数据 of the session's full build."""
    plan, _ = load_plan(DATA)
    return {"out": full_build["out"] / "2021", "result": full_build["result"], "plan": plan}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_letter_per_unit_in_both_formats(letters):
    folder = letters["out"] / "目标责任书"
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 134
    assert "南京市.pdf" in files and "江宁区.docx" in files and "沭阳县.pdf" in files


def test_department_task_lists_quote_the_plan(letters):
    folder = letters["out"] / "任务分工"
    assert len(list(folder.glob("*.pdf"))) == len(letters["plan"].task_departments)
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


def test_unknown_unit_lists_close_names(tmp_path):
    result = CliRunner().invoke(main, ["letters", "--unit", "南鲸", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "没有名为“南鲸”的设区市或县（市、区）" in result.output and "南京" in result.output
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


# Every letter and task list passes the GB/T 9704 checks in both formats: test_check_all.py and
# test_check_all_docx.py check every document of the session's full build.


# -- the 目标责任书 as offices sign them (issue 11) ----------------------------------------------------

PENDING = "（待补充）"
SIGNING = ("甲方（盖章）", "乙方（盖章）", "负责人（签字）")
DATE_LINE = re.compile(r"年\s*月\s*日")


def letter_files(letters, unit, fmt):
    return letters["out"] / "目标责任书" / f"{unit.name}.{fmt}"


def rules_of(plan, unit):
    return plan.letters.city if unit.level == "city" else plan.letters.county


def docx_lines(path):
    return [line.strip() for line in docx_text(path).splitlines()]


def target_table(docx_path):
    """The targets table of a letter's DOCX: {"附件N": [(序号, 指标, 目标), …]} in printed order. Rows of
    a list annex (附件4) have one cell after 序号 (the entry spans 指标 and 目标)."""
    from docx import Document
    from docx.oxml.ns import qn

    table = Document(str(docx_path)).tables[0]
    groups, current = {}, None
    for tr in table._tbl.tr_lst[1:]:                   # after the header row 序号 / 指标 / 目标
        cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.tc_lst]
        if len(cells) == 1:
            current = groups.setdefault(re.search(r"（(附件\d+)）$", cells[0]).group(1), [])
        else:
            current.append(tuple(cells))
    return groups


def expected_targets(plan, unit):
    """From the annexes: per annex, the printed value of each column (or each entry of a list annex)."""
    out = {}
    for n in rules_of(plan, unit).annexes:
        table = plan.annexes[n]
        rows = rows_for_unit(table, unit)
        if not rows:
            continue
        if not table.unit_column:
            out[f"附件{n}"] = [(None, PENDING if r.cells[c.key].missing else r.cells[c.key].text)
                              for r in rows for c in table.columns]
            continue
        values = []
        for c in table.columns:
            cell = rows[0].cells[c.key]
            if cell.missing:
                values.append((c, PENDING))
            else:
                values.append((c, cell.text if c.type == "percent" or not c.unit else f"{cell.text}{c.unit}"))
        out[f"附件{n}"] = values
    return out


def units(plan):
    return list(plan.units.cities) + list(plan.units.counties)


def test_every_letter_is_short_enough_to_read_before_signing(letters):
    """Before issue 11 a city letter ran to 12–13 pages; the signatory now reads a few."""
    from pypdf import PdfReader

    for unit in units(letters["plan"]):
        pages = len(PdfReader(letter_files(letters, unit, "pdf")).pages)
        assert pages <= (8 if unit.level == "city" else 4), (unit.name, pages)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_no_paragraph_appears_twice(letters, fmt):
    plan = letters["plan"]
    read = pdf_text if fmt == "pdf" else docx_text
    plan_texts = [flat(p.text) for sec in plan.workplan.sections for sub in sec.subsections
                  for p in sub.paragraphs + tuple(q for i in sub.items for q in i.paragraphs)]
    for unit in units(plan):
        text = flat(read(letter_files(letters, unit, fmt)))
        for quoted in plan_texts:
            assert text.count(quoted) <= 1, (unit.name, quoted[:30])
        sentences = [s for s in text.split("。") if len(s) >= 12]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, (unit.name, repeated)
        if fmt == "docx":
            paragraphs = [line for line in docx_lines(letter_files(letters, unit, fmt)) if len(line) > 20]
            assert len(paragraphs) == len(set(paragraphs)), unit.name


def test_each_plan_item_is_listed_once_and_cited_by_its_place(letters):
    plan = letters["plan"]
    for rules in (plan.letters.city, plan.letters.county):
        names = [(r.section, r.subsection, r.item) for r in rules.tasks + rules.assessment]
        assert len(names) == len(set(names))
    text = flat(pdf_text(letters["out"] / "目标责任书" / "南京市.pdf"))
    assert "（以下简称《工作计划》）" in text
    assert "（《工作计划》第二部分第（一）项第3条）" in text and "（《工作计划》第四部分第（二）项）" in text
    assert not re.search(r"（[一二三四五六七八九十]+（[一二三四五六七八九十]+）\d*）", text)  # no more "（二（一）3）"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_assessment_holds_only_the_plans_assessment_text(letters, fmt):
    plan = letters["plan"]
    read = pdf_text if fmt == "pdf" else docx_text
    guarantees = next(sec for sec in plan.workplan.sections if sec.title == "保障措施")
    for unit in units(plan):
        rules = rules_of(plan, unit)
        assert rules.assessment
        expected = ""
        for ref in rules.assessment:
            title, paragraphs = plan.workplan.quoted(ref)
            assert "奖惩" in title or "考核" in title, f"{ref.written}“{title}”不是考核奖惩的条目"
            expected += "".join(p.text for p in paragraphs)
        text = flat(read(letter_files(letters, unit, fmt)))
        section = re.search(r"[一二三四五六七八九十]、考核与奖惩(.*?)[一二三四五六七八九十]、其他", text).group(1)
        assert re.sub(r"（《工作计划》第[一二三四五六七八九十]+部分第（[一二三四五六七八九十]+）项(第\d+条)?）", "",
                      section) == flat(expected), unit.name
        for sub in guarantees.subsections:
            if "奖惩" in sub.title:
                continue
            for p in sub.paragraphs:
                assert flat(p.text)[:20] not in section, (unit.name, sub.title)
        if unit.level == "county":
            assert "各设区市要" not in section and "各设区市要" not in text, unit.name


def signing_page(pages: list[str]) -> int:
    found = [i for i, page in enumerate(pages) if any(s in page for s in SIGNING)]
    assert len(found) == 1, f"签署栏分在{len(found)}页上"
    return found[0]


def body_lines_above_signing(page: str) -> list[str]:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    above = lines[:next(i for i, line in enumerate(lines) if "甲方（盖章）" in line)]
    return [line for line in above if not re.match(r"^[一二三四五六七八九十]+、\S{1,8}$", line)]  # headings


def assert_signing_block_with_text(pages: list[str], who: str) -> None:
    """The signing block is on one page, last, under the closing clause (本责任书一式两份…生效) as a
    whole: the block never stands on a page without the text it signs. (One clause is enough, as in
    signed letters: a rule holding more lines above it left half-empty pages in LibreOffice's layout.)"""
    i = signing_page(pages)
    page = pages[i]
    for part in SIGNING:
        assert part in page, (who, part)
    assert len(DATE_LINE.findall(page)) == 2, who
    above = "".join(body_lines_above_signing(page))
    assert "本责任书一式两份" in above and above.endswith("自签订之日起生效。"), (who, page[:200])
    assert not any(s.strip() for s in pages[i + 1:]), who  # nothing after the block


def test_signing_block_and_date_are_on_a_page_with_body_text_in_every_pdf(letters):
    for unit in units(letters["plan"]):
        assert_signing_block_with_text(pdf_pages_text(letter_files(letters, unit, "pdf")), unit.name)


def test_signing_block_is_one_unit_kept_with_the_text_above_in_every_docx(letters):
    from docx import Document
    from docx.oxml.ns import qn

    for unit in units(letters["plan"]):
        doc = Document(str(letter_files(letters, unit, "docx")))
        body = list(doc.element.body.iterchildren())
        table = body[-2] if body[-1].tag == qn("w:sectPr") else body[-1]
        assert table.tag == qn("w:tbl")
        text = "".join(t.text or "" for t in table.iter(qn("w:t")))
        assert all(s in text for s in SIGNING) and len(DATE_LINE.findall(text)) == 2
        assert table.findall(f"{qn('w:tr')}") and all(
            tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in table.iter(qn("w:tr")))
        assert not table.findall(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")       # no grid lines
        last = doc.paragraphs[-1]
        assert "自签订之日起生效" in last.text
        assert last.paragraph_format.keep_with_next and last.paragraph_format.keep_together


def words_with_boxes(pdf, page: int) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


@pytest.mark.parametrize("name", ["南京市", "江宁区"])
def test_signing_block_leaves_room_for_the_seals(letters, name):
    """Each party has about 4 × 4 cm free for its seal: from under its "（盖章）" line down to its
    signature line, and as wide as its column."""
    from pypdf import PdfReader

    pdf = letters["out"] / "目标责任书" / f"{name}.pdf"
    words = words_with_boxes(pdf, len(PdfReader(pdf).pages))
    mm = 72 / 25.4
    for party in ("甲方（盖章）", "乙方（盖章）"):
        label = next(w for w in words if w[0].startswith(party))
        signature = min((w for w in words if w[0].startswith("负责人（签字）") and abs(w[1] - label[1]) < 5),
                        key=lambda w: w[2])
        assert signature[2] - label[4] >= 40 * mm, (party, (signature[2] - label[4]) / mm)
        right = min((w[1] for w in words if w[1] > label[1] + 5 and abs(w[2] - label[2]) < 2), default=184 * mm)
        assert right - label[1] >= 40 * mm, (party, (right - label[1]) / mm)
    # and the DOCX: three empty lines between each party's name and its signature line
    from docx import Document

    table = Document(str(pdf.with_suffix(".docx"))).tables[-1]
    for column in range(2):
        lines = [row.cells[column].text.strip() for row in table.rows]
        name, signature = 2, next(i for i, t in enumerate(lines) if t.startswith("负责人"))
        assert lines[name].endswith("人民政府") or lines[name].endswith("办公室")
        assert signature - name == 4 and not any(lines[name + 1:signature]), lines
    for row in table.rows:  # every line of the block one grid line high
        assert row.cells[0].paragraphs[0].paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)


def test_signing_block_stays_with_text_when_libreoffice_lays_out_the_docx(letters, full_build_in_libreoffice):
    for docx in sorted((letters["out"] / "目标责任书").glob("*.docx")):
        pdf = full_build_in_libreoffice[docx]
        assert_signing_block_with_text(pdf_pages_text(pdf), f"{docx.stem}（LibreOffice）")


def test_every_units_targets_match_the_annexes_in_both_formats(letters):
    plan = letters["plan"]
    for unit in units(plan):
        docx_path, pdf_path = letter_files(letters, unit, "docx"), letter_files(letters, unit, "pdf")
        printed = target_table(docx_path)
        expected = expected_targets(plan, unit)
        assert list(printed) == list(expected), unit.name
        for annex, values in expected.items():
            rows = printed[annex]
            assert [r[0] for r in rows] == [str(i + 1) for i in range(len(values))], (unit.name, annex)
            for row, (col, value) in zip(rows, values):
                assert row[-1] == value, (unit.name, annex, row, value)
                if col is not None:
                    header = re.split(r"[（\n]", col.header)[0]
                    assert header in row[1], (unit.name, annex, row, col.header)
        # the PDF prints the same table in the same order (repeated header rows removed)
        pdf = flat(pdf_text(pdf_path)).replace("序号指标目标", "")
        for annex, rows in printed.items():
            assert flat("".join("".join(r) for r in rows)) in pdf, (unit.name, annex)
        # no other unit's figures: a county letter has exactly its own two annex-2 values
        if unit.level == "county":
            assert len(printed["附件2"]) == 2


def test_missing_values_print_as_pending_never_as_numbers(letters):
    yangzhou = target_table(letters["out"] / "目标责任书" / "扬州市.docx")["附件8"]
    assert yangzhou[0] == ("1", "路检路查", "1440辆·次") and yangzhou[1][2] == "360辆·次"
    assert yangzhou[-1] == ("10", "工程机械监督抽测", PENDING)
    suqian = target_table(letters["out"] / "目标责任书" / "宿迁市.docx")["附件8"]
    assert suqian[0] == ("1", "路检路查", PENDING) and "720台·次" not in [r[2] for r in suqian]
    assert "工程机械监督抽测（待补充）" in flat(pdf_text(letters["out"] / "目标责任书" / "扬州市.pdf"))


def test_county_letters_name_both_governments(letters):
    for row in letters["plan"].annexes[2].rows:
        text = flat(pdf_text(letters["out"] / "目标责任书" / f"{row.unit.name}.pdf"))
        assert f"甲方：{row.unit.parent}人民政府" in text and f"乙方：{row.unit.name}人民政府" in text
        assert f"甲方（盖章）：乙方（盖章）：{row.unit.parent}人民政府{row.unit.name}人民政府" in text


# -- letters.yaml: plan items named by number ------------------------------------------------------

def validate(data):
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    return result, [s for s in result.output.splitlines() if s.startswith("[错误]")]


@pytest.mark.parametrize("old,new,fragments", [
    ("    - 二.（六）.19\n", "    - 二.（六）.33\n", ["工作计划中没有这一条目：“二.（六）.33”", "此处有：二.（六）.17、二.（六）.18、二.（六）.19",
                                                    "字段“city.tasks[7]”"]),
    ("    - 四.（一）   ", "    - 四.（九）   ", ["工作计划中没有这一条目：“四.（九）”", "字段“city.tasks[17]”"]),
    ("    - {item: 二.（二）.4, show: title}\n", "    - {item: 二.（二）, show: title}\n",
     ["分为若干条，应写到条：“二.（二）”", "字段“city.tasks[1]”"]),
    # the city's 考核与奖惩 item also listed among its tasks: refused where it comes the second time
    ("    - 三.（一）\n", "    - 三.（一）\n    - 四.（二）#2\n", ["“四.（二）”已在city.tasks中列出", "字段“city.assessment[0]”"]),
    ("    - 三.（一）\n", "    - 三.（一）\n    - 三（一）\n", ["“三（一）”已在city.tasks中列出"]),
    ("{item: 二.（一）.3, paragraphs: [2]}", "{item: 二.（一）.3, paragraphs: [3]}", ["“二.（一）.3”只有2段，没有第3段"]),
    ("{item: 二.（二）.4, show: title}", "{item: 二.（二）.4, show: titel}", ["show 应为 quote", "字段“city.tasks[1].show”"]),
    ("{item: 二.（二）.4, show: title}", "{item: 二.（二）.4, shwo: title}",
     ["不认识的字段“shwo”", "字段“city.tasks[1].shwo”"]),
    ("    - 二.（六）.19\n", "    - 2.6.19\n", ["“2.6.19”不是工作计划条目的写法"]),
])
def test_letters_yaml_plan_items_are_checked_with_their_place(data_copy, old, new, fragments):
    path = data_copy / "letters.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    # "#n" after the new text: the error stands on its n-th occurrence (else on the line written)
    new, _, nth = new.partition("#")
    new = new + ("\n" if nth else "")
    nth = int(nth or 0)
    changed = text.replace(old, new, 1)
    path.write_text(changed, encoding="utf-8")
    result, errors = validate(data_copy)
    assert result.exit_code == 2, result.output
    marker = new.strip().splitlines()[-1]
    found = [i + 1 for i, s in enumerate(changed.splitlines()) if marker in s]
    target_line = found[nth - 1] if nth else found[-1]
    assert any(all(f in e for f in fragments) and "letters.yaml" in e and f"第{target_line}行" in e for e in errors), \
        "\n".join(errors)


def test_duties_containing_is_gone(data_copy):
    path = data_copy / "letters.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  annexes: [2]\n", "  annexes: [2]\n  duties_containing: [县（市、区）人民政府]\n"), encoding="utf-8")
    result, errors = validate(data_copy)
    assert result.exit_code == 2
    assert any("不认识的字段“duties_containing”" in e and "county.duties_containing" in e for e in errors), errors
