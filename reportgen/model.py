"""Typed model of a plan data set: what the loaders produce and everything downstream reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Unit:
    """A 设区市 or a 县（市、区）."""

    code: str            # 行政区划代码
    name: str            # 南京市, 江宁区
    short_name: str      # 南京, 江宁
    level: str           # "city" | "county"
    parent: str | None   # the city's name, for counties
    region: str          # the city's 片区 from units.csv ("" when the data set has none); a county's is its city's
    order: float         # fixed order: position in units.csv (a unit of earlier months: next to its successor)

    def display(self, style: str) -> str:
        return self.short_name if style == "short_name" else self.name


@dataclass(frozen=True)
class UnitChange:
    """An administrative change (unit_changes.yaml): from `date` on, `old` is gone and `new` stand for it."""

    date: dt.date                 # the first day of the first month under the new units
    kind: str                     # "merged" | "renamed" | "split"
    old: Unit                     # the unit that ceased (in units.csv only if it ceased within the plan year)
    new: tuple[Unit, ...]         # its successor(s)
    comparison: str               # "continue": the successor's series runs across the change; "none": it does not
    line: int = 0                 # where it is written in unit_changes.yaml

    @property
    def month(self) -> str:
        return f"{self.date.year}-{self.date.month:02d}"

    def describe(self) -> str:
        """高淳区于2021年7月1日并入溧水区"""
        when = f"{self.date.year}年{self.date.month}月{self.date.day}日"
        names = "、".join(u.name for u in self.new)
        verb = {"merged": "并入", "renamed": "更名为", "split": "拆分为"}[self.kind]
        return f"{self.old.name}于{when}{verb}{names}"


def unit_counts(cities, counties) -> dict[str, int]:
    """The values of the count placeholders ({city_count}, {county_count}, load/placeholders.py) for these units."""
    return {"city_count": len(cities), "county_count": len(counties)}


@dataclass
class Units:
    """The plan year's units (units.csv, `all`: the units of the plan as published, including a county
    that ceases within the year), the order of their 片区, and the units of earlier months
    (unit_changes.yaml): `as_of(month)` gives the units that existed in a month."""

    all: list[Unit]
    regions: tuple[str, ...] = ()           # 片区 in printing order; () when the data set has none
    changes: tuple[UnitChange, ...] = ()    # in date order
    retired: tuple[Unit, ...] = ()          # units of earlier months that units.csv does not list

    def __post_init__(self) -> None:
        self._by_alias: dict[str, Unit] = {}
        for u in self.all:
            for alias in (u.name, u.short_name):
                self._by_alias.setdefault(alias, u)
        self._months: dict[str, Units] = {}

    @property
    def cities(self) -> list[Unit]:
        return [u for u in self.all if u.level == "city"]

    @property
    def counties(self) -> list[Unit]:
        return [u for u in self.all if u.level == "county"]

    def find(self, name: str) -> Unit | None:
        return self._by_alias.get(name.strip())

    def find_city(self, name: str) -> Unit | None:
        """The city named `name` as users type it (“南京”, “南京市”); None for a county or an unknown name."""
        name = (name or "").strip()
        unit = self.find(name) or self.find(name.removesuffix("市")) if name else None
        return unit if unit is not None and unit.level == "city" else None

    def children(self, city: Unit) -> list[Unit]:
        return [u for u in self.all if u.parent == city.name]

    def as_of(self, month: str) -> Units:
        """The units that existed in `month` ("2021-05"), in fixed order; the plan year's units when no
        change lies after `month`."""
        if not self.changes:
            return self
        base = getattr(self, "_plan_year", self)    # as_of of a month's units starts from the plan year's
        if month not in base._months:
            gone = {c.old.name for c in base.changes if c.month <= month}
            not_yet = {u.name for c in base.changes if c.month > month and c.kind != "merged" for u in c.new}
            units = [u for u in (*base.all, *base.retired) if u.name not in gone and u.name not in not_yet]
            month_units = Units(sorted(units, key=lambda u: u.order), base.regions, base.changes, base.retired)
            month_units._plan_year = base
            base._months[month] = month_units
        return base._months[month]

    def ended(self, name: str, month: str) -> UnitChange | None:
        """The change by which a unit named `name` had ceased to exist by `month`, if any."""
        for c in self.changes:
            if c.month <= month and name in (c.old.name, c.old.short_name):
                return c
        return None

    def not_yet(self, name: str, month: str) -> UnitChange | None:
        """The change that created a unit named `name` after `month` (renamed or split), if any."""
        for c in self.changes:
            if c.month > month and c.kind != "merged" and any(name in (u.name, u.short_name) for u in c.new):
                return c
        return None

    def series_source(self, unit: Unit, month: str, as_of: str) -> tuple[Unit | None, UnitChange | None]:
        """Whose report stands for `unit` (a unit of month `as_of`) in an earlier `month`: the unit itself,
        its predecessor under an old name (renamed, comparison "continue"), or None and the change across
        which its series does not continue (comparison "none", split)."""
        current = unit
        for c in sorted(self.changes, key=lambda c: c.date, reverse=True):
            if not (month < c.month <= as_of) or current.name not in {u.name for u in c.new}:
                continue
            if c.comparison != "continue":
                return None, c
            if c.kind == "renamed":
                current = c.old
        return current, None


@dataclass(frozen=True)
class Responsibility:
    note: str                  # printed verbatim, e.g. "（省生态环境厅牵头，省发展改革委配合）"
    lead: tuple[str, ...]
    support: tuple[str, ...]


@dataclass(frozen=True)
class FigureRef:
    """An annex figure written in plan text as a reference (load/figure_refs.py), e.g.
    "{附件6.全省.VOCs综合治理项目}": the paragraph's text carries the figure as the annex prints it."""

    written: str               # as written in workplan.yaml, braces included
    annex: int
    unit: str | None           # the row's unit (full name); None: the 全省 row, or the row count
    column: str | None         # the column's key; None: the number of rows of the table (行数)
    scale: str                 # "" (as printed) or "万" (3.1 for 31000)
    text: str                  # the figure as printed in the paragraph ("（待补充）" when missing)
    label: str                 # the figure named for readers: "附件6 全省 VOCs综合治理项目", "附件2 行数"
    position: int              # where `text` starts in the paragraph's rendered text


