"""Cities' monthly submissions: read one spreadsheet (XLSX, or CSV in UTF-8 / UTF-8 with BOM / GBK),
check it, and keep every revision on disk.

Forgiving where people are inconsistent (header spellings, names with or without 市/县/区, full-width
digits, 83.1% / 83.1 / 0.831), strict where it matters (unknown, duplicate, misplaced or missing
units, values outside physical ranges, 优良天数 > 有效监测天数, non-numeric cells). Every problem names
the file, row and column.

Stored layout: <data>/submissions/<YYYY-MM>/<city name>/r<NN>_<YYYYMMDD>T<HHMMSS>.<xlsx|csv>; revision
NN is the order of receipt, the time is when it was received. A new submission is a new file; nothing
is ever overwritten. <data>/submissions/SAMPLE.md marks the whole folder as sample data; so does
<data>/SAMPLE.md, which marks the whole data set (load/plan.py).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import re
import threading
import unicodedata
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path

from ..files import exclusive_lock, link_new_file, remove_leftovers
from ..model import StoredRevision, Submission, SubmissionArchive, Unit, UnitReport, Units
from ..names import did_you_mean
from ..problems import DataError, Problems
from ..submission_fields import AIR_FIELDS, UNIT_HEADER, header_index, match_header, normalize_header, progress_fields
from .sample_marker import is_sample_data_set
from .xlsx_cells import MAX_COLUMN, Cell, XlsxRefused, column_letters, sheet_rows

REMARK_HEADER = "备注"
DATA_SHEET = "报送数据"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STORED_NAME = re.compile(r"^r(\d{2,})_(\d{8}T\d{6})\.(xlsx|csv)$")
SUFFIXES = (".xlsx", ".csv")
RATE_TOLERANCE = Decimal("0.1")   # stated 优良天数比率 vs 优良天数/有效监测天数, percentage points
MAX_REMARK_CHARS = 200            # a 备注 is quoted in the bulletin; a page of text there is a mistake
# 备注 that say nothing: they are no reason for a missing value
EMPTY_REMARKS = {"无", "没有", "暂无", "空", "略", "/", "-", "--", "—", "——", "－", "无备注", "n/a", "na", "none", "null",
                 "0", "x", "…", "……", "."}

# Limits, checked before anything expensive: a form is ~10 KB with a dozen rows.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DATA_ROWS = 200               # non-empty rows in the data sheet
MAX_ERRORS_PER_FILE = 100         # then one line saying the check stopped

NUMBER_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")   # ASCII digits only (\d takes ٣٥ too)
# characters that are never part of what a person types: C0 controls (but tab and line breaks), DEL,
# non-characters, and bidirectional overrides that make text display differently from what it is
# zero-width and other invisible format characters (a name with one inside does not match, and nobody
# can see why)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u202a-\u202e\u2066-\u2069"
                     r"\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
# text a spreadsheet program runs as a formula when the stored CSV is opened
FORMULA_START = re.compile(r"^[=+@]|^-(?=[^\s\-—])")
TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")


def submission_fields(plan_annex6):
    return AIR_FIELDS + progress_fields(plan_annex6)


def after_plan_year(month: str, plan_year: int) -> str | None:
    """Why a month after the data set's plan year cannot be submitted to it, or None. Earlier months may
    be: they are the comparison data (同比) of the plan year's bulletins."""
    if int(month[:4]) <= plan_year:
        return None
    return (f"{int(month[:4])}年{int(month[5:])}月在本数据集的计划年度（{plan_year}年）之后，应使用"
            f"{int(month[:4])}年的数据集（--data 加上该数据集的名称，见 reportgen.yaml 中的 datasets）")


def days_in_month(month: str) -> int:
    year, mon = (int(x) for x in month.split("-"))
    return calendar.monthrange(year, mon)[1]


