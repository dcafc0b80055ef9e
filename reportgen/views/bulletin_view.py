"""View model of the monthly ranking bulletin (月度空气质量排名通报): every figure, list and table the
template prints, already computed (compute/air_quality, compute/ranking, compute/projects) and
formatted, as one frozen dataclass per part of the document (BulletinView holds them), each built by
one small function.

Wording follows the 2021 Jiangsu county bulletins (../shared/docs/bulletin.md §3); the template holds
the fixed sentences, this module fills in periods, figures and name lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

from ..compute.air_quality import POLLUTANT_NAMES, Figures, Period, change, mean, period_for, previous_months
from ..compute.bulletin_data import INDICATOR_NAMES, BulletinData, precision
from ..compute.composite_index import POLLUTANTS, load_shares
from ..compute.projects import ProjectProgress, project_progress
from ..compute.ranking import Placed, Ranking, consecutive_bottom, rounded
from ..model import IssueRecord, Masthead, Plan, SubmissionArchive, Unit, Units, unit_counts
from ..profile import Profile
from .common import MastheadView, Signing, masthead_view, signing_block

MISSING_TEXT = ""   # printed as a grey empty cell (as in the annexes), never as a made-up number
NOT_REPORTED_TEXT = "未报送"   # a city's completed projects when its submission has none
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}

# name, unit and the note printed after each pair of lists (bulletin.md §3)
INDICATOR_WORDING = {key: (INDICATOR_NAMES[key], unit, note) for key, unit, note in (
    ("pm25", "微克/立方米", "PM2.5为逆指标，数值越小越好。"),
    ("pm25_change", "%", "PM2.5浓度改善幅度为逆指标，数值越小越好。"),
    ("good_rate", "%", "优良天数比率为正指标，数值越大越好。"),
    ("good_rate_change", "个百分点", "优良天数比率改善幅度为正指标，数值越大越好。"),
    ("composite", "", "环境空气质量综合指数为逆指标，数值越小越好。"),
    ("composite_change", "%", "环境空气质量综合指数改善幅度为逆指标，数值越小越好。"),
)}
TIE_NOTE = "并列的区县按行政区划代码排列。"
# how an order is worded, by the indicator's direction (逆指标 low first, 正指标 high first)
ORDER_WORDS = {"lower": "由低到高", "higher": "由高到低"}
# the two city tables (表1, 表2): decimals printed, 同比 as a relative change (%) or in 百分点, direction
CITY_TABLES = {"pm25": (0, True, "lower"), "good_rate": (1, False, "higher")}


# -- the view model ------------------------------------------------------------------------------

class TextRow:
    """A table row whose fields are its printed cells in order: iterating it gives the texts, as the
    template's m.text_rows reads a row."""

    def __iter__(self):
        return iter([getattr(self, f.name) for f in fields(self)])


@dataclass(frozen=True)
class Header:
    """版头, title and 主送机关."""

    title: str
    doc_number: str
    masthead: MastheadView | None
    recipients: str
    sample: bool            # built from a sample data set: the line under the title says so


@dataclass(frozen=True)
class Scope:
    """The month and plan year the bulletin covers, and who reported (the opening paragraph)."""

    month_label: str        # 2021年5月
    cumulative_label: str   # 2021年1—5月
    plan_year: int
    in_plan_year: bool      # the month lies in the plan year: annual targets and projects are compared
    city_count: int
    county_count: int
    submitted: int          # cities that reported the month
    not_submitted: str      # 南京、徐州 (the others)
    thin_reason: str        # too few cities reported to rank (worded), else ""


@dataclass(frozen=True)
class ProvincePeriod:
    label: str
    cumulative: bool        # the cumulative period (where the annual target is stated)
    pm25: str
    pm25_trend: str
    good_rate: str
    good_rate_trend: str
    missing: str            # why the province's PM2.5 is missing, else ""


@dataclass(frozen=True)
class ProvinceTarget:
    pm25: str
    good_rate: str


@dataclass(frozen=True)
class ProvinceSummary:
    """一、全省总体情况."""

    periods: tuple[ProvincePeriod, ...]
    target: ProvinceTarget | None   # the province's annual targets (city targets annex total), in the plan year
    city_range: str                 # 各设区市PM2.5浓度介于……之间。


@dataclass(frozen=True)
class CityRow(TextRow):
    """One city's row of 表1 (PM2.5) or 表2 (优良天数比率), in printed order."""

    city: str
    month: str              # the month's value
    month_change: str       # its 同比
    cumulative: str         # the cumulative value
    cumulative_change: str  # its 同比
    rank: str               # cumulative rank
    target: str             # annual target
    progress: str           # 达标 / 未达标 / "" (not judged)


