"""GB/T 9704 checks 1–15 (shared/docs/gbt9704.md §7) measured on a PDF.

Each check states its rule in its docstring. Numbers come from the profile (margins, line pitch, 字
width, sizes, page-number style); the tolerances are the ones proposed in §7.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass

from ..kinsoku import LIBREOFFICE_BREAKS_AROUND, LIBREOFFICE_HANGING, NO_END, NO_START
from .layout import Layout, mm
from .model import CheckResult, capped
from .pdfdoc import PT, Line, Page, full_width, render_region, width_in_chars

TOL_PAGE = 0.5       # mm, check 1
TOL_BOX = 0.5        # mm, checks 2, 4 (right edge), 12 (顶格)
TOL_PITCH = 0.1      # pt, check 3
TOL_INDENT = 0.3     # mm, check 7
TOL_POS = 1.0        # mm, checks 8, 10 and 12 (centring), 14
TOL_RULE = 0.5       # mm, checks 9 and 13
TOL_RULE_WIDTH = 0.06  # mm, check 13 (§7 proposes 0.05; one pixel at 600 dpi is 0.042 mm)


CAPTION = re.compile(r"^[表图]\d+")
DATE_ANY = re.compile(r"^(\d{4}|[〇○零一二三四五六七八九]{4})年[^年月]{1,3}月[^月日]{1,3}日$")
DATE_OK = re.compile(r"^\d{4}年[1-9]\d?月[1-9]\d?日$")
DOC_NUMBER_ANY = re.compile(r"[〔\[［（(【]\s*\d{2,4}\s*[〕\]］）)】]\s*第?\s*\d+\s*号")
DOC_NUMBER_OK = re.compile(r"〔\d{4}〕[1-9]\d*号")
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")


def hanging_overshoot(lay: Layout, line: Line, right: float) -> float:
    """How far (mm) the line's last character hangs past `right` when the layout allows LibreOffice's
    hanging punctuation (a DOCX rendered by LibreOffice, docs/docx-in-office-programs.md) and the line
    ends with a hanging mark that overshoots by at most one character of its size; else 0."""
    if not lay.libreoffice_docx or not line.compact or line.compact[-1] not in LIBREOFFICE_HANGING:
        return 0.0
    over = line.fx1 - right
    one_char = (line.size_pt or 0) * PT
    return over if TOL_BOX < over <= one_char + TOL_BOX else 0.0


def where(page: Page | int, line: Line | None = None) -> str:
    n = page if isinstance(page, int) else page.number
    return f"第{n}页" + (f"“{line.short()}”" if line is not None else "")


# -- 1 ------------------------------------------------------------------------------------------------

def check_page_size(lay: Layout) -> CheckResult:
    """Every page is the profile's paper size; pages turned to landscape (A4 rotated) are allowed and
    listed with their first words."""
    g = lay.g
    sizes = Counter()
    wrong, landscape = [], []
    for p in lay.pages:
        sizes[(round(p.width, 1), round(p.height, 1))] += 1
        portrait_ok = abs(p.width - g.width) <= TOL_PAGE and abs(p.height - g.height) <= TOL_PAGE
        landscape_ok = abs(p.width - g.height) <= TOL_PAGE and abs(p.height - g.width) <= TOL_PAGE
        if landscape_ok:
            first = lay.first_line(p)
            landscape.append(f"第{p.number}页横向" + (f"（{first.short(8)}）" if first else ""))
        elif not portrait_ok:
            wrong.append(f"第{p.number}页 {mm(p.width, 1)}×{mm(p.height, 1)} mm")
    measured = "；".join(f"{w}×{h} mm {n}页" for (w, h), n in sizes.most_common())
    return CheckResult(1, "纸张尺寸", not wrong, measured,
                       f"{g.width:g}×{g.height:g} mm（横向页 {g.height:g}×{g.width:g} mm）±{TOL_PAGE} mm",
                       True, capped(wrong + landscape))


# -- 2 ------------------------------------------------------------------------------------------------

def check_text_box(lay: Layout) -> CheckResult:
    """All text except the page-number line lies inside the 版心 (±0.5 mm): the portrait box on
    upright portrait pages, the landscape box (landscape_margins_mm) on landscape pages and for text
    turned a quarter on a portrait page (measured in the turned frame). Horizontal extent: the line's
    box (glyph advances); vertical extent: the ideographic em box (see Line.frame_vertical)."""
    ext: dict[str, list[float]] = {}
    bad, hanging = [], 0
    for p in lay.pages:
        for l in lay.text_lines(p):
            box = lay.g.box_for(l.frame_size)
            kind = "横向" if box is lay.g.landscape else "竖向"
            top, bottom = l.frame_vertical()
            e = ext.setdefault(kind, [1e9, 1e9, -1e9, -1e9])
            e[0], e[1], e[2], e[3] = min(e[0], l.fx0), min(e[1], top), max(e[2], l.fx1), max(e[3], bottom)
            out = []
            if l.fx0 < box.left - TOL_BOX:
                out.append(f"左端{mm(l.fx0)}")
            if l.fx1 > box.right + TOL_BOX:
                if hanging_overshoot(lay, l, box.right):
                    hanging += 1
                else:
                    out.append(f"右端{mm(l.fx1)}")
            if top < box.top - TOL_BOX:
                out.append(f"上端{mm(top)}")
            if bottom > box.bottom + TOL_BOX:
                out.append(f"下端{mm(bottom)}")
            if out:
                bad.append(f"{where(p, l)} {'，'.join(out)} mm")
    measured = "；".join(f"{k}文字 x {mm(e[0])}–{mm(e[2])} mm，y {mm(e[1])}–{mm(e[3])} mm" for k, e in ext.items())
    if hanging:
        measured += f"（其中{hanging}行行末标点按 LibreOffice 的悬挂标点伸出版心，不计）"
    P, L = lay.g.portrait, lay.g.landscape
    expected = (f"x∈[{P.left:g},{P.right:g}] y∈[{P.top:g},{P.bottom:g}] mm"
                f"（横向 x∈[{L.left:g},{L.right:g}] y∈[{L.top:g},{L.bottom:g}]）±{TOL_BOX} mm")
    return CheckResult(2, "版心范围", not bad, measured or "无文字", expected, True, capped(bad))


# -- 3 ------------------------------------------------------------------------------------------------

def _baseline(l: Line) -> float:
    return l.baseline if l.baseline is not None else l.y1


def full_pages(lay: Layout) -> tuple[list[Page], list[Page]]:
    """(full, excused): running-text pages that should be full — followed by a page continuing the
    same part, or whose last line reaches within one line pitch of the 版心 bottom. A short page
    followed by a page opening with a heading (一、/（一）, kept with its paragraph), or with a table
    or figure (its caption 表N/图N, or table text) that did not fit in the lines left, is excused."""
    body = {p.number for p in lay.body_pages()}
    out, excused = [], []
    for p in lay.pages:
        if p.number not in body:
            continue
        rows = lay.rows(p)
        if not rows:
            continue
        nxt = lay.pages[p.number] if p.number < len(lay.pages) else None
        continued = nxt is not None and not lay.starts_part(nxt)
        reaches = max(l.y1 for l in rows[-1]) >= lay.g.portrait.bottom - lay.g.pitch
        if reaches:
            out.append(p)
        elif continued:
            first = lay.first_line(nxt)
            starts_table = first is not None and nxt.number in lay.table_pages and (
                CAPTION.match(first.compact) or not lay.size_is(first, lay.g.body_pt))
            if first is not None and (HEADING_1.match(first.compact) or HEADING_2.match(first.compact)
                                      or starts_table):
                excused.append(p)
            else:
                out.append(p)
    return out, excused


def check_full_pages(lay: Layout) -> CheckResult:
    """Full running-text pages use all 22 grid lines: the last line's baseline is in grid line 22
    (grid lines counted from the 版心 top with the profile's pitch; empty lines such as the one under
    a title count). Baselines of consecutive lines in the same font and size on running-text pages
    are a whole number of pitches apart (28.95 pt ±0.1)."""
    g = lay.g
    pages, excused = full_pages(lay)
    counts, bad = {}, []
    for p in pages:
        rows = lay.rows(p)
        n = lay.cell_index(rows[-1][0]) - min(0, lay.cell_index(rows[0][0])) + 1
        counts[p.number] = n
        if n != g.lines_per_page:
            bad.append(f"第{p.number}页 {n}行（末行“{rows[-1][0].short(8)}”）")
    pitches, bad_pitch = [], []
    for p in lay.body_pages():
        rows = lay.rows(p)
        for a, b in zip(rows, rows[1:]):
            la, lb = a[0], b[0]
            if la.baseline is None or lb.baseline is None or (la.font, la.size_pt) != (lb.font, lb.size_pt):
                continue
            d = (lb.baseline - la.baseline) / PT
            k = round(d / g.pitch_pt)
            if k < 1:
                continue
            pitch = d / k
            pitches.append(pitch)
            if abs(pitch - g.pitch_pt) > TOL_PITCH:
                bad_pitch.append(f"第{p.number}页“{la.short(8)}”→“{lb.short(8)}” 行距{pitch:.2f} pt")
    if not pages:
        return CheckResult(3, "满页行数与行距", None, "无满页正文页", f"{g.lines_per_page}行，行距{g.pitch_pt:g} pt")
    c = Counter(counts.values())
    measured = (f"满页{len(pages)}页：" + "、".join(f"{n}行×{k}页" for n, k in sorted(c.items()))
                + (f"（另{len(excused)}页因下页以标题、表或图开始而未排满，不计）" if excused else "")
                + (f"；行距 {min(pitches):.2f}–{max(pitches):.2f} pt（{len(pitches)}处）" if pitches else ""))
    return CheckResult(3, "满页行数与行距", not bad and not bad_pitch, measured,
                       f"每满页{g.lines_per_page}行，行距{g.pitch_pt:g}±{TOL_PITCH} pt", True, capped(bad + bad_pitch))


# -- 4 ------------------------------------------------------------------------------------------------

def check_chars_per_line(lay: Layout) -> CheckResult:
    """Chars per full line and flush right edge, on running-text pages (tables excluded).

    A line is *full* when it starts at the 版心 left edge or at the paragraph indent (x ≤ left + 2 字
    + 1 mm), is set in the body size, and the next line (on the same page one pitch below, or the first
    line of the next page of the same part) starts at the left edge (±0.5 mm), i.e. the paragraph goes
    on. Count: full lines made only of full-width characters, 字 = characters + indent in 字;
    27 ≤ 字 ≤ 28 (more than 28 is a hard failure; fewer — a loose line, e.g. before an unbreakable
    Latin string — is reported). Right edge: every full line ends at the 版心 right edge ±0.5 mm
    (reported, not hard)."""
    g = lay.g
    left, right = g.portrait.left, g.portrait.right
    body = lay.body_pages()
    body_numbers = {p.number for p in body}
    counts, count_bad, edge_bad, n_full, over, n_hanging = [], [], [], 0, False, 0
    for p in body:
        rows = lay.rows(p)
        nxt_page = lay.pages[p.number] if p.number < len(lay.pages) else None
        for i, row in enumerate(rows):
            line = row[0]
            if line.x0 > left + g.indent + 1 or not lay.size_is(line, g.body_pt):
                continue
            if i + 1 < len(rows):
                nxt = rows[i + 1][0]
                if round((_baseline(nxt) - _baseline(line)) / g.pitch) != 1:
                    continue
            elif nxt_page is not None and nxt_page.number in body_numbers and not lay.starts_part(nxt_page):
                nrows = lay.rows(nxt_page)
                if not nrows:
                    continue
                nxt = nrows[0][0]
            else:
                continue
            if abs(nxt.x0 - left) > TOL_BOX:
                continue
            n_full += 1
            last = row[-1]
            text = "".join(l.compact for l in row)
            if hanging_overshoot(lay, last, right):
                # LibreOffice hung the line's last mark past the edge: the line proper ends one mark earlier
                n_hanging += 1
                text = text[:-1]
                last_x1 = last.x1 - (last.size_pt or 0) * PT
            else:
                last_x1 = last.x1
            if abs(last_x1 - right) > TOL_BOX:
                edge_bad.append((abs(last_x1 - right), f"{where(p, line)} 右端{mm(last_x1)} mm"))
            if all(full_width(c) for c in text):
                n = width_in_chars(text) + round(2 * (line.x0 - left) / g.char) / 2
                counts.append(n)
                if not (g.chars_per_line - 1 <= n <= g.chars_per_line):
                    count_bad.append(f"{where(p, line)} {n:g}字")
                    over = over or n > g.chars_per_line
    if not n_full:
        return CheckResult(4, "每行字数与右端对齐", None, "无满行", f"{g.chars_per_line - 1}–{g.chars_per_line}字/行")
    flush = n_full - len(edge_bad)
    measured = (f"全角满行{len(counts)}行 {min(counts):g}–{max(counts):g}字；" if counts else "") + \
        f"满行右端在{right:g}±{TOL_BOX} mm内 {flush}/{n_full}行" + \
        (f"（{n_hanging}行行末标点按 LibreOffice 悬挂在外，按去掉它计）" if n_hanging else "")
    if edge_bad:
        worst = max(edge_bad)[0]
        measured += f"（最大偏差{worst:.2f} mm）"
    details = count_bad + [d for _, d in sorted(edge_bad, reverse=True)]
    return CheckResult(4, "每行字数与右端对齐", not count_bad and not edge_bad, measured,
                       f"{g.chars_per_line - 1}–{g.chars_per_line}字/行；满行右端{right:g}±{TOL_BOX} mm",
                       over, capped(details))


# -- 5 ------------------------------------------------------------------------------------------------

def kinsoku_violations(lay: Layout) -> list[tuple[int, Line, str]]:
    """(page, line, what) for every line breaking the rules of check 5."""
    bad = []
    excused = LIBREOFFICE_BREAKS_AROUND if lay.libreoffice_docx else frozenset()
    seq: list[tuple[Page, Line]] = [(p, l) for p in lay.pages for l in lay.text_lines(p) if l.compact]
    for i, (p, l) in enumerate(seq):
        t = l.compact
        if t[0] in NO_START and t[0] not in excused:
            bad.append((p.number, l, f"行首“{t[0]}”"))
        if t[-1] in NO_END and t[-1] not in excused:
            bad.append((p.number, l, f"行尾“{t[-1]}”"))
        if i + 1 < len(seq) and not l.turned:
            nt = seq[i + 1][1].compact
            for mark in "—…":
                run = len(t) - len(t.rstrip(mark))
                if run % 2 == 1 and nt.startswith(mark):
                    bad.append((p.number, l, f"“{mark * 2}”被拆开"))
    return bad


def check_kinsoku(lay: Layout) -> CheckResult:
    """No line (body or table) starts with a character of Word's zh-CN 'cannot start' list or ends with
    one of its 'cannot end' list; no —— or …… split between a line and the next one."""
    bad = kinsoku_violations(lay)
    n = sum(1 for p in lay.pages for l in lay.text_lines(p) if l.compact)
    return CheckResult(5, "标点禁则", not bad, f"{n}行，违规{len(bad)}处", "0处（行首/行尾禁则，——、……不拆行）",
                       True, capped([f"{where(p, l)} {what}" for p, l, what in bad]))


# -- 6 ------------------------------------------------------------------------------------------------

def check_fonts(lay: Layout) -> CheckResult:
    """Every font is embedded and is one of the profile's fonts (pdf_family or fallback of a role,
    also under its PostScript name); LibreOffice output is reported, not a hard failure."""
    fonts = lay.doc.fonts
    names = sorted({f.name for f in fonts})
    not_embedded = sorted({f.name for f in fonts if not f.embedded})
    unexpected = [n for n in names if not lay.fonts.matches(n)]
    details = [f"未嵌入：{n}" for n in not_embedded] + [f"不是配置的字体：{n}" for n in unexpected]
    if lay.doc.libreoffice and any(re.search(r"CJK(jp|kr|tc|hk)", n) for n in names):
        details.append("LibreOffice 以 Noto CJK 字体集合首个字面的名称（…CJKjp…）嵌入，按同一字体计")
    embedded = "全部嵌入" if not not_embedded else f"{len(not_embedded)}种未嵌入"
    measured = f"{len(names)}种，{embedded}：{'、'.join(names)}"
    expected_names = sorted({f[r] for f in lay.profile.fonts.values() for r in ("pdf_family", "fallback") if f.get(r)})
    return CheckResult(6, "字体", not not_embedded and not unexpected and bool(names), measured,
                       "全部嵌入，且为配置字体：" + "、".join(expected_names), not lay.doc.libreoffice, details)


# -- 7 ------------------------------------------------------------------------------------------------

def check_indent(lay: Layout) -> CheckResult:
    """First-line indent of paragraphs = 2 字 of the grid (11.14 mm) ±0.3 mm, measured on running-text
    lines starting between 1.8 and 2.25 字 right of the 版心 left edge; lines there that open with
    一、 must be in the 黑体 font, with （一） in the 楷体 font."""
    g = lay.g
    lo, hi = g.indent - 0.2 * g.char, g.indent + 0.25 * g.char
    indents, bad, font_bad, h1, h2 = [], [], [], 0, 0
    for p in lay.body_pages():
        for l in lay.text_lines(p):
            d = l.x0 - g.portrait.left
            if l.turned or not (lo <= d <= hi) or not lay.size_is(l, g.body_pt):
                continue
            indents.append(d)
            if abs(d - g.indent) > TOL_INDENT:
                bad.append(f"{where(p, l)} 缩进{mm(d)} mm")
            for pattern, role in ((HEADING_1, "heiti"), (HEADING_2, "kaiti")):
                if role in lay.profile.fonts and pattern.match(l.compact) and l.font:
                    if role == "heiti":
                        h1 += 1
                    else:
                        h2 += 1
                    if not lay.fonts.matches(l.font, role):
                        font_bad.append(f"{where(p, l)} 字体{l.font}（应为{lay.profile.fonts[role]['label']}）")
    if not indents:
        return CheckResult(7, "首行缩进与层次字体", None, "无缩进行", f"{mm(g.indent)}±{TOL_INDENT} mm")
    measured = f"{len(indents)}行 缩进{mm(min(indents))}–{mm(max(indents))} mm；一级标题{h1}行、二级标题{h2}行" + \
        ("字体正确" if not font_bad else f"，字体不符{len(font_bad)}行")
    return CheckResult(7, "首行缩进与层次字体", not bad and not font_bad, measured,
                       f"缩进{mm(g.indent)}±{TOL_INDENT} mm；一、黑体，（一）楷体", True, capped(bad + font_bad))


# -- page-1 elements (8, 9, 10, 11) ---------------------------------------------------------------------

# the serial may be blank: a draft leaves it for the office to give when issuing (苏大气办〔2021〕　　号)
DOC_NUMBER_LINE = re.compile(r"^\S{0,20}?[〔\[［（(【]\d{2,4}[〕\]］）)】]第?\d*号$")


def doc_number_line(lay: Layout) -> Line | None:
    """发文字号: an upright line in the upper half of page 1 made of a 文号 only (…〔2021〕1号)."""
    if not lay.pages:
        return None
    lines = sorted((l for l in lay.text_lines(lay.pages[0]) if not l.turned and l.fy1 < lay.g.height / 2),
                   key=lambda l: l.fy0)
    for l in lines:
        if DOC_NUMBER_LINE.match(l.compact):
            return l
        # a draft's blank serial can split the line in two: “苏大气办〔2021〕” … “号” on one baseline
        rest = next((r for r in lines if r is not l and r.compact == "号" and abs(r.fy0 - l.fy0) < 1
                     and r.x0 > l.x1), None)
        if rest is not None and DOC_NUMBER_LINE.match(l.compact + "号"):
            return dataclasses.replace(l, words=l.words + rest.words, x1=rest.x1, y0=min(l.y0, rest.y0),
                                       y1=max(l.y1, rest.y1))
    return None


def masthead_lines(lay: Layout) -> list[Line]:
    """发文机关标志: page-1 text above the 发文字号 set larger than the body; without 发文字号, page-1
    text larger than every title size + 2 pt."""
    if not lay.pages:
        return []
    lines = [l for l in lay.text_lines(lay.pages[0]) if not l.turned and l.size_pt and not l.approx]
    num = doc_number_line(lay)
    if num is not None:
        return [l for l in lines if l.fy1 <= num.fy0 and l.size_pt >= lay.g.body_pt + 2]
    limit = max(lay.g.title_sizes) + 2
    return [l for l in lines if l.size_pt > limit]


def title_lines(lay: Layout) -> list[Line]:
    """The title: page-1 lines below the 版头 in the largest size, if larger than the body."""
    if not lay.pages:
        return []
    mark = masthead_lines(lay)
    num = doc_number_line(lay)
    below = num.fy1 if num is not None else max((l.fy1 for l in mark), default=-1)
    rest = [l for l in lay.text_lines(lay.pages[0]) if not l.turned and l not in mark and l.size_pt
            and not l.approx and l.fy0 >= below]
    if not rest:
        return []
    size = max(l.size_pt for l in rest)
    if size < lay.g.body_pt + 2:
        return []
    return sorted((l for l in rest if abs(l.size_pt - size) < 0.5), key=lambda l: l.fy0)


def _ink(lay: Layout, page: int, box: tuple[float, float, float, float], dpi: int = 150):
    """(rows with ink, in mm from the page top; share of the ink that is red) inside box."""
    (_, w, h, px), = render_region(lay.doc.path, page, box, dpi=dpi, gray=False)
    rows, ink, red = [], 0, 0
    for y in range(h):
        row = px[y * w * 3:(y + 1) * w * 3]
        has_ink = False
        for x in range(0, w * 3, 6):
            r, g_, b = row[x], row[x + 1], row[x + 2]
            if r + g_ + b < 600:
                ink += 1
                has_ink = True
                red += r > 180 and g_ < 120 and b < 120
        if has_ink:
            rows.append(box[1] + y * 25.4 / dpi)
    return rows, (red / ink if ink else 0.0)


def check_masthead(lay: Layout) -> CheckResult:
    """红头 (发文机关标志, see masthead_lines). Its ink top is 35 mm (profile masthead.top_mm) below the
    版心 top (±1 mm), at least 80 % of its ink is red, and it is centred on the 版心 (±1 mm)."""
    lines = masthead_lines(lay)
    m = lay.profile.data.get("masthead", {})
    top_expected = lay.g.portrait.top + float(m.get("top_mm", 35))
    expected = f"字顶距纸边{top_expected:g}±{TOL_POS} mm，红色，居中"
    if not lines:
        return CheckResult(8, "发文机关标志", None, "无发文机关标志", expected)
    x0, y0 = min(l.x0 for l in lines), min(l.y0 for l in lines)
    x1, y1 = max(l.x1 for l in lines), max(l.y1 for l in lines)
    ink, red_share = _ink(lay, 1, (x0, y0 - 2, x1, y1 + 1))
    top = ink[0] if ink else y0
    centre = (x0 + x1) / 2
    bad = []
    if abs(top - top_expected) > TOL_POS:
        bad.append(f"字顶{mm(top)} mm")
    if red_share < 0.8:
        bad.append(f"红色像素仅占{red_share:.0%}")
    if abs(centre - lay.g.portrait.centre_x) > TOL_POS:
        bad.append(f"中线{mm(centre)} mm")
    measured = f"“{lines[0].short(12)}” {lines[0].size_pt:g} pt，字顶{mm(top)} mm，中线{mm(centre)} mm，红色{red_share:.0%}"
    return CheckResult(8, "发文机关标志", not bad, measured, expected, True, bad)


def check_doc_number_rule(lay: Layout) -> CheckResult:
    """发文字号 and red rule: the 字号 line (下行文) is centred (±1 mm); a red rule starts 4 mm (profile)
    below the 字号 line box (±0.5 mm) and spans the 版心 width (±0.5 mm). Not applicable without
    发文字号 and 红头. (The 空二行 above the 字号 and the 上行文 layout with 签发人 are not measured.)"""
    num = doc_number_line(lay)
    m = lay.profile.data.get("masthead", {})
    below = float(m.get("rule_below_number_mm", 4))
    g = lay.g
    expected = f"字号居中；红线在字号下{below:g}±{TOL_RULE} mm，长{g.portrait.width:g} mm"
    if num is None:
        if masthead_lines(lay):
            return CheckResult(9, "发文字号与版头分隔线", False, "有发文机关标志但无发文字号", expected)
        return CheckResult(9, "发文字号与版头分隔线", None, "无发文字号", expected)
    bad = []
    centre = (num.x0 + num.x1) / 2
    if abs(centre - g.portrait.centre_x) > TOL_POS:
        bad.append(f"字号中线{mm(centre)} mm")
    box = (g.portrait.left - 3, num.y1, g.portrait.right + 3, num.y1 + below + 6)
    (_, w, h, px), = render_region(lay.doc.path, 1, box, dpi=150, gray=False)
    rule_top, span = None, None
    for y in range(h):
        row = px[y * w * 3:(y + 1) * w * 3]
        reds = [x for x in range(w) if row[3 * x] > 180 and row[3 * x + 1] < 120 and row[3 * x + 2] < 120]
        if len(reds) > 0.8 * g.portrait.width / 25.4 * 150:
            rule_top = box[1] + y * 25.4 / 150
            span = (box[0] + reds[0] * 25.4 / 150, box[0] + (reds[-1] + 1) * 25.4 / 150)
            break
    if rule_top is None:
        bad.append("字号下方无红色分隔线")
        measured = f"“{num.compact}” 中线{mm(centre)} mm；无红线"
    else:
        gap = rule_top - num.y1
        length = span[1] - span[0]
        if abs(gap - below) > TOL_RULE:
            bad.append(f"红线距字号{mm(gap)} mm")
        if abs(length - g.portrait.width) > TOL_RULE:
            bad.append(f"红线长{mm(length)} mm")
        measured = f"“{num.compact}” 中线{mm(centre)} mm；红线在字号下{mm(gap)} mm，长{mm(length)} mm"
    return CheckResult(9, "发文字号与版头分隔线", not bad, measured, expected, True, bad)


def check_title(lay: Layout) -> CheckResult:
    """Title: the largest text on page 1 (below the 红头) is the profile's title size (22 pt ±0.5), in
    the 小标宋 font (bold), each line centred on the 版心 (±1 mm); the 主送 line is one empty line below."""
    g = lay.g
    lines = title_lines(lay)
    expected = f"{g.title_pt:g} pt {lay.profile.fonts.get('xiaobiaosong', {}).get('label', '小标宋')}，居中（{mm(g.portrait.centre_x, 1)}±{TOL_POS} mm），主送机关空一行"
    if not lines:
        return CheckResult(10, "标题", None, "第1页无标题", expected)
    bad = []
    for l in lines:
        if not lay.size_is(l, g.title_pt):
            bad.append(f"{where(1, l)} {l.size_pt:g} pt")
        c = (l.x0 + l.x1) / 2
        if abs(c - g.portrait.centre_x) > TOL_POS:
            bad.append(f"{where(1, l)} 中线{mm(c)} mm")
        if "xiaobiaosong" in lay.profile.fonts and l.font and (
                not lay.fonts.matches(l.font, "xiaobiaosong")
                or (lay.fonts.bold_required("xiaobiaosong") and not re.search("bold|black|heavy", l.font, re.I))):
            bad.append(f"{where(1, l)} 字体{l.font}")
    centres = [(l.x0 + l.x1) / 2 for l in lines]
    measured = f"{len(lines)}行 {lines[0].size_pt:g} pt {lines[0].font}，中线{mm(min(centres))}–{mm(max(centres))} mm"
    after = [l for l in lay.text_lines(lay.pages[0]) if not l.turned and l.fy0 > lines[-1].fy1]
    if after:
        nxt = min(after, key=lambda l: l.fy0)
        gap = lay.cell_index(nxt) - lay.cell_index(lines[-1]) - 1
        measured += f"；其后“{nxt.short(6)}”空{gap}行"
        if nxt.compact.endswith(("：", ":")) and gap != 1:
            bad.append(f"主送机关与标题间空{gap}行")
    return CheckResult(10, "标题", not bad, measured, expected, True, bad)


def check_signature_date(lay: Layout) -> CheckResult:
    """成文日期 and 署名: the first line reading as a date alone (body size, running-text page) must match
    ^\\d{4}年[1-9]\\d?月[1-9]\\d?日$; with the line above it (署名) it must follow either the unsealed
    layout (署名 右空二字, date 2 字 right of it, or date 右空二字 when longer) or the sealed one (date 右空四字,
    署名 centred over it), ±0.5 mm."""
    g = lay.g
    sig_cfg = lay.profile.data.get("signature", {})
    uns, sea = sig_cfg.get("unsealed", {}), sig_cfg.get("sealed", {})
    ur, ud, sr = (uns.get("right_chars", 2) * g.char, uns.get("date_shift_chars", 2) * g.char,
                  sea.get("right_chars", 4) * g.char)
    expected = "日期格式 YYYY年M月D日（不编虚位）；不盖章：署名右空二字、日期右移二字；盖章：日期右空四字、署名居中"
    for p in lay.pages:  # table pages too (a bulletin signs under its last table); table text is smaller
        for l in lay.text_lines(p):
            if l.turned or not DATE_ANY.match(l.compact) or not lay.size_is(l, g.body_pt):
                continue
            bad = [] if DATE_OK.match(l.compact) else [f"日期“{l.compact}”格式不对"]
            above = [s for s in lay.text_lines(p) if not s.turned and s.fy1 <= l.fy0 + 0.5
                     and l.fy0 - s.fy1 < 2 * g.pitch]
            right = g.portrait.right
            layout = "无署名"
            if above:
                s = max(above, key=lambda s: s.fy1)
                unsealed = (abs(right - s.x1 - ur) <= TOL_BOX and abs(l.x0 - s.x0 - ud) <= TOL_BOX) or \
                    (abs(right - l.x1 - ur) <= TOL_BOX and abs(l.x0 - s.x0 - ud) <= TOL_BOX)
                sealed = abs(right - l.x1 - sr) <= TOL_BOX and abs((s.x0 + s.x1) / 2 - (l.x0 + l.x1) / 2) <= TOL_BOX
                layout = "不盖章格式" if unsealed else "盖章格式" if sealed else "位置不符"
                if not (unsealed or sealed):
                    bad.append(f"署名右空{mm(right - s.x1)} mm，日期右空{mm(right - l.x1)} mm，"
                               f"日期左端距署名左端{mm(l.x0 - s.x0)} mm")
                measured = (f"第{p.number}页 “{s.short(10)}”/“{l.compact}” {layout}："
                            f"署名右空{mm(right - s.x1)} mm，日期右空{mm(right - l.x1)} mm，右移{mm(l.x0 - s.x0)} mm")
            else:
                measured = f"第{p.number}页 “{l.compact}”，上方无署名"
            return CheckResult(11, "署名与成文日期", not bad, measured, expected, True, bad)
    return CheckResult(11, "署名与成文日期", None, "未找到成文日期", expected)


# -- 12 -----------------------------------------------------------------------------------------------

def check_annex_pages(lay: Layout) -> CheckResult:
    """附件 pages: each page whose first line is 附件N has the label 顶格 (frame left edge ±0.5 mm) with its
    baseline in the first grid line, and the title starting on grid line 3, every title line centred
    (±1 mm) — measured in the page's reading frame (turned tables: the landscape frame). The title must
    appear in the text before the first 附件 page (附件说明)."""
    g = lay.g
    pages = lay.annex_pages
    expected = f"附件N 顶格（{g.portrait.left:g}±{TOL_BOX} mm）在第1行，标题在第3行居中（±{TOL_POS} mm），与附件说明一致"
    if not pages:
        return CheckResult(12, "附件页", None, "无附件页", expected)
    before = "".join(l.compact for p in lay.pages[:pages[0].number - 1] for l in lay.text_lines(p))
    bad, lefts, title_rows = [], [], []
    annex_size = float(lay.profile.block("annex-title")["size_pt"])
    for p in pages:
        label = lay.first_line(p)
        box = g.box_for(label.frame_size)
        lefts.append(label.fx0 - box.left)
        if abs(label.fx0 - box.left) > TOL_BOX:
            bad.append(f"{where(p, label)} 左端{mm(label.fx0)} mm")
        if lay.cell_index(label) != 0:
            bad.append(f"{where(p, label)} 不在第1行")
        same = [l for l in lay.text_lines(p) if l.turned == label.turned and l is not label
                and not l.approx and l.size_pt and l.size_pt >= annex_size - 1]
        title = sorted(same, key=lambda l: l.fy0)
        if not title:
            bad.append(f"{where(p)} 无标题")
            continue
        row = lay.cell_index(title[0]) + 1
        title_rows.append(row)
        if row != 3:
            bad.append(f"{where(p, title[0])} 标题在第{row}行")
        for l in title:
            c = (l.fx0 + l.fx1) / 2
            if abs(c - box.centre_x) > TOL_POS:
                bad.append(f"{where(p, l)} 标题中线{mm(c)} mm（应为{mm(box.centre_x)}）")
        name = "".join(l.compact for l in title)
        if name not in before:
            bad.append(f"{where(p)} 标题“{name[:16]}”不在附件说明中")
    measured = (f"{len(pages)}页（第{'、'.join(str(p.number) for p in pages)}页）；标签距左边{mm(min(lefts))}–{mm(max(lefts))} mm；"
                f"标题在第{'、'.join(str(r) for r in sorted(set(title_rows)))}行")
    return CheckResult(12, "附件页", not bad, measured, expected, True, capped(bad))


# -- 13 -----------------------------------------------------------------------------------------------

def _dark_rules(lay: Layout, page: int, box, dpi: int = 600) -> list[tuple[float, float]]:
    """(top, bottom) mm of horizontal rules covering ≥ 80 % of the box width."""
    (_, w, h, px), = render_region(lay.doc.path, page, box, dpi=dpi, gray=True)
    table = bytes(1 if v < 128 else 0 for v in range(256))
    step = 8
    need = 0.8 * len(range(0, w, step))
    rows = [y for y in range(h) if px[y * w:(y + 1) * w][::step].translate(table).count(1) >= need]
    rules, start = [], None
    for i, y in enumerate(rows):
        if start is None:
            start = y
        if i + 1 == len(rows) or rows[i + 1] != y + 1:
            rules.append((box[1] + start * 25.4 / dpi, box[1] + (y + 1) * 25.4 / dpi))
            start = None
    return rules


def check_imprint(lay: Layout) -> CheckResult:
    """版记 on the last page (抄送/…印发 lines): its last rule's bottom on the 版心 bottom (±0.5 mm);
    first and last rules thick (0.35 mm), middle ones thin (0.25 mm); 抄送/印发 text in the imprint size
    (14 pt) with 1 字 (of that size) indents. Not applicable without 版记."""
    g = lay.g
    imp = lay.profile.data.get("imprint", {})
    size, thick, thin = float(imp.get("size_pt", 14)), float(imp.get("thick_rule_mm", 0.35)), float(imp.get("thin_rule_mm", 0.25))
    indent = imp.get("indent_chars", 1) * size * PT
    expected = (f"末条线在{g.portrait.bottom:g}±{TOL_RULE} mm，粗线{thick:g}/细线{thin:g}±{TOL_RULE_WIDTH} mm，"
                f"文字{size:g} pt、左右空{mm(indent)} mm")
    if not lay.pages:
        return CheckResult(13, "版记", None, "无版记", expected)
    last = lay.pages[-1]
    lines = [l for l in lay.text_lines(last) if not l.turned]
    copy = [l for l in lines if l.compact.startswith("抄送")]
    printed = [l for l in lines if re.search(r"\d+年\d+月\d+日印发$", l.compact)]
    if not copy and not printed:
        return CheckResult(13, "版记", None, "无版记", expected)
    bad = []
    top = min(l.y0 for l in copy + printed) - 12
    rules = _dark_rules(lay, last.number, (g.portrait.left, top, g.portrait.right, g.portrait.bottom + 3))
    if len(rules) < 2:
        bad.append(f"版记分隔线{len(rules)}条")
        widths = []
    else:
        widths = [b - a for a, b in rules]
        if abs(rules[-1][1] - g.portrait.bottom) > TOL_RULE:
            bad.append(f"末条线下沿{mm(rules[-1][1])} mm")
        for i, w in enumerate(widths):
            want = thick if i in (0, len(widths) - 1) else thin
            if abs(w - want) > TOL_RULE_WIDTH:
                bad.append(f"第{i + 1}条线粗{mm(w)} mm（应为{want:g}）")
    for l in copy + printed:
        if not lay.size_is(l, size):
            bad.append(f"“{l.short(8)}” {l.size_pt} pt")
    for l in copy:
        if abs(l.x0 - g.portrait.left - indent) > TOL_BOX:
            bad.append(f"抄送左空{mm(l.x0 - g.portrait.left)} mm")
    for l in printed:
        if abs(g.portrait.right - l.x1 - indent) > TOL_BOX:
            bad.append(f"印发日期右空{mm(g.portrait.right - l.x1)} mm")
    measured = (f"第{last.number}页 分隔线{len(rules)}条" +
                (f"，末条下沿{mm(rules[-1][1])} mm，线粗{'/'.join(mm(w) for w in widths)} mm" if rules else ""))
    return CheckResult(13, "版记", not bad, measured, expected, True, bad)


# -- 14 -----------------------------------------------------------------------------------------------

def _page_number_ink(lay: Layout) -> dict[int, float]:
    """Page → vertical centre (mm) of the ink of the page-number line's first word (the 一字线), for
    upright page numbers on portrait pages, from one rendering of a strip around the expected place."""
    g = lay.g
    y0, y1 = g.pn_centre - 8, g.pn_centre + 8
    wanted = {n: l for n, l in lay.page_number_lines.items()
              if not l.turned and not lay.pages[n - 1].landscape and l.y0 >= y0 and l.y1 <= y1}
    runs, run = [], []
    for n in sorted(wanted):
        if run and n != run[-1] + 1:
            runs.append(run)
            run = []
        run.append(n)
    if run:
        runs.append(run)
    dpi, out = 300, {}
    for run in runs:
        images = render_region(lay.doc.path, run[0], (0, y0, g.width, y1), dpi=dpi, gray=True, last=run[-1])
        for number, w, h, px in images:
            if number not in wanted or len(px) < w * h:
                continue
            word = wanted[number].words[0]
            a, b = max(0, int(word.x0 * dpi / 25.4)), min(w, int(word.x1 * dpi / 25.4) + 1)
            line = wanted[number]
            top, bottom = int((line.y0 - y0) * dpi / 25.4), int((line.y1 - y0) * dpi / 25.4) + 1
            rows = [y for y in range(max(0, top), min(h, bottom)) if b > a and min(px[y * w + a:y * w + b]) < 128]
            if rows:
                out[number] = y0 + (rows[0] + rows[-1] + 1) / 2 * 25.4 / dpi
    return out


@dataclass
class PageNumber:
    page: int
    number: int | None        # the number printed, None when the page has none
    centre: float | None      # mm from the top of the (portrait) frame
    left: float | None
    right: float | None
    landscape: bool
    problems: list[str]


def page_numbers(lay: Layout) -> list[PageNumber]:
    """The page-number line of every page, measured as check 14 describes."""
    g = lay.g
    ink = _page_number_ink(lay)
    out = []
    for p in lay.pages:
        l = lay.page_number_lines.get(p.number)
        if l is None:
            out.append(PageNumber(p.number, None, None, None, None, p.landscape, ["无页码"]))
            continue
        n = int(lay.pn_pattern.match(l.compact).group(1))
        problems = [] if n == p.number else [f"页码为{n}"]
        # the number's position on the portrait page (a landscape page's tbRl number: its turned frame)
        fw, fh = l.frame_size
        c = None
        if fw > fh:
            problems.append("页码未转为竖向")
        else:
            c = ink.get(p.number, l.em_centre())
            if abs(c - g.pn_centre) > TOL_POS:
                problems.append(f"中线距顶{mm(c)} mm")
            if p.number % 2:
                if abs(l.fx1 - (g.portrait.right - g.pn_indent)) > TOL_POS:
                    problems.append(f"奇数页右端{mm(l.fx1)} mm")
            elif abs(l.fx0 - (g.portrait.left + g.pn_indent)) > TOL_POS:
                problems.append(f"偶数页左端{mm(l.fx0)} mm")
        out.append(PageNumber(p.number, n, c, l.fx0, l.fx1, p.landscape, problems))
    return out


def _page_ranges(pages: list[int]) -> str:
    parts, start = [], None
    for i, n in enumerate(pages):
        start = n if start is None else start
        if i + 1 == len(pages) or pages[i + 1] != n + 1:
            parts.append(f"{start}–{n}" if n > start else str(n))
            start = None
    return "、".join(parts)


def _grouped(items: list[tuple[int, str]]) -> list[str]:
    """'第1–9、11页 message' for pages sharing the same message, in page order."""
    groups: dict[str, list[int]] = {}
    for page, message in items:
        groups.setdefault(message, []).append(page)
    return [f"第{_page_ranges(pages)}页 {message}" for message, pages in groups.items()]


def check_page_numbers(lay: Layout) -> CheckResult:
    """Page numbers: every page has a line in the profile's style ('— n —') with n = the page's number;
    on portrait pages the ink of its 一字线 (first word) is centred 7 mm below the 版心 (269 mm ±1; where
    it cannot be rendered, the ideographic em-box centre is used); odd pages end 1 字 (of the page-number
    size) inside the 版心 right edge, even pages start 1 字 inside its left edge (±1 mm). Landscape pages
    are measured in their turned (portrait) frame and only reported."""
    g = lay.g
    found = page_numbers(lay)
    bad = _grouped([(f.page, "，".join(f.problems)) for f in found if f.problems and not f.landscape])
    soft = _grouped([(f.page, "（横向，仅报告） " + "，".join(f.problems)) for f in found if f.problems and f.landscape])
    measured = f"{sum(f.number is not None for f in found)}/{len(found)}页有页码"
    centres = [f.centre for f in found if f.centre is not None and not f.landscape]
    turned = [f.centre for f in found if f.centre is not None and f.landscape]
    if centres:
        measured += f"，中线距顶{mm(min(centres))}–{mm(max(centres))} mm"
    if turned:
        measured += f"；横向页（转为竖向）{mm(min(turned))}–{mm(max(turned))} mm"
    expected = (f"“{g.pn_text.replace('{page}', 'n')}”，中线距顶{g.pn_centre:g}±{TOL_POS} mm，奇数页右端{mm(g.portrait.right - g.pn_indent)}、"
                f"偶数页左端{mm(g.portrait.left + g.pn_indent)}±{TOL_POS} mm")
    return CheckResult(14, "页码", not bad, measured, expected, True, capped(bad + soft))


# -- 15 -----------------------------------------------------------------------------------------------

def check_doc_numbers(lay: Layout) -> CheckResult:
    """文号: every text reading like a 发文字号 (bracketed year + number + 号) must be 〔YYYY〕N号 with the
    六角括号 U+3014/3015, no leading zero and no 第."""
    found, bad = [], []
    for p in lay.pages:
        for l in lay.text_lines(p):
            for m in DOC_NUMBER_ANY.finditer(l.compact):
                found.append(m.group(0))
                if not DOC_NUMBER_OK.fullmatch(re.sub(r"\s+", "", m.group(0))):
                    bad.append(f"{where(p)}“{m.group(0)}”")
    expected = "〔YYYY〕N号（六角括号U+3014/3015，不编虚位，不加“第”）"
    if not found:
        return CheckResult(15, "文号格式", None, "无文号", expected)
    return CheckResult(15, "文号格式", not bad, f"{len(found)}处：{'、'.join(sorted(set(found))[:5])}", expected,
                       True, capped(bad))


ALL_CHECKS = (check_page_size, check_text_box, check_full_pages, check_chars_per_line, check_kinsoku,
              check_fonts, check_indent, check_masthead, check_doc_number_rule, check_title,
              check_signature_date, check_annex_pages, check_imprint, check_page_numbers, check_doc_numbers)
