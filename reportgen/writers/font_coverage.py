"""Which characters of a rendered document the configured PDF fonts cover.

Reports, per font role, every character the primary font lacks and which fallback draws it (a
substitution the office should know about), and every character no configured font has (it would
print as an empty box): rare place-name characters, typos such as 査.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from ..fonts import metrics_for
from ..profile import Profile


@dataclass(frozen=True)
class FontNote:
    role: str                # the role's label, e.g. 仿宋
    char: str
    fallback: str | None     # the family that draws it, None when no configured font has it

    def __str__(self) -> str:
        code = f"U+{ord(self.char):04X}"
        if self.fallback:
            return f"字体替代：“{self.char}”（{code}）不在{self.role}主字体中，改用 {self.fallback}"
        return f"缺字：“{self.char}”（{code}）在{self.role}的所有配置字体中都没有，PDF中会显示为方框，请更换字体或改字"


def _role_of(profile: Profile, el, orientation: str) -> str:
    if el.tag in ("td", "th"):
        table = profile.tables[orientation]
        return table["header_font"] if el.tag == "th" else table["font"]
    kind = (el.get("class") or "body").split()[0]
    return profile.block(kind)["font"]


def font_notes(html: str, profile: Profile) -> list[FontNote]:
    doc = lxml.html.document_fromstring(html)
    chars_by_role: dict[str, set[str]] = {}
    for part in doc.body.iter("section"):
        orientation = part.get("data-orientation", "portrait")
        for el in part.iter("p", "h1", "h2", "h3", "td", "th"):
            text = "".join(el.itertext())
            chars_by_role.setdefault(_role_of(profile, el, orientation), set()).update(text)
    notes = []
    for role, chars in sorted(chars_by_role.items()):
        files, families = profile.pdf_font_chain(role)
        primary = metrics_for(files[:1], families[:1] if not files else ())
        full = metrics_for(files, families)
        label = profile.fonts[role].get("label", role)
        fallbacks = families if files else families[1:]
        for ch in sorted(primary.missing("".join(chars))):
            if ch in full.missing(ch):
                notes.append(FontNote(label, ch, None))
                continue
            drawn_by = next(f for f in fallbacks if not metrics_for((), (f,)).missing(ch))
            notes.append(FontNote(label, ch, drawn_by))
    return notes
