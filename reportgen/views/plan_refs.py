"""Work-plan paragraphs with the reference a reader can find them by, e.g. "二、（一）3."."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Paragraph, WorkPlan


@dataclass(frozen=True)
class PlanParagraph:
    ref: str                 # 二（一）3
    heading: str             # the subsection's and item's titles, e.g. "调整优化产业结构 · 推动绿色产业发展"
    paragraph: Paragraph
    section: str
    subsection: str

    @property
    def text(self) -> str:
        p = self.paragraph
        return p.text + (p.responsibility.note if p.responsibility else "")


def plan_paragraphs(plan: WorkPlan) -> list[PlanParagraph]:
    out = []
    for sec in plan.sections:
        for sub in sec.subsections:
            ref = f"{sec.number}（{sub.number}）"
            for p in sub.paragraphs:
                out.append(PlanParagraph(ref, sub.title, p, sec.number, sub.number))
            for item in sub.items:
                for p in item.paragraphs:
                    out.append(PlanParagraph(f"{ref}{item.number}", f"{sub.title} · {item.title}", p,
                                             sec.number, sub.number))
    return out