@dataclass(frozen=True)
class TargetCheck:
    """The cities against their annual targets, on the printed cumulative values."""

    met: tuple[str, ...]
    missed: tuple[str, ...]
    unjudged: int           # no value or no target


@dataclass(frozen=True)
class CityTable:
    rows: tuple[CityRow, ...]
    check: TargetCheck


@dataclass(frozen=True)
class CitySection:
    """二、设区市空气质量状况: orders, 片区, the target check and 表1/表2."""

    orders: tuple[str, ...]     # the order sentences (or why there is no ranking)
    regions: str                # 分片区看，…… or ""
    targets: bool               # the plan has a city targets annex
    pm25: CityTable
    good_rate: CityTable
    data_note: str              # bulletin.yaml's note on the data, after the tables


@dataclass(frozen=True)
class CompositeRow(TextRow):
    city: str
    index: str
    primary: str                # 首要污染物
    shares: tuple[str, ...]     # 污染负荷比 of each pollutant, in POLLUTANTS order

    def __iter__(self):
        return iter((self.city, self.index, self.primary, *self.shares))


@dataclass(frozen=True)
class CompositeTable:
    """表3: 综合指数, 首要污染物 and 污染负荷比 of the cities (bulletin.md §4)."""

    rows: tuple[CompositeRow, ...]
    pollutants: tuple[str, ...]
    missing: tuple[str, ...]    # cities without all six pollutants (grey rows)


@dataclass(frozen=True)
class CountyList:
    """One indicator's county ranking for one period."""

    name: str
    lines: tuple[str, ...]
    note: str
    not_ranked: str


@dataclass(frozen=True)
class CountyPeriod:
    label: str
    lists: tuple[CountyList, ...]


@dataclass(frozen=True)
class CountyTargetCheck:
    """The counties against one annual target (cumulative values, as printed)."""

    name: str
    met: int
    missed: tuple[str, ...]
    unknown: str                # who was not judged, and why (worded), else ""


@dataclass(frozen=True)
class CountySection:
    """三、县（市、区）空气质量排名."""

    basis: str
    periods: tuple[CountyPeriod, ...]
    regions: str
    targets: tuple[CountyTargetCheck, ...]
    targets_annex: int | None   # the county targets annex's number


@dataclass(frozen=True)
class SpecialHelp:
    """四、专项帮扶: counties at the bottom for `count` months running."""

    months: str
    count: int
    bottom: int
    indicator: str
    absent: str                 # months that cannot be judged (no or too few submissions)
    absent_why: str
    units: str                  # 江宁区（南京）、……
    unjudged: str


@dataclass(frozen=True)
class ProgressRow(TextRow):
    city: str
    planned: str
    done: str
    share: str


@dataclass(frozen=True)
class ProjectTable:
    rows: tuple[ProgressRow, ...]   # the cities, then 全省
    planned: str | None
    done: str | None
    share: str | None
    missing: str                    # who has not reported (worded)
    annex_title: str


@dataclass(frozen=True)
class Projects:
    """五、重点工程项目进展: the projects annex, and the table in the plan year (else None)."""

    annex: int
    progress: ProjectTable | None


@dataclass(frozen=True)
class BulletinView:
    header: Header
    scope: Scope
    province: ProvinceSummary
    cities: CitySection
    chart: dict                 # 图1's data; the template draws it
    composite: CompositeTable | None
    counties: CountySection
    special_help: SpecialHelp
    projects: Projects | None
    closing: str
    signing: Signing            # 署名与成文日期 (placed at rendering: reportgen.placement)
    issue_date: dt.date         # the files' date (a draft: the first day after the month)
    issued: bool


# -- wording and formatting helpers --------------------------------------------------------------

def month_label(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:])}月"


def period_label(period: Period) -> str:
    if period.kind == "month":
        return f"{period.year}年{period.months[0]}月"
    if period.kind == "quarter":
        return f"{period.year}年第{QUARTER_NAMES[(period.months[0] - 1) // 3 + 1]}季度"
    if len(period.months) == 1:
        return f"{period.year}年1月"
    return f"{period.year}年1—{period.months[-1]}月"