def check_month(month: str) -> str | None:
    """None if `month` is YYYY-MM, else the complaint."""
    return None if MONTH.match(month or "") else f"月份“{month}”格式不对，应为“年-月”，如 2021-05"


def parse_number(text: str) -> Decimal | str:
    """The number a person typed, or why it is refused (Chinese). Full-width digits are read as
    digits; a comma is never guessed at (35,2 may be 35.2 or 352), nor a space inside a number."""
    s = unicodedata.normalize("NFKC", text).strip()
    if "," in s:
        return f"“{text}”含逗号；小数点请用“.”（如 35.2），数字中不要加千位分隔符"
    if re.search(r"\s", s):
        return f"“{text}”中间有空格；请只填写一个数"
    if not NUMBER_TEXT.fullmatch(s):
        return f"“{text}”不是数值"
    return Decimal(s)


def decimals_of(value: Decimal) -> int:
    """Decimal places a value needs (33.40 → 1, 35 → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _shown(text: str, limit: int = 40) -> str:
    """Text quoted back in a message: control characters made visible, long text cut."""
    text = CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
    return text if len(text) <= limit else text[:limit] + "……"


# -- reading a file ------------------------------------------------------------------------------

def read_limited(path: Path) -> bytes:
    """The file's bytes, refusing (ValueError, Chinese) a file larger than a form can be, before
    reading it."""
    if not path.is_file():   # a device, a pipe: reading could block or never end
        raise ValueError("不是普通文件；请选择报送表文件（.xlsx 或 .csv）")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"文件过大（{size / 1024 / 1024:.1f} MB）；报送表不超过{MAX_FILE_BYTES // 1024 // 1024} MB，"
                         "请使用下发的空白报送表")
    with open(path, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError("文件过大；请使用下发的空白报送表")
    return data


# Rows of files read without any problem, by file type and SHA-256 of the bytes: a process that reads the
# same archive again (the web server after each upload, a revision note comparing two versions, the tests)
# parses each file once. The key is the bytes themselves, so a changed file is read anew; a file with any
# problem is never kept, so its messages (which name the path) are always produced afresh.
_ROWS_CACHE: OrderedDict[tuple[str, bytes], tuple] = OrderedDict()
_ROWS_CACHE_SIZE = 2048
_ROWS_CACHE_LOCK = threading.Lock()


def _read_rows(path: Path, data: bytes, problems: Problems) -> list[tuple[int, list[Cell | None]]]:
    """All non-empty rows as (spreadsheet row number, cells)."""
    key = (path.suffix.lower(), hashlib.sha256(data).digest())
    with _ROWS_CACHE_LOCK:
        cached = _ROWS_CACHE.get(key)
        if cached is not None:
            _ROWS_CACHE.move_to_end(key)
    if cached is not None:
        return [(number, list(cells)) for number, cells in cached]
    before = len(problems.items)
    rows = _parse_rows(path, data, problems)
    if rows and len(problems.items) == before:
        with _ROWS_CACHE_LOCK:
            _ROWS_CACHE[key] = tuple((number, tuple(cells)) for number, cells in rows)
            while len(_ROWS_CACHE) > _ROWS_CACHE_SIZE:
                _ROWS_CACHE.popitem(last=False)
    return rows


def _parse_rows(path: Path, data: bytes, problems: Problems) -> list[tuple[int, list[Cell | None]]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        try:
            cells = sheet_rows(io.BytesIO(data), DATA_SHEET)
        except XlsxRefused as exc:
            problems.error(path, str(exc), exc.row, exc.column)
            return []
        rows = [(n, row) for n, row in cells
                if any(c is not None and (str(c.value).strip() or c.formula is not None) for c in row)]
    elif suffix == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            problems.error(path, "无法识别文件编码；CSV 应为 UTF-8 或 GBK 编码")
            return []
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            problems.error(path, "文件中有空字符（\\u0000），不是正常的CSV文本文件；请另存为CSV后重新报送", line)
            return []
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = []
        previous_end = 0
        try:
            for cells in reader:
                number = previous_end + 1
                previous_end = reader.line_num
                if any(c.strip() for c in cells):
                    rows.append((number, [Cell(c) if c != "" else None for c in cells]))
                    if len(rows) > MAX_DATA_ROWS:
                        break
        except csv.Error as exc:
            reason = "单元格内容过长" if "field limit" in str(exc) else "引号不成对或格式不对"
            problems.error(path, f"CSV格式错误（{reason}）；请用Excel/WPS另存为CSV后重新报送", previous_end + 1)
            return []
    elif suffix in (".xls", ".et", ".xlsm", ".ods"):
        problems.error(path, f"不接受“{path.suffix}”格式；请在Excel/WPS中另存为 .xlsx（或 CSV）后重新报送")
        return []
    else:
        problems.error(path, f"不支持的文件类型“{path.suffix}”，应为 .xlsx 或 .csv")
        return []
    if len(rows) > MAX_DATA_ROWS:
        problems.error(path, f"表中有内容的行超过{MAX_DATA_ROWS}行，不像一份报送表（每份为本市一行及所辖县（市、区）各一行）；"
                             "请使用下发的空白报送表", rows[MAX_DATA_ROWS][0])
        return []
    for number, cells in rows:
        if len(cells) > MAX_COLUMN:   # XLSX rows are bounded by the reader; CSV rows here
            problems.error(path, f"表中的列超过{MAX_COLUMN}列，不像一份报送表；请使用下发的空白报送表", number)
            return []
    return rows


def _text(cell: Cell | None) -> str:
    """A cell as text for matching and number parsing: NFKC (full-width → half-width), trimmed."""
    if cell is None:
        return ""
    if isinstance(cell.value, bool):
        return "TRUE" if cell.value else "FALSE"
    return unicodedata.normalize("NFKC", str(cell.value)).strip()


def _raw(cell: Cell | None) -> str:
    """A cell's text as the person wrote it (for free text and for quoting back)."""
    if cell is None or isinstance(cell.value, bool):
        return _text(cell)
    return str(cell.value).strip()


