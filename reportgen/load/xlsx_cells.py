"""The cells of one worksheet of an XLSX file, read straight from its XML, with the facts an importer
needs to refuse what a person did not mean as data.

A city's form is small; openpyxl spends ~7 ms opening each one, this reader ~1 ms. Every cell comes
with how it was stored: text, number (as its shortest decimal text, so 33.4 stays 33.4), a formula
(with the formula's text; its cached result is never taken as data), a date, an error value, whether
it is formatted as a percentage and whether its row or column is hidden.

The file is hostile until checked: sizes are bounded before anything is decompressed or parsed
(members, shared strings, cell positions), and the data sheet must be visible. Structural refusals
raise XlsxRefused with a Chinese message; cell-level judgements are left to the caller.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath

from lxml import etree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
M = f"{{{NS['m']}}}"
CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)

# Limits: a monthly form is ~10 KB with a dozen rows; these are generous and cheap to check.
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 8 * 1024 * 1024      # uncompressed size of one part (sheet, shared strings, styles)
MAX_TOTAL_BYTES = 24 * 1024 * 1024      # uncompressed size of the parts read
MAX_SHARED_STRINGS = 100_000
MAX_ROW = 1000                          # highest row number a cell may have
MAX_COLUMN = 64                         # highest column (BL)

# built-in number formats that show a date or time (ECMA-376 18.8.30, with the CJK ones)
DATE_FORMAT_IDS = (set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
                   | set(range(71, 82)))
PERCENT_FORMAT_IDS = {9, 10}


class XlsxRefused(ValueError):
    """The workbook cannot be read as a form; the message says why, in Chinese."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        self.row, self.column = row, column
        super().__init__(message)


@dataclass(frozen=True)
class Cell:
    value: str | bool
    kind: str = "text"          # "text" | "number" | "bool" | "error" | "date"
    formula: str | None = None  # the formula's text ("" for a shared formula's dependent cell)
    percent: bool = False       # number formatted as a percentage (0.831 shows as 83.1%)
    hidden: bool = False        # in a hidden row or column
    ref: str = ""               # "C5"; "" for CSV


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _text(node) -> str:
    """Text of a string item: its runs, without phonetic (furigana) runs; characters XML cannot hold
    are stored escaped as _xHHHH_ (ECMA-376 22.9.2.19) and are decoded, so the caller sees them."""
    if node is None:
        return ""
    out = []
    for t in node.iter(f"{M}t"):
        parent = t.getparent()
        if parent is not None and parent.tag == f"{M}rPh":
            continue
        out.append(t.text or "")
    return ESCAPED_CHARACTER.sub(lambda m: chr(int(m.group(1), 16)), "".join(out))


def number_text(raw: str) -> str | None:
    """Shortest decimal text of a stored number (Excel writes 33.4 as 33.399999999999999): None if it
    is not a finite number."""
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    if text.endswith(".0"):
        text = text[:-2]
    return text


def _is_date_format(code: str) -> bool:
    s = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code)   # quoted text, escapes, [Red], padding
    return bool(re.search(r"[ydhsmYDHSM年月日时分秒]", s))


