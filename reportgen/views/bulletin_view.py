"""View model of the monthly ranking bulletin (月度空气质量排名通报): every figure, list and table the
template prints, already computed (compute/air_quality, compute/ranking) and formatted.

Wording follows the 2021 Jiangsu county bulletins (../shared/docs/bulletin.md §3); the template holds
the fixed sentences, this module fills in periods, figures and name lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..compute.air_quality import POLLUTANT_NAMES, Period, change, mean, period_for, previous_months
from ..compute.bulletin_data import INDICATOR_NAMES, BulletinData, precision
from ..compute.composite_index import POLLUTANTS, load_shares
from ..compute.ranking import Ranking, consecutive_bottom, rounded
from ..model import IssueRecord, Masthead, Plan, SubmissionArchive, Unit, unit_counts
from ..profile import Profile
from .notice_view import masthead_view, signature_view

MISSING_TEXT = ""   # printed as a grey empty cell (as in the annexes), never as a made-up number
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
    names = [c.short_name for c, _ in missing]
    return f"{'、'.join(names)}无有效数据" if len(names) <= 6 else f"{'、'.join(names[:3])}等{len(names)}个设区市无有效数据"


def draft_doc_number(pattern: str, year: int, month: int) -> str:
    """The 文号 of a draft: the pattern with its serial left blank for the office to give when issuing."""
    return pattern.format(year=year, month=month, serial="　　")


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


def _county_list(label: str, ranking: Ranking, key: str, n: int, what: str = "县（市、区）") -> dict:
    """The paragraphs of one indicator's county ranking for one period (bulletin.md §3 wording)."""
    name, _, note = INDICATOR_WORDING[key]
    better = "lower" if key in ("pm25", "pm25_change", "composite", "composite_change") else "higher"
    ranked = len(ranking.placed)
    out = {"name": name, "note": note + TIE_NOTE, "not_ranked": not_ranked_text(ranking.not_ranked), "lines": []}
    if ranked == 0:
        out["lines"] = [f"{label}，因{common_reason(ranking.not_ranked)}，不进行{name}排名。"]
        out["note"], out["not_ranked"] = "", ""
    elif ranked < 2:
        out["lines"] = [f"{label}，有{name}数据的{what}不足2个，不进行排名。"]
        out["note"] = ""
    elif ranked <= 2 * n:   # the 前N and 后N lists would overlap: one order, best first
        out["lines"] = [f"{label}，{ranked}个{what}中，{name}{ORDER_WORDS[better]}依次为：{tie_list(ranking.groups())}。"]
    else:
        out["lines"] = [f"{label}，{ranked}个{what}中，{name}相对较好的前{n}位（1—{n}名）依次是：{tie_list(ranking.top(n))}。",
                        f"{name}相对较差的后{n}位（倒1—{n}名）依次是：{tie_list(ranking.bottom(n))}。"]
    return out


def _composite_table(data: BulletinData, cities: list[Unit], period: Period, fmt: Formats, places: int) -> dict | None:
    """表：各设区市环境空气质量综合指数、首要污染物和污染负荷比 (bulletin.md §4), where a city reported all six
    pollutants; the others are grey, not estimated."""
    rows, any_value = [], False
    for c in cities:
        f = data.figures(c, period)
        if f.composite_parts is None:
            rows.append([c.short_name, MISSING_TEXT, MISSING_TEXT] + [MISSING_TEXT] * len(POLLUTANTS))
            continue
        any_value = True
        shares = load_shares(f.composite_parts)
        first = max(POLLUTANTS, key=lambda k: (f.composite_parts[k], -POLLUTANTS.index(k)))
        rows.append([c.short_name, fmt.number(f.composite, places), POLLUTANT_NAMES[first]]
                    + [fmt.number(shares[k], 1) for k in POLLUTANTS])
    if not any_value:
        return None
    return {"rows": rows, "pollutants": [POLLUTANT_NAMES[k] for k in POLLUTANTS],
            "missing": [r[0] for r in rows if r[1] == MISSING_TEXT]}


