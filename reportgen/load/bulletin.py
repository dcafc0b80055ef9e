"""bulletin.yaml: issuing details and ranking rules of the monthly ranking bulletin (通报)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..compute.air_quality import INDICATORS
from ..compute.ranking import Precision
from ..model import BulletinSettings
from ..problems import Problems
from .placeholders import COUNT_PLACEHOLDERS, check_placeholders
from .yaml_file import check_keys, describe, is_kind, line_of, optional, read_yaml, require, text_list

PERIOD_KINDS = ("month", "quarter", "cumulative")
BULLETIN_KEYS = {"issuer", "issuer_mark", "doc_number", "recipients", "title", "ranking",
                 "county_lists", "special_help", "basis", "closing", "data_note", "regions", "submission_due_day"}
SECTION_KEYS = {"ranking": {"decimals", "rounding", "missing", "by_indicator", "min_cities"},
                "county_lists": {"length", "periods", "indicators"},
                "special_help": {"indicator", "bottom", "months"}}
# placeholders each formatted text may use (views/bulletin_view.py fills them); the counts are of the
# units the bulletin covers (load/placeholders.py)
COUNTS = tuple(COUNT_PLACEHOLDERS)
PLACEHOLDERS = {"doc_number": ("year", "month", "serial"), "title": ("period",),
                "basis": COUNTS, "closing": COUNTS, "data_note": COUNTS}
# (section, key): (lowest, highest, what it is)
INTEGER_LIMITS = {("ranking", "decimals"): (0, 3, "排名所用的小数位数"),
                  ("county_lists", "length"): (1, 100, "名单长度"),
                  ("special_help", "bottom"): (1, 100, "倒数名次"),
                  ("special_help", "months"): (1, 12, "连续月数")}
ROUNDINGS = ("half_even", "half_up")


@dataclass(frozen=True)
class BulletinRules(BulletinSettings):
    """BulletinSettings with the rules added for issue 12 (kept here while the shared model module is
    edited by others; they belong in model.BulletinSettings):
    precision: indicator → Precision, where it differs from ranking.decimals / ranking.rounding;
    min_cities: below this many submitting cities a month's bulletin reports figures without rankings."""

    precision: tuple[tuple[str, Precision], ...] = ()
    min_cities: int = 1
    regions: tuple[str, ...] = ()     # 片区 in printing order (checked against units.csv by load/plan.py)
    regions_line: int | None = None
    submission_due_day: int = 10      # a month's form is due on this day of the following month (web dashboard)


def _by_indicator(raw, default_decimals, default_rounding, path: Path, problems: Problems):
    """ranking.by_indicator: {indicator: {decimals: 2, rounding: half_up}}."""
    out = []
    if raw is None:
        return out
    if not isinstance(raw, dict):
        problems.error(path, f"应为按指标列出的键值对（如 composite: {{decimals: 2}}），实际为{describe(raw)}",
                       getattr(raw, "line", None), field="ranking.by_indicator")
        return out
    for key, rule in raw.items():
        field = f"ranking.by_indicator.{key}"
        if key not in INDICATORS:
            problems.error(path, f"指标应为 {'、'.join(INDICATORS)} 之一，实际为{describe(key)}", raw.line_of(key),
                           field=field)
            continue
        if not isinstance(rule, dict):
            problems.error(path, f"应为键值对（如 {{decimals: 2}}），实际为{describe(rule)}", raw.line_of(key), field=field)
            continue
        check_keys(rule, {"decimals", "rounding"}, path, problems, field + ".")
        decimals = rule.get("decimals", default_decimals)
        rounding = rule.get("rounding", default_rounding)
        if not (is_kind(decimals, int) and 0 <= decimals <= 3):
            problems.error(path, f"小数位数应为0～3之间的整数，实际为{describe(decimals)}", line_of(rule, "decimals"),
                           field=field + ".decimals")
            continue
        if rounding not in ROUNDINGS:
            problems.error(path, f"应为 {' 或 '.join(ROUNDINGS)} 之一，实际为{describe(rounding)}", line_of(rule, "rounding"),
                           field=field + ".rounding")
            continue
        out.append((key, Precision(decimals, rounding)))
    return out


def _check_placeholders(data, key: str, path: Path, problems: Problems) -> None:
    check_placeholders(data.get(key), PLACEHOLDERS[key], path, data.line_of(key), key, problems)


