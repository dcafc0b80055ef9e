"""bulletin.yaml: issuing details and ranking rules of the monthly ranking bulletin (通报)."""

from __future__ import annotations

from pathlib import Path

from ..compute.air_quality import INDICATORS
from ..model import BulletinSettings
from ..problems import Problems
from .yaml_file import read_yaml, require

PERIOD_KINDS = ("month", "quarter", "cumulative")


def load_bulletin_settings(path: Path, problems: Problems) -> BulletinSettings | None:
    data = read_yaml(path, problems)
    if data is None:
        return None
    before = len(problems.errors)
    text = {k: require(data, k, path, problems, str)
            for k in ("issuer", "doc_number", "recipients", "title", "basis", "closing")}
    issue_day = require(data, "issue_day", path, problems, int)
    if isinstance(issue_day, int) and not 1 <= issue_day <= 28:
        problems.error(path, "issue_day 应为1～28之间的整数（成文日期为次月几日）", data.line_of("issue_day"),
                       field="issue_day")
    ranking = require(data, "ranking", path, problems, dict) or {}
    lists = require(data, "county_lists", path, problems, dict) or {}
    help_ = require(data, "special_help", path, problems, dict) or {}
    choices = {
        ("ranking", "rounding"): ("half_even", "half_up"),
        ("ranking", "missing"): ("exclude", "worst"),
    }
    for (section, key), allowed in choices.items():
        raw = {"ranking": ranking}[section]
        if raw and raw.get(key) not in allowed:
            problems.error(path, f"应为 {' 或 '.join(allowed)} 之一，实际为“{raw.get(key)}”", raw.line_of(key),
                           field=f"{section}.{key}")
    for key, raw in (("decimals", ranking), ("length", lists), ("bottom", help_), ("months", help_)):
        if raw and not (isinstance(raw.get(key), int) and raw.get(key) >= 0):
            problems.error(path, "应为非负整数", raw.line_of(key), field=key)
    periods = lists.get("periods") or [] if lists else []
    for i, p in enumerate(periods):
        if p not in PERIOD_KINDS:
            problems.error(path, f"时段应为 {'、'.join(PERIOD_KINDS)} 之一，实际为“{p}”", lists.line_of("periods"),
                           field=f"county_lists.periods[{i}]")
    indicators = lists.get("indicators") or [] if lists else []
    for i, key in enumerate(indicators + ([help_.get("indicator")] if help_ else [])):
        if key not in INDICATORS:
            problems.error(path, f"指标应为 {'、'.join(INDICATORS)} 之一，实际为“{key}”", None,
                           field=f"county_lists.indicators[{i}]" if i < len(indicators) else "special_help.indicator")
    if len(problems.errors) > before:
        return None
    return BulletinSettings(
        issuer=text["issuer"], issuer_mark=data.get("issuer_mark"), doc_number=text["doc_number"],
        recipients=text["recipients"], title=text["title"], issue_day=issue_day,
        decimals=ranking["decimals"], rounding=ranking["rounding"], missing=ranking["missing"],
        list_length=lists["length"], list_periods=tuple(periods), indicators=tuple(indicators),
        help_indicator=help_["indicator"], help_bottom=help_["bottom"], help_months=help_["months"],
        basis=text["basis"], closing=text["closing"], data_note=str(data.get("data_note") or ""))
