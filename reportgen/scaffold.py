"""Making project folders and data sets: `reportgen init` (a new project from the bundled example) and
`reportgen new-plan` (next year's data set from this year's).

Both build everything in a temporary folder beside the target and rename it into place when complete,
so a failure leaves nothing half-made. new-plan edits the copied YAML files line by line (comments and
layout stay as they were) and returns every change it made, worded for the office.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import resources
from .files import write_bytes_atomic
from .load.yaml_file import LineDict, LineList, read_yaml
from .problems import Problems
from .project import PROJECT_FILE, Project, project_text

EXAMPLE = "jiangsu-2021"
NOT_COPIED = {"issued", "__pycache__", ".git"}


class ScaffoldRefused(Exception):
    """The folder or data set cannot be made; the message says why, in Chinese."""


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in NOT_COPIED or n.startswith(".reportgen")}


def _staging(parent: Path, prefix: str) -> Path:
    """A new folder beside the target, with the mode a plain mkdir gives (mkdtemp's 0700 would lock
    colleagues out of a project on a shared drive once it is renamed into place)."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)
    return folder


# --- init ----------------------------------------------------------------------------------------------

TEMPLATES_README = """# 本项目的模板（可选）

把与程序自带模板同名的文件放在这里（如 `notice.html.j2`），生成时就用这里的文件代替程序自带的。
程序自带的模板可用 `python -c "import reportgen.resources as r; print(r.TEMPLATES_DIR)"` 找到，复制过来再修改。
模板改动后，用到它的文件在下次生成时自动重新生成。
"""

PROFILES_README = """# 本项目的版式配置（可选）

把版式配置（如 `本单位版式.yaml`）放在这里，在 reportgen.yaml 中写 `profile: 本单位版式`，或生成时加 `--profile`。
与程序自带配置同名的文件（如 `gbt9704.yaml`）代替程序自带的。只写要改的项，例如：

    base: gbt9704
    page_number:
      text: "- {page} -"
"""

FONTS_README = """# 字体文件

版式配置中 `pdf_file` 写的字体文件放在这里（默认为仿宋 FandolFang-Regular.otf）。获取方法见 README“安装”一节。
"""


def init_project(target: Path) -> list[tuple[str, str]]:
    """Make a new project folder at `target` from the bundled example; returns (path, what it is)."""
    target = Path(target).absolute()
    if (target / PROJECT_FILE).exists():
        raise ScaffoldRefused(f"{target} 中已有项目文件 {PROJECT_FILE}，不能重复新建。请换一个文件夹")
    if target.exists() and not target.is_dir():
        raise ScaffoldRefused(f"{target} 是一个文件，不是文件夹")
    if target.is_dir() and any(target.iterdir()):
        raise ScaffoldRefused(f"文件夹 {target} 不是空的。为免覆盖已有文件，请在新的文件夹或空文件夹中新建项目")
    example = resources.example_dir(EXAMPLE)
    if not (example / "notice.yaml").is_file():
        raise ScaffoldRefused(f"程序自带的示例数据不完整（{example}），请重新安装 reportgen")
    staging = _staging(target.parent, ".reportgen-init-")
    try:
        shutil.copytree(example, staging / "data" / EXAMPLE, ignore=_ignore)
        for name, text in (("templates", TEMPLATES_README), ("profiles", PROFILES_README), ("fonts", FONTS_README)):
            (staging / name).mkdir()
            (staging / name / "README.md").write_text(text, encoding="utf-8")
        (staging / PROJECT_FILE).write_text(project_text({EXAMPLE: f"data/{EXAMPLE}"}, EXAMPLE), encoding="utf-8")
        if target.is_dir():
            # empty (checked above), and maybe the current folder of the user's shell: fill it rather than
            # replace it (a replaced folder leaves the shell in a deleted one)
            moved = []
            try:
                for child in sorted(staging.iterdir()):
                    child.rename(target / child.name)
                    moved.append(target / child.name)
            except BaseException:
                for path in moved:
                    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
                raise
            staging.rmdir()
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [(PROJECT_FILE, "项目文件：数据集、默认数据集、输出文件夹、版式配置、字体文件夹"),
            (f"data/{EXAMPLE}/", "示例数据集：江苏省2021年大气污染防治工作计划（公开原文）"),
            (f"data/{EXAMPLE}/submissions/", "各市月度报送表：示例数据（见其中的 SAMPLE.md），不是实测数据"),
            ("fonts/", "字体文件夹：请放入仿宋字体 FandolFang-Regular.otf（见 README）"),
            ("templates/、profiles/", "（可选）放入同名文件即可代替程序自带的模板、版式配置")]