def load_bulletin_settings(path: Path, problems: Problems) -> BulletinSettings | None:
    data = read_yaml(path, problems)
    if data is None:
        return None
    before = len(problems.errors)
    check_keys(data, BULLETIN_KEYS, path, problems)
    text = {k: require(data, k, path, problems, str)
            for k in ("issuer", "doc_number", "recipients", "title", "basis", "closing")}
    issuer_mark = optional(data, "issuer_mark", path, problems, str)
    data_note = optional(data, "data_note", path, problems, str, default="")
    for key in PLACEHOLDERS:
        _check_placeholders(data, key, path, problems)
    sections = {name: require(data, name, path, problems, dict) or {} for name in SECTION_KEYS}
    for name, allowed in SECTION_KEYS.items():
        check_keys(sections[name], allowed, path, problems, name + ".")
    ranking, lists, help_ = sections["ranking"], sections["county_lists"], sections["special_help"]
    choices = {
        ("ranking", "rounding"): ("half_even", "half_up"),
        ("ranking", "missing"): ("exclude", "worst"),
    }
    for (section, key), allowed in choices.items():
        raw = sections[section]
        if raw and raw.get(key) not in allowed:
            problems.error(path, f"应为 {' 或 '.join(allowed)} 之一，实际为{describe(raw.get(key))}", raw.line_of(key),
                           field=f"{section}.{key}")
    for (section, key), (low, high, what) in INTEGER_LIMITS.items():
        raw = sections[section]
        if raw and not (is_kind(raw.get(key), int) and low <= raw.get(key) <= high):
            problems.error(path, f"{what}应为{low}～{high}之间的整数，实际为{describe(raw.get(key))}", raw.line_of(key),
                           field=f"{section}.{key}")
    periods = (optional(lists, "periods", path, problems, list, "county_lists.") or []) if lists else []
    for i, p in enumerate(periods):
        if not isinstance(p, str) or p not in PERIOD_KINDS:
            problems.error(path, f"时段应为 {'、'.join(PERIOD_KINDS)} 之一，实际为{describe(p)}", line_of(periods, i),
                           field=f"county_lists.periods[{i}]")
    indicators = (optional(lists, "indicators", path, problems, list, "county_lists.") or []) if lists else []
    for i, key in enumerate(indicators):
        if not isinstance(key, str) or key not in INDICATORS:
            problems.error(path, f"指标应为 {'、'.join(INDICATORS)} 之一，实际为{describe(key)}", line_of(indicators, i),
                           field=f"county_lists.indicators[{i}]")
    precision = []
    if ranking and is_kind(ranking.get("decimals"), int) and ranking.get("rounding") in ROUNDINGS:
        precision = _by_indicator(ranking.get("by_indicator"), ranking["decimals"], ranking["rounding"], path, problems)
    min_cities = ranking.get("min_cities", 1) if ranking else 1
    if not (is_kind(min_cities, int) and 1 <= min_cities <= 100):
        problems.error(path, f"排名所需的最少报送设区市数应为1～100之间的整数，实际为{describe(min_cities)}",
                       ranking.line_of("min_cities"), field="ranking.min_cities")
    if help_:
        key = help_.get("indicator")
        if not isinstance(key, str) or key not in INDICATORS:
            problems.error(path, f"指标应为 {'、'.join(INDICATORS)} 之一，实际为{describe(key)}", help_.line_of("indicator"),
                           field="special_help.indicator")
    due_day = data.get("submission_due_day", 10)
    if not (is_kind(due_day, int) and 1 <= due_day <= 28):
        problems.error(path, f"报送截止日（次月几日前报送）应为1～28之间的整数，实际为{describe(due_day)}",
                       line_of(data, "submission_due_day"), field="submission_due_day")
    regions = text_list(data, "regions", path, problems, required=False) or []
    if len(set(regions)) != len(regions):
        problems.error(path, "片区重复列出", line_of(data, "regions"), field="regions")
    if len(problems.errors) > before:
        return None
    return BulletinRules(
        issuer=text["issuer"], issuer_mark=issuer_mark, doc_number=text["doc_number"],
        recipients=text["recipients"], title=text["title"],
        decimals=ranking["decimals"], rounding=ranking["rounding"], missing=ranking["missing"],
        list_length=lists["length"], list_periods=tuple(periods), indicators=tuple(indicators),
        help_indicator=help_["indicator"], help_bottom=help_["bottom"], help_months=help_["months"],
        basis=text["basis"], closing=text["closing"], data_note=data_note or "",
        precision=tuple(precision), min_cities=min_cities, regions=tuple(regions),
        regions_line=line_of(data, "regions"), submission_due_day=due_day)
