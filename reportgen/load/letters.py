"""letters.yaml: settings of the 目标责任书 (parties, period, which annexes and plan paragraphs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model import LetterRules, LetterSettings
from ..problems import Problems
from .yaml_file import read_yaml, require


def _rules(raw, level: str, path: Path, problems: Problems, annex_numbers: set[int]) -> LetterRules | None:
    prefix = f"{level}."
    suffix_b = require(raw, "party_b_suffix", path, problems, str, prefix)
    annexes = require(raw, "annexes", path, problems, list, prefix) or []
    duties = require(raw, "duties_containing", path, problems, list, prefix) or []
    party_a = raw.get("party_a") if isinstance(raw, dict) else None
    party_a_suffix = raw.get("party_a_suffix") if isinstance(raw, dict) else None
    if isinstance(raw, dict) and not (party_a or party_a_suffix):
        problems.error(path, "应写明甲方：party_a（机关名称）或 party_a_suffix（上级设区市名称之后的文字）",
                       raw.line, field=f"{level}.party_a")
    elif isinstance(raw, dict) and level == "city" and not party_a:
        # a city has no 设区市 above it to put a suffix after: its 甲方 is named in full
        problems.error(path, "设区市的甲方应写 party_a（机关名称，如 江苏省大气污染防治联席会议办公室）；"
                             "party_a_suffix 只用于县（市、区）", raw.line, field="city.party_a")
    for i, n in enumerate(annexes):
        if n not in annex_numbers:
            problems.error(path, f"附件{n}不存在", raw.line_of("annexes"), field=f"{level}.annexes[{i}]")
    if suffix_b is None or not isinstance(raw, dict):
        return None
    return LetterRules(party_a, party_a_suffix, suffix_b, tuple(annexes), tuple(str(d) for d in duties))


def load_letter_settings(path: Path, annex_numbers: set[int], problems: Problems) -> LetterSettings | None:
    data = read_yaml(path, problems)
    if data is None:
        return None
    before = len(problems.errors)
    title = require(data, "title", path, problems, str)
    period = require(data, "period", path, problems, dict) or {}
    start = require(period, "start", path, problems, dt.date, "period.") if period else None
    end = require(period, "end", path, problems, dt.date, "period.") if period else None
    city = _rules(require(data, "city", path, problems, dict), "city", path, problems, annex_numbers)
    county = _rules(require(data, "county", path, problems, dict), "county", path, problems, annex_numbers)
    assessment = require(data, "assessment", path, problems, dict) or {}
    section = require(assessment, "section", path, problems, str, "assessment.") if assessment else None
    subsections = assessment.get("subsections") or [] if assessment else []
    if len(problems.errors) > before:
        return None
    return LetterSettings(title, start, end, city, county, section, tuple(str(s) for s in subsections))