def _cell_complaint(cell: Cell, text_column: bool) -> str | None:
    """Why a non-empty cell cannot be taken as data, whatever its column; None if it can."""
    where = f"单元格{cell.ref}" if cell.ref else "该单元格"
    if cell.formula is not None:
        shown = f"（={_shown(cell.formula)}）" if cell.formula else ""
        return (f"{where}是公式{shown}；报送表只接受直接填写的数值和文字，公式的计算结果不作为数据。"
                "请复制后“选择性粘贴→数值”，再重新报送")
    if cell.kind == "date":
        return (f"{where}是日期格式（存的是{_shown(str(cell.value))}），不是数值；请把单元格格式改为“常规”或“数值”，"
                "重新填写后报送")
    if cell.kind == "error":
        return f"{where}是错误值“{_shown(str(cell.value))}”；请填写数值"
    if cell.hidden:
        return f"{where}所在的行或列被隐藏，但有内容；隐藏的内容不作为数据。请取消隐藏，核对后重新报送"
    raw = str(cell.value)
    if (m := CONTROL.search(raw)):
        return f"“{_shown(raw)}”中有不可见的控制字符（U+{ord(m.group()):04X}）；请删除后重新报送（可重新输入该单元格）"
    if text_column and FORMULA_START.match(unicodedata.normalize("NFKC", raw).strip()):
        return f"“{_shown(raw)}”以“{raw.strip()[0]}”开头，在电子表格中会被当作公式；请以文字开头"
    return None


def _find_unit(name: str, units: Units) -> Unit | None:
    name = re.sub(r"\s+", "", name)
    unit = units.find(name)
    if unit is None:
        for suffix in ("市", "县", "区"):
            if name.endswith(suffix) and (unit := units.find(name[:-1])):
                break
    return unit