# --- new-plan ------------------------------------------------------------------------------------------

@dataclass
class PlanChange:
    file: str                 # relative to the new data set
    line: int | None
    what: str                 # Chinese: what was done


@dataclass
class NewPlan:
    name: str
    folder: Path
    old_year: int
    changes: list[PlanChange] = field(default_factory=list)     # what was changed or cleared
    to_review: list[PlanChange] = field(default_factory=list)   # carried over, to be checked by the office
    notes: list[str] = field(default_factory=list)


class _YamlEdit:
    """Line-level edits of one YAML file: comments, order and layout of everything else stay."""

    def __init__(self, path: Path, rel: str, plan: NewPlan):
        self.path, self.rel, self.plan = path, rel, plan
        self.text = path.read_text(encoding="utf-8-sig")
        self.lines = self.text.split("\n")
        problems = Problems()
        self.data = read_yaml(path, problems)
        if self.data is None:
            raise ScaffoldRefused(f"{rel} 有错误，无法据此新建计划：{problems.items[0] if problems.items else ''}。"
                                  "请先运行 reportgen validate 修改")

    def save(self) -> None:
        self.path.write_text("\n".join(self.lines), encoding="utf-8")

    def _span(self, container, key) -> range:
        """Lines (0-based) of the value of container[key]: from its line to the next sibling's."""
        start = container.line_of(key)
        keys = list(range(len(container))) if isinstance(container, LineList) else list(container)
        following = [container.line_of(k) for k in keys[keys.index(key) + 1:]]
        end = min([n for n in following if n > start], default=start + 1)   # the last one: its own line
        return range(start - 1, min(end - 1, len(self.lines)))

    def replace_year(self, container, key, where: str, old: int, new: int) -> bool:
        """Replace the year `old` by `new` in the text value container[key]; reported."""
        value = container[key]
        pattern = re.compile(rf"(?<!\d){old}(?!\d)")
        if not isinstance(value, str) or not pattern.search(value):
            return False
        for i in self._span(container, key):
            self.lines[i] = pattern.sub(str(new), self.lines[i])
        self.plan.changes.append(PlanChange(self.rel, container.line_of(key),
                                            f"{where}：“{value}”中的{old}改为{new}"))
        return True

    def clear(self, container, key, where: str, why: str) -> None:
        """Empty the value container[key] (a one-line value), keeping the line's comment; reported."""
        i = container.line_of(key) - 1
        line = self.lines[i]
        m = re.match(r"^(\s*(?:-\s+)?[^\s:#][^:#]*:)", line) if isinstance(container, LineDict) else None
        if m is None:
            raise ScaffoldRefused(f"{self.rel} 第{i + 1}行的写法无法自动清空，请手工处理")
        comment = line[line.index(" #"):] if " #" in line[m.end():] else ""
        comment = comment.lstrip()
        self.lines[i] = f"{m.group(1)}   # 待定（{why}）" + (f" {comment.lstrip('#').strip()}" if comment else "")
        self.plan.changes.append(PlanChange(self.rel, i + 1, f"{where}：已清空（原为 {_shown(container[key])}），{why}"))

    def set_year_key(self, new: int) -> None:
        """`year: <new>`: the line replaced, or added before `date:` (or at the top) when absent."""
        if "year" in self.data:
            i = self.data.line_of("year") - 1
            self.lines[i] = re.sub(r"^(year:\s*)\S+", rf"\g<1>{new}", self.lines[i])
            self.plan.changes.append(PlanChange(self.rel, i + 1, f"year（计划年度）：{self.data['year']} 改为 {new}"))
        else:
            i = self.data.line_of("date") - 1 if "date" in self.data else 0
            self.lines.insert(i, f"year: {new}                                      # 计划年度")
            for change in self.plan.changes:   # the lines below moved down by one
                if change.file == self.rel and change.line is not None and change.line > i:
                    change.line += 1
            self.plan.changes.append(PlanChange(self.rel, i + 1, f"year（计划年度）：新增，写为 {new}"))
            self.data = None   # line numbers moved: no further edits by line after this


