"""A corpus of bad monthly submissions, each sent through `reportgen submit` as a 填报员's file would be.

Every case must end with: exit code 2, a Chinese message naming the file (and the row or cell where
there is one), the specific reason, no traceback, and nothing stored in the archive. The forms are
the real blank form (writers/submission_form.py) filled in and then damaged the way people and
hostile files damage them: typed values, formulas, dates, hidden sheets, oversized or malformed
packages, injected text.
"""

from __future__ import annotations

import calendar
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA
from openpyxl import load_workbook

from reportgen.cli import main
from reportgen.load.plan import load_plan
from reportgen.writers.submission_form import write_form

MONTH = "2021-05"
SHEET = "xl/worksheets/sheet1.xml"
NANJING = ["南京市", "江宁区", "六合区", "溧水区", "高淳区"]
CSV_HEADER = "单位名称,PM2.5浓度,优良天数,有效监测天数,备注"
CSV_ROWS = ["南京市,33.1,25,31,", "江宁区,31.0,26,31,", "六合区,32.4,24,30,", "溧水区,30.2,27,31,",
            "高淳区,29.9,28,31,"]
# the filled-in form: city row 4, counties rows 5–8; B PM2.5, C 优良天数, D 有效监测天数, E 优良天数比率, V 备注
def form_values(month: str) -> dict:
    days = calendar.monthrange(*(int(x) for x in month.split("-")))[1]
    return {name: {"pm25": f"3{i}.1", "good_days": 20 + i, "valid_days": days} for i, name in enumerate(NANJING)}