def _changed(name: str, month: str, units: Units) -> str | None:
    """Why a unit of another time is not one of `month`'s units (unit_changes.yaml), or None."""
    name = re.sub(r"\s+", "", name)
    for candidate in dict.fromkeys([name] + [name[:-1] for s in ("市", "县", "区") if name.endswith(s)]):
        if (c := units.ended(candidate, month)) is not None:
            now = "、".join(u.name for u in c.new)
            return (f"{c.describe()}（见 unit_changes.yaml），{month}的报送表不应再有“{_shown(name)}”的行；"
                    f"请按调整后的单位填报（{now}），或使用该月的空白报送表（reportgen form --month {month}）")
        if (c := units.not_yet(candidate, month)) is not None:
            return (f"“{_shown(name)}”是{c.describe()}后的单位（见 unit_changes.yaml），{month}时尚不存在；"
                    f"该月应按原单位“{c.old.name}”填报")
    return None


def _close(name: str, units: Units) -> str:
    return did_you_mean(name, [u.name for u in units.all] + [u.short_name for u in units.all])


def _field_value(f, cell: Cell, text: str, n_days: int) -> Decimal | str:
    """The value of one number cell, or why it is refused (Chinese). The text is quoted back cut short: a
    cell holding 1E+308 is 309 digits long."""
    shown = _shown(text, 20)
    if cell.kind == "bool":
        return f"“{shown}”不是数值；{f.header}应填数字（{f.unit}）"
    percent_sign = f.kind == "rate" and text.endswith("%")
    value = parse_number(text[:-1] if percent_sign else text)
    if isinstance(value, str):
        return f"{value}；{f.header}应填数字（{f.unit}）"
    if f.kind == "rate" and not percent_sign and not cell.percent and value == 1 and "." not in text:
        return (f"“{shown}”有歧义：是100%还是1%？{f.header}请写成“100%”或“1%”"
                "（或只填优良天数和有效监测天数）")
    if f.kind == "rate" and not percent_sign and (cell.percent or (value <= 1 and "." in text)):
        value = value * 100   # 0.831 → 83.1 (a fraction, or a cell formatted as percent)
    if f.kind == "integer":
        if value != value.to_integral_value():
            return f"“{shown}”不是整数；{f.header}应填整数（{f.unit}）"
        value = Decimal(int(value))
    elif f.decimals is not None and decimals_of(value) > f.decimals:
        return (f"“{shown}”有{decimals_of(value)}位小数；{f.header}保留{f.decimals}位小数，"
                "请按规定修约后填写（报送表不替您修约）")
    high = min(f.high, n_days) if f.key in ("good_days", "valid_days") else f.high
    if not f.low <= value <= high:
        return f"{shown}超出合理范围，{f.header}应在{f.low}～{high}{f.unit}之间"
    return value


