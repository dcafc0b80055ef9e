"""Title line breaking by GB/T 9704 7.3.1: 词意完整, 排列对称 (梯形或菱形), no line of one or two characters.

A title too long for one line is broken here, once, and both writers print the same lines: the PDF
and the DOCX get explicit line breaks (<br>), so neither WeasyPrint nor Word/LibreOffice breaks a
title by itself (LibreOffice left "报" alone on the bulletin title's second line).

How a title is broken:
- it is cut into atoms that never break: runs of Latin letters and digits with a following 年/月/日/%
  ("2021年", "PM2.5"), bracketed groups ("（市、区）", "《…》"), and the words of a small lexicon of
  公文 vocabulary (大气污染防治, 空气质量, 目标责任书 …); other characters are atoms of their own;
- every boundary between atoms has a cost: low after "关于…印发", after a date, after "的", after a
  place (…省, …市), before a conjunction; high before "的" or a closing bracket group; highest for an
  unknown boundary between two Chinese characters (it may cut a word the lexicon does not know);
- the fewest lines that fit are used; among the ways to cut the title into that many lines, the one
  with the lowest sum of boundary costs and shape penalty wins. The shape penalty grows with the
  difference of neighbouring lines (a balanced 梯形) and punishes an hourglass (a middle line shorter
  than both neighbours); a line of fewer than three characters is never chosen.

Widths are measured with the fonts the PDF embeds (FontMetrics). A line may use the 版心 width less
one title character, less a quarter em at each change between Chinese and Latin text (LibreOffice
adds such spaces whatever the DOCX says, see docs/docx-in-office-programs.md), so the lines fit in
both formats.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import lxml.html

from ..fonts import FontMetrics, metrics_for
from ..profile import Profile

TITLE_CLASSES = ("title", "plan-title", "annex-title")
MIN_LINE_CHARS = 3

# words a title line must not cut; the longest match wins (extend with an office's vocabulary)
LEXICON = (
    "大气污染防治", "大气污染物", "污染防治", "环境空气质量", "空气质量", "联席会议", "办公室",
    "工作计划", "工作方案", "工作目标", "工作任务", "目标任务", "目标责任书", "责任书", "实施方案",
    "减排目标", "降尘目标", "改善", "工程项目", "项目", "移动源", "石化企业", "重点", "企业", "清单",
    "设区市", "各设区市", "全省", "主要", "状况", "情况", "通知", "通报", "意见", "决定", "报告",
    "任务分工", "分工", "考核", "结果", "排名", "修订", "说明", "人民政府", "江苏省", "挥发性有机物",
    "氮氧化物", "臭氧", "细颗粒物", "颗粒物", "降尘", "年度", "季度", "月度", "目标", "任务", "工作",
    "关于", "印发", "转发", "开展", "做好", "加强", "进一步", "下达", "公布", "表彰",
)
OPEN_CLOSE = {"（": "）", "(": ")", "〔": "〕", "《": "》", "“": "”", "「": "」", "【": "】", "［": "］"}
LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%/\-·:+]*[A-Za-z0-9%]?[年月日%]?")
VERBS_AFTER_GUANYU = ("印发", "转发", "开展", "做好", "加强", "进一步", "下达", "公布", "表彰", "批转")
PLACE_ENDS = "省市县区"
NOT_AFTER_PLACE = "级域场委政长直属内外辖"
CONJUNCTIONS = "和与及暨"


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def atoms(text: str) -> list[str]:
    """The title cut into pieces no line break may split."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in OPEN_CLOSE:
            end = text.find(OPEN_CLOSE[ch], i + 1)
            if 0 < end - i <= 12:
                out.append(text[i:end + 1])
                i = end + 1
                continue
        m = LATIN.match(text, i)
        if m and m.end() > i:
            out.append(m.group(0))
            i = m.end()
            continue
        word = max((w for w in LEXICON if text.startswith(w, i)), key=len, default=None)
        if word:
            out.append(word)
            i += len(word)
            continue
        out.append(ch)
        i += 1
    return out


