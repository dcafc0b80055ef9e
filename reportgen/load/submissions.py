"""Cities' monthly submissions: read one spreadsheet (XLSX, or CSV in UTF-8 / UTF-8 with BOM / GBK),
check it, and keep every revision on disk.

Forgiving where people are inconsistent (header spellings, names with or without 市/县/区, full-width
digits, 83.1% / 83.1 / 0.831), strict where it matters (unknown, duplicate, misplaced or missing
units, values outside physical ranges, 优良天数 > 有效监测天数, non-numeric cells). Every problem names
the file, row and column.

Stored layout: <data>/submissions/<YYYY-MM>/<city name>/r<NN>_<YYYYMMDD>T<HHMMSS>.<xlsx|csv>; revision
NN is the order of receipt, the time is when it was received. A new submission is a new file; nothing
is ever overwritten. <data>/submissions/SAMPLE.md marks the whole folder as sample data.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import difflib
import io
import os
import re
import shutil
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..model import StoredRevision, Submission, SubmissionArchive, Unit, UnitReport, Units
from ..problems import DataError, Problems
from .xlsx_cells import sheet_rows
from ..submission_fields import AIR_FIELDS, UNIT_HEADER, header_index, match_header, normalize_header, progress_fields

REMARK_HEADER = "备注"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STORED_NAME = re.compile(r"^r(\d{2,})_(\d{8}T\d{6})\.(xlsx|csv)$")
SUFFIXES = (".xlsx", ".csv")
RATE_TOLERANCE = Decimal("0.1")   # stated 优良天数比率 vs 优良天数/有效监测天数, percentage points


def submission_fields(plan_annex6):
    return AIR_FIELDS + progress_fields(plan_annex6)


def days_in_month(month: str) -> int:
    year, mon = (int(x) for x in month.split("-"))
    return calendar.monthrange(year, mon)[1]


def check_month(month: str) -> str | None:
    """None if `month` is YYYY-MM, else the complaint."""
    return None if MONTH.match(month or "") else f"月份“{month}”格式不对，应为“年-月”，如 2021-05"


# -- reading a file ------------------------------------------------------------------------------

def _read_rows(path: Path, problems: Problems) -> list[tuple[int, list]]:
    """All non-empty rows as (spreadsheet row number, cells)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        try:
            cells = sheet_rows(path, "报送数据")
        except Exception as exc:  # zip or XML damage: report, don't crash
            problems.error(path, f"无法作为XLSX文件打开（{type(exc).__name__}）；请另存为 .xlsx 后重新报送")
            return []
        return [(n, row) for n, row in cells if any(c is not None and str(c).strip() for c in row)]
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            problems.error(path, "无法识别文件编码；CSV 应为 UTF-8 或 GBK 编码")
            return []
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = []
        previous_end = 0
        for cells in reader:
            number = previous_end + 1
            previous_end = reader.line_num
            if any(c.strip() for c in cells):
                rows.append((number, cells))
        return rows
    problems.error(path, f"不支持的文件类型“{path.suffix}”，应为 .xlsx 或 .csv")
    return []


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell) if not cell.is_integer() else str(int(cell))
    return unicodedata.normalize("NFKC", str(cell)).strip()


def _number(text: str) -> Decimal | None:
    s = text.replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _find_unit(name: str, units: Units) -> Unit | None:
    name = re.sub(r"\s+", "", name)
    unit = units.find(name)
    if unit is None:
        for suffix in ("市", "县", "区"):
            if name.endswith(suffix) and (unit := units.find(name[:-1])):
                break
    return unit


def _close(name: str, units: Units) -> str:
    names = [u.name for u in units.all] + [u.short_name for u in units.all]
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    return f"（是否是：{'、'.join(dict.fromkeys(near))}？）" if near else ""