def read_submission(path: Path, month: str, units: Units, annex6, problems: Problems,
                    city: Unit | None = None, data: bytes | None = None) -> list[UnitReport] | None:
    """Read and check one city's file. Returns the unit reports (city first, then counties in fixed
    order), or None after recording problems. `city`: the submitting city, if known beforehand.
    `data`: the file's bytes, if already read (then exactly these bytes are checked)."""
    before = len(problems.errors)
    units = units.as_of(month)   # the units that existed that month (unit_changes.yaml)
    if data is None:
        try:
            data = read_limited(path)
        except ValueError as exc:
            problems.error(path, str(exc))
            return None
    rows = _read_rows(path, data, problems)
    if len(problems.errors) > before or not rows:
        if len(problems.errors) == before:
            problems.error(path, "表中没有任何内容")
        return None
    fields = {f.key: f for f in submission_fields(annex6)}
    index = header_index(fields.values())
    index[normalize_header(REMARK_HEADER)] = "remark"
    header_at = next((i for i, (_, cells) in enumerate(rows[:15])
                      if any(match_header(_text(c), index) == "unit" for c in cells)), None)
    if header_at is None:
        problems.error(path, f"找不到表头行：前15行中没有“{UNIT_HEADER}”列（也可写作单位、城市、县（市、区））", 1)
        return None
    header_row, header_cells = rows[header_at]
    columns: dict[int, str] = {}
    header_text: dict[str, str] = {}
    for i, cell in enumerate(header_cells):
        text = _raw(cell)   # shown in messages as the user wrote it
        if not text:
            continue
        if (complaint := _cell_complaint(cell, text_column=True)):
            problems.error(path, complaint, header_row, _shown(text, 20))
            continue
        key = match_header(_text(cell), index)
        if key is None:
            problems.error(path, f"无法识别的列名“{_shown(text)}”；可用的列名见报送表“填报说明”"
                                 f"（如 {UNIT_HEADER}、PM2.5浓度、优良天数、有效监测天数、优良天数比率、备注）",
                           header_row, _shown(text, 20))
        elif key in header_text:
            problems.error(path, f"列“{text}”与“{header_text[key]}”是同一项，重复出现", header_row, text)
        else:
            columns[i] = key
            header_text[key] = text
    if "pm25" not in header_text:
        problems.error(path, "缺少“PM2.5浓度”列", header_row, "PM2.5浓度")
    if not ({"good_days", "valid_days"} <= header_text.keys() or "good_rate" in header_text):
        problems.error(path, "缺少“优良天数”和“有效监测天数”列（或“优良天数比率”列）", header_row)
    if len(problems.errors) > before:
        return None

    n_days = days_in_month(month)
    reports: dict[str, UnitReport] = {}
    seen_rows: dict[str, int] = {}
    unit_col = header_text["unit"]
    for number, cells in rows[header_at + 1:]:
        if len(problems.errors) - before >= MAX_ERRORS_PER_FILE:
            problems.error(path, f"错误已超过{MAX_ERRORS_PER_FILE}处，第{number}行起未再检查；请核对整张表后重新报送",
                           number)
            return None
        row_ok, unit_ok, hidden_said = True, True, False
        for i, c in enumerate(cells):
            if c is None or not (_raw(c) or c.formula is not None):
                continue
            key = columns.get(i)
            if c.hidden and hidden_said:   # a hidden row is said once, not once per cell
                continue
            hidden_said = hidden_said or c.hidden
            if (complaint := _cell_complaint(c, text_column=key in (None, "unit", "remark"))):
                problems.error(path, complaint, number, header_text[key] if key else column_letters(i))
                row_ok, unit_ok = False, unit_ok and key != "unit"
            elif key is None:
                problems.error(path, f"“{_shown(_raw(c))}”填在了没有列名的列（{column_letters(i)}列）；"
                                     "请把数值填在对应的列下，或删除多余内容", number, column_letters(i))
                row_ok = False
        if not unit_ok:
            continue
        cell = {key: _text(cells[i]) if i < len(cells) else "" for i, key in columns.items()}
        if "remark" in cell:  # free text: kept as typed (NFKC would turn ，into ,)
            i = next(i for i, k in columns.items() if k == "remark")
            cell["remark"] = _raw(cells[i]) if i < len(cells) else ""
        if not cell["unit"]:
            problems.error(path, "单位名称为空", number, unit_col)
            continue
        unit = _find_unit(cell["unit"], units)
        if unit is None and (change := _changed(cell["unit"], month, units)):
            problems.error(path, change, number, unit_col)
            continue
        if unit is None:
            problems.error(path, f"未知单位“{_shown(cell['unit'])}”{_close(cell['unit'], units)}", number, unit_col)
            continue
        if unit.name in seen_rows:
            problems.error(path, f"{unit.name}重复填报（第{seen_rows[unit.name]}行已有）", number, unit_col)
            continue
        seen_rows[unit.name] = number   # known even when its values are refused: no follow-on "missing" errors
        if not row_ok:
            continue
        values: dict[str, Decimal] = {}
        for key, text in cell.items():
            if key in ("unit", "remark") or not text:
                continue
            f = fields[key]
            col = header_text[key]
            i = next(i for i, k in columns.items() if k == key)
            value = _field_value(f, cells[i], text, n_days)
            if isinstance(value, str):
                problems.error(path, value, number, col)
                row_ok = False
                continue
            if key.startswith("progress.") and unit.level != "city":
                problems.error(path, "县（市、区）行不填项目完成数（由设区市填报全市合计）", number, col)
                row_ok = False
                continue
            values[key] = value
        if not row_ok:
            continue
        remark = cell.get("remark", "")
        if len(remark) > MAX_REMARK_CHARS:
            problems.error(path, f"备注有{len(remark)}字，超过{MAX_REMARK_CHARS}字；备注会在通报中原样引用，"
                                 f"请精简到{MAX_REMARK_CHARS}字以内", number, header_text.get("remark"))
            continue
        value_missing = "pm25" not in values or (values.get("good_days") is None and "good_rate" not in values)
        if value_missing and remark.strip().lower() in EMPTY_REMARKS:
            problems.error(path, f"备注“{_shown(remark)}”没有说明数值为空的原因；如本月无有效数据，"
                                 "请写明原因（如“设备故障，本月无有效数据”）", number, header_text.get("remark"))
            continue
        good, valid = values.get("good_days"), values.get("valid_days")
        if (good is None) != (valid is None):
            missing = "有效监测天数" if valid is None else "优良天数"
            problems.error(path, f"填了{'优良天数' if valid is None else '有效监测天数'}，缺少{missing}", number,
                           header_text.get("valid_days" if valid is None else "good_days"))
            continue
        if good is not None and good > valid:
            problems.error(path, f"优良天数{good}大于有效监测天数{valid}", number, header_text["good_days"])
            continue
        if good is not None and "good_rate" in values:
            computed = good / valid * 100
            if abs(computed - values["good_rate"]) > RATE_TOLERANCE:
                problems.error(path, f"优良天数比率{values['good_rate']}%与优良天数/有效监测天数"
                                     f"（{good}/{valid}={computed:.1f}%）不符", number, header_text["good_rate"])
                continue
        if "pm25" not in values and not remark:
            problems.error(path, "PM2.5浓度为空；如本月无有效数据，请在“备注”列说明原因", number,
                           header_text["pm25"])
            continue
        if good is None and "good_rate" not in values and not remark:
            problems.error(path, "优良天数和有效监测天数（或优良天数比率）为空；如本月无有效数据，请在“备注”列说明原因",
                           number, header_text.get("good_days") or header_text.get("good_rate"))
            continue
        reports[unit.name] = UnitReport(unit, values, remark, number)

    # which city is this? one city row, the counties all its own
    city_rows = [units.find(n) for n in seen_rows if units.find(n).level == "city"]
    if city is None:
        if len(city_rows) == 1:
            city = city_rows[0]
        elif not city_rows:
            problems.error(path, "表中没有设区市本级的行；每份报送表应有本市一行及所辖各县（市、区）各一行", None, unit_col)
            return None
        else:
            names = "、".join(f"{c.name}（第{seen_rows[c.name]}行）" for c in city_rows)
            problems.error(path, f"表中有{len(city_rows)}个设区市的行：{names}；每份报送表只报一个设区市"
                                 "（可用 --city 指明报送的设区市）", None, unit_col)
            return None
    for c in city_rows:
        if c.name != city.name:
            problems.error(path, f"{c.name}不应出现在{city.name}的报送表中", seen_rows[c.name], unit_col)
    for name, number in seen_rows.items():
        unit = units.find(name)
        if unit.level == "county" and unit.parent != city.name:
            problems.error(path, f"{unit.name}属于{unit.parent}，不应由{city.name}报送", number, unit_col)
    expected = [city] + units.children(city)
    missing = [u.name for u in expected if u.name not in seen_rows]
    if missing:
        problems.error(path, f"缺少以下单位的行：{'、'.join(missing)}", None, unit_col)
    _check_title(path, rows[:header_at], month, city, units, problems)
    if len(problems.errors) > before:
        return None
    result = [reports[u.name] for u in expected if u.name in reports]
    if path.suffix.lower() == ".xlsx":   # the optional daily sheet “日均值” (load/daily_sheet.py)
        from .daily_sheet import attach_daily_values
        return attach_daily_values(path, data, month, units, result, problems)
    return result


