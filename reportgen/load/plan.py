"""The whole data set of one plan year: notice, work plan, units, departments and annexes 1–8."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from ..annex_roles import ANNEX_ROLES, BULLETIN_ROLES
from ..compute.annex_totals import compute_annex_totals
from ..model import (
    Imprint,
    Item,
    Masthead,
    Notice,
    Paragraph,
    Plan,
    Responsibility,
    Section,
    Subsection,
    Units,
    WorkPlan,
)
from ..problems import DataError, Problems
from ..responsibility import short_name
from .annexes import load_annex
from .bulletin import load_bulletin_settings
from .figure_refs import ProseFigures
from .letters import load_letter_settings
from .sample_marker import is_sample_data_set
from .unit_changes import FILE_NAME as UNIT_CHANGES
from .unit_changes import load_unit_changes
from .units import load_units
from .yaml_file import check_keys, describe, is_kind, line_of, optional, read_yaml, require, text_list

NOTICE_KEYS = {"year", "issuer", "date", "recipients", "title", "title_lines", "body", "attachments", "masthead",
               "imprint", "sealed"}
MASTHEAD_KEYS = {"issuer_mark", "doc_number"}
IMPRINT_KEYS = {"copy_to", "printed_by", "printed_date"}
WORKPLAN_KEYS = {"title", "preamble", "sections"}
SECTION_KEYS = {"number", "title", "subsections"}
SUBSECTION_KEYS = {"number", "title", "paragraphs", "items"}
ITEM_KEYS = {"number", "label", "title", "title_separate", "paragraphs"}
PARAGRAPH_KEYS = {"text", "responsibility"}
RESPONSIBILITY_KEYS = {"note", "lead", "support"}


def load_plan(root: Path) -> tuple[Plan, Problems]:
    """Load and check everything. Raises DataError listing every error; gaps are returned, not raised."""
    root = Path(root)
    problems = Problems(root)
    if not root.is_dir():
        problems.error(root, "数据目录不存在")
        raise DataError(problems.items)
    units = load_units(root / "units.csv", problems)
    departments = _load_departments(root / "departments.yaml", problems)
    prose = ProseFigures(problems)   # plan texts, whose figure references are rendered once the annexes are read
    notice = _load_notice(root / "notice.yaml", problems, prose)
    # departments None: departments.yaml could not be read, its own error says why; names are not checked
    workplan = _load_workplan(root / "workplan.yaml", None if departments is None else set(departments), problems,
                              prose)
    units = load_unit_changes(root / UNIT_CHANGES, units, notice.year if notice is not None else None, problems)
    annexes = {}
    for schema in sorted((root / "annexes").glob("annex*.yaml"), key=lambda p: (len(p.name), p.name)):
        table = load_annex(schema, units, problems)
        if table is not None:
            if table.number in annexes:
                problems.error(schema, f"附件{table.number}重复定义", field="number")
            if table.role is not None and (other := next((t for t in annexes.values() if t.role == table.role), None)):
                problems.error(schema, f"用途 {table.role} 已由附件{other.number}（annex{other.number}.yaml）声明："
                                       "每种用途只能有一个附件", _role_line(schema), field="role")
            annexes[table.number] = table
    if notice is not None:
        for n in notice.attachments:
            if n not in annexes and not any(f"annex{n}." in p.file for p in problems.items):
                problems.error(root / "notice.yaml", f"附件说明列出了附件{n}，但没有 annexes/annex{n}.yaml",
                               field="attachments")
    for table in annexes.values():
        for p in compute_annex_totals(table):
            problems.items.append(p)
    # annex files that exist but could not be read: references to them are not reported again
    unreadable = {int(m.group(1)) for p in (root / "annexes").glob("annex*.yaml")
                  if (m := re.fullmatch(r"annex([0-9]+)\.yaml", p.name))} - set(annexes)
    rendered = prose.render(annexes, units, unreadable)
    prose.check_typed(annexes)
    if workplan is not None:
        workplan = _with_rendered_figures(workplan, rendered)
    letters = None
    if (root / "letters.yaml").exists():
        letters = load_letter_settings(root / "letters.yaml", set(annexes), problems, workplan)
    bulletin = None
    if (root / "bulletin.yaml").exists():
        bulletin = load_bulletin_settings(root / "bulletin.yaml", problems)
        if bulletin is not None:
            units = _ordered_regions(units, bulletin, root, problems)
        _warn_absent_roles(root, annexes, unreadable, problems)
    if problems.errors:
        raise DataError(problems.items)
    plan = Plan(root=root, year=notice.year, notice=notice, workplan=workplan, units=units,
                departments=tuple(departments or ()), annexes=annexes, letters=letters, bulletin=bulletin,
                department_groups=_department_groups(root / "departments.yaml"), sample=is_sample_data_set(root))
    return plan, problems


def _ordered_regions(units: Units, bulletin, root: Path, problems: Problems) -> Units:
    """The 片区 in bulletin.yaml's `regions` order, which must name exactly the regions of units.csv."""
    declared = getattr(bulletin, "regions", ())
    if not declared:
        return units
    line = getattr(bulletin, "regions_line", None)
    for region in declared:
        if region not in units.regions:
            problems.error(root / "bulletin.yaml", f"片区“{region}”不是 units.csv 中任何设区市的片区"
                           + (f"（units.csv 中的片区：{'、'.join(units.regions)}）" if units.regions else
                              "（units.csv 没有填写片区）"), line, field="regions")
    for region in units.regions:
        if region not in declared:
            city = next(u for u in units.cities if u.region == region)
            problems.error(root / "bulletin.yaml", f"units.csv 中{city.name}的片区“{region}”未列在 regions 中",
                           line, field="regions")
    return dataclasses.replace(units, regions=tuple(declared))
