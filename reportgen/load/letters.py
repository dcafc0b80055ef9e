"""letters.yaml: settings of the 目标责任书 (parties, period, which annexes and which work-plan items).

The work-plan text a letter quotes is chosen by whole items, named by their number in the plan:
"二.（一）.3" is item 3 of subsection （一） of part 二; "四.（二）" is a subsection that has no numbered
items. An entry is either that path (the item is quoted whole) or a mapping:

    - {item: 二.（一）.3, paragraphs: [2]}     # quote the item's 2nd paragraph only
    - {item: 二.（七）.21, show: title}        # name the item by its title
    - {item: 二.（七）.22, summary: 文字}       # the office's own summary of the item

Each item appears at most once per level (tasks and assessment together), so no letter prints a
paragraph twice. A path that names no item of workplan.yaml is a located error.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..model import LetterRules, LetterSettings, PlanItemRef, WorkPlan
from ..problems import Problems
from .yaml_file import check_keys, describe, is_kind, line_of, optional, read_yaml, require

LETTER_KEYS = {"title", "period", "city", "county"}
PERIOD_KEYS = {"start", "end"}
RULE_KEYS = {"party_a", "party_a_suffix", "party_b_suffix", "annexes", "tasks", "assessment"}
ENTRY_KEYS = {"item", "paragraphs", "show", "summary"}
SHOW = {"quote", "title"}
CHINESE_NUMERAL = "[一二三四五六七八九十]+"
# 二.（一）.3 — the dots may be full-width or left out: 二（一）3, 二．（一）．3
ITEM_PATH = re.compile(rf"^({CHINESE_NUMERAL})[.．、]?（({CHINESE_NUMERAL})）(?:[.．]?(\d+)[.．]?)?$")

# (section, subsection, item or None) → (title, number of paragraphs)
PlanIndex = dict[tuple[str, str, int | None], tuple[str, int]]


def plan_index(workplan: WorkPlan) -> PlanIndex:
    """Every item a letter can name: items, and subsections that have paragraphs but no items."""
    index: PlanIndex = {}
    for sec in workplan.sections:
        for sub in sec.subsections:
            if sub.paragraphs and not sub.items:
                index[(sec.number, sub.number, None)] = (sub.title, len(sub.paragraphs))
            for item in sub.items:
                index[(sec.number, sub.number, item.number)] = (item.title, len(item.paragraphs))
    return index


def _raw_plan_index(path: Path) -> PlanIndex | None:
    """The same index read straight from workplan.yaml, for callers that do not pass the loaded plan.
    Problems of workplan.yaml itself are reported by its own loader, so they are not repeated here."""
    data = read_yaml(path, Problems())
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        return None
    index: PlanIndex = {}
    for sec in data["sections"]:
        if not isinstance(sec, dict):
            continue
        for sub in sec.get("subsections") or []:
            if not isinstance(sub, dict):
                continue
            items, paragraphs = sub.get("items") or [], sub.get("paragraphs") or []
            if paragraphs and not items:
                index[(str(sec.get("number")), str(sub.get("number")), None)] = (str(sub.get("title")), len(paragraphs))
            for item in items:
                if isinstance(item, dict) and is_kind(item.get("number"), int):
                    index[(str(sec.get("number")), str(sub.get("number")), item["number"])] = (
                        str(item.get("title")), len(item.get("paragraphs") or []))
    return index


def _near(index: PlanIndex, section: str, subsection: str) -> str:
    """What the plan does have under 二.（一）: "（此处有：二.（一）.1、二.（一）.2、二.（一）.3）"."""
    keys = [k for k in index if k[0] == section and k[1] == subsection]
    if not keys:
        keys = [k for k in index if k[0] == section]
    if not keys:
        return f"（工作计划的部分有：{'、'.join(dict.fromkeys(k[0] for k in index))}）"
    names = [f"{s}.（{u}）" + (f".{i}" if i is not None else "") for s, u, i in keys]
    return f"（此处有：{'、'.join(names)}）"


def _entry(raw, field: str, line: int | None, path: Path, problems: Problems,
           index: PlanIndex | None) -> PlanItemRef | None:
    if isinstance(raw, str):
        written, show, paragraphs, summary = raw.strip(), "quote", (), None
    elif isinstance(raw, dict):
        if not check_keys(raw, ENTRY_KEYS, path, problems, f"{field}."):
            return None
        written = require(raw, "item", path, problems, str, f"{field}.")
        show = optional(raw, "show", path, problems, str, f"{field}.", default="quote")
        summary = optional(raw, "summary", path, problems, str, f"{field}.")
        raw_paragraphs = optional(raw, "paragraphs", path, problems, list, f"{field}.", default=[])
        if written is None or show is None or summary is None and raw.get("summary") is not None \
                or raw_paragraphs is None:
            return None
        written = written.strip()
        if summary is not None:
            if raw.get("show") is not None:
                problems.error(path, "summary（概括）和 show 只能写一个", line_of(raw, "show"), field=f"{field}.show")
                return None
            if not summary.strip():
                problems.error(path, "summary（概括）不能为空文字", line_of(raw, "summary"), field=f"{field}.summary")
                return None
            show = "summary"
        elif show not in SHOW:
            problems.error(path, f"show 应为 quote（引用原文）或 title（只写条目标题），实际为“{show}”",
                           line_of(raw, "show"), field=f"{field}.show")
            return None
        bad = [p for p in raw_paragraphs if not is_kind(p, int) or p < 1]
        if bad or (raw_paragraphs and show != "quote"):
            problems.error(path, "paragraphs 应为段落序号（从1起的整数）的列表，且只用于引用原文" if bad else
                           "paragraphs 只用于引用原文（不能与 show: title 或 summary 同用）",
                           line_of(raw, "paragraphs"), field=f"{field}.paragraphs")
            return None
        paragraphs = tuple(raw_paragraphs)
        line = raw.line if hasattr(raw, "line") else line
    else:
        problems.error(path, f"应为工作计划条目（如 二.（一）.3），实际为{describe(raw)}", line, field=field)
        return None
    m = ITEM_PATH.match(written)
    if not m:
        problems.error(path, f"“{written}”不是工作计划条目的写法：应写作“二.（一）.3”（第二部分第（一）项第3条）"
                             "或“四.（二）”（没有分条的项）", line, field=field)
        return None
    section, subsection, item = m.group(1), m.group(2), int(m.group(3)) if m.group(3) else None
    if index is not None:
        key = (section, subsection, item)
        if key not in index:
            has_items = any(k[0] == section and k[1] == subsection and k[2] is not None for k in index)
            why = "分为若干条，应写到条" if item is None and has_items else "中没有这一条目"
            problems.error(path, f"工作计划{why}：“{written}”{_near(index, section, subsection)}", line, field=field)
            return None
        count = index[key][1]
        beyond = [p for p in paragraphs if p > count]
        if beyond:
            problems.error(path, f"“{written}”只有{count}段，没有第{'、'.join(map(str, beyond))}段", line,
                           field=f"{field}.paragraphs")
            return None
    return PlanItemRef(written, section, subsection, item, show, paragraphs, summary)


def _entries(raw, key: str, level: str, path: Path, problems: Problems, index: PlanIndex | None,
             seen: dict) -> tuple[PlanItemRef, ...] | None:
    field = f"{level}.{key}"
    values = require(raw, key, path, problems, list, f"{level}.")
    if values is None:
        return None
    out, ok = [], True
    for i, value in enumerate(values):
        ref = _entry(value, f"{field}[{i}]", line_of(values, i), path, problems, index)
        if ref is None:
            ok = False
            continue
        name = (ref.section, ref.subsection, ref.item)
        if name in seen:
            problems.error(path, f"工作计划条目“{ref.written}”已在{seen[name]}中列出：每一条在一份责任书中只能出现一次",
                           line_of(values, i), field=f"{field}[{i}]")
            ok = False
            continue
        seen[name] = field
        out.append(ref)
    return tuple(out) if ok else None


def _rules(raw, level: str, path: Path, problems: Problems, annex_numbers: set[int],
           index: PlanIndex | None) -> LetterRules | None:
    prefix = f"{level}."
    if not isinstance(raw, dict):   # missing or not a mapping: already reported by require()
        return None
    check_keys(raw, RULE_KEYS, path, problems, prefix)
    suffix_b = require(raw, "party_b_suffix", path, problems, str, prefix)
    annexes = require(raw, "annexes", path, problems, list, prefix) or []
    seen: dict = {}
    tasks = _entries(raw, "tasks", level, path, problems, index, seen)
    assessment = _entries(raw, "assessment", level, path, problems, index, seen)
    party_a = optional(raw, "party_a", path, problems, str, prefix)
    party_a_suffix = optional(raw, "party_a_suffix", path, problems, str, prefix)
    if not (party_a or party_a_suffix):
        if raw.get("party_a") is None and raw.get("party_a_suffix") is None:
            problems.error(path, "应写明甲方：party_a（机关名称）或 party_a_suffix（上级设区市名称之后的文字）",
                           raw.line, field=f"{level}.party_a")
    elif level == "city" and not party_a:
        # a city has no 设区市 above it to put a suffix after: its 甲方 is named in full
        problems.error(path, "设区市的甲方应写 party_a（机关名称，如 ××省大气污染防治联席会议办公室）；"
                             "party_a_suffix 只用于县（市、区）", raw.line, field="city.party_a")
    ok = True
    for i, n in enumerate(annexes):
        if not is_kind(n, int):
            problems.error(path, f"应为附件序号（整数），实际为{describe(n)}", line_of(annexes, i), field=f"{level}.annexes[{i}]")
            ok = False
        elif n not in annex_numbers:
            problems.error(path, f"附件{n}不存在", line_of(annexes, i), field=f"{level}.annexes[{i}]")
            ok = False
    if suffix_b is None or not ok or tasks is None or assessment is None:
        return None
    return LetterRules(party_a, party_a_suffix, suffix_b, tuple(annexes), tasks, assessment)


def load_letter_settings(path: Path, annex_numbers: set[int], problems: Problems,
                         workplan: WorkPlan | None = None) -> LetterSettings | None:
    """The settings; work-plan items are checked against `workplan`, or against workplan.yaml next to
    letters.yaml when no loaded plan is given."""
    data = read_yaml(path, problems)
    if data is None:
        return None
    index = plan_index(workplan) if workplan is not None else _raw_plan_index(path.parent / "workplan.yaml")
    before = len(problems.errors)
    check_keys(data, LETTER_KEYS, path, problems)
    title = require(data, "title", path, problems, str)
    period = require(data, "period", path, problems, dict) or {}
    check_keys(period, PERIOD_KEYS, path, problems, "period.")
    start = require(period, "start", path, problems, dt.date, "period.") if period else None
    end = require(period, "end", path, problems, dt.date, "period.") if period else None
    if start and end and start > end:
        problems.error(path, f"责任期限的开始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}",
                       period.line_of("end"), field="period.end")
    city = _rules(require(data, "city", path, problems, dict), "city", path, problems, annex_numbers, index)
    county = _rules(require(data, "county", path, problems, dict), "county", path, problems, annex_numbers, index)
    if len(problems.errors) > before:
        return None
    return LetterSettings(title, start, end, city, county)