def _check_title(path: Path, title_rows, month: str, city: Unit, units: Units, problems: Problems) -> None:
    """A title above the header that names another month or another city means the wrong form."""
    year, mon = (int(x) for x in month.split("-"))
    for number, cells in title_rows:
        text = "".join(_text(c) for c in cells if c is not None)
        for m in TITLE_MONTH.finditer(text):
            if (int(m.group(1)), int(m.group(2))) != (year, mon):
                problems.error(path, f"表格标题写的是“{m.group(0)}”，与导入的月份{month}（{year}年{mon}月）不符；"
                                     "请核对是否选错了文件，或导入时月份写错", number)
        for other in units.cities:
            if other.name != city.name and other.name in text:
                problems.error(path, f"表格标题写的是{other.name}，而表中数据是{city.name}的；请核对是否选错了文件",
                               number)


# -- the stored archive --------------------------------------------------------------------------

def submissions_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "submissions"


def stored_revisions(data_dir: Path, problems: Problems) -> list[StoredRevision]:
    root = submissions_dir(data_dir)
    out: list[StoredRevision] = []
    if not root.is_dir():
        return out
    for month_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if check_month(month_dir.name):
            problems.error(month_dir, f"文件夹名应为月份（如 2021-05），实际为“{month_dir.name}”")
            continue
        for city_dir in sorted(p for p in month_dir.iterdir() if p.is_dir()):
            numbers: dict[int, Path] = {}
            for f in sorted(city_dir.iterdir()):
                if f.name.startswith(".") or f.name.startswith("~$"):
                    continue  # the folder's lock, editor lock files, temporary files of an import in progress
                m = STORED_NAME.match(f.name)
                if not m:
                    problems.error(f, "文件名应为 r<序号>_<接收时间>.xlsx|csv（请用 reportgen submit 导入报送表）")
                    continue
                try:
                    received = dt.datetime.strptime(m.group(2), "%Y%m%dT%H%M%S")
                except ValueError:
                    problems.error(f, f"文件名中的接收时间“{m.group(2)}”不是有效的时间")
                    continue
                revision = int(m.group(1))
                if revision in numbers:
                    problems.error(f, f"与 {numbers[revision].name} 的版本号相同（第{revision}版）；"
                                      "同一市同一月每个版本号只能有一个文件，请核对后删除或改名其中一个")
                    continue
                numbers[revision] = f
                out.append(StoredRevision(city_dir.name, month_dir.name, revision, received, f))
    return out


