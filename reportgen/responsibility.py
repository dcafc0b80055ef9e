"""Responsibility notes of the work plan: "（省生态环境厅牵头，省发展改革委、工业和信息化厅配合）".

The printed note is kept verbatim in the data; this module reads the departments out of it. Names
after the first one drop the "省" prefix in print ("省生态环境厅、发展改革委"), so it is restored here
for every name that is not a body of its own (江苏海事局, 连云港海事局, 县级以上人民政府…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LEAD_MARKERS = ("按职责分工负责", "牵头", "负责")
SUPPORT_MARKER = "配合"
NOT_PROVINCIAL_PREFIXES = ("江苏", "连云港", "县级", "国家")


@dataclass
class ParsedNote:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)


def _names(clause: str) -> list[str]:
    names = []
    for raw in clause.split("、"):
        name = raw.strip().removesuffix("等")
        if not name:
            continue
        if not name.startswith("省") and not name.startswith(NOT_PROVINCIAL_PREFIXES):
            name = "省" + name
        names.append(name)
    return names


def parse_responsibility_note(note: str) -> ParsedNote:
    """Departments leading and supporting, in printed order. Unknown clause shapes are ignored."""
    inner = note.strip().removeprefix("（").removesuffix("）")
    # "…按职责分工负责。以下均需地方各级人民政府负责落实，不再列出": only the first sentence names departments
    inner = inner.split("。")[0]
    parsed = ParsedNote()
    for clause in re.split(r"[，,]", inner):
        clause = clause.strip()
        if clause.endswith(SUPPORT_MARKER):
            parsed.support += _names(clause.removesuffix(SUPPORT_MARKER))
            continue
        for marker in LEAD_MARKERS:
            if clause.endswith(marker):
                parsed.lead += _names(clause.removesuffix(marker))
                break
    return parsed


def short_name(department: str) -> str:
    """The form a department may take inside a note after the first name: without "省"."""
    return department.removeprefix("省")