def tie_list(groups, name=lambda u: u.short_name) -> str:
    """江宁、宜兴、溧阳（常熟、昆山、吴江并列）、溧水（太仓、启东并列）"""
    parts = []
    for group in groups:
        first, *rest = [name(p.unit) for p in group]
        parts.append(first + (f"（{'、'.join(rest)}并列）" if rest else ""))
    return "、".join(parts)


def not_ranked_groups(entries, name=lambda u: u.short_name) -> list[tuple[str, str]]:
    """Units without a ranking grouped by reason, in the order each reason first appears (units in
    fixed order): [("六合、溧水", "南京市未报送"), …]."""
    groups: dict[str, list[str]] = {}
    for e in entries:
        groups.setdefault(e.reason or "无有效数据", []).append(name(e.unit))
    return [("、".join(names), reason) for reason, names in groups.items()]


def not_ranked_text(entries, name=lambda u: u.short_name) -> str:
    """未参与排名：六合、溧水（南京市未报送）；江宁（无有效数据：设备故障）"""
    groups = not_ranked_groups(entries, name)
    if not groups:
        return ""
    return "未参与排名：" + "；".join(f"{names}（{reason}）" for names, reason in groups)


def common_reason(entries) -> str:
    """The reason no unit could be ranked: the one most units share (for the improvement rankings,
    "无上年同期数据", whatever else a few units lack)."""
    reasons = [e.reason or "无有效数据" for e in entries]
    return max(sorted(set(reasons)), key=reasons.count) if reasons else "无有效数据"


def distinct_periods(periods: list[Period]) -> list[Period]:
    """Periods with the same months once (January's 1月 and 1—1月; March's 第一季度 and 1—3月)."""
    out: list[Period] = []
    for p in periods:
        if all(q.months != p.months for q in out):
            out.append(p)
    return out


@dataclass(frozen=True)
class Formats:
    rounding: str

    def number(self, value: Decimal | None, decimals: int) -> str:
        if value is None:
            return MISSING_TEXT
        text = f"{rounded(value, decimals, self.rounding):f}"
        return "0" if text.strip("-0.") == "" else text.lstrip("+")

    def signed(self, value: Decimal | None, decimals: int = 1) -> str:
        if value is None:
            return MISSING_TEXT
        text = self.number(value, decimals)
        return text if text.startswith("-") or text.strip("0.") == "" else f"+{text}"

    def trend(self, value: Decimal | None, unit: str, decimals: int = 1) -> str:
        """同比下降5.1% / 同比上升0.8个百分点 / 同比持平"""
        if value is None:
            return "无上年同期数据，不作同比"
        text = self.number(abs(value), decimals)
        if text.strip("0.") == "":
            return "同比持平"
        return f"同比{'下降' if value < 0 else '上升'}{text}{unit}"


def draft_doc_number(pattern: str, year: int, month: int) -> str:
    """The 文号 of a draft: the pattern with its serial left blank for the office to give when issuing."""
    return pattern.format(year=year, month=month, serial="　　")


def _names_or_count(names: list[str], limit: int = 12) -> str:
    """A list of names, or "徐州等20个" when it is too long to be read."""
    if len(names) <= limit:
        return "、".join(names)
    return f"{'、'.join(names[:3])}等{len(names)}个"


def _targets(plan: Plan, unit: Unit) -> tuple[Decimal | None, Decimal | None]:
    """Annual PM2.5 and 优良天数比率 targets of a city or county (the annexes of roles city_targets and
    county_targets)."""
    table = plan.annex_for_role("city_targets" if unit.level == "city" else "county_targets")
    if table is None:
        return None, None
    row = next((r for r in table.rows if r.unit is not None and r.unit.name == unit.name), None)
    if row is None:
        return None, None
    return row.cells.get("pm25_target").value if "pm25_target" in row.cells else None, \
        row.cells.get("good_days_ratio_target").value if "good_days_ratio_target" in row.cells else None


def _status(value_text: str, target: Decimal | None, better: str) -> str:
    """达标 / 未达标 on the printed value (what the reader sees), against the annual target."""
    if target is None or value_text == MISSING_TEXT:
        return MISSING_TEXT
    value = Decimal(value_text)
    ok = value <= target if better == "lower" else value >= target
    return "达标" if ok else "未达标"