def emptied_since_previous(data_dir: Path, stored: StoredRevision, units: Units, annex6) -> tuple[int, list]:
    """(the previous revision's number, [(unit, field header)]) of the values the revision before `stored`
    (same city and month) gave and `stored` leaves empty; (0, []) for a first revision."""
    from ..compute.revision_diff import emptied_values

    earlier = [s for s in stored_revisions(data_dir, Problems()) if s.city == stored.city and s.month == stored.month
               and s.revision < stored.revision]
    if not earlier:
        return 0, []
    previous = max(earlier, key=lambda s: s.revision)
    city = units.find(stored.city)
    old = read_submission(previous.path, stored.month, units, annex6, Problems(), city=city) or []
    new = read_submission(stored.path, stored.month, units, annex6, Problems(), city=city) or []
    return previous.revision, emptied_values(tuple(old), tuple(new), submission_fields(annex6))


def current_revisions(stored: list[StoredRevision]) -> dict[tuple[str, str], StoredRevision]:
    """(month, city) → the revision in force: the highest number. The one rule used everywhere
    (bulletins, `reportgen submissions`, the web pages)."""
    latest: dict[tuple[str, str], StoredRevision] = {}
    for s in stored:
        key = (s.month, s.city)
        if key not in latest or s.revision > latest[key].revision:
            latest[key] = s
    return latest