def _role_line(schema: Path) -> int | None:
    data = read_yaml(schema, Problems())
    return data.line_of("role") if isinstance(data, dict) else None


def _warn_absent_roles(root: Path, annexes: dict, unreadable: set[int], problems: Problems) -> None:
    """A role the bulletin and the form read that no annex declares: its feature is off; said, since a
    plan that forgot `role:` would otherwise lose it silently."""
    if unreadable:
        return   # the annex that could not be read may be the one
    declared = {t.role for t in annexes.values()}
    for role in BULLETIN_ROLES:
        if role not in declared:
            r = ANNEX_ROLES[role]
            problems.warning(root / "annexes", f"没有附件声明用途 role: {role}（{r.meaning}），因此{r.used_by}")


def _load_departments(path: Path, problems: Problems) -> list[str] | None:
    data = read_yaml(path, problems)
    if data is None:
        return None
    check_keys(data, {"departments", "groups"}, path, problems)
    names = require(data, "departments", path, problems, list)
    if names is None:
        return None
    groups = data.get("groups") or []
    if not isinstance(groups, list):
        problems.error(path, "字段“groups”应为列表", data.line_of("groups"), field="groups")
        groups = []
    seen = set()
    for key, items in (("departments", names), ("groups", groups)):
        for i, name in enumerate(items):
            if not isinstance(name, str) or not name.strip():
                problems.error(path, f"部门名称应为文字，第{i + 1}项为{describe(name)}", line_of(items, i),
                               field=f"{key}[{i}]")
                continue
            if name in seen:
                problems.error(path, f"部门“{name}”重复", line_of(items, i), field=f"{key}[{i}]")
            seen.add(name)
    return [n for n in names + groups if isinstance(n, str) and n.strip()]


def _department_groups(path: Path) -> tuple[str, ...]:
    """Names in departments.yaml `groups`: collective names the work plan may assign tasks to (省各有关部门,
    县级以上人民政府确定的监督管理部门), which are not departments and get no 任务分工 of their own.
    Called after _load_departments has reported any problem with the file."""
    data = read_yaml(path, Problems())
    groups = data.get("groups") if isinstance(data, dict) else None
    return tuple(g for g in groups if isinstance(g, str)) if isinstance(groups, list) else ()


# 发文字号 (GB/T 9704 7.2.5): full year in 六角括号 U+3014/3015, no "第", no leading zeros, ends with 号
DOC_NUMBER = re.compile(r"[^〔〕\s]+〔\d{4}〕[1-9]\d*号")


def _load_masthead(data, path: Path, problems: Problems) -> Masthead | None:
    raw = data.get("masthead")
    if raw is None:
        return None
    check_keys(raw, MASTHEAD_KEYS, path, problems, "masthead.")
    mark = require(raw, "issuer_mark", path, problems, str, "masthead.")
    number = require(raw, "doc_number", path, problems, str, "masthead.")
    if number is not None and not DOC_NUMBER.fullmatch(number):
        problems.error(path, f"发文字号“{number}”格式不对：应写成如“××办〔2021〕5号”——年份写全并用六角括号〔〕"
                             "（不是[]、【】或（）），序号不加“第”、前面不补0，以“号”结尾",
                       raw.line_of("doc_number"), field="masthead.doc_number")
        return None
    return Masthead(mark, number) if mark and number else None