def _shown(value) -> str:
    if isinstance(value, dict):
        return "、".join(f"{k}: {v}" for k, v in value.items()) or "空"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _old_year(notice: LineDict) -> int | None:
    year = notice.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    date = notice.get("date")
    return date.year if isinstance(date, dt.date) else None


def _value_columns(columns) -> list[str]:
    keys = []
    for c in columns or []:
        if isinstance(c, dict) and "columns" in c:
            keys += _value_columns(c["columns"])
        elif isinstance(c, dict) and "key" in c and not c.get("derived"):
            keys.append(c["key"])
    return keys


def _clear_csv(path: Path, rel: str, columns: list[str], plan: NewPlan) -> None:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return
    header = rows[0]
    targets = [i for i, h in enumerate(header) if h.strip() in columns]
    cleared = 0
    for row in rows[1:]:
        for i in targets:
            if i < len(row) and row[i].strip():
                row[i] = ""
                cleared += 1
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=newline).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    if cleared:
        names = "、".join(header[i] for i in targets)
        plan.changes.append(PlanChange(rel, None, f"{len(rows) - 1}行的数值列（{names}）共{cleared}个数值已清空："
                                                  "本年度的目标和任务数须重新确定，validate 逐项列为缺失"))


def new_plan(project: Project, year: int, source: str, name: str | None = None) -> NewPlan:
    """Make data set `name` for plan year `year` from the project's data set `source`, register it in
    reportgen.yaml, and return what was changed, cleared and left to review."""
    if source not in project.datasets:
        raise ScaffoldRefused(f"项目中没有名为“{source}”的数据集（有：{'、'.join(project.datasets)}）")
    src = project.datasets[source]
    problems = Problems()
    notice = read_yaml(src / "notice.yaml", problems)
    old = _old_year(notice) if notice is not None else None
    if old is None:
        raise ScaffoldRefused(f"无法从 {source}/notice.yaml 读出计划年度（year 或 date）。请先运行 reportgen validate 修改")
    if not 1900 < year < 2200:
        raise ScaffoldRefused(f"年度“{year}”不对，应为四位数的年份，如 {old + 1}")
    if year <= old:
        raise ScaffoldRefused(f"新计划的年度 {year} 应晚于 {source} 的年度 {old}")
    if name is None:
        name = source.replace(str(old), str(year)) if str(old) in source else f"{source}-{year}"
    if name in project.datasets:
        raise ScaffoldRefused(f"reportgen.yaml 中已有名为“{name}”的数据集。请用 --name 另起名称")
    if not re.fullmatch(r"[^\s/\\:*?\"<>|]{1,64}", name):
        raise ScaffoldRefused(f"数据集名称“{name}”不能含空格、斜杠或 :*?\"<>| 等字符（如 jiangsu-{year}）")
    target = src.parent / name
    if target.exists():
        raise ScaffoldRefused(f"文件夹 {target} 已存在。请用 --name 另起名称，或先移走该文件夹")

    registered = _registration(project, name, target)
    plan = NewPlan(name, target, old)
    staging = _staging(src.parent, f".reportgen-new-{name}-")
    try:
        work = staging / name
        shutil.copytree(src, work, ignore=_ignore)
        _edit(work, plan, old, year)
        if (src / "issued").exists():
            plan.notes.append(f"issued/（{old}年已印发文件的存档）未复制：新计划尚未印发任何文件")
        if (src / "submissions").is_dir():
            sample = "（示例数据，SAMPLE.md 一并复制）" if (src / "submissions" / "SAMPLE.md").exists() else ""
            plan.notes.append(f"submissions/（各市以往各月的报送数据{sample}）已复制：{year}年通报的同比要用{old}年同月的数据"
                              f"（只作比较，新数据集不生成{old}年的通报）；{year}年的报送照常用 reportgen submit --data {name} 导入")
        (work / "README.md").write_text(_readme(plan, source, year), encoding="utf-8")
        work.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_bytes_atomic(project.file, registered)
    return plan


