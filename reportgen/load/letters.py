"""letters.yaml: settings of the 目标责任书 (parties, period, which annexes and plan paragraphs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model import LetterRules, LetterSettings
from ..problems import Problems
from .yaml_file import check_keys, describe, is_kind, line_of, optional, read_yaml, require, text_list

LETTER_KEYS = {"title", "period", "city", "county", "assessment"}
PERIOD_KEYS = {"start", "end"}
RULE_KEYS = {"party_a", "party_a_suffix", "party_b_suffix", "annexes", "duties_containing"}
ASSESSMENT_KEYS = {"section", "subsections"}


def _rules(raw, level: str, path: Path, problems: Problems, annex_numbers: set[int]) -> LetterRules | None:
    prefix = f"{level}."
    if not isinstance(raw, dict):   # missing or not a mapping: already reported by require()
        return None
    check_keys(raw, RULE_KEYS, path, problems, prefix)
    suffix_b = require(raw, "party_b_suffix", path, problems, str, prefix)
    annexes = require(raw, "annexes", path, problems, list, prefix) or []
    # an empty phrase would be contained in every paragraph of the work plan
    duties = text_list(raw, "duties_containing", path, problems, prefix) or []
    party_a = optional(raw, "party_a", path, problems, str, prefix)
    party_a_suffix = optional(raw, "party_a_suffix", path, problems, str, prefix)
    if isinstance(raw, dict) and not (party_a or party_a_suffix):
        if raw.get("party_a") is None and raw.get("party_a_suffix") is None:
            problems.error(path, "应写明甲方：party_a（机关名称）或 party_a_suffix（上级设区市名称之后的文字）",
                           raw.line, field=f"{level}.party_a")
    elif isinstance(raw, dict) and level == "city" and not party_a:
        # a city has no 设区市 above it to put a suffix after: its 甲方 is named in full
        problems.error(path, "设区市的甲方应写 party_a（机关名称，如 江苏省大气污染防治联席会议办公室）；"
                             "party_a_suffix 只用于县（市、区）", raw.line, field="city.party_a")
    ok = True
    for i, n in enumerate(annexes):
        if not is_kind(n, int):
            problems.error(path, f"应为附件序号（整数），实际为{describe(n)}", line_of(annexes, i), field=f"{level}.annexes[{i}]")
            ok = False
        elif n not in annex_numbers:
            problems.error(path, f"附件{n}不存在", line_of(annexes, i), field=f"{level}.annexes[{i}]")
            ok = False
    if suffix_b is None or not isinstance(raw, dict) or not ok:
        return None
    return LetterRules(party_a, party_a_suffix, suffix_b, tuple(annexes), tuple(duties))


def load_letter_settings(path: Path, annex_numbers: set[int], problems: Problems) -> LetterSettings | None:
    data = read_yaml(path, problems)
    if data is None:
        return None
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
    city = _rules(require(data, "city", path, problems, dict), "city", path, problems, annex_numbers)
    county = _rules(require(data, "county", path, problems, dict), "county", path, problems, annex_numbers)
    assessment = require(data, "assessment", path, problems, dict) or {}
    check_keys(assessment, ASSESSMENT_KEYS, path, problems, "assessment.")
    section = require(assessment, "section", path, problems, str, "assessment.") if assessment else None
    subsections = (text_list(assessment, "subsections", path, problems, "assessment.", required=False) or []) \
        if assessment else []
    if len(problems.errors) > before:
        return None
    return LetterSettings(title, start, end, city, county, section, tuple(subsections))