def bulletin_view(plan: Plan, archive: SubmissionArchive, month: str, profile: Profile,
                  data: BulletinData | None = None, issue: IssueRecord | None = None) -> dict:
    """`data`: figures shared by the bulletins of several months (computed once per unit and period).
    `issue`: the bulletin's issue record (文号, 成文日期); without one it is a draft whose 文号 serial and
    date are left blank, never invented."""
    s = plan.bulletin
    fmt = Formats(s.rounding)
    data = data or BulletinData(plan, archive)
    year, mon = int(month[:4]), int(month[5:])
    units = plan.units.as_of(month)    # the units of the bulletin's month (unit_changes.yaml)
    cities, counties = units.cities, units.counties
    this_month, cumulative = period_for(month, "month"), period_for(month, "cumulative")
    in_plan_year = year == plan.year
    submitted = archive.current.get(month, {})
    min_cities = getattr(s, "min_cities", 1)
    ranks = len(submitted) >= min_cities        # a thin month: figures only, no rankings
    submitted_names = "、".join(c.short_name for c in cities if c.name in submitted)
    thin_reason = (f"{month_label(month)}报送数据的设区市只有{len(submitted)}个（{submitted_names}），"
                   f"不足{min_cities}个" if not ranks else "")

    # 一、全省总体情况
    province = []
    for period in distinct_periods([this_month, cumulative]):
        p = _province(data, cities, period)
        province.append({
            "label": period_label(period), "cumulative": period.months == cumulative.months,
            "pm25": fmt.number(p["pm25"], 0), "pm25_trend": fmt.trend(p["pm25_change"], "%"),
            "good_rate": fmt.number(p["good_rate"], 1), "good_rate_trend": fmt.trend(p["good_rate_change"], "个百分点"),
            "missing": p["missing"],
        })
    city_targets, county_targets_table = plan.annex_for_role("city_targets"), plan.annex_for_role("county_targets")
    stated = city_targets.total if city_targets is not None else {}
    province_target = {"pm25": stated["pm25_target"].text if "pm25_target" in stated else None,
                       "good_rate": stated["good_days_ratio_target"].text if "good_days_ratio_target" in stated else None}
    if None in province_target.values():
        province_target = None

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
                          str(placed.rank) if ranks and placed and placed.value is not None else MISSING_TEXT,
                          fmt.number(pm25_target, 0) if pm25_target is not None else MISSING_TEXT, pm_status])
        rate_rows.append([c.short_name, fmt.number(now.good_rate, 1),
                          fmt.signed(change(now.good_rate, before_m.good_rate, False)),
                          cum_rate_text, fmt.signed(change(cum.good_rate, before_c.good_rate, False)),
                          str(placed_rate.rank) if ranks and placed_rate and placed_rate.value is not None else MISSING_TEXT,
                          fmt.number(rate_target, 1) if rate_target is not None else MISSING_TEXT, rate_status])
        {"达标": pm25_ok, "未达标": pm25_not}.get(pm_status, []).append(c.short_name)
        {"达标": rate_ok, "未达标": rate_not}.get(rate_status, []).append(c.short_name)
        chart_rows.append((c.short_name, float(rounded(cum.pm25, 1)) if cum.pm25 is not None else None,
                           float(pm25_target) if pm25_target is not None else None))
    valued = [c for c in cities if pm25_month[c.name].pm25 is not None]
    rated = [c for c in cities if pm25_month[c.name].good_rate is not None]
    city_range = _city_range(month_label(month), valued, rated, pm25_month, fmt)

    city_orders, region_text = [], ""
    if ranks:
        label = period_label(cumulative)
        city_orders.append(_order_sentence(label, cum_rank, "设区市", "PM2.5浓度", "lower"))
        if len(rate_rank.placed) >= 2:
            city_orders.append(_order_sentence("", rate_rank, "设区市", "优良天数比率", "higher"))
        region_text = _regions_text(data, cities, cumulative, "设区市", "PM2.5浓度由低到高依次为", units.regions)
    else:
        city_orders.append(f"{thin_reason}，不进行设区市排名{'和分片区比较' if units.regions else ''}。")

    # 三、县（市、区）排名
    n = s.list_length
    periods = distinct_periods([period_for(month, k) for k in s.list_periods if k != "quarter" or mon % 3 == 0])
    county_sections = []
    if ranks:
        for period in periods:
            lists = []
            for key in s.indicators:
                r = data.ranking(counties, key, period)
                if key.startswith("composite") and len(period.months) > 1 and not r.placed:
                    continue    # no daily values anywhere: no period index, and nothing to say about it
                lists.append(_county_list(period_label(period), r, key, n))
            if lists:
                county_sections.append({"label": period_label(period), "lists": lists})
    county_regions = (_regions_text(data, counties, cumulative, "县（市、区）",
                                    f"县（市、区）{period_label(cumulative)}PM2.5浓度由低到高依次为：", units.regions)
                      if ranks else "")

    # 综合指数和污染负荷比（按综合指数排名时）
    composite = None
    if any(k.startswith("composite") for k in s.indicators):
        composite = _composite_table(data, cities, this_month, fmt, precision(s, "composite").decimals)

    # 县（市、区）对照附件2年度目标（累计值，按印出的数值判定，与设区市一致）
    county_targets = []
    if in_plan_year and county_targets_table is not None:
        targets = {u.name: _targets(plan, u) for u in counties}
        for name, key, which, better, places in (("PM2.5浓度", "pm25", 0, "lower", 0),
                                                  ("优良天数比率", "good_rate", 1, "higher", 1)):
            met, missed, no_target, no_data, changed = [], [], [], [], []
            for u in counties:
                target = targets[u.name][which]
                figures = data.figures(u, cumulative)
                status = _status(fmt.number(getattr(figures, key), places), target, better)
                lists = {"达标": met, "未达标": missed}
                (lists[status] if status in lists else no_target if target is None else
                 changed if figures.incomparable else no_data).append(u.short_name)
            unknown = "；".join(f"{_names_or_count(names)}{why}" for names, why in
                               ((no_data, "无有效数据"), (changed, "因区划调整无可比的累计数据"), (no_target, "无年度目标"))
                               if names)
            county_targets.append({"name": name, "met": len(met), "missed": "、".join(missed),
                                   "missed_count": len(missed), "unknown": unknown, "judged": bool(met or missed)})

    # 四、专项帮扶
    help_months = previous_months(month, s.help_months)
    absent = [m for m in help_months if m not in archive.current]
    thin = [m for m in help_months if m in archive.current and len(archive.current[m]) < min_cities]
    rankings = [data.ranking(plan.units.as_of(m).counties, s.help_indicator, period_for(m, "month"))
                for m in help_months]
    helped, unjudged = [], []
    if not absent and not thin:
        helped = consecutive_bottom(rankings, s.help_bottom)
        unjudged = sorted({e.unit.name: e.unit for r in rankings for e in r.not_ranked}.values(), key=lambda u: u.order)
    special_help = {
        "months": "、".join(month_label(m) for m in help_months),
        "count": s.help_months, "bottom": s.help_bottom, "indicator": INDICATOR_WORDING[s.help_indicator][0],
        "absent": "、".join(month_label(m) for m in absent + thin),
        "absent_why": "报送数据的设区市不足" + str(min_cities) + "个" if thin and not absent else "无报送数据",
        "units": "、".join(f"{u.name}（{plan.units.find(u.parent).short_name}）" for u in helped),
        "unjudged": _names_or_count([u.short_name for u in unjudged]),
    }

    # 五、工程项目进展（the projects annex）
    progress = None
    table6 = plan.annex_for_role("projects")
    if in_plan_year and table6 is not None:
        rows, planned_sum, done_sum, planned_all, done_all = [], Decimal(0), Decimal(0), True, True
        missing = []
        for c in cities:
            row6 = next((r for r in table6.rows if r.unit is not None and r.unit.name == c.name), None)
            planned = _planned_projects(table6, row6)
            report = archive.report(c, month)
            keys = [f"progress.{col.key}" for col in table6.columns if not col.derived]
            done = None
            if report is not None and all(k in report.values for k in keys):
                done = sum(report.values[k] for k in keys)
            if planned is None:
                planned_all = False
            else:
                planned_sum += planned
            if done is None:
                done_all = False
                missing.append(c.short_name)
            else:
                done_sum += done
            rows.append([c.short_name, fmt.number(planned, 0),
                         fmt.number(done, 0) if done is not None else "未报送",
                         f"{fmt.number(done / planned * 100, 1)}%" if done is not None and planned else MISSING_TEXT])
        complete = planned_all and done_all
        share = fmt.number(done_sum / planned_sum * 100, 1) if complete and planned_sum else None
        rows.append(["全省", fmt.number(planned_sum, 0) if planned_all else MISSING_TEXT,
                     fmt.number(done_sum, 0) if complete else MISSING_TEXT, f"{share}%" if share else MISSING_TEXT])
        progress = {"rows": rows, "planned": fmt.number(planned_sum, 0) if planned_all else None,
                    "done": fmt.number(done_sum, 0) if complete else None, "share": share,
                    "missing": ("各设区市均" if len(missing) == len(cities) else "、".join(missing)),
                    "annex_title": table6.title}

    title = s.title.format(period=month_label(month))
    counts = unit_counts(cities, counties)   # {city_count}, {county_count} in bulletin.yaml's texts
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
        "ranks": ranks, "thin_reason": thin_reason,
        "province": province,
        "province_target": province_target if in_plan_year else None,
        "city_targets": city_targets is not None,
        "county_targets_annex": county_targets_table.number if county_targets_table is not None else None,
        "projects_annex": table6.number if table6 is not None else None,
        "plan_year": plan.year, "in_plan_year": in_plan_year,
        "city_range": city_range,
        "city_orders": city_orders,
        "region_text": region_text,
        "pm25_rows": pm25_rows, "rate_rows": rate_rows,
        "pm25_ok": "、".join(pm25_ok), "pm25_not": "、".join(pm25_not),
        "rate_ok": "、".join(rate_ok), "rate_not": "、".join(rate_not),
        "pm25_ok_count": len(pm25_ok), "pm25_not_count": len(pm25_not),
        "rate_ok_count": len(rate_ok), "rate_not_count": len(rate_not),
        "pm25_unjudged": len(cities) - len(pm25_ok) - len(pm25_not),
        "rate_unjudged": len(cities) - len(rate_ok) - len(rate_not),
        "chart": {"title": f"{period_label(cumulative)}各设区市PM2.5浓度与年度目标", "unit": "微克/立方米",
                  "rows": chart_rows, "value_label": f"{period_label(cumulative)}PM2.5浓度",
                  "target_label": f"{plan.year}年目标" if in_plan_year else None},
        "composite": composite,
        "basis": s.basis.format(**counts),
        "list_length": n,
        "county_sections": county_sections,
        "county_thin": f"{thin_reason}，不进行县（市、区）排名。" if not ranks else "",
        "county_regions": county_regions,
        "county_targets": county_targets,
        "special_help": special_help,
        "progress": progress,
        "closing": s.closing.format(**counts),
        "data_note": s.data_note.format(**counts),
        "signature": signature_view(s.issuer, issue_date, False, profile, date_text),
        "issue_date": issue_date,
        "issued": issue is not None,
    }


def _planned_projects(table, row) -> Decimal | None:
    """A city's projects of the year: its row's 合计 (the derived row_sum column), else the sum of its
    categories; None when a value is missing."""
    if row is None:
        return None
    total = next((c for c in table.columns if c.derived == "row_sum"), None)
    if total is not None:
        return row.cells[total.key].value if total.key in row.cells else None
    values = [row.cells[c.key].value for c in table.columns if c.key in row.cells]
    return None if not values or None in values else sum(values)


def _names_or_count(names: list[str], limit: int = 12) -> str:
    """A list of names, or "徐州等20个" when it is too long to be read."""
    if len(names) <= limit:
        return "、".join(names)
    return f"{'、'.join(names[:3])}等{len(names)}个"


def _city_range(label: str, valued: list[Unit], rated: list[Unit], figures: dict, fmt: Formats) -> str:
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