def _load_imprint(data, path: Path, problems: Problems) -> Imprint | None:
    raw = data.get("imprint")
    if raw is None:
        return None
    check_keys(raw, IMPRINT_KEYS, path, problems, "imprint.")
    printed_by = require(raw, "printed_by", path, problems, str, "imprint.")
    printed_date = require(raw, "printed_date", path, problems, dt.date, "imprint.")
    copy_to = raw.get("copy_to") if isinstance(raw, dict) else None
    if copy_to is not None and not isinstance(copy_to, str):
        problems.error(path, "抄送机关应为文字，各机关之间用顿号或逗号分隔", raw.line_of("copy_to"), field="imprint.copy_to")
        return None
    if printed_by and printed_date:
        return Imprint(copy_to.rstrip("。") if copy_to else None, printed_by, printed_date)
    return None


def _load_notice(path: Path, problems: Problems, prose: ProseFigures | None = None) -> Notice | None:
    data = read_yaml(path, problems)
    if data is None:
        return None
    before = len(problems.errors)
    check_keys(data, NOTICE_KEYS, path, problems)
    fields = {k: require(data, k, path, problems, t) for k, t in (
        ("issuer", str), ("date", dt.date), ("recipients", str), ("title", str), ("attachments", list))}
    fields["body"] = text_list(data, "body", path, problems, allow_empty_list=False)
    if prose is not None:
        for i, text in enumerate(fields["body"] or []):
            prose.add_plain(text, path, line_of(data["body"], i), f"body[{i}]")
    year = _plan_year(data, fields["title"], fields["date"], path, problems)
    title_lines = data.get("title_lines") or [fields["title"]]
    if not isinstance(title_lines, list) or not all(isinstance(t, str) for t in title_lines):
        problems.error(path, "title_lines 应为文字列表，每项一行", data.line_of("title_lines"), field="title_lines")
    elif fields["title"] and "".join(title_lines) != fields["title"]:
        problems.error(path, "title_lines 连起来应与 title 完全相同", data.line_of("title_lines"), field="title_lines")
    seen: set[int] = set()
    for i, n in enumerate(fields["attachments"] or []):
        if not is_kind(n, int) or n < 1:
            problems.error(path, f"附件说明应列出附件序号（正整数），第{i + 1}项为{describe(n)}",
                           line_of(fields["attachments"], i), field=f"attachments[{i}]")
        elif n in seen:
            problems.error(path, f"附件{n}列出了两次", line_of(fields["attachments"], i), field=f"attachments[{i}]")
        else:
            seen.add(n)
    masthead = _load_masthead(data, path, problems)
    imprint = _load_imprint(data, path, problems)
    sealed = data.get("sealed", False)
    if not isinstance(sealed, bool):
        problems.error(path, "sealed 应为 true（加盖印章）或 false", data.line_of("sealed"), field="sealed")
    if len(problems.errors) > before:
        return None
    return Notice(fields["issuer"], fields["date"], fields["recipients"], fields["title"], tuple(title_lines),
                  tuple(str(p) for p in fields["body"]), tuple(fields["attachments"]), bool(sealed),
                  masthead, imprint, year)


# a plan year outside these is a typing mistake (20211, 221), not a plan
PLAN_YEARS = (2000, 2100)


def _plan_year(data, title, date, path: Path, problems: Problems) -> int | None:
    """notice.yaml `year`: the year the plan is for, stated, not taken from the notice's date (a 2022
    plan may be issued in December 2021). Its documents are filed and headed under this year."""
    year = require(data, "year", path, problems, int)
    if year is None:
        return None
    low, high = PLAN_YEARS
    if not low <= year <= high:
        problems.error(path, f"计划年度应为{low}～{high}之间的四位年份（如 2021），实际为{describe(year)}",
                       data.line_of("year"), field="year")
        return None
    if isinstance(title, str) and str(year) not in title:
        problems.warning(path, f"计划年度为{year}年，但标题“{title}”中没有“{year}”：请核对 year 或标题",
                         data.line_of("year"), field="year")
    if isinstance(date, dt.date) and date.year not in (year - 1, year):
        problems.warning(path, f"计划年度为{year}年，成文日期却是{date.year}年：请核对 year 或 date",
                         data.line_of("year"), field="year")
    return year