def read_submission(path: Path, month: str, units: Units, annex6, problems: Problems,
                    city: Unit | None = None) -> list[UnitReport] | None:
    """Read and check one city's file. Returns the unit reports (city first, then counties in fixed
    order), or None after recording problems. `city`: the submitting city, if known beforehand."""
    before = len(problems.errors)
    rows = _read_rows(path, problems)
    if len(problems.errors) > before:
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
        text = str(cell).strip() if cell is not None else ""   # shown in messages as the user wrote it
        if not text:
            continue
        key = match_header(_text(cell), index)
        if key is None:
            problems.error(path, f"无法识别的列名“{text}”；可用的列名见报送表“填报说明”"
                                 f"（如 {UNIT_HEADER}、PM2.5浓度、优良天数、有效监测天数、优良天数比率、备注）",
                           header_row, text)
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
    for number, cells in rows[header_at + 1:]:
        cell = {key: _text(cells[i]) if i < len(cells) else "" for i, key in columns.items()}
        if "remark" in cell:  # free text: kept as typed (NFKC would turn ，into ,)
            i = next(i for i, k in columns.items() if k == "remark")
            cell["remark"] = str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""
        unit_col = header_text["unit"]
        if not cell["unit"]:
            problems.error(path, "单位名称为空", number, unit_col)
            continue
        unit = _find_unit(cell["unit"], units)
        if unit is None:
            problems.error(path, f"未知单位“{cell['unit']}”{_close(cell['unit'], units)}", number, unit_col)
            continue
        if unit.name in seen_rows:
            problems.error(path, f"{unit.name}重复填报（第{seen_rows[unit.name]}行已有）", number, unit_col)
            continue
        seen_rows[unit.name] = number
        values: dict[str, Decimal] = {}
        row_ok = True
        for key, text in cell.items():
            if key in ("unit", "remark") or not text:
                continue
            f = fields[key]
            col = header_text[key]
            if f.kind == "rate" and text.endswith("%"):
                value = _number(text[:-1])
            else:
                value = _number(text)
                if f.kind == "rate" and value is not None and value <= 1 and "." in text:
                    value = value * 100   # 0.831 → 83.1 (a fraction, or a cell formatted as percent)
            if value is None:
                problems.error(path, f"“{text}”不是数值；{f.header}应填数字（{f.unit}）", number, col)
                row_ok = False
                continue
            if f.kind == "integer" and value != value.to_integral_value():
                problems.error(path, f"“{text}”不是整数；{f.header}应填整数（{f.unit}）", number, col)
                row_ok = False
                continue
            high = min(f.high, n_days) if key in ("good_days", "valid_days") else f.high
            if not f.low <= value <= high:
                problems.error(path, f"{text}超出合理范围，{f.header}应在{f.low}～{high}{f.unit}之间", number, col)
                row_ok = False
                continue
            if key.startswith("progress.") and unit.level != "city":
                problems.error(path, "县（市、区）行不填项目完成数（由设区市填报全市合计）", number, col)
                row_ok = False
                continue
            values[key] = Decimal(int(value)) if f.kind == "integer" else value
        if not row_ok:
            continue
        remark = cell.get("remark", "")
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
            problems.error(path, "表中没有设区市本级的行；每份报送表应有本市一行及所辖各县（市、区）各一行", None,
                           header_text["unit"])
            return None
    for c in city_rows:
        if c.name != city.name:
            problems.error(path, f"{c.name}不应出现在{city.name}的报送表中", seen_rows[c.name], header_text["unit"])
    for name, number in seen_rows.items():
        unit = units.find(name)
        if unit.level == "county" and unit.parent != city.name:
            problems.error(path, f"{unit.name}属于{unit.parent}，不应由{city.name}报送", number, header_text["unit"])
    expected = [city] + units.children(city)
    missing = [u.name for u in expected if u.name not in seen_rows]
    if missing:
        problems.error(path, f"缺少以下单位的行：{'、'.join(missing)}", None, header_text["unit"])
    if len(problems.errors) > before:
        return None
    return [reports[u.name] for u in expected if u.name in reports]


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
            for f in sorted(city_dir.iterdir()):
                if f.name.startswith(".") or f.name.startswith("~$"):
                    continue  # editor lock files, temporary files of an import in progress
                m = STORED_NAME.match(f.name)
                if not m:
                    problems.error(f, "文件名应为 r<序号>_<接收时间>.xlsx|csv（请用 reportgen submit 导入报送表）")
                    continue
                received = dt.datetime.strptime(m.group(2), "%Y%m%dT%H%M%S")
                out.append(StoredRevision(city_dir.name, month_dir.name, int(m.group(1)), received, f))
    return out


def load_submissions(data_dir: Path, units: Units, annex6, problems: Problems,
                     months: set[str] | None = None) -> SubmissionArchive:
    """The latest revision of every city and month (only `months`, if given)."""
    data_dir = Path(data_dir)
    stored = stored_revisions(data_dir, problems)
    latest: dict[tuple[str, str], StoredRevision] = {}
    for s in stored:
        key = (s.month, s.city)
        if key not in latest or s.revision > latest[key].revision:
            latest[key] = s
    current: dict[str, dict[str, Submission]] = {}
    for (month, city_name), s in sorted(latest.items()):
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
    return SubmissionArchive(submissions_dir(data_dir), (submissions_dir(data_dir) / "SAMPLE.md").exists(),
                             stored, current)


def store_submission(data_dir: Path, source: Path, month: str, units: Units, annex6,
                     city_name: str | None = None, received: dt.datetime | None = None) -> StoredRevision:
    """Check `source` and keep it as the next revision of its city and month. Raises DataError."""
    source = Path(source)
    problems = Problems()
    if (complaint := check_month(month)):
        problems.error(source, complaint)
        raise DataError(problems.items)
    city = None
    if city_name:
        city = _find_unit(city_name, units)
        if city is None or city.level != "city":
            problems.error(source, f"“{city_name}”不是设区市{_close(city_name, units)}")
            raise DataError(problems.items)
    reports = read_submission(source, month, units, annex6, problems, city=city)
    if reports is None:
        raise DataError(problems.items)
    city = reports[0].unit if reports[0].unit.level == "city" else city
    if city is None:
        city = units.find(reports[0].unit.parent)
    folder = submissions_dir(data_dir) / month / city.name
    folder.mkdir(parents=True, exist_ok=True)
    received = (received or dt.datetime.now()).replace(microsecond=0)
    revision = 1 + max((s.revision for s in stored_revisions(data_dir, Problems())
                        if s.month == month and s.city == city.name), default=0)
    while True:
        target = folder / f"r{revision:02d}_{received:%Y%m%dT%H%M%S}{source.suffix.lower()}"
        temp = folder / f".{target.name}.part"
        shutil.copyfile(source, temp)
        try:
            os.link(temp, target)      # fails if the name exists: a revision is never overwritten
        except FileExistsError:
            revision += 1
            continue
        finally:
            temp.unlink(missing_ok=True)
        return StoredRevision(city.name, month, revision, received, target)