class _Reader:
    def __init__(self, source):
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise XlsxRefused("无法作为XLSX文件打开（不是有效的XLSX文件，可能是改了扩展名的 .xls 或已损坏）；"
                              "请在Excel/WPS中另存为 .xlsx 后重新报送") from exc
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise XlsxRefused(f"XLSX文件内部的部件过多（{len(infos)}个），不像报送表；请使用下发的空白报送表")
        self.sizes = {i.filename: i.file_size for i in infos}
        if any(name.lower().endswith("vbaproject.bin") for name in self.sizes):
            raise XlsxRefused("文件含有宏（VBA），不接受；请另存为不含宏的 .xlsx 后重新报送")
        self.read_total = 0

    def read(self, member: str, required: bool = True) -> bytes | None:
        if member not in self.sizes:
            if required:
                raise XlsxRefused(f"XLSX文件缺少必需的部件 {member}，文件已损坏；请另存为 .xlsx 后重新报送")
            return None
        size = self.sizes[member]
        if size > MAX_MEMBER_BYTES or self.read_total + size > MAX_TOTAL_BYTES:
            raise XlsxRefused(f"XLSX文件内容过大（{member} 解压后 {size // 1024} KB，报送表不超过"
                              f"{MAX_MEMBER_BYTES // 1024 // 1024} MB）；请使用下发的空白报送表，只填写数值")
        try:
            with self.zip.open(member) as f:
                data = f.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise XlsxRefused(f"XLSX文件已损坏（{member} 无法解压）；请另存为 .xlsx 后重新报送") from exc
        if len(data) > MAX_MEMBER_BYTES:
            raise XlsxRefused(f"XLSX文件内容过大（{member}）；请使用下发的空白报送表")
        self.read_total += len(data)
        return data

    def xml(self, member: str, required: bool = True):
        data = self.read(member, required)
        if data is None:
            return None
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:   # entity expansion ("billion laughs"), external files
            raise XlsxRefused(f"XLSX文件含有不允许的内容（{member} 中有DTD/实体声明），不是Excel/WPS正常保存的文件；"
                              "请另存为 .xlsx 后重新报送")
        try:
            return etree.fromstring(data, PARSER)
        except etree.XMLSyntaxError as exc:
            raise XlsxRefused(f"XLSX文件已损坏（{member} 不是有效的XML）；请另存为 .xlsx 后重新报送") from exc


def _styles(reader: _Reader) -> tuple[set[int], set[int]]:
    """Style indexes (cellXfs) whose number format is a date, and those that are a percentage."""
    root = reader.xml("xl/styles.xml", required=False)
    if root is None:
        return set(), set()
    custom = {int(n.get("numFmtId")): n.get("formatCode") or ""
              for n in root.iterfind("m:numFmts/m:numFmt", NS) if (n.get("numFmtId") or "").isdigit()}
    dates, percents = set(), set()
    for i, xf in enumerate(root.iterfind("m:cellXfs/m:xf", NS)):
        fmt = int(xf.get("numFmtId") or 0) if (xf.get("numFmtId") or "0").isdigit() else 0
        code = custom.get(fmt)
        if fmt in DATE_FORMAT_IDS or (code is not None and _is_date_format(code)):
            dates.add(i)
        if fmt in PERCENT_FORMAT_IDS or (code is not None and "%" in re.sub(r'"[^"]*"|\\.', "", code)):
            percents.add(i)
    return dates, percents


def sheet_names(source) -> list[tuple[str, str]]:
    """[(sheet name, state)] in workbook order; state is "visible", "hidden" or "veryHidden"."""
    reader = _Reader(source)
    workbook = reader.xml("xl/workbook.xml")
    return [(s.get("name") or "", s.get("state") or "visible") for s in workbook.iterfind("m:sheets/m:sheet", NS)]