def _edit(work: Path, plan: NewPlan, old: int, new: int) -> None:
    # notice.yaml: the plan year, the date and 文号 to be decided, the year in titles
    notice = _YamlEdit(work / "notice.yaml", "notice.yaml", plan)
    d = notice.data
    for key in ("title", "body"):
        if isinstance(d.get(key), str):
            notice.replace_year(d, key, key, old, new)
    for key in ("title_lines", "body"):
        if isinstance(d.get(key), list):
            for i in range(len(d[key])):
                notice.replace_year(d[key], i, f"{key}[{i}]", old, new)
    if isinstance(d.get("masthead"), dict) and d["masthead"].get("doc_number"):
        notice.clear(d["masthead"], "doc_number", "masthead.doc_number（发文字号）", "发文字号在印发时确定")
    if isinstance(d.get("imprint"), dict) and d["imprint"].get("printed_date"):
        notice.clear(d["imprint"], "printed_date", "imprint.printed_date（印发日期）", "印发日期须重新确定")
    if d.get("date") is not None:
        notice.clear(d, "date", "date（成文日期）", f"{new}年计划的成文日期须重新确定")
    notice.set_year_key(new)
    notice.save()

    # letters.yaml: the title's year; a period of the whole old year becomes the whole new year
    if (work / "letters.yaml").is_file():
        letters = _YamlEdit(work / "letters.yaml", "letters.yaml", plan)
        d = letters.data
        if isinstance(d.get("title"), str):
            letters.replace_year(d, "title", "title", old, new)
        period = d.get("period")
        if isinstance(period, dict):
            start, end = period.get("start"), period.get("end")
            if start == dt.date(old, 1, 1) and end == dt.date(old, 12, 31):
                i = d.line_of("period") - 1
                letters.lines[i] = letters.lines[i].replace(f"{old}-01-01", f"{new}-01-01").replace(
                    f"{old}-12-31", f"{new}-12-31")
                plan.changes.append(PlanChange("letters.yaml", i + 1,
                                               f"period（责任期限）：{old}年全年改为{new}-01-01至{new}-12-31"))
            else:
                for key in ("start", "end"):
                    if isinstance(period.get(key), dt.date):
                        letters.clear(period, key, f"period.{key}（责任期限）", "责任期限须重新确定")
        letters.save()

    # annexes: titles; every value of a per-unit table and every stated 全省 value is re-decided
    for schema_path in sorted((work / "annexes").glob("annex*.yaml")):
        rel = f"annexes/{schema_path.name}"
        annex = _YamlEdit(schema_path, rel, plan)
        d = annex.data
        if isinstance(d.get("title"), str):
            annex.replace_year(d, "title", "title", old, new)
        total = d.get("total")
        if isinstance(total, dict) and isinstance(total.get("values"), LineDict) and total["values"]:
            _clear_stated(annex, total, "values", rel, plan)
        if isinstance(total, dict) and isinstance(total.get("stated"), LineDict) and total["stated"]:
            _drop_published(annex, total, rel, plan)
        annex.save()
        csv_path = schema_path.with_suffix(".csv")
        if csv_path.is_file():
            if d.get("rows") in ("cities", "counties"):
                _clear_csv(csv_path, f"annexes/{csv_path.name}", _value_columns(d.get("columns")), plan)
            else:
                plan.to_review.append(PlanChange(f"annexes/{csv_path.name}", None,
                                                 f"清单（{d.get('title', '')}）照抄{old}年，请逐行核对"))

    # workplan.yaml: the title's year; paragraphs naming a year are listed for rewriting
    if (work / "workplan.yaml").is_file():
        workplan = _YamlEdit(work / "workplan.yaml", "workplan.yaml", plan)
        if isinstance(workplan.data.get("title"), str):
            workplan.replace_year(workplan.data, "title", "title", old, new)
        workplan.save()
    _retire_merged_units(work, plan, old)
    years = re.compile(rf"(?<!\d)({old}|{old - 1})(?!\d)")
    for path in sorted(work.rglob("*.yaml")):
        rel = path.relative_to(work).as_posix()
        if rel == "unit_changes.yaml":   # its dates are history: they stay as they were
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").split("\n"), 1):
            content = line.split(" #", 1)[0]
            if years.search(content) and not content.lstrip().startswith("#"):
                plan.to_review.append(PlanChange(rel, n, f"仍写着{'、'.join(sorted(set(years.findall(content))))}年："
                                                         f"{content.strip()[:40]}{'…' if len(content.strip()) > 40 else ''}"))


