"""View model of the monthly ranking bulletin (月度空气质量排名通报): every figure, list and table the
template prints, already computed (compute/air_quality, compute/ranking) and formatted.

Wording follows the 2021 Jiangsu county bulletins (../shared/docs/bulletin.md §3); the template holds
the fixed sentences, this module fills in periods, figures and name lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..compute.air_quality import Period, change, mean, period_for, previous_months
from ..compute.bulletin_data import BulletinData
from ..compute.ranking import consecutive_bottom, rounded
from ..model import IssueRecord, Masthead, Plan, SubmissionArchive, Unit
from ..profile import Profile
from .notice_view import masthead_view, signature_view

MISSING_TEXT = ""   # printed as a grey empty cell (as in the annexes), never as a made-up number
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
REGIONS = ("苏南", "苏中", "苏北")

# name, unit and the note printed after each pair of lists (bulletin.md §3)
INDICATOR_WORDING = {
    "pm25": ("PM2.5浓度", "微克/立方米", "PM2.5为逆指标，数值越小越好。"),
    "pm25_change": ("PM2.5浓度改善幅度", "%", "PM2.5浓度改善幅度为逆指标，数值越小越好。"),
    "good_rate": ("优良天数比率", "%", "优良天数比率为正指标，数值越大越好。"),
    "good_rate_change": ("优良天数比率改善幅度", "个百分点", "优良天数比率改善幅度为正指标，数值越大越好。"),
    "composite": ("环境空气质量综合指数", "", "环境空气质量综合指数为逆指标，数值越小越好。"),
    "composite_change": ("环境空气质量综合指数改善幅度", "%", "环境空气质量综合指数改善幅度为逆指标，数值越小越好。"),
}
TIE_NOTE = "并列的区县按行政区划代码排列。"


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


def _targets(plan: Plan, unit: Unit) -> tuple[Decimal | None, Decimal | None]:
    """Annual PM2.5 and 优良天数比率 targets of a city (附件1) or county (附件2)."""
    table = plan.annexes.get(1 if unit.level == "city" else 2)
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


def _province(data: BulletinData, cities: list[Unit], period: Period) -> dict:
    now = [data.figures(c, period) for c in cities]
    before = [data.figures(c, period.year_before()) for c in cities]
    pm25, pm25_before = mean([f.pm25 for f in now]), mean([f.pm25 for f in before])
    rate, rate_before = mean([f.good_rate for f in now]), mean([f.good_rate for f in before])
    return {"pm25": pm25, "pm25_change": change(pm25, pm25_before, True),
            "good_rate": rate, "good_rate_change": change(rate, rate_before, False),
            "missing": _missing_note(cities, now)}


def _missing_note(cities: list[Unit], figures: list) -> str:
    """Why the province figure is missing: one shared reason, or the cities without data."""
    missing = [(c, f.reasons.get("pm25", "无有效数据")) for c, f in zip(cities, figures) if f.pm25 is None]
    if not missing:
        return ""
    reasons = {r for _, r in missing}
    if len(missing) == len(cities) and len(reasons) == 1:
        return reasons.pop()
    return "、".join(c.short_name for c, _ in missing) + "无有效数据"


def draft_doc_number(pattern: str, year: int, month: int) -> str:
    """The 文号 of a draft: the pattern with its serial left blank for the office to give when issuing."""
    return pattern.format(year=year, month=month, serial="　　")


def bulletin_view(plan: Plan, archive: SubmissionArchive, month: str, profile: Profile,
                  data: BulletinData | None = None, issue: IssueRecord | None = None) -> dict:
    """`data`: figures shared by the bulletins of several months (computed once per unit and period).
    `issue`: the bulletin's issue record (文号, 成文日期); without one it is a draft whose 文号 serial and
    date are left blank, never invented."""
    s = plan.bulletin
    fmt = Formats(s.rounding)
    data = data or BulletinData(plan, archive)
    year, mon = int(month[:4]), int(month[5:])
    cities, counties = plan.units.cities, plan.units.counties
    this_month, cumulative = period_for(month, "month"), period_for(month, "cumulative")
    in_plan_year = year == plan.year
    submitted = archive.current.get(month, {})

    # 一、全省总体情况
    province = []
    for period in ([this_month] if mon == 1 else [this_month, cumulative]):
        p = _province(data, cities, period)
        province.append({
            "label": period_label(period), "cumulative": period.kind == "cumulative",
            "pm25": fmt.number(p["pm25"], 0), "pm25_trend": fmt.trend(p["pm25_change"], "%"),
            "good_rate": fmt.number(p["good_rate"], 1), "good_rate_trend": fmt.trend(p["good_rate_change"], "个百分点"),
            "missing": p["missing"],
        })
    stated = plan.annexes[1].total if 1 in plan.annexes else {}
    province_target = {"pm25": stated["pm25_target"].text if "pm25_target" in stated else None,
                       "good_rate": stated["good_days_ratio_target"].text if "good_days_ratio_target" in stated else None}

    # 二、设区市
    pm25_month = {c.name: data.figures(c, this_month) for c in cities}
    pm25_cum = {c.name: data.figures(c, cumulative) for c in cities}
    cum_rank = data.ranking(cities, "pm25", cumulative)
    rate_rank = data.ranking(cities, "good_rate", cumulative)
    pm25_rows, rate_rows, chart_rows = [], [], []
    pm25_ok, pm25_not, rate_ok, rate_not = [], [], [], []
    for c in cities:
        now, cum = pm25_month[c.name], pm25_cum[c.name]
        before_m = data.figures(c, this_month.year_before())
        before_c = data.figures(c, cumulative.year_before())
        pm25_target, rate_target = _targets(plan, c) if in_plan_year else (None, None)
        cum_text = fmt.number(cum.pm25, 0)
        cum_rate_text = fmt.number(cum.good_rate, 1)
        pm_status, rate_status = _status(cum_text, pm25_target, "lower"), _status(cum_rate_text, rate_target, "higher")
        placed, placed_rate = cum_rank.rank_of(c), rate_rank.rank_of(c)
        pm25_rows.append([c.short_name, fmt.number(now.pm25, 0), fmt.signed(change(now.pm25, before_m.pm25, True)),
                          cum_text, fmt.signed(change(cum.pm25, before_c.pm25, True)),
                          str(placed.rank) if placed and placed.value is not None else MISSING_TEXT,
                          fmt.number(pm25_target, 0) if pm25_target is not None else MISSING_TEXT, pm_status])
        rate_rows.append([c.short_name, fmt.number(now.good_rate, 1),
                          fmt.signed(change(now.good_rate, before_m.good_rate, False)),
                          cum_rate_text, fmt.signed(change(cum.good_rate, before_c.good_rate, False)),
                          str(placed_rate.rank) if placed_rate and placed_rate.value is not None else MISSING_TEXT,
                          fmt.number(rate_target, 1) if rate_target is not None else MISSING_TEXT, rate_status])
        {"达标": pm25_ok, "未达标": pm25_not}.get(pm_status, []).append(c.short_name)
        {"达标": rate_ok, "未达标": rate_not}.get(rate_status, []).append(c.short_name)
        chart_rows.append((c.short_name, float(rounded(cum.pm25, 1)) if cum.pm25 is not None else None,
                           float(pm25_target) if pm25_target is not None else None))
    city_values = [pm25_month[c.name].pm25 for c in cities if pm25_month[c.name].pm25 is not None]
    city_rates = [pm25_month[c.name].good_rate for c in cities if pm25_month[c.name].good_rate is not None]
    regions = []
    for region in REGIONS:
        members = [c for c in cities if c.region == region]
        r = data.ranking(members, "pm25", cumulative)
        county_members = [u for u in counties if u.region == region]
        rc = data.ranking(county_members, "pm25", cumulative)
        regions.append({"name": region, "cities": tie_list(r.groups()), "counties": tie_list(rc.groups()),
                        "not_ranked": "、".join(e.unit.short_name for e in r.not_ranked + rc.not_ranked)})

    # 三、县（市、区）排名
    n = s.list_length
    period_kinds = [k for k in s.list_periods if k != "quarter" or mon % 3 == 0]
    county_sections = []
    for kind in period_kinds:
        period = period_for(month, kind)
        lists = []
        for key in s.indicators:
            name, unit, note = INDICATOR_WORDING[key]
            r = data.ranking(counties, key, period)
            reasons = [e.reason for e in r.not_ranked]
            common = max(sorted(set(reasons)), key=reasons.count) if reasons else ""
            lists.append({
                "name": name, "note": note + TIE_NOTE,
                "ranked": len(r.placed), "top": tie_list(r.top(n)), "bottom": tie_list(r.bottom(n)),
                "not_ranked": [f"{e.unit.short_name}（{e.reason}）" for e in r.not_ranked] if r.placed else [],
                "no_ranking_reason": common if not r.placed else None,
            })
        county_sections.append({"label": period_label(period), "lists": lists})

    # 县（市、区）对照附件2年度目标（累计值，按印出的数值判定，与设区市一致）
    county_targets = []
    if in_plan_year:
        targets = {u.name: _targets(plan, u) for u in counties}
        for name, key, which, better, places in (("PM2.5浓度", "pm25", 0, "lower", 0),
                                                  ("优良天数比率", "good_rate", 1, "higher", 1)):
            met, missed, no_target, no_data = [], [], [], []
            for u in counties:
                target = targets[u.name][which]
                status = _status(fmt.number(getattr(data.figures(u, cumulative), key), places), target, better)
                lists = {"达标": met, "未达标": missed}
                (lists[status] if status in lists else no_target if target is None else no_data).append(u.short_name)
            unknown = "；".join(f"{'、'.join(names)}{why}" for names, why in
                               ((no_data, "无有效数据"), (no_target, "无年度目标")) if names)
            county_targets.append({"name": name, "met": len(met), "missed": "、".join(missed),
                                   "missed_count": len(missed), "unknown": unknown, "judged": bool(met or missed)})

    # 四、专项帮扶
    help_months = previous_months(month, s.help_months)
    absent = [m for m in help_months if m not in archive.current]
    rankings = [data.ranking(counties, s.help_indicator, period_for(m, "month")) for m in help_months]
    helped = []
    if not absent:
        helped = consecutive_bottom(rankings, s.help_bottom)
    special_help = {
        "months": "、".join(month_label(m) for m in help_months),
        "count": s.help_months, "bottom": s.help_bottom, "indicator": INDICATOR_WORDING[s.help_indicator][0],
        "absent": "、".join(month_label(m) for m in absent),
        "units": "、".join(f"{u.name}（{plan.units.find(u.parent).short_name}）" for u in helped),
    }

    # 五、工程项目进展（附件6）
    progress = None
    table6 = plan.annexes.get(6)
    if in_plan_year and table6 is not None:
        rows, planned_sum, done_sum, complete = [], Decimal(0), Decimal(0), True
        for c in cities:
            row6 = next((r for r in table6.rows if r.unit is not None and r.unit.name == c.name), None)
            planned = row6.cells["total"].value if row6 is not None and "total" in row6.cells else None
            report = archive.report(c, month)
            keys = [f"progress.{col.key}" for col in table6.columns if not col.derived]
            done = None
            if report is not None and all(k in report.values for k in keys):
                done = sum(report.values[k] for k in keys)
            if planned is None or done is None:
                complete = False
            else:
                planned_sum += planned
                done_sum += done
            rows.append([c.short_name, fmt.number(planned, 0),
                         fmt.number(done, 0) if done is not None else "未报送",
                         f"{fmt.number(done / planned * 100, 1)}%" if done is not None and planned else MISSING_TEXT])
        progress = {"rows": rows, "planned": fmt.number(planned_sum, 0) if complete else None,
                    "done": fmt.number(done_sum, 0) if complete else None,
                    "share": fmt.number(done_sum / planned_sum * 100, 1) if complete and planned_sum else None,
                    "annex_title": table6.title}

    title = s.title.format(period=month_label(month))
    if issue is not None:
        doc_number, issue_date = issue.doc_number, issue.date
        date_text = None
    else:   # a draft: dated the first day after the month for the files' metadata, printed blank
        doc_number = draft_doc_number(s.doc_number, year, mon)
        issue_date = dt.date(year + mon // 12, mon % 12 + 1, 1)
        date_text = f"{issue_date.year}年　　月　　日"
    masthead = masthead_view(Masthead(s.issuer_mark, doc_number), profile) if s.issuer_mark else None
    return {
        "title": title,
        "doc_number": doc_number,
        "masthead": masthead,
        "recipients": s.recipients,
        "sample": archive.sample,
        "month_label": month_label(month),
        "cumulative_label": period_label(cumulative),
        "is_january": mon == 1,
        "submitted": len(submitted), "city_count": len(cities), "county_count": len(counties),
        "not_submitted": "、".join(c.short_name for c in cities if c.name not in submitted),
        "province": province,
        "province_target": province_target if in_plan_year else None,
        "plan_year": plan.year, "in_plan_year": in_plan_year,
        "city_range": {"pm25_low": fmt.number(min(city_values), 0) if city_values else None,
                       "pm25_high": fmt.number(max(city_values), 0) if city_values else None,
                       "rate_low": fmt.number(min(city_rates), 1) if city_rates else None,
                       "rate_high": fmt.number(max(city_rates), 1) if city_rates else None},
        "city_pm25_order": tie_list(cum_rank.groups()),
        "city_rate_order": tie_list(rate_rank.groups()),
        "city_no_ranking_reason": "、".join(sorted({e.reason for e in cum_rank.not_ranked})),
        "city_not_ranked": "、".join(f"{e.unit.short_name}（{e.reason}）" for e in cum_rank.not_ranked),
        "pm25_rows": pm25_rows, "rate_rows": rate_rows,
        "pm25_ok": "、".join(pm25_ok), "pm25_not": "、".join(pm25_not),
        "rate_ok": "、".join(rate_ok), "rate_not": "、".join(rate_not),
        "pm25_ok_count": len(pm25_ok), "pm25_not_count": len(pm25_not),
        "rate_ok_count": len(rate_ok), "rate_not_count": len(rate_not),
        "chart": {"title": f"{period_label(cumulative)}各设区市PM2.5浓度与年度目标", "unit": "微克/立方米",
                  "rows": chart_rows, "value_label": f"{period_label(cumulative)}PM2.5浓度",
                  "target_label": f"{plan.year}年目标" if in_plan_year else None},
        "regions": regions,
        "basis": s.basis,
        "list_length": n,
        "county_sections": county_sections,
        "county_targets": county_targets,
        "special_help": special_help,
        "progress": progress,
        "closing": s.closing,
        "data_note": s.data_note,
        "signature": signature_view(s.issuer, issue_date, False, profile, date_text),
        "issue_date": issue_date,
        "issued": issue is not None,
    }