@pytest.fixture(scope="module")
def plan():
    return load_plan(DATA)[0]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The plan data without the sample submissions: every case must leave submissions/ empty."""
    target = tmp_path_factory.mktemp("bad-submissions") / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("submissions"))
    return target


# -- making files --------------------------------------------------------------------------------

def csv_file(lines: list[str], encoding="utf-8", name="南京.csv"):
    def make(tmp: Path, plan) -> Path:
        path = tmp / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path
    return make


def csv_with(row: int, column: int, value: str, header: str = CSV_HEADER):
    """The good CSV with one cell (data row index, column index) replaced."""
    rows = [r.split(",") for r in CSV_ROWS]
    rows[row][column] = value
    return csv_file([header] + [",".join(r) for r in rows])


def raw_file(data: bytes, name: str):
    def make(tmp: Path, plan) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path
    return make


def form(month: str = MONTH, values: dict | None = None):
    def make(tmp: Path, plan) -> Path:
        path = tmp / "南京报送表.xlsx"
        write_form(plan, month, plan.units.find("南京市"), path, values or form_values(month))
        return path
    return make


def form_edited(edit: Callable, month: str = MONTH):
    """The filled-in form, changed with openpyxl as a person would in Excel."""
    def make(tmp: Path, plan) -> Path:
        path = form(month)(tmp, plan)
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
        return path
    return make


def form_patched(member: str, patch: Callable[[str], str], extra: dict | None = None, source=None):
    """The filled-in form with one package part rewritten as text (what no spreadsheet program would
    write, or what only a raw XML edit can produce), plus `extra` parts."""
    def make(tmp: Path, plan) -> Path:
        path = (source or form())(tmp, plan)
        with zipfile.ZipFile(path) as z:
            parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        if member in parts:
            parts[member] = patch(parts[member].decode("utf-8")).encode("utf-8")
        parts.update(extra or {})
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                if data is not None:
                    z.writestr(name, data)
        path.write_bytes(buf.getvalue())
        return path
    return make


def cell_xml(ref: str, inner: str, attrs: str = "") -> Callable[[str], str]:
    """Replace cell `ref` of the sheet XML by <c r=ref attrs>inner</c>."""
    def patch(xml: str) -> str:
        new, n = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', f'<c r="{ref}"{attrs}>{inner}</c>', xml, count=1)
        assert n == 1, ref
        return new
    return patch


def set_cell(ref: str, value, number_format: str | None = None, sheet: str = "报送数据"):
    def edit(wb):
        ws = wb[sheet]
        ws[ref] = value
        if number_format:
            ws[ref].number_format = number_format
    return edit


def hide_sheet_with_visible_copy(wb):
    real = wb["报送数据"]
    copy = wb.copy_worksheet(real)
    copy.title = "报送数据（改）"
    copy["B4"] = 99.9
    real.sheet_state = "hidden"
    wb.active = wb.index(copy)


def add_blank_sheet_and_rename(wb):
    wb["报送数据"].title = "Sheet1"
    wb.create_sheet("Sheet2")["A1"] = "备用"


def hide_row(wb):
    ws = wb["报送数据"]
    ws.row_dimensions[9].hidden = True
    ws["A9"] = "江宁区"
    ws["B9"] = 12.0


def hide_column(wb):
    ws = wb["报送数据"]
    ws.column_dimensions["W"].hidden = True
    ws["W4"] = 40.5


def zip_bomb_member() -> dict:
    """A shared-strings part of 9 MB of one repeated character: a few KB compressed."""
    body = "<si><t>" + "啊" * (3 * 1024 * 1024) + "</t></si>"
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           f'2006/main" count="1" uniqueCount="1">{body}</sst>')
    return {"xl/sharedStrings.xml": sst.encode("utf-8")}


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>')


# -- the corpus ----------------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    make: Callable
    expect: list[str]                  # fragments the message must contain
    row: int | None = None             # the row the message must name (第N行)
    month: str = MONTH
    args: list[str] = field(default_factory=list)


CASES = [
    # numbers as people mistype them (CSV)
    Case("comma-decimal", csv_with(0, 1, '"35,2"'), ["“35,2”含逗号"], 2),
    Case("fullwidth-comma", csv_with(0, 1, "35，2"), ["含逗号"], 2),
    Case("thousands-separator", csv_with(0, 1, '"1,200"'), ["含逗号", "千位分隔符"], 2),
    Case("space-inside", csv_with(0, 1, "35 2"), ["中间有空格"], 2),
    Case("two-decimals", csv_with(0, 1, "33.46"), ["“33.46”有2位小数", "保留1位小数"], 2),
    Case("three-decimals-county", csv_with(3, 1, "30.255"), ["有3位小数"], 5),
    Case("letters", csv_with(0, 1, "abc"), ["“abc”不是数值"], 2),
    Case("two-points", csv_with(0, 1, "3.3.1"), ["不是数值"], 2),
    Case("exponent", csv_with(0, 1, "1e2"), ["“1e2”不是数值"], 2),
    Case("nan", csv_with(0, 1, "nan"), ["“nan”不是数值"], 2),
    Case("infinity", csv_with(0, 1, "inf"), ["不是数值"], 2),
    Case("ideographic-point", csv_with(0, 1, "35。2"), ["不是数值"], 2),
    Case("negative", csv_with(0, 1, "-5"), ["超出合理范围"], 2),
    Case("too-high", csv_with(0, 1, "600"), ["超出合理范围", "0～500"], 2),
    Case("fractional-days", csv_with(0, 2, "25.5"), ["不是整数"], 2),
    Case("days-beyond-month", csv_with(0, 2, "32"), ["超出合理范围"], 2),
    Case("february-29", csv_with(0, 3, "29"), ["1～28天"], 2, month="2021-02"),
    Case("good-over-valid", csv_file([CSV_HEADER, "南京市,33.1,30,28,"] + CSV_ROWS[1:]), ["优良天数30大于有效监测天数28"], 2),
    Case("rate-contradicts-days", csv_file(["单位名称,PM2.5浓度,优良天数,有效监测天数,优良天数比率"]
                                           + [r.rstrip(",") + ",50%" for r in CSV_ROWS]), ["不符"], 2),
    Case("rate-two-decimals", csv_file(["单位名称,PM2.5浓度,优良天数比率"]
                                       + [f"{n},33.1,83.12%" for n in NANJING]), ["有2位小数"], 2),
    Case("fraction-rate-too-precise", csv_file(["单位名称,PM2.5浓度,优良天数比率"]
                                               + [f"{n},33.1,0.8312" for n in NANJING]), ["有2位小数"], 2),
    Case("rate-over-100", csv_file(["单位名称,PM2.5浓度,优良天数比率"]
                                   + [f"{n},33.1,181.9" for n in NANJING]), ["超出合理范围"], 2),
    Case("percent-on-pm25", csv_with(0, 1, "33.1%"), ["不是数值"], 2),
    Case("blank-pm25-no-remark", csv_with(0, 1, ""), ["PM2.5浓度为空"], 2),
    # a 备注 must say why a value is missing, and stay short enough to quote in the bulletin
    Case("blank-pm25-remark-says-nothing", csv_file([CSV_HEADER, "南京市,,25,31,无"] + CSV_ROWS[1:]),
         ["备注“无”没有说明数值为空的原因"], 2),
    Case("blank-pm25-remark-dash", csv_file([CSV_HEADER, "南京市,,25,31,——"] + CSV_ROWS[1:]), ["没有说明"], 2),
    Case("remark-too-long", csv_with(0, 4, "设备故障" * 51), ["备注有204字，超过200字"], 2),
    # a rate of 1 could be 100% (a fraction) or 1%
    Case("rate-one-ambiguous", csv_file(["单位名称,PM2.5浓度,优良天数比率,备注", "南京市,33.1,1,"]
                                        + [",".join(r.split(",")[:2] + ["83.1", ""]) for r in CSV_ROWS[1:]]),
         ["“1”有歧义", "100%"], 2),
    Case("blank-days-no-remark", csv_file([CSV_HEADER, "南京市,33.1,,,"] + CSV_ROWS[1:]), ["为空"], 2),
    Case("good-days-without-valid", csv_file([CSV_HEADER, "南京市,33.1,25,,"] + CSV_ROWS[1:]),
         ["缺少有效监测天数"], 2),
    Case("progress-on-county", csv_file([CSV_HEADER.replace(",备注", ",VOCs综合治理项目（已完成）,备注"),
                                         "南京市,33.1,25,31,3,", "江宁区,31.0,26,31,2,"]
                                        + [r.replace(",31,", ",31,,", 1) if r.count(",") == 4 else r
                                           for r in CSV_ROWS[2:]]), ["县（市、区）行不填项目完成数"], 3),
    # units
    Case("unknown-unit", csv_with(1, 0, "江宇区"), ["未知单位“江宇区”", "是否是"], 3),
    Case("duplicate-unit", csv_file([CSV_HEADER] + CSV_ROWS + ["江宁区,31.0,26,31,"]), ["江宁区重复填报"], 7),
    Case("county-of-other-city", csv_file([CSV_HEADER] + CSV_ROWS + ["江阴市,31.0,26,31,"]),
         ["江阴市属于无锡市，不应由南京市报送"], 7),
    Case("missing-county", csv_file([CSV_HEADER] + CSV_ROWS[:-1]), ["缺少以下单位的行：高淳区"]),
    Case("two-cities-no-city-option", csv_file([CSV_HEADER] + CSV_ROWS + ["无锡市,31.0,26,31,"]),
         ["表中有2个设区市的行", "无锡市（第7行）"]),
    Case("other-city-row", csv_file([CSV_HEADER] + CSV_ROWS + ["无锡市,31.0,26,31,"]),
         ["无锡市不应出现在南京市的报送表中"], 7, args=["--city", "南京"]),
    Case("wrong-city-option", csv_file([CSV_HEADER] + CSV_ROWS), ["南京市不应出现在无锡市的报送表中"],
         args=["--city", "无锡"]),
    Case("no-city-row", csv_file([CSV_HEADER] + CSV_ROWS[1:]), ["没有设区市本级的行"]),
    Case("empty-unit-name", csv_with(1, 0, ""), ["单位名称为空"], 3),
    Case("unit-with-zero-width-space", csv_with(1, 0, "江宁\u200b区"), ["不可见的控制字符（U+200B）"], 3),
    Case("city-option-unknown", csv_file([CSV_HEADER] + CSV_ROWS), ["“北京”不是设区市"], args=["--city", "北京"]),
    # headers and layout
    Case("unknown-header", csv_file([CSV_HEADER.replace("PM2.5浓度", "PM2.5浓渡")] + CSV_ROWS),
         ["无法识别的列名“PM2.5浓渡”"], 1),
    Case("duplicate-header", csv_file([CSV_HEADER.replace("备注", "PM2.5")] + CSV_ROWS),
         ["是同一项，重复出现"], 1),
    Case("no-header-row", csv_file(CSV_ROWS), ["找不到表头行"], 1),
    Case("no-pm25-column", csv_file(["单位名称,优良天数,有效监测天数"] + [",".join(r.split(",")[:1] + r.split(",")[2:4])
                                                               for r in CSV_ROWS]), ["缺少“PM2.5浓度”列"], 1),
    Case("no-days-columns", csv_file(["单位名称,PM2.5浓度"] + [",".join(r.split(",")[:2]) for r in CSV_ROWS]),
         ["缺少“优良天数”和“有效监测天数”列"], 1),
    Case("value-in-unnamed-column", csv_file([CSV_HEADER] + [CSV_ROWS[0] + ",35.0"] + CSV_ROWS[1:]),
         ["填在了没有列名的列（F列）"], 2),
    Case("too-many-rows", csv_file([CSV_HEADER] + CSV_ROWS * 50), ["超过200行"]),
    Case("too-many-errors", csv_file([CSV_HEADER] + [f"南京市,x{i},25,31," for i in range(150)]),
         ["另有51处错误未列出（共101处）"]),
    Case("too-many-columns", csv_file([CSV_HEADER + ",x" * 70] + CSV_ROWS), ["超过64列"], 1),
    Case("title-month-differs", csv_file(["2021年12月 南京市空气质量数据报送表", CSV_HEADER] + CSV_ROWS),
         ["表格标题写的是“2021年12月”", "与导入的月份2021-05"], 1),
    Case("title-city-differs", csv_file(["2021年5月 无锡市空气质量数据报送表", CSV_HEADER] + CSV_ROWS),
         ["表格标题写的是无锡市"], 1),
    # text that is not what it looks like (CSV)
    Case("vertical-tab-in-remark", csv_with(0, 4, "设备\x0b故障"), ["不可见的控制字符（U+000B）"], 2),
    Case("bidi-override-in-remark", csv_with(0, 4, "故障\u202e"), ["不可见的控制字符（U+202E）"], 2),
    Case("bell-in-unit", csv_with(1, 0, "江宁\x07区"), ["控制字符（U+0007）"], 3),
    Case("formula-text-in-remark", csv_with(0, 4, '"=HYPERLINK(""http://x"",""点此"")"'), ["以“=”开头"], 2),
    Case("dde-text-in-remark", csv_with(0, 4, "=cmd|' /C calc'!A0"), ["以“=”开头"], 2),
    Case("at-text-in-remark", csv_with(0, 4, "@SUM(1+1)"), ["以“@”开头"], 2),
    Case("plus-text-in-remark", csv_with(0, 4, "+cmd|x"), ["以“+”开头"], 2),
    Case("minus-text-in-remark", csv_with(0, 4, "-2+3+cmd|x"), ["以“-”开头"], 2),
    Case("fullwidth-equals-in-remark", csv_with(0, 4, "＝1+1"), ["开头"], 2),
    Case("formula-text-in-number", csv_with(0, 1, "=20+1.4"), ["“=20+1.4”不是数值"], 2),
    # files that are not what they claim
    Case("nul-bytes", csv_file([CSV_HEADER, "南京市,33.1,25,31,\x00"] + CSV_ROWS[1:]), ["空字符"], 2),
    Case("huge-field", csv_file([CSV_HEADER, "南京市,33.1,25,31,\"" + "长" * 200_000 + "\""] + CSV_ROWS[1:]),
         ["CSV格式错误"], 2),
    Case("unknown-encoding", raw_file(b"\xff\xfe\xff" + "单位".encode("utf-16-le"), "南京.csv"), ["无法识别文件编码"]),
    Case("file-too-large", raw_file((CSV_HEADER + "\n" + "南京市,33.1,25,31,\n" * 130_000).encode(), "南京.csv"),
         ["文件过大"]),
    Case("empty-file", raw_file(b"", "南京.csv"), ["没有任何内容"]),
    Case("xls-suffix", raw_file(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "南京.xls"), ["不接受“.xls”格式"]),
    Case("txt-suffix", raw_file(b"x", "南京.txt"), ["不支持的文件类型“.txt”"]),
    Case("not-a-zip", raw_file(b"PK\x03\x04 this is not a workbook", "南京.xlsx"), ["无法作为XLSX文件打开"]),
    Case("truncated-zip", lambda tmp, plan: raw_file(form()(tmp, plan).read_bytes()[:3000], "南京.xlsx")(tmp, plan),
         ["无法作为XLSX文件打开"]),
    Case("month-13", csv_file([CSV_HEADER] + CSV_ROWS), ["月份“2021-13”格式不对"], month="2021-13"),
    Case("month-slash", csv_file([CSV_HEADER] + CSV_ROWS), ["格式不对"], month="2021/05"),
    # XLSX: formulas, dates, errors
    Case("xlsx-formula", form_edited(set_cell("B4", "=20+1.4")), ["单元格B4是公式（=20+1.4）", "选择性粘贴"], 4),
    Case("xlsx-dde-with-cached-value", form_patched(SHEET, cell_xml("B4", "<f>cmd|'/c calc'!A1</f><v>22.4</v>")),
         ["单元格B4是公式（=cmd|'/c calc'!A1）"], 4),
    Case("xlsx-hyperlink-formula-in-remark", form_patched(SHEET, cell_xml(
        "V4", '<f>HYPERLINK("http://x","点此")</f><v>点此</v>', ' t="str"')), ["单元格V4是公式"], 4),
    Case("xlsx-shared-formula-dependent", form_patched(SHEET, cell_xml("B5", '<f t="shared" si="0"/><v>30.1</v>')),
         ["单元格B5是公式"], 5),
    Case("xlsx-date-cell", form_edited(set_cell("B4", 21, "yyyy-mm-dd")), ["单元格B4是日期格式"], 4),
    Case("xlsx-chinese-date-cell", form_edited(set_cell("C4", 25, 'yyyy"年"m"月"d"日"')), ["日期格式"], 4),
    Case("xlsx-iso-date-cell", form_patched(SHEET, cell_xml("B4", "<v>1900-01-21T00:00:00</v>", ' t="d"')),
         ["日期格式"], 4),
    Case("xlsx-error-value", form_patched(SHEET, cell_xml("B4", "<v>#DIV/0!</v>", ' t="e"')),
         ["错误值“#DIV/0!”"], 4),
    Case("xlsx-boolean", form_edited(set_cell("B4", True)), ["“TRUE”不是数值"], 4),
    Case("xlsx-two-decimals", form_edited(set_cell("B4", 33.46)), ["“33.46”有2位小数"], 4),
    Case("xlsx-percent-cell-too-precise", form_edited(set_cell("E4", 0.8312, "0.0%")), ["有2位小数"], 4),
    Case("xlsx-text-comma", form_edited(set_cell("B4", "35,2")), ["含逗号"], 4),
    Case("xlsx-control-char", form_patched(SHEET, cell_xml("V4", "<is><t>设备_x000B_故障</t></is>", ' t="inlineStr"')),
         ["不可见的控制字符（U+000B）"], 4),
    Case("xlsx-invalid-xml-character", form_patched(SHEET, cell_xml("V4", "<is><t>设备&#12;故障</t></is>",
                                                                     ' t="inlineStr"')), ["不是有效的XML"]),
    # a huge number is quoted back short, not as its 309 digits
    Case("xlsx-1e308", form_edited(set_cell("B4", 1e308)), ["超出合理范围", "“PM2.5浓度（微克/立方米）”列：10000000000000000000……超出"], 4),
    Case("xlsx-formula-text-in-remark", form_edited(set_cell("V4", "@cmd")), ["以“@”开头"], 4),
    # XLSX: what is seen is not what is read
    Case("xlsx-hidden-data-sheet", form_edited(hide_sheet_with_visible_copy), ["工作表“报送数据”被隐藏了"]),
    Case("xlsx-no-data-sheet-two-visible", form_edited(add_blank_sheet_and_rename), ["无法确定哪张是报送数据"]),
    Case("xlsx-hidden-row", form_edited(hide_row), ["被隐藏，但有内容"], 9),
    Case("xlsx-hidden-column", form_edited(hide_column), ["被隐藏，但有内容"], 4),
    Case("xlsx-title-month-differs", form(month="2021-12"), ["表格标题写的是“2021年12月”", "与导入的月份2021-05"], 1),
    Case("xlsx-title-june-for-may", form(month="2021-06"), ["表格标题写的是“2021年6月”"], 1),
    Case("xlsx-wrong-city", form(), ["不应出现在无锡市的报送表中"], args=["--city", "无锡"]),
    # XLSX: hostile packages
    Case("xlsx-huge-cell-reference", form_patched(SHEET, lambda x: x.replace('<c r="B4"', '<c r="XFDXFD4"', 1)),
         ["单元格位置“XFDXFD4”无效"]),
    Case("xlsx-far-column", form_patched(SHEET, lambda x: x.replace('<c r="B4"', '<c r="XFD4"', 1)),
         ["单元格XFD4超出报送表的范围"]),
    Case("xlsx-far-row", form_patched(SHEET, lambda x: x.replace('<row r="8"', '<row r="1048576"', 1)
                                      .replace('r="A8"', 'r="A1048576"')), ["超出报送表的范围"]),
    Case("xlsx-shared-strings-bomb", form_patched("none", lambda x: x, zip_bomb_member()), ["内容过大"]),
    Case("xlsx-entity-expansion", form_patched(SHEET, lambda x: BILLION_LAUGHS + re.sub(r"^<\?xml[^>]*\?>", "", x)),
         ["DTD/实体声明"]),
    Case("xlsx-macro", form_patched("none", lambda x: x, {"xl/vbaProject.bin": b"\x00" * 64}), ["含有宏"]),
    Case("xlsx-no-workbook-part", form_patched("xl/workbook.xml", lambda x: x, {"xl/workbook.xml": None}),
         ["缺少必需的部件 xl/workbook.xml"]),
    Case("xlsx-malformed-sheet-xml", form_patched(SHEET, lambda x: x[: len(x) // 2]), ["不是有效的XML"]),
    Case("xlsx-bad-shared-string-index", form_patched(SHEET, cell_xml("V4", "<v>999</v>", ' t="s"')),
         ["不存在的文字条目"]),
    Case("xlsx-strict-open-xml", form_patched("xl/workbook.xml", lambda x: x.replace(
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")),
         ["Strict Open XML"]),
    Case("device-not-a-file", lambda tmp, plan: Path("/dev/zero"), ["不是普通文件"]),
    Case("xlsx-too-many-parts", form_patched("none", lambda x: x, {f"xl/media/x{i}.bin": b"" for i in range(250)}),
         ["部件过多"]),
]


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_submission_is_refused_with_a_located_message(case, plan, data_dir, tmp_path):
    shutil.rmtree(data_dir / "submissions", ignore_errors=True)   # a failed case must not spoil the next
    path = case.make(tmp_path, plan)
    before = tree(data_dir / "submissions")
    result = CliRunner().invoke(main, ["submit", str(path), "--month", case.month, "--data", str(data_dir),
                                       *case.args])
    out = result.output
    assert result.exit_code == 2, out
    assert isinstance(result.exception, SystemExit), out      # a message, not a crash
    assert "Traceback" not in out and "Error" not in out
    for fragment in case.expect:
        assert fragment in out, (fragment, out)
    if case.month == MONTH or "格式不对" not in case.expect[0]:
        assert path.name in out, out                           # the file is named
    if case.row is not None:
        assert f"第{case.row}行" in out, out
    assert tree(data_dir / "submissions") == before == []       # nothing stored


def test_corpus_size():
    assert len(CASES) >= 90 and len({c.id for c in CASES}) == len(CASES)


def test_the_good_files_of_the_corpus_are_accepted(plan, tmp_path):
    """The corpus's starting points are valid: each refusal above is caused by its one change."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
    for make, month in ((csv_file([CSV_HEADER] + CSV_ROWS), MONTH), (form(), MONTH),
                        (form(month="2021-02"), "2021-02"), (csv_file([CSV_HEADER] + CSV_ROWS), MONTH)):
        result = CliRunner().invoke(main, ["submit", str(make(tmp_path, plan)), "--month", month, "--data", str(data)])
        assert result.exit_code == 0, result.output
    assert len(list((data / "submissions").rglob("r*_*"))) == 4


def test_errors_beyond_the_first_fifty_are_counted_not_printed(plan, data_dir, tmp_path):
    path = csv_file([CSV_HEADER] + [f"南京市,x{i},25,31," for i in range(80)])(tmp_path, plan)
    result = CliRunner().invoke(main, ["submit", str(path), "--month", MONTH, "--data", str(data_dir)])
    assert result.exit_code == 2
    assert result.output.count("[错误]") == 50
    assert "……另有31处错误未列出（共81处）" in result.output


def test_a_hidden_row_is_reported_once_not_per_cell(plan, data_dir, tmp_path):
    path = form_edited(hide_row)(tmp_path, plan)
    result = CliRunner().invoke(main, ["submit", str(path), "--month", MONTH, "--data", str(data_dir)])
    assert result.exit_code == 2
    assert result.output.count("被隐藏，但有内容") == 1, result.output