def _retire_merged_units(work: Path, plan: NewPlan, old: int) -> None:
    """A county merged during the old plan year stayed in its units.csv and annexes (the plan as
    published). In the new year it no longer exists: its row leaves units.csv and the per-unit annex
    tables, and its entry in unit_changes.yaml gets the short name and code units.csv held, so the old
    year's submissions (the comparison data) still read it."""
    changes_path, units_path = work / "unit_changes.yaml", work / "units.csv"
    if not changes_path.is_file() or not units_path.is_file():
        return
    data = read_yaml(changes_path, Problems())
    entries = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return
    unit_lines = units_path.read_text(encoding="utf-8-sig").split("\n")
    rows = list(csv.DictReader(io.StringIO("\n".join(unit_lines))))
    by_name = {r.get("name"): r for r in rows}
    change_lines = changes_path.read_text(encoding="utf-8").split("\n")
    inserts: list[tuple[int, list[str]]] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kind") != "merged" or entry.get("from") not in by_name:
            continue
        row = by_name[entry["from"]]
        name, short = row["name"], row.get("short_name") or ""
        unit_lines = [line for line in unit_lines if line.split(",")[1:2] != [name]]
        for csv_path in sorted((work / "annexes").glob("annex*.csv")):
            lines = csv_path.read_text(encoding="utf-8-sig").split("\n")
            names = {n for n in (name, short) if n}
            kept = [line for line in lines if not (set(next(csv.reader([line]), [])[:3]) & names)]
            if len(kept) != len(lines):
                csv_path.write_text("\n".join(kept), encoding="utf-8")
                plan.changes.append(PlanChange(f"annexes/{csv_path.name}", None, f"删去{name}的行（{old}年内已并入）"))
        line = entry.line_of("from") if hasattr(entry, "line_of") else None
        if line:
            text = change_lines[line - 1]
            indent = " " * (len(text) - len(text.lstrip(" -")))   # "    from:" and "  - from:" alike
            added = [f"{indent}{key}: {value}" for key, value in
                     (("short_name", short), ("code", f'"{row.get("code", "")}"')) if key not in entry and value]
            inserts.append((line, added))
        plan.changes.append(PlanChange("units.csv", None,
                                       f"删去{name}：{entry.get('date')}并入{entry.get('into')}，新年度已无此单位；"
                                       f"unit_changes.yaml 中的记录保留并补上简称和代码（以往的报送数据仍按原单位读取）"))
    if not inserts:
        return
    units_path.write_text("\n".join(unit_lines), encoding="utf-8")
    for line, added in sorted(inserts, reverse=True):
        change_lines[line:line] = added
    changes_path.write_text("\n".join(change_lines), encoding="utf-8")