def boundary_cost(before: str, after: str, head: str) -> float:
    """Cost of a line break between atoms `before` and `after`; `head` is the text before the break."""
    if head in ("关于",) or any(head == "关于" + v for v in VERBS_AFTER_GUANYU):
        return 0.0
    if after[0] in "）)〕》”」】］、，。：；！？" or before[-1] in OPEN_CLOSE:
        return 50.0  # kinsoku (GB/T 15834): a closing mark never starts a line, an opening one never ends one
    if after[0] == "—" or before[-1] == "—":
        return 50.0  # a range such as "1—12月"
    if after[0] in OPEN_CLOSE and before and _is_cjk(before[-1]):
        return 8.0   # "县" + "（市、区）": the bracket belongs to the word before it
    if before[-1] in OPEN_CLOSE.values():
        return 1.0
    if before == "的":
        return 1.0
    if after == "的" or after.startswith("的"):
        return 6.0
    if LATIN.fullmatch(before) and before[-1] in "年月日":
        return 1.0
    if after[0] in CONJUNCTIONS:
        return 2.0
    if LATIN.fullmatch(after):
        return 2.0
    if LATIN.fullmatch(before):
        return 5.0   # "54个": the number belongs to the word after it
    if before[-1] in PLACE_ENDS and after[0] not in NOT_AFTER_PLACE:
        return 2.0
    if len(before) > 1 and len(after) > 1:
        return 3.0   # between two lexicon words
    if len(before) > 1 or len(after) > 1:
        return 5.0   # at one lexicon word's edge
    return 10.0      # between two characters of unknown words


def _transitions(text: str) -> int:
    """Changes between Chinese and Latin text (where LibreOffice adds a space)."""
    kinds = [_is_cjk(ch) for ch in text if _is_cjk(ch) or ch.isascii() and ch.isalnum()]
    return sum(1 for a, b in zip(kinds, kinds[1:]) if a != b)


def line_width(text: str, metrics: FontMetrics, size_pt: float) -> float:
    """Width a line needs: the glyphs, and a quarter em at each Chinese/Latin change."""
    return metrics.width(text, size_pt) + _transitions(text) * size_pt / 4


def break_title(text: str, metrics: FontMetrics, size_pt: float, width_pt: float) -> list[str]:
    """The title's lines (joined, they are the title)."""
    text = text.strip()
    limit = width_pt - size_pt
    if line_width(text, metrics, size_pt) <= limit:
        return [text]
    parts = atoms(text)
    n = len(parts)
    heads = ["".join(parts[:k]) for k in range(n + 1)]
    costs = [boundary_cost(parts[k - 1], parts[k], heads[k]) for k in range(1, n)]  # break before parts[k]
    for lines in range(2, max(3, n) + 1):
        best, best_score = None, None
        for cuts in itertools.combinations(range(1, n), lines - 1):
            bounds = (0,) + cuts + (n,)
            texts = ["".join(parts[a:b]) for a, b in zip(bounds, bounds[1:])]
            if any(len(t) < MIN_LINE_CHARS for t in texts):
                continue
            widths = [line_width(t, metrics, size_pt) for t in texts]
            if max(widths) > limit:
                continue
            score = sum(costs[c - 1] for c in cuts) + _shape_penalty(widths, size_pt)
            if best_score is None or score < best_score:
                best, best_score = texts, score
        if best is not None:
            return best
        if lines >= 6:
            break
    return [text]  # nothing fits the rules: let the writer break it


def _shape_penalty(widths: list[float], size_pt: float) -> float:
    chars = [w / size_pt for w in widths]
    penalty = sum(0.15 * (a - b) ** 2 for a, b in zip(chars, chars[1:]))
    for a, b, c in zip(chars, chars[1:], chars[2:]):
        if b < a and b < c:
            penalty += 5.0  # hourglass: neither 梯形 nor 菱形
    if min(chars) < 0.4 * max(chars):
        penalty += 5.0
    return penalty


@lru_cache(maxsize=8)
def _metrics(profile_key: tuple[tuple[str, ...], tuple[str, ...]]) -> FontMetrics:
    return metrics_for(*profile_key)


def apply_title_breaks(html: str, profile: Profile) -> str:
    """The rendered HTML with every title that needs breaking broken by <br>; each line is a span that
    the PDF keeps on one line. Titles the template already broke (<br>, e.g. notice title_lines) stay."""
    doc = lxml.html.document_fromstring(html)
    changed = False
    for part in doc.body.iter("section"):
        width = profile.type_area_pt(part.get("data-orientation", "portrait"))
        for el in part.iter("h1", "h2", "p"):
            kind = (el.get("class") or "").split()
            if not kind or kind[0] not in TITLE_CLASSES or len(el) or not (el.text or "").strip():
                continue
            block = profile.block(kind[0])
            metrics = _metrics(profile.pdf_font_chain(block["font"]))
            size = float(el.get("data-size-pt") or block["size_pt"])
            lines = break_title(el.text, metrics, size, width)
            if len(lines) < 2:
                continue
            el.text = None
            for n, line in enumerate(lines):
                span = lxml.html.Element("span", {"class": "title-line"})
                span.text = line
                el.append(span)
                if n < len(lines) - 1:
                    el.append(lxml.html.Element("br"))
            changed = True
    if not changed:
        return html
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