def _load_workplan(path: Path, departments: set[str] | None, problems: Problems,
                   prose: ProseFigures | None = None) -> WorkPlan | None:
    """The work plan as written; paragraph texts are handed to `prose`, which renders their figure
    references once the annexes are loaded (_with_rendered_figures)."""
    prose = prose if prose is not None else ProseFigures(problems)
    data = read_yaml(path, problems)
    if data is None:
        return None
    before = len(problems.errors)
    check_keys(data, WORKPLAN_KEYS, path, problems)

    def mappings(raw, key: str, field: str) -> list:
        """raw[key] as a list (absent: empty); a value that is not a list is a located error."""
        value = optional(raw, key, path, problems, list, field)
        return list(value) if value else []

    def paragraphs(raw_list, field: str) -> tuple[Paragraph, ...]:
        out = []
        for i, raw in enumerate(raw_list):
            f = f"{field}[{i}]"
            check_keys(raw, PARAGRAPH_KEYS, path, problems, f + ".")
            text = require(raw, "text", path, problems, str, f + ".")
            resp = None
            if isinstance(raw, dict) and raw.get("responsibility") is not None:
                resp = responsibility(raw["responsibility"], f + ".responsibility")
            if text is not None:
                prose.add(text, path, raw.line_of("text"), f)
                out.append(Paragraph(text, resp))
        return tuple(out)

    def responsibility(raw, field: str) -> Responsibility | None:
        check_keys(raw, RESPONSIBILITY_KEYS, path, problems, field + ".")
        note = require(raw, "note", path, problems, str, field + ".")
        if note is None:
            return None
        lead = text_list(raw, "lead", path, problems, field + ".", required=False) or []
        support = text_list(raw, "support", path, problems, field + ".", required=False) or []
        for role, names in (("lead", lead), ("support", support)):
            for name in names:
                line = raw.line_of(role)
                if departments is None:
                    continue
                if name not in departments:
                    problems.error(path, f"部门“{name}”不在 departments.yaml 中", line, field=f"{field}.{role}")
                elif short_name(name) not in note:
                    problems.error(path, f"部门“{name}”没有出现在职责说明“{note}”中", line, field=f"{field}.{role}")
        if not lead:
            problems.error(path, "职责说明应至少有一个牵头（或负责）部门", raw.line, field=f"{field}.lead")
        return Responsibility(note, tuple(lead), tuple(support))

    sections = []
    for i, sec in enumerate(require(data, "sections", path, problems, list) or []):
        f = f"sections[{i}]"
        check_keys(sec, SECTION_KEYS, path, problems, f + ".")
        subs = []
        for j, sub in enumerate(require(sec, "subsections", path, problems, list, f + ".") or []):
            g = f"{f}.subsections[{j}]"
            check_keys(sub, SUBSECTION_KEYS, path, problems, g + ".")
            items = []
            for k, item in enumerate(mappings(sub, "items", g + ".")):
                h = f"{g}.items[{k}]"
                check_keys(item, ITEM_KEYS, path, problems, h + ".")
                number = require(item, "number", path, problems, int, h + ".")
                title = require(item, "title", path, problems, str, h + ".")
                label = optional(item, "label", path, problems, str, h + ".")
                separate = optional(item, "title_separate", path, problems, bool, h + ".", default=False)
                if number is None or title is None:
                    continue
                items.append(Item(number, label or None, title, bool(separate),
                                  paragraphs(mappings(item, "paragraphs", h + "."), h + ".paragraphs")))
            number = require(sub, "number", path, problems, str, g + ".")
            title = require(sub, "title", path, problems, str, g + ".")
            if number and title:
                subs.append(Subsection(number, title, paragraphs(mappings(sub, "paragraphs", g + "."), g + ".paragraphs"),
                                       tuple(items)))
        number = require(sec, "number", path, problems, str, f + ".")
        title = require(sec, "title", path, problems, str, f + ".")
        if number and title:
            sections.append(Section(number, title, tuple(subs)))
    title = require(data, "title", path, problems, str)
    preamble = text_list(data, "preamble", path, problems, required=False) or []
    for i, text in enumerate(preamble):
        prose.add_plain(text, path, line_of(data["preamble"], i), f"preamble[{i}]")
    if len(problems.errors) > before:
        return None
    return WorkPlan(title, tuple(preamble), tuple(sections))


def _with_rendered_figures(workplan: WorkPlan, rendered: dict) -> WorkPlan:
    """The work plan with each paragraph that holds figure references printed with the figures
    (`rendered`: the paragraph's field, as named while loading → (text, references))."""

    def paragraphs(items, field: str):
        out = []
        for i, p in enumerate(items):
            found = rendered.get(f"{field}[{i}]")
            out.append(p if found is None else
                       dataclasses.replace(p, text=found[0], template=p.text, figures=found[1]))
        return tuple(out)

    sections = []
    for i, sec in enumerate(workplan.sections):
        subs = []
        for j, sub in enumerate(sec.subsections):
            g = f"sections[{i}].subsections[{j}]"
            items = tuple(dataclasses.replace(item, paragraphs=paragraphs(item.paragraphs, f"{g}.items[{k}].paragraphs"))
                          for k, item in enumerate(sub.items))
            subs.append(dataclasses.replace(sub, paragraphs=paragraphs(sub.paragraphs, f"{g}.paragraphs"), items=items))
        sections.append(dataclasses.replace(sec, subsections=tuple(subs)))
    return dataclasses.replace(workplan, sections=tuple(sections))