# -- what every section builder reads ------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """The bulletin's month, units, periods and figures, worked out once for all section builders."""

    plan: Plan
    archive: SubmissionArchive
    data: BulletinData
    fmt: Formats
    month: str
    units: Units                    # the units of the bulletin's month (plan.units.as_of)
    this_month: Period
    cumulative: Period
    in_plan_year: bool
    min_cities: int                 # fewer cities reported: no rankings (bulletin.yaml)
    ranks: bool                     # enough cities reported to rank (else figures only)
    thin_reason: str

    @property
    def cities(self) -> list[Unit]:
        return self.units.cities

    @property
    def counties(self) -> list[Unit]:
        return self.units.counties


def bulletin_context(plan: Plan, archive: SubmissionArchive, month: str, data: BulletinData | None = None) -> Context:
    s = plan.bulletin
    units = plan.units.as_of(month)    # the units of the bulletin's month (unit_changes.yaml)
    submitted = archive.current.get(month, {})
    min_cities = getattr(s, "min_cities", 1)
    ranks = len(submitted) >= min_cities        # a thin month: figures only, no rankings
    submitted_names = "、".join(c.short_name for c in units.cities if c.name in submitted)
    thin_reason = (f"{month_label(month)}报送数据的设区市只有{len(submitted)}个（{submitted_names}），"
                   f"不足{min_cities}个" if not ranks else "")
    return Context(plan, archive, data or BulletinData(plan, archive), Formats(s.rounding), month, units,
                   period_for(month, "month"), period_for(month, "cumulative"), int(month[:4]) == plan.year,
                   min_cities, ranks, thin_reason)


# -- the section builders ------------------------------------------------------------------------

def header(plan: Plan, archive: SubmissionArchive, month: str, doc_number: str, profile: Profile) -> Header:
    s = plan.bulletin
    masthead = masthead_view(Masthead(s.issuer_mark, doc_number), profile) if s.issuer_mark else None
    return Header(s.title.format(period=month_label(month)), doc_number, masthead, s.recipients, archive.sample)


def scope(ctx: Context) -> Scope:
    submitted = ctx.archive.current.get(ctx.month, {})
    return Scope(month_label(ctx.month), period_label(ctx.cumulative), ctx.plan.year, ctx.in_plan_year,
                 len(ctx.cities), len(ctx.counties), len(submitted),
                 "、".join(c.short_name for c in ctx.cities if c.name not in submitted), ctx.thin_reason)


def province_period(label: str, cumulative: bool, now: list[Figures], before: list[Figures], missing: str,
                    fmt: Formats) -> ProvincePeriod:
    """The province's figures for one period: the means of the cities' (compute.mean), 同比 as worded."""
    pm25, pm25_before = mean([f.pm25 for f in now]), mean([f.pm25 for f in before])
    rate, rate_before = mean([f.good_rate for f in now]), mean([f.good_rate for f in before])
    return ProvincePeriod(label, cumulative, fmt.number(pm25, 0), fmt.trend(change(pm25, pm25_before, True), "%"),
                          fmt.number(rate, 1), fmt.trend(change(rate, rate_before, False), "个百分点"), missing)


def missing_note(cities: list[Unit], figures: list[Figures]) -> str:
    """Why the province figure is missing: one shared reason, or the cities without data."""
    missing = [(c, f.reasons.get("pm25", "无有效数据")) for c, f in zip(cities, figures) if f.pm25 is None]
    if not missing:
        return ""
    reasons = {r for _, r in missing}
    if len(missing) == len(cities) and len(reasons) == 1:
        return reasons.pop()
    names = [c.short_name for c, _ in missing]
    return f"{'、'.join(names)}无有效数据" if len(names) <= 6 else f"{'、'.join(names[:3])}等{len(names)}个设区市无有效数据"


def province_target(plan: Plan) -> ProvinceTarget | None:
    """The province's annual targets as the city targets annex states them (its total row)."""
    table = plan.annex_for_role("city_targets")
    stated = table.total if table is not None else {}
    pm25 = stated["pm25_target"].text if "pm25_target" in stated else None
    good_rate = stated["good_days_ratio_target"].text if "good_days_ratio_target" in stated else None
    return ProvinceTarget(pm25, good_rate) if pm25 is not None and good_rate is not None else None


def province_summary(ctx: Context) -> ProvinceSummary:
    periods = []
    for period in distinct_periods([ctx.this_month, ctx.cumulative]):
        now = [ctx.data.figures(c, period) for c in ctx.cities]
        before = [ctx.data.figures(c, period.year_before()) for c in ctx.cities]
        periods.append(province_period(period_label(period), period.months == ctx.cumulative.months, now, before,
                                       missing_note(ctx.cities, now), ctx.fmt))
    this_month = {c.name: ctx.data.figures(c, ctx.this_month) for c in ctx.cities}
    valued = [c for c in ctx.cities if this_month[c.name].pm25 is not None]
    rated = [c for c in ctx.cities if this_month[c.name].good_rate is not None]
    return ProvinceSummary(tuple(periods), province_target(ctx.plan) if ctx.in_plan_year else None,
                           city_range(month_label(ctx.month), valued, rated, this_month, ctx.fmt))