def _clear_stated(annex: _YamlEdit, total: LineDict, key: str, rel: str, plan: NewPlan) -> None:
    """total.values of a stated 全省 row: every value emptied (the province sets new ones)."""
    values = total[key]
    if all(values.line_of(k) == total.line_of(key) for k in values):   # {a: 1, b: 2} on one line
        i = total.line_of(key) - 1
        text = "{" + ", ".join(f'{k}: ""' for k in values) + "}"
        annex.lines[i] = re.sub(r"\{[^}]*\}", lambda _: text, annex.lines[i], count=1)
    else:
        for k in values:
            i = values.line_of(k) - 1
            annex.lines[i] = re.sub(r"^(\s*[^:#]+:)[^#]*?(\s+#.*)?$", lambda m: f'{m.group(1)} ""' + (m.group(2) or ""),
                                    annex.lines[i])
    plan.changes.append(PlanChange(rel, total.line_of(key),
                                   f"total.{key}（全省行的公布值：{_shown(values)}）已清空，须重新确定"))


def _drop_published(annex: _YamlEdit, total: LineDict, rel: str, plan: NewPlan) -> None:
    """total.stated of a summed 全省 row (last year's published sums, for checking): removed, as a new plan
    has none published yet; the row is the sum of the cities."""
    stated = total["stated"]
    first = total.line_of("stated") - 1
    last = max([stated.line_of(k) for k in stated] + [first + 1]) - 1
    del annex.lines[first:last + 1]
    plan.changes.append(PlanChange(rel, first + 1, f"total.stated（{plan.old_year}年全省行的公布值：{_shown(stated)}）已删除："
                                                   "新计划尚无公布值，全省行按各市相加"))


def _readme(plan: NewPlan, source: str, year: int) -> str:
    lines = [f"# {year}年计划数据（由 {source} 新建，待完成）", "",
             f"本数据集由 `reportgen new-plan {year} --from {source}` 从{plan.old_year}年的数据复制而来："
             "单位、工作计划的结构、附件表结构和部门名单照搬，需要重新确定的内容已清空。"
             f"`reportgen validate --data {plan.name}` 列出尚未填写的每一项。", "", "## 已修改或清空", ""]
    lines += [f"- `{c.file}`{f' 第{c.line}行' if c.line else ''}：{c.what}" for c in plan.changes]
    lines += ["", "## 照搬上年、请核对", ""]
    lines += [f"- `{c.file}`{f' 第{c.line}行' if c.line else ''}：{c.what}" for c in plan.to_review]
    if plan.notes:
        lines += ["", "## 说明", ""] + [f"- {n}" for n in plan.notes]
    return "\n".join(lines) + "\n"


def _registration(project: Project, name: str, folder: Path) -> bytes:
    """reportgen.yaml with `name: folder` added to its datasets after the last entry (a line-level edit:
    comments and layout stay). Worked out before anything is made, so a file that cannot be edited
    stops new-plan before it writes."""
    path = project.file
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    data = read_yaml(path, Problems())
    datasets = data["datasets"]
    try:
        rel = folder.resolve().relative_to(project.root).as_posix()
    except ValueError:
        rel = str(folder.resolve())
    if datasets.line == data.line_of("datasets"):   # written in flow style: datasets: {a: b}
        raise ScaffoldRefused(f"{PROJECT_FILE} 的 datasets 写在一行中，请改为每行一项后重试")
    last = max(datasets.line_of(k) for k in datasets)
    indent = re.match(r"\s*", lines[last - 1]).group()
    lines.insert(last, f"{indent or '  '}{name}: {rel}")
    return "\n".join(lines).encode("utf-8")