@dataclass(frozen=True)
class Paragraph:
    text: str                                  # as printed: figure references already rendered
    responsibility: Responsibility | None = None
    template: str | None = None                # the text as written, when it holds figure references
    figures: tuple[FigureRef, ...] = ()        # the references in it, in order


@dataclass(frozen=True)
class Item:
    """A numbered task: "1. 强化生态环境空间管控。…"."""

    number: int
    label: str | None          # a published label that differs from the profile's numbering ("3、")
    title: str
    title_separate: bool       # title printed as a line of its own (no "。")
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Subsection:
    number: str                # 一, 二, …  printed "（一）"
    title: str
    paragraphs: tuple[Paragraph, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Section:
    number: str                # printed "一、"
    title: str
    subsections: tuple[Subsection, ...]


@dataclass(frozen=True)
class WorkPlan:
    title: str
    preamble: tuple[str, ...]
    sections: tuple[Section, ...]

    def items(self):
        for sec in self.sections:
            for sub in sec.subsections:
                yield from sub.items

    def quoted(self, ref: PlanItemRef) -> tuple[str, tuple[Paragraph, ...]]:
        """The item's title and the paragraphs a letter quotes (all, or those listed in the entry)."""
        for sec in self.sections:
            if sec.number != ref.section:
                continue
            for sub in sec.subsections:
                if sub.number != ref.subsection:
                    continue
                if ref.item is None:
                    title, paragraphs = sub.title, sub.paragraphs
                else:
                    item = next((i for i in sub.items if i.number == ref.item), None)
                    if item is None:
                        break
                    title, paragraphs = item.title, item.paragraphs
                if ref.paragraphs:
                    paragraphs = tuple(paragraphs[n - 1] for n in ref.paragraphs)
                return title, paragraphs
        raise KeyError(ref.written)  # validated when letters.yaml is loaded


@dataclass(frozen=True)
class Masthead:
    """版头: 发文机关标志 and 发文字号, printed above the red rule on the first page."""

    issuer_mark: str           # 发文机关标志, e.g. "江苏省大气污染防治联席会议办公室文件"
    doc_number: str            # 发文字号, e.g. "苏大气办〔2021〕5号" (validated)


@dataclass(frozen=True)
class Imprint:
    """版记: printed between rules at the foot of the last page."""

    copy_to: str | None        # 抄送机关 (without "抄送：")
    printed_by: str            # 印发机关
    printed_date: dt.date      # 印发日期


@dataclass(frozen=True)
class Notice:
    issuer: str
    date: dt.date
    recipients: str
    title: str
    title_lines: tuple[str, ...]
    body: tuple[str, ...]
    attachments: tuple[int, ...]
    sealed: bool = False               # 加盖印章: date 右空四字, 署名 centred over it
    masthead: Masthead | None = None   # 版头 (omitted: no 发文字号 is known)
    imprint: Imprint | None = None     # 版记
    year: int = 0                      # the plan year (notice.yaml `year`), not the notice date's year


@dataclass(frozen=True)
class Column:
    key: str
    header: str                # as printed, "\n" where the published header breaks
    type: str                  # integer | decimal | percent | text
    unit: str | None = None
    derived: str | None = None  # "row_sum": computed from the row's other numeric columns


@dataclass(frozen=True)
class HeaderGroup:
    header: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Cell:
    """One value as published. `text` is printed exactly; `value` is its number (None if missing)."""

    text: str
    value: Decimal | None

    @property
    def missing(self) -> bool:
        return self.text == ""


MISSING = Cell("", None)


@dataclass
class AnnexRow:
    unit: Unit | None              # the row's unit (city/county); None for list annexes without one
    parent: Unit | None            # the city column of 附件2/附件4
    cells: dict[str, Cell]
    source_row: int                # CSV line number


@dataclass
class TotalRule:
    label: str
    rule: str                      # "sum" | "stated"
    stated: dict[str, str]         # published values (rule "stated": the values printed)
    schema_file: str = ""          # where the rule is written, for problems
    stated_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class AnnexTable:
    number: int
    title: str
    orientation: str               # portrait | landscape
    rows_kind: str                 # cities | counties | list
    unit_column: dict | None       # {key, header, display}
    parent_column: dict | None
    serial_column: dict | None
    header: tuple[Column | HeaderGroup, ...]
    rows: list[AnnexRow]
    total_rule: TotalRule | None
    layout: dict = field(default_factory=dict)
    csv_path: Path | None = None
    total: dict[str, Cell] = field(default_factory=dict)   # filled by compute.annex_totals
    role: str | None = None        # what the program reads it for (annex_roles.py), as declared in the data

    @property
    def columns(self) -> list[Column]:
        out: list[Column] = []
        for h in self.header:
            out.extend(h.columns if isinstance(h, HeaderGroup) else [h])
        return out

    @property
    def name(self) -> str:
        return f"附件{self.number}"


@dataclass
class Plan:
    root: Path
    year: int
    notice: Notice
    workplan: WorkPlan
    units: Units
    departments: tuple[str, ...]
    annexes: dict[int, AnnexTable]
    letters: LetterSettings | None = None
    bulletin: BulletinSettings | None = None
    department_groups: tuple[str, ...] = ()   # names in `departments` that are groups, not departments
    sample: bool = False                      # the data set is marked as sample data (SAMPLE.md at its root)

    def annex_for_role(self, role: str) -> AnnexTable | None:
        """The annex the plan data declares for `role` (annex_roles.ANNEX_ROLES); None: the plan has
        none, and the feature that reads it is off."""
        return next((t for t in self.annexes.values() if t.role == role), None)

    @property
    def task_departments(self) -> tuple[str, ...]:
        """The departments that get a 任务分工 of their own."""
        return tuple(d for d in self.departments if d not in self.department_groups)


@dataclass(frozen=True)
class PlanItemRef:
    """One whole item of the work plan that a 目标责任书 quotes, named by its number in letters.yaml:
    "二.（一）.3" (part 二, subsection （一）, item 3) or "四.（二）" (a subsection without items)."""

    written: str                     # as written in letters.yaml
    section: str                     # 二
    subsection: str                  # 一 (printed "（一）")
    item: int | None                 # 3; None for a subsection without items
    show: str                        # "quote": the item's text; "title": its title only; "summary"
    paragraphs: tuple[int, ...] = () # quote only these paragraphs of the item (1-based); () = all
    summary: str | None = None       # show == "summary": the office's own summary of the item


@dataclass(frozen=True)
class LetterRules:
    """letters.yaml: parties, targets and the work-plan items of the 目标责任书 of one level."""

    party_a: str | None              # fixed 甲方 (city letters) …
    party_a_suffix: str | None       # … or the parent city's name + suffix (county letters)
    party_b_suffix: str
    annexes: tuple[int, ...]
    tasks: tuple[PlanItemRef, ...]       # 主要任务, in letter order
    assessment: tuple[PlanItemRef, ...]  # 考核与奖惩: the plan's assessment text that binds this level


@dataclass(frozen=True)
class LetterSettings:
    title: str
    period_start: dt.date
    period_end: dt.date
    city: LetterRules
    county: LetterRules


# -- monthly submissions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitReport:
    """One unit's row of a city's monthly submission, values as submitted (rates in percent)."""

    unit: Unit
    values: dict[str, Decimal]    # field key (submission_fields) → value; a key absent = not reported
    remark: str                   # 备注, e.g. why a value is missing
    source_row: int


@dataclass(frozen=True)
class Submission:
    """One revision of one city's submission for one month."""

    city: Unit
    month: str                    # "2021-05"
    revision: int                 # 1, 2, … in order of receipt
    received: dt.datetime
    path: Path
    reports: tuple[UnitReport, ...]


@dataclass(frozen=True)
class StoredRevision:
    """A submission file on disk (not read): what `reportgen submissions` lists."""

    city: str
    month: str
    revision: int
    received: dt.datetime
    path: Path
    unchanged: bool = False       # store_submission: the file was byte for byte the current revision; not stored again


@dataclass
class SubmissionArchive:
    """Every month's current submissions; earlier revisions are listed, not read."""

    root: Path
    sample: bool                                   # the folder is marked as sample data (SAMPLE.md)
    stored: list[StoredRevision]
    current: dict[str, dict[str, Submission]]      # month → city name → the latest revision

    @property
    def months(self) -> list[str]:
        return sorted(self.current)

    def report(self, unit: Unit, month: str) -> UnitReport | None:
        city = unit.name if unit.level == "city" else unit.parent
        sub = self.current.get(month, {}).get(city)
        if sub is None:
            return None
        return next((r for r in sub.reports if r.unit.name == unit.name), None)


@dataclass(frozen=True)
class BulletinSettings:
    """bulletin.yaml: how the monthly ranking bulletin is issued and ranked."""

    issuer: str
    issuer_mark: str | None
    doc_number: str                 # format with {year}, {month}, {serial}; the serial is given when issuing
    recipients: str
    title: str                      # format with {period}
    decimals: int
    rounding: str
    missing: str
    list_length: int
    list_periods: tuple[str, ...]
    indicators: tuple[str, ...]
    help_indicator: str
    help_bottom: int
    help_months: int
    basis: str
    closing: str
    data_note: str


@dataclass(frozen=True)
class IssueRecord:
    """An issued document (reportgen issue): its 文号 and 成文日期 as the office gave them, and the archived
    files. An issued document is a record: builds never rewrite it."""

    document: str                   # output path without extension, e.g. "2021/通报/2021-05 关于…的通报"
    kind: str                       # "bulletin"
    month: str | None               # bulletins: "2021-05"
    title: str
    doc_number: str
    date: dt.date
    issued_at: dt.datetime
    inputs: dict                    # the manifest's input hashes at issue time (manifest.py)
    files: dict                     # output path → hash of the archived file
    path: Path                      # the record file