def city_row(unit: Unit, key: str, now: Figures, month_before: Figures, cum: Figures, cum_before: Figures,
             placed: Placed | None, ranks: bool, target: Decimal | None, fmt: Formats) -> CityRow:
    """A city's row of 表1 (key pm25) or 表2 (good_rate)."""
    places, relative, better = CITY_TABLES[key]
    value, cum_value = getattr(now, key), getattr(cum, key)
    cum_text = fmt.number(cum_value, places)
    return CityRow(unit.short_name, fmt.number(value, places),
                   fmt.signed(change(value, getattr(month_before, key), relative)),
                   cum_text, fmt.signed(change(cum_value, getattr(cum_before, key), relative)),
                   str(placed.rank) if ranks and placed and placed.value is not None else MISSING_TEXT,
                   fmt.number(target, places), _status(cum_text, target, better))


def target_check(rows: list[CityRow] | tuple[CityRow, ...]) -> TargetCheck:
    return TargetCheck(tuple(r.city for r in rows if r.progress == "达标"),
                       tuple(r.city for r in rows if r.progress == "未达标"),
                       sum(1 for r in rows if r.progress == MISSING_TEXT))


def city_table(ctx: Context, key: str, ranking: Ranking) -> CityTable:
    rows = []
    for c in ctx.cities:
        targets = _targets(ctx.plan, c) if ctx.in_plan_year else (None, None)
        rows.append(city_row(c, key, ctx.data.figures(c, ctx.this_month),
                             ctx.data.figures(c, ctx.this_month.year_before()),
                             ctx.data.figures(c, ctx.cumulative), ctx.data.figures(c, ctx.cumulative.year_before()),
                             ranking.rank_of(c), ctx.ranks, targets[0 if key == "pm25" else 1], ctx.fmt))
    return CityTable(tuple(rows), target_check(rows))


def city_section(ctx: Context) -> CitySection:
    s, regions = ctx.plan.bulletin, ctx.units.regions
    pm25_rank = ctx.data.ranking(ctx.cities, "pm25", ctx.cumulative)
    rate_rank = ctx.data.ranking(ctx.cities, "good_rate", ctx.cumulative)
    orders, region_text = [], ""
    if ctx.ranks:
        orders.append(_order_sentence(period_label(ctx.cumulative), pm25_rank, "设区市", "PM2.5浓度", "lower"))
        if len(rate_rank.placed) >= 2:
            orders.append(_order_sentence("", rate_rank, "设区市", "优良天数比率", "higher"))
        region_text = _regions_text(ctx.data, ctx.cities, ctx.cumulative, "设区市", "PM2.5浓度由低到高依次为", regions)
    else:
        orders.append(f"{ctx.thin_reason}，不进行设区市排名{'和分片区比较' if regions else ''}。")
    counts = unit_counts(ctx.cities, ctx.counties)
    return CitySection(tuple(orders), region_text, ctx.plan.annex_for_role("city_targets") is not None,
                       city_table(ctx, "pm25", pm25_rank), city_table(ctx, "good_rate", rate_rank),
                       s.data_note.format(**counts))


def chart(ctx: Context) -> dict:
    """图1: each city's cumulative PM2.5 (one decimal) against its annual target."""
    rows = []
    for c in ctx.cities:
        cum = ctx.data.figures(c, ctx.cumulative)
        target = _targets(ctx.plan, c)[0] if ctx.in_plan_year else None
        rows.append((c.short_name, float(rounded(cum.pm25, 1)) if cum.pm25 is not None else None,
                     float(target) if target is not None else None))
    label = period_label(ctx.cumulative)
    return {"title": f"{label}各设区市PM2.5浓度与年度目标", "unit": "微克/立方米",
            "rows": rows, "value_label": f"{label}PM2.5浓度",
            "target_label": f"{ctx.plan.year}年目标" if ctx.in_plan_year else None}


