"""What changed between two versions of a data set: every changed value, the totals it moves and the
ranks it moves. Pure functions over loaded models; no I/O, no wording beyond labels of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from ..model import AnnexTable, Plan, SubmissionArchive, UnitReport
from ..submission_fields import AIR_FIELDS, progress_fields
from .air_quality import period_for
from .bulletin_data import CITY_RANKINGS, INDICATOR_NAMES
from .ranking import Ranking


@dataclass(frozen=True)
class Change:
    where: str          # "附件5", "2021-05报送"
    unit: str           # "镇江市", "全省"
    field: str          # the column or field, as headed in the data
    old: str            # "" = absent or missing
    new: str
    kind: str = "value"  # "value" (edited) | "total" (全省 row) | "derived" (合计 column) | "revision" (a
                         # city's current submission is another revision: not a value, the values say what)


@dataclass(frozen=True)
class RankMove:
    period: str         # "2021-05 单月" / "2021-05 累计"
    ranking: str        # "县（市、区）PM2.5浓度"
    unit: str
    old: str            # rank, or "" if not ranked
    new: str


def _row_key(table: AnnexTable, row, index_within_parent: int) -> tuple[str, str]:
    if row.unit is not None:
        return (row.unit.name, "")
    return (row.parent.name if row.parent else "", str(index_within_parent))


def _keyed_rows(table: AnnexTable) -> dict[tuple[str, str], object]:
    counts: dict[str, int] = {}
    out = {}
    for row in table.rows:
        parent = row.parent.name if row.parent else ""
        counts[parent] = counts.get(parent, 0) + 1
        out[_row_key(table, row, counts[parent])] = row
    return out


def annex_changes(old: Plan, new: Plan) -> list[Change]:
    changes: list[Change] = []
    for number in sorted(old.annexes.keys() | new.annexes.keys()):
        a, b = old.annexes.get(number), new.annexes.get(number)
        where = f"附件{number}"
        if a is None or b is None:
            changes.append(Change(where, "", "整个附件", "有" if a else "", "有" if b else ""))
            continue
        columns = {c.key: c for c in a.columns} | {c.key: c for c in b.columns}
        rows_a, rows_b = _keyed_rows(a), _keyed_rows(b)
        for key in list(rows_a) + [k for k in rows_b if k not in rows_a]:
            ra, rb = rows_a.get(key), rows_b.get(key)
            unit = key[0] + (f"第{key[1]}行" if key[1] else "")
            for col in columns.values():
                va = ra.cells[col.key].text if ra is not None and col.key in ra.cells else ""
                vb = rb.cells[col.key].text if rb is not None and col.key in rb.cells else ""
                if va != vb:
                    kind = "derived" if col.derived else "value"
                    changes.append(Change(where, unit, col.header.replace("\n", ""), va, vb, kind))
        label = (b.total_rule or a.total_rule).label.replace(" ", "").replace("\u3000", "") \
            if (a.total_rule or b.total_rule) else "合计"
        for col in columns.values():
            va = a.total[col.key].text if col.key in a.total else ""
            vb = b.total[col.key].text if col.key in b.total else ""
            if va != vb:
                changes.append(Change(where, label, col.header.replace("\n", ""), va, vb, "total"))
    return changes


def _fmt(value) -> str:
    return "" if value is None else f"{value:f}"


def reported_values(report: UnitReport) -> dict[str, Decimal]:
    """A row's values as the bulletin reads them: a 优良天数比率 not typed is the one its 优良天数 and 有效监测
    天数 give (1 decimal), so a revision that gives the days instead of the rate does not empty the rate."""
    values = dict(report.values)
    good, valid = values.get("good_days"), values.get("valid_days")
    if "good_rate" not in values and good is not None and valid:
        values["good_rate"] = (good / valid * 100).quantize(Decimal("0.1"), ROUND_HALF_EVEN)
    return values


def emptied_values(old: tuple[UnitReport, ...], new: tuple[UnitReport, ...], fields) -> list[tuple[str, str]]:
    """(unit, field header) of each value an earlier revision gave that a new revision of the same city
    and month leaves empty: shown when the new revision is stored, so a column left out by mistake is
    seen before the office reads the bulletin."""
    before = {r.unit.name: reported_values(r) for r in old}
    found = []
    for report in new:
        now = reported_values(report)
        for f in fields:
            if f.key in before.get(report.unit.name, {}) and f.key not in now:
                found.append((report.unit.name, f.header))
    return found


def submission_changes(old: SubmissionArchive, new: SubmissionArchive, plan: Plan) -> list[Change]:
    labels = {f.key: f.header for f in AIR_FIELDS + progress_fields(plan.annex_for_role("projects"))}
    labels["remark"] = "备注"
    changes: list[Change] = []
    for month in sorted(old.current.keys() | new.current.keys()):
        for city in plan.units.cities:
            sa, sb = old.current.get(month, {}).get(city.name), new.current.get(month, {}).get(city.name)
            if sa is None and sb is None:
                continue
            where = f"{month}报送"
            if (sa and sa.revision) != (sb and sb.revision):
                changes.append(Change(where, city.name, "现行版本", f"第{sa.revision}版" if sa else "未报送",
                                      f"第{sb.revision}版" if sb else "未报送", kind="revision"))
            reports_a = {r.unit.name: r for r in (sa.reports if sa else ())}
            reports_b = {r.unit.name: r for r in (sb.reports if sb else ())}
            for unit in [city] + plan.units.as_of(month).children(city):
                ra, rb = reports_a.get(unit.name), reports_b.get(unit.name)
                values_a = dict(ra.values) if ra else {}
                values_b = dict(rb.values) if rb else {}
                if ra and rb and ("good_rate" in values_a) != ("good_rate" in values_b):
                    # one revision typed the rate, the other the days it comes from: compare the rates
                    values_a, values_b = reported_values(ra), reported_values(rb)
                for key, label in labels.items():
                    if key == "remark":
                        va, vb = (ra.remark if ra else ""), (rb.remark if rb else "")
                    else:
                        va, vb = _fmt(values_a.get(key)), _fmt(values_b.get(key))
                    if va != vb:
                        changes.append(Change(where, unit.name, label, va, vb))
    return changes


def rank_moves(label: str, ranking_name: str, old: Ranking, new: Ranking) -> list[RankMove]:
    ranks_a = {p.unit.name: p for p in old.placed}
    ranks_b = {p.unit.name: p for p in new.placed}
    order = {p.unit.name: p.unit.order for p in (*old.placed, *new.placed)}
    order.update({e.unit.name: e.unit.order for e in (*old.not_ranked, *new.not_ranked)})
    moves = []
    for name in sorted(order, key=order.get):
        a, b = ranks_a.get(name), ranks_b.get(name)
        ra = str(a.rank) if a and a.value is not None else ""
        rb = str(b.rank) if b and b.value is not None else ""
        if ra != rb:
            moves.append(RankMove(label, ranking_name, name, ra, rb))
    return moves


PERIOD_NAMES = {"month": "单月", "quarter": "季度", "cumulative": "累计"}


def bulletin_rankings(settings, month: str) -> list[tuple[str, str, str, str]]:
    """(units, indicator, period kind, name) of every ranking the bulletin of `month` prints, as
    bulletin.yaml sets them: its county lists (county_lists.indicators × county_lists.periods, a quarter
    only in its last month, periods with the same months once) and the cities' cumulative orders."""
    mon = int(month[5:])
    out, seen = [], []
    for kind in settings.list_periods:
        if kind == "quarter" and mon % 3:
            continue
        months = period_for(month, kind).months
        if months in seen:
            continue
        seen.append(months)
        out += [("counties", key, kind, f"县（市、区）{INDICATOR_NAMES[key]}（{PERIOD_NAMES[kind]}）")
                for key in settings.indicators]
    out += [("cities", key, kind, f"设区市{INDICATOR_NAMES[key]}（{PERIOD_NAMES[kind]}）") for key, kind in CITY_RANKINGS]
    return out


def bulletin_rank_moves(old_data, new_data, plan: Plan, months: list[str]) -> list[RankMove]:
    """Rank changes in the bulletins of `months`; old_data/new_data: compute.bulletin_data.BulletinData."""
    moves: list[RankMove] = []
    for month in months:
        for group, indicator, kind, name in bulletin_rankings(plan.bulletin, month):
            month_units = plan.units.as_of(month)
            units = month_units.counties if group == "counties" else month_units.cities
            period = period_for(month, kind)
            moves += rank_moves(month, name, old_data.ranking(units, indicator, period),
                                new_data.ranking(units, indicator, period))
    return moves
