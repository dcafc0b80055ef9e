"""Which sentences of the work plan changed between two versions of a data set.

A revised annex changes the plan's prose too when the prose refers to the annex's figures
(load/figure_refs.py): `changed_sentences` lists each sentence whose printed text differs, with the
item it belongs to as the plan prints it (二（五）15) and the referenced figures that moved.
Pure functions over loaded models; no I/O, no wording.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..model import FigureRef, Paragraph, WorkPlan

SENTENCE_END = re.compile("[。；]")


@dataclass(frozen=True)
class FigureChange:
    label: str          # "附件6 全省 VOCs综合治理项目" (FigureRef.label)
    old: str            # as printed in the old sentence
    new: str


@dataclass(frozen=True)
class SentenceChange:
    ref: str            # the item as the plan numbers it: "二（五）15", "三（一）"; "" for the preamble
    paragraph: int      # 1-based position of the paragraph within that item
    old: str            # the sentence as printed before ("" if it was added)
    new: str            # the sentence as printed after ("" if it was removed)
    figures: tuple[FigureChange, ...] = ()   # referenced annex figures in the sentence whose value changed


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(start, sentence) for each sentence; a sentence ends with "。" or "；" (kept), the last may not."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        out.append((start, text[start:m.end()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


def _paragraphs(plan: WorkPlan) -> dict[tuple[str, int], Paragraph]:
    """Every paragraph keyed by (item reference, 1-based position); references as in views/plan_refs.py."""
    out: dict[tuple[str, int], Paragraph] = {}
    for i, text in enumerate(plan.preamble):
        out[("", i + 1)] = Paragraph(text)
    for sec in plan.sections:
        for sub in sec.subsections:
            ref = f"{sec.number}（{sub.number}）"
            for i, p in enumerate(sub.paragraphs):
                out[(ref, i + 1)] = p
            for item in sub.items:
                for i, p in enumerate(item.paragraphs):
                    out[(f"{ref}{item.number}", i + 1)] = p
    return out


def _figures_in(p: Paragraph, start: int, end: int) -> list[FigureRef]:
    return [f for f in p.figures if start <= f.position < end]


def _figure_changes(old: list[FigureRef], new: list[FigureRef]) -> tuple[FigureChange, ...]:
    """The figures of the same reference, in order of appearance, whose printed value differs."""
    out = []
    remaining = list(old)
    for f in new:
        match = next((o for o in remaining if o.written == f.written), None)
        if match is None:
            continue
        remaining.remove(match)
        if match.text != f.text:
            out.append(FigureChange(f.label, match.text, f.text))
    return tuple(out)


def changed_sentences(old_plan, new_plan) -> list[SentenceChange]:
    """The sentences of the work plan (paragraph texts and preamble) printed differently in `new_plan`
    than in `old_plan`, in the order of the plan. Accepts Plan or WorkPlan. Paragraphs are paired by item
    and position, sentences within a paragraph by difflib; responsibility notes are not compared."""
    old_wp: WorkPlan = getattr(old_plan, "workplan", old_plan)
    new_wp: WorkPlan = getattr(new_plan, "workplan", new_plan)
    old_paras, new_paras = _paragraphs(old_wp), _paragraphs(new_wp)
    keys = list(new_paras) + [k for k in old_paras if k not in new_paras]
    out: list[SentenceChange] = []
    for key in keys:
        a, b = old_paras.get(key), new_paras.get(key)
        if a is not None and b is not None and a.text == b.text:
            continue
        sa = split_sentences(a.text) if a else []
        sb = split_sentences(b.text) if b else []
        matcher = difflib.SequenceMatcher(None, [s for _, s in sa], [s for _, s in sb], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            for k in range(max(i2 - i1, j2 - j1)):
                o = sa[i1 + k] if i1 + k < i2 else None
                n = sb[j1 + k] if j1 + k < j2 else None
                figures = ()
                if o is not None and n is not None:
                    figures = _figure_changes(_figures_in(a, o[0], o[0] + len(o[1])),
                                              _figures_in(b, n[0], n[0] + len(n[1])))
                out.append(SentenceChange(key[0], key[1], o[1] if o else "", n[1] if n else "", figures))
    return out