def composite_row(unit: Unit, figures: Figures, fmt: Formats, places: int) -> CompositeRow:
    """A city's 综合指数, 首要污染物 and 污染负荷比; grey when it did not report all six pollutants."""
    parts = figures.composite_parts
    if parts is None:
        return CompositeRow(unit.short_name, MISSING_TEXT, MISSING_TEXT, (MISSING_TEXT,) * len(POLLUTANTS))
    shares = load_shares(parts)
    first = max(POLLUTANTS, key=lambda k: (parts[k], -POLLUTANTS.index(k)))
    return CompositeRow(unit.short_name, fmt.number(figures.composite, places), POLLUTANT_NAMES[first],
                        tuple(fmt.number(shares[k], 1) for k in POLLUTANTS))


def composite_table(ctx: Context) -> CompositeTable | None:
    """表：各设区市环境空气质量综合指数、首要污染物和污染负荷比 (bulletin.md §4), when the bulletin ranks by the
    composite index and a city reported all six pollutants; the others are grey, not estimated."""
    s = ctx.plan.bulletin
    if not any(k.startswith("composite") for k in s.indicators):
        return None
    places = precision(s, "composite").decimals
    figures = [ctx.data.figures(c, ctx.this_month) for c in ctx.cities]
    if all(f.composite_parts is None for f in figures):
        return None
    rows = tuple(composite_row(c, f, ctx.fmt, places) for c, f in zip(ctx.cities, figures))
    return CompositeTable(rows, tuple(POLLUTANT_NAMES[k] for k in POLLUTANTS),
                          tuple(r.city for r in rows if r.index == MISSING_TEXT))


def county_list(label: str, ranking: Ranking, key: str, n: int, what: str = "县（市、区）") -> CountyList:
    """The paragraphs of one indicator's county ranking for one period (bulletin.md §3 wording)."""
    name, _, note = INDICATOR_WORDING[key]
    better = "lower" if key in ("pm25", "pm25_change", "composite", "composite_change") else "higher"
    ranked = len(ranking.placed)
    note, not_ranked = note + TIE_NOTE, not_ranked_text(ranking.not_ranked)
    if ranked == 0:
        return CountyList(name, (f"{label}，因{common_reason(ranking.not_ranked)}，不进行{name}排名。",), "", "")
    if ranked < 2:
        return CountyList(name, (f"{label}，有{name}数据的{what}不足2个，不进行排名。",), "", not_ranked)
    if ranked <= 2 * n:   # the 前N and 后N lists would overlap: one order, best first
        lines = (f"{label}，{ranked}个{what}中，{name}{ORDER_WORDS[better]}依次为：{tie_list(ranking.groups())}。",)
    else:
        lines = (f"{label}，{ranked}个{what}中，{name}相对较好的前{n}位（1—{n}名）依次是：{tie_list(ranking.top(n))}。",
                 f"{name}相对较差的后{n}位（倒1—{n}名）依次是：{tie_list(ranking.bottom(n))}。")
    return CountyList(name, lines, note, not_ranked)


def county_periods(ctx: Context) -> tuple[CountyPeriod, ...]:
    """The county rankings of bulletin.yaml's periods (a quarter only in its last month)."""
    if not ctx.ranks:
        return ()
    s, mon = ctx.plan.bulletin, int(ctx.month[5:])
    periods = distinct_periods([period_for(ctx.month, k) for k in s.list_periods if k != "quarter" or mon % 3 == 0])
    out = []
    for period in periods:
        lists = []
        for key in s.indicators:
            r = ctx.data.ranking(ctx.counties, key, period)
            if key.startswith("composite") and len(period.months) > 1 and not r.placed:
                continue    # no daily values anywhere: no period index, and nothing to say about it
            lists.append(county_list(period_label(period), r, key, s.list_length))
        if lists:
            out.append(CountyPeriod(period_label(period), tuple(lists)))
    return tuple(out)


def county_target_check(name: str, counties: list[Unit], statuses: list[str], targets: list[Decimal | None],
                        figures: list[Figures]) -> CountyTargetCheck:
    """The counties' 达标/未达标 against one target; the others grouped by why they were not judged."""
    met, missed, no_target, no_data, changed = [], [], [], [], []
    for u, status, target, f in zip(counties, statuses, targets, figures):
        if status == "达标":
            met.append(u.short_name)
        elif status == "未达标":
            missed.append(u.short_name)
        else:
            (no_target if target is None else changed if f.incomparable else no_data).append(u.short_name)
    unknown = "；".join(f"{_names_or_count(names)}{why}" for names, why in
                       ((no_data, "无有效数据"), (changed, "因区划调整无可比的累计数据"), (no_target, "无年度目标"))
                       if names)
    return CountyTargetCheck(name, len(met), tuple(missed), unknown)