def sheet_rows(source, data_sheet: str) -> list[tuple[int, list[Cell | None]]]:
    """[(row number, [Cell or None per column])] of the data sheet: the sheet named `data_sheet`,
    which must be visible; without one, the only visible sheet. Raises XlsxRefused."""
    reader = _Reader(source)
    workbook = reader.xml("xl/workbook.xml")
    if workbook.tag != f"{M}workbook":   # e.g. "Strict Open XML" (another namespace), or not a workbook at all
        raise XlsxRefused("不是常见的 Excel 工作簿格式（可能保存成了“Strict Open XML 电子表格”）；"
                          "请在Excel/WPS中另存为“Excel 工作簿（.xlsx）”后重新报送")
    sheets = workbook.findall("m:sheets/m:sheet", NS)
    visible = [s for s in sheets if (s.get("state") or "visible") == "visible"]
    named = [s for s in sheets if (s.get("name") or "").strip() == data_sheet]
    if named:
        chosen = named[0]
        if chosen not in visible:
            raise XlsxRefused(f"工作表“{data_sheet}”被隐藏了；隐藏的工作表不作为报送数据。请取消隐藏并核对其中的数值，"
                              "删除其他多余的工作表后重新报送")
    elif len(visible) == 1:
        chosen = visible[0]
    elif not visible:
        raise XlsxRefused("工作簿中没有可见的工作表")
    else:
        names = "、".join(f"“{s.get('name')}”" for s in visible)
        raise XlsxRefused(f"找不到名为“{data_sheet}”的工作表，而工作簿有多张工作表（{names}），无法确定哪张是报送数据；"
                          f"请把数据放在名为“{data_sheet}”的工作表中（即下发的空白报送表）")
    rid = chosen.get(f"{{{NS['r']}}}id")
    rels = reader.xml("xl/_rels/workbook.xml.rels")
    target = next((r.get("Target") for r in rels.findall("rel:Relationship", NS) if r.get("Id") == rid), None)
    if not target:
        raise XlsxRefused("XLSX文件已损坏（找不到工作表的内容）；请另存为 .xlsx 后重新报送")
    member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    dates, percents = _styles(reader)
    shared: list[str] = []
    sst = reader.xml("xl/sharedStrings.xml", required=False)
    if sst is not None:
        items = sst.findall("m:si", NS)
        if len(items) > MAX_SHARED_STRINGS:
            raise XlsxRefused(f"XLSX文件中的文字条目过多（{len(items)}条）；请使用下发的空白报送表")
        shared = [_text(si) for si in items]
    sheet = reader.xml(member)

    hidden_columns: set[int] = set()
    for col in sheet.iterfind("m:cols/m:col", NS):
        if col.get("hidden") in ("1", "true"):
            low, high = int(col.get("min") or 1), int(col.get("max") or 1)
            hidden_columns.update(range(low - 1, min(high, MAX_COLUMN)))

    rows: list[tuple[int, list[Cell | None]]] = []
    previous = 0
    for row in sheet.iterfind("m:sheetData/m:row", NS):
        r = row.get("r")
        number = int(r) if r and r.isdigit() else previous + 1
        previous = number
        row_hidden = row.get("hidden") in ("1", "true")
        values: dict[int, Cell] = {}
        position = -1
        for c in row.iterfind("m:c", NS):
            ref_text = c.get("r") or ""
            ref = CELL_REF.match(ref_text)
            if ref_text and not ref:
                raise XlsxRefused(f"单元格位置“{ref_text[:20]}”无效，文件已损坏；请另存为 .xlsx 后重新报送")
            col = _column_index(ref.group(1)) if ref else position + 1
            cell_row = int(ref.group(2)) if ref else number
            position = col
            if col >= MAX_COLUMN or cell_row > MAX_ROW or number > MAX_ROW:
                where = ref_text or f"{column_letters(min(col, 16383))}{number}"
                raise XlsxRefused(f"单元格{where}超出报送表的范围（报送表最多{MAX_COLUMN}列、{MAX_ROW}行）；"
                                  "请删除表格范围以外的内容，或使用下发的空白报送表")
            kind = c.get("t", "n")
            f = c.find("m:f", NS)
            v = c.find("m:v", NS)
            style = int(c.get("s")) if (c.get("s") or "").isdigit() else 0
            formula = None if f is None else (f.text or "")
            if kind == "inlineStr":
                value, out_kind = _text(c.find("m:is", NS)), "text"
            elif v is None or v.text is None:
                if formula is None:
                    continue
                value, out_kind = "", "text"
            elif kind == "s":
                index = int(v.text) if v.text.strip().isdigit() else -1
                if not 0 <= index < len(shared):
                    raise XlsxRefused(f"单元格{ref_text}引用了不存在的文字条目，文件已损坏；请另存为 .xlsx 后重新报送")
                value, out_kind = shared[index], "text"
            elif kind == "b":
                value, out_kind = v.text == "1", "bool"
            elif kind in ("str", "e"):
                value, out_kind = v.text, "text" if kind == "str" else "error"
            elif kind == "d":
                value, out_kind = v.text, "date"
            else:
                text = number_text(v.text)
                if text is None:
                    value, out_kind = v.text, "error"
                else:
                    value, out_kind = text, "date" if style in dates else "number"
            values[col] = Cell(value, out_kind, formula, style in percents, row_hidden or col in hidden_columns,
                               ref_text or f"{column_letters(col)}{number}")
        if values:
            rows.append((number, [values.get(i) for i in range(max(values) + 1)]))
    return rows