def load_submissions(data_dir: Path, units: Units, annex6, problems: Problems,
                     months: set[str] | None = None) -> SubmissionArchive:
    """The latest revision of every city and month (only `months`, if given)."""
    data_dir = Path(data_dir)
    stored = stored_revisions(data_dir, problems)
    current: dict[str, dict[str, Submission]] = {}
    for (month, city_name), s in sorted(current_revisions(stored).items()):
        if months is not None and month not in months:
            continue
        city = units.find(city_name)
        if city is None or city.level != "city":
            problems.error(s.path, f"文件夹“{city_name}”不是设区市名称")
            continue
        reports = read_submission(s.path, month, units, annex6, problems, city=city)
        if reports is not None:
            current.setdefault(month, {})[city.name] = Submission(city, month, s.revision, s.received, s.path,
                                                                   tuple(reports))
    sample = (submissions_dir(data_dir) / "SAMPLE.md").exists() or is_sample_data_set(data_dir)
    return SubmissionArchive(submissions_dir(data_dir), sample, stored, current)


LOCK_NAME = ".lock"


def store_submission(data_dir: Path, source: Path, month: str, units: Units, annex6,
                     city_name: str | None = None, received: dt.datetime | None = None) -> StoredRevision:
    """Check `source` and keep it as the next revision of its city and month. Raises DataError.

    The bytes checked are the bytes stored (the file is read once). The revision number is chosen
    and the file linked into place under the city and month's lock, so submissions arriving at the
    same moment get distinct numbers and none is lost; a file is never overwritten."""
    source = Path(source)
    problems = Problems()
    if (complaint := check_month(month)):
        problems.error(source, complaint)
        raise DataError(problems.items)
    city = None
    if city_name:
        city = _find_unit(city_name, units)
        if city is None or city.level != "city":
            problems.error(source, f"“{_shown(city_name)}”不是设区市{_close(city_name, units)}")
            raise DataError(problems.items)
    try:
        data = read_limited(source)
    except ValueError as exc:
        problems.error(source, str(exc))
        raise DataError(problems.items) from None
    reports = read_submission(source, month, units, annex6, problems, city=city, data=data)
    if reports is None:
        raise DataError(problems.items)
    city = reports[0].unit if reports[0].unit.level == "city" else city
    if city is None:
        city = units.find(reports[0].unit.parent)
    folder = submissions_dir(data_dir) / month / city.name
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder / LOCK_NAME):
        remove_leftovers(folder)
        stored = {int(m.group(1)): (f, m) for f in folder.iterdir() if (m := STORED_NAME.match(f.name))}
        if stored:
            latest, (path, m) = max(stored.items())
            if path.read_bytes() == data:   # the same file sent again: no new revision, nothing changes
                when = dt.datetime.strptime(m.group(2), "%Y%m%dT%H%M%S")
                return StoredRevision(city.name, month, latest, when, path, unchanged=True)
        received = (received or dt.datetime.now()).replace(microsecond=0)
        revision = 1 + max(stored, default=0)
        target = link_new_file(folder, data, f"r{revision:02d}_{received:%Y%m%dT%H%M%S}{source.suffix.lower()}")
    return StoredRevision(city.name, month, revision, received, target)