def county_targets(ctx: Context) -> tuple[CountyTargetCheck, ...]:
    """县（市、区）对照年度目标 (cumulative values, judged on the printed value as for the cities)."""
    if not ctx.in_plan_year or ctx.plan.annex_for_role("county_targets") is None:
        return ()
    targets = [_targets(ctx.plan, u) for u in ctx.counties]
    figures = [ctx.data.figures(u, ctx.cumulative) for u in ctx.counties]
    out = []
    for name, key, which, better, places in (("PM2.5浓度", "pm25", 0, "lower", 0),
                                              ("优良天数比率", "good_rate", 1, "higher", 1)):
        own = [t[which] for t in targets]
        statuses = [_status(ctx.fmt.number(getattr(f, key), places), t, better) for f, t in zip(figures, own)]
        out.append(county_target_check(name, ctx.counties, statuses, own, figures))
    return tuple(out)


def county_section(ctx: Context) -> CountySection:
    s = ctx.plan.bulletin
    table = ctx.plan.annex_for_role("county_targets")
    regions = (_regions_text(ctx.data, ctx.counties, ctx.cumulative, "县（市、区）",
                             f"县（市、区）{period_label(ctx.cumulative)}PM2.5浓度由低到高依次为：", ctx.units.regions)
               if ctx.ranks else "")
    return CountySection(s.basis.format(**unit_counts(ctx.cities, ctx.counties)), county_periods(ctx), regions,
                         county_targets(ctx), table.number if table is not None else None)


def special_help(ctx: Context) -> SpecialHelp:
    """Counties at the bottom of the monthly ranking for bulletin.yaml's help_months months running."""
    s, plan, current = ctx.plan.bulletin, ctx.plan, ctx.archive.current
    help_months = previous_months(ctx.month, s.help_months)
    absent = [m for m in help_months if m not in current]
    thin = [m for m in help_months if m in current and len(current[m]) < ctx.min_cities]
    rankings = [ctx.data.ranking(plan.units.as_of(m).counties, s.help_indicator, period_for(m, "month"))
                for m in help_months]
    helped, unjudged = [], []
    if not absent and not thin:
        helped = consecutive_bottom(rankings, s.help_bottom)
        unjudged = sorted({e.unit.name: e.unit for r in rankings for e in r.not_ranked}.values(), key=lambda u: u.order)
    return SpecialHelp(
        months="、".join(month_label(m) for m in help_months),
        count=s.help_months, bottom=s.help_bottom, indicator=INDICATOR_WORDING[s.help_indicator][0],
        absent="、".join(month_label(m) for m in absent + thin),
        absent_why="报送数据的设区市不足" + str(ctx.min_cities) + "个" if thin and not absent else "无报送数据",
        units="、".join(f"{u.name}（{plan.units.find(u.parent).short_name}）" for u in helped),
        unjudged=_names_or_count([u.short_name for u in unjudged]))


def project_table(progress: ProjectProgress, city_count: int, annex_title: str, fmt: Formats) -> ProjectTable:
    """表: each city's projects of the year, completed and share, then the province's (compute/projects)."""
    rows = [ProgressRow(p.unit.short_name, fmt.number(p.planned, 0),
                        fmt.number(p.done, 0) if p.done is not None else NOT_REPORTED_TEXT,
                        f"{fmt.number(p.share, 1)}%" if p.share is not None else MISSING_TEXT)
            for p in progress.cities]
    share = fmt.number(progress.share, 1) if progress.share is not None else None
    rows.append(ProgressRow("全省", fmt.number(progress.planned, 0), fmt.number(progress.done, 0),
                            f"{share}%" if share else MISSING_TEXT))
    missing = [u.short_name for u in progress.not_reported]
    return ProjectTable(tuple(rows), fmt.number(progress.planned, 0) if progress.planned is not None else None,
                        fmt.number(progress.done, 0) if progress.done is not None else None, share,
                        "各设区市均" if len(missing) == city_count else "、".join(missing), annex_title)


def projects(ctx: Context) -> Projects | None:
    table = ctx.plan.annex_for_role("projects")
    if table is None:
        return None
    if not ctx.in_plan_year:
        return Projects(table.number, None)
    progress = project_progress(table, ctx.archive, ctx.cities, ctx.month)
    return Projects(table.number, project_table(progress, len(ctx.cities), table.title, ctx.fmt))


def bulletin_view(plan: Plan, archive: SubmissionArchive, month: str, profile: Profile,
                  data: BulletinData | None = None, issue: IssueRecord | None = None) -> BulletinView:
    """`data`: figures shared by the bulletins of several months (computed once per unit and period).
    `issue`: the bulletin's issue record (文号, 成文日期); without one it is a draft whose 文号 serial and
    date are left blank, never invented."""
    s = plan.bulletin
    ctx = bulletin_context(plan, archive, month, data)
    year, mon = int(month[:4]), int(month[5:])
    if issue is not None:
        doc_number, issue_date = issue.doc_number, issue.date
        date_text = None
    else:   # a draft: dated the first day after the month for the files' metadata, printed blank
        doc_number = draft_doc_number(s.doc_number, year, mon)
        issue_date = dt.date(year + mon // 12, mon % 12 + 1, 1)
        date_text = f"{issue_date.year}年　　月　　日"
    return BulletinView(
        header=header(plan, archive, month, doc_number, profile),
        scope=scope(ctx),
        province=province_summary(ctx),
        cities=city_section(ctx),
        chart=chart(ctx),
        composite=composite_table(ctx),
        counties=county_section(ctx),
        special_help=special_help(ctx),
        projects=projects(ctx),
        closing=s.closing.format(**unit_counts(ctx.cities, ctx.counties)),
        signing=signing_block(s.issuer, issue_date, False, date_text),
        issue_date=issue_date,
        issued=issue is not None,
    )


def _order_sentence(label: str, ranking: Ranking, what: str, name: str, better: str) -> str:
    """2021年1—5月，11个设区市PM2.5浓度由低到高依次为：……（徐州、宿迁未参与排名：…）。 The count is the
    number ranked; fewer than 2 ranked: no order."""
    n = len(ranking.placed)
    if n == 0:
        return f"{label + '，' if label else ''}因{common_reason(ranking.not_ranked)}，不进行{what}{name}排名。"
    if n < 2:
        return f"{label + '，' if label else ''}有{name}数据的{what}不足2个，不进行排名。"
    text = f"{label}，" if label else ""
    text += f"{n}个{what}{name}{ORDER_WORDS[better]}依次为：{tie_list(ranking.groups())}"
    if ranking.not_ranked:
        text += f"（{not_ranked_text(ranking.not_ranked)}）"
    return text + "。"


def city_range(label: str, valued: list[Unit], rated: list[Unit], figures: dict, fmt: Formats) -> str:
    """各设区市PM2.5浓度介于20～23微克/立方米之间 (bulletin.md §3, 2024 district table); one city: its
    values; equal values: 均为."""
    parts = []
    for units, key, name, unit, places in ((valued, "pm25", "PM2.5浓度", "微克/立方米", 0),
                                           (rated, "good_rate", "优良天数比率", "%", 1)):
        if not units:
            continue
        texts = [fmt.number(getattr(figures[u.name], key), places) for u in units]
        low, high = min(texts, key=Decimal), max(texts, key=Decimal)
        if len(units) == 1:
            parts.append(f"{name}为{low}{unit}")
        elif low == high:
            parts.append(f"{name}均为{low}{unit}")
        else:
            parts.append(f"{name}介于{low}{unit}～{high}{unit}之间" if unit == "%" else
                         f"{name}介于{low}～{high}{unit}之间")
    if not parts:
        return ""
    if len(valued) == 1 and (not rated or rated == valued):
        return f"{label}，{valued[0].name}{'，'.join(parts)}。"
    return f"{label}，各设区市{'，'.join(parts)}。"


def _regions_text(data: BulletinData, units: list[Unit], period: Period, who: str, order_lead: str,
                  regions: tuple[str, ...]) -> str:
    """分片区看，苏南片区PM2.5浓度由低到高依次为……; a 片区 with fewer than 2 ranked units is named once,
    not given an empty order. `who`: 设区市 or 县（市、区）; `order_lead`: the words before each order;
    `regions`: the data set's 片区 in order (none: nothing is said about 片区)."""
    ordered, few = [], []
    for region in regions:
        r = data.ranking([u for u in units if u.region == region], "pm25", period)
        if len(r.placed) >= 2:
            ordered.append(f"{region}片区{order_lead}{tie_list(r.groups())}")
        else:
            few.append(region)
    if not ordered:
        return ""
    text = "分片区看，" + "；".join(ordered)
    if few:
        text += f"；{'、'.join(few)}片区有数据的{who}不足2个，不作片区内比较"
    return text + "。"
