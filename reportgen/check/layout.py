"""What the checks know about a read-back PDF: the profile's geometry and the document's structure
(page-number lines, body pages, rows of text, parts and annex pages)."""

from __future__ import annotations

import math
import re
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..profile import PT_PER_MM, Profile
from .pdfdoc import Line, Page, PdfDocument

ANNEX_LABEL = re.compile(r"^附件\d*$")


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2


class Geometry:
    """Numbers of the profile the checks measure against (mm unless named otherwise)."""

    def __init__(self, profile: Profile):
        self.profile = profile
        page = profile.page
        self.width, self.height = float(page["width_mm"]), float(page["height_mm"])
        m, lm = page["margins_mm"], page["landscape_margins_mm"]
        self.portrait = Box(m["left"], m["top"], self.width - m["right"], self.height - m["bottom"])
        self.landscape = Box(lm["left"], lm["top"], self.height - lm["right"], self.width - lm["bottom"])
        self.pitch_pt = float(profile.grid["line_pitch_pt"])
        self.pitch = self.pitch_pt / PT_PER_MM
        self.char = profile.char_mm()
        body = profile.block("body")
        self.body_pt = float(body["size_pt"])
        self.indent = body.get("indent_chars", 2) * self.char
        self.title_sizes = [float(profile.blocks[k]["size_pt"]) for k in ("title", "plan-title", "annex-title")
                            if k in profile.blocks]
        self.title_pt = float(profile.block("title")["size_pt"])
        self.chars_per_line = round(self.portrait.width / self.char)
        self.lines_per_page = math.floor(
            (self.portrait.bottom - self.portrait.top) * PT_PER_MM / self.pitch_pt + 1e-6)
        pn = profile.page_number
        self.pn_pt = float(pn["size_pt"])
        self.pn_indent = pn["outer_indent_chars"] * self.pn_pt / PT_PER_MM
        self.pn_centre = self.portrait.bottom + float(pn["below_type_area_mm"])
        self.pn_text = pn["text"]

    def box_for(self, frame_size: tuple[float, float]) -> Box:
        w, h = frame_size
        return self.landscape if w > h else self.portrait

    def page_number_pattern(self) -> re.Pattern:
        before, _, after = self.pn_text.partition("{page}")
        strip = lambda s: re.escape(re.sub(r"\s+", "", s))  # noqa: E731
        return re.compile(f"^{strip(before)}(\\d+){strip(after)}$")


# -- fonts ------------------------------------------------------------------------------------------

def _norm(name: str) -> str:
    n = re.sub(r"[^a-z0-9]", "", name.lower())
    # The Noto CJK collections hold one face per region; LibreOffice names the embedded font after
    # the collection's first face (…CJKjp…) whatever face it uses, so the region code is not compared.
    return re.sub(r"cjk(sc|tc|jp|kr|hk)", "cjk", n)


class FontNames:
    """Names under which each role's configured fonts can appear in a PDF."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.by_role: dict[str, set[str]] = {}
        ps = _postscript_names(profile)
        for role, font in profile.fonts.items():
            names = {font["pdf_family"]} | ({font["fallback"]} if font.get("fallback") else set())
            for family in list(names):
                names |= ps.get(family.lower(), set())
            self.by_role[role] = {_norm(n) for n in names}

    def all(self) -> set[str]:
        return set().union(*self.by_role.values())

    def matches(self, pdf_name: str, role: str | None = None) -> bool:
        n = _norm(pdf_name)
        pool = self.by_role.get(role, set()) if role else self.all()
        return any(n.startswith(p) for p in pool if p)

    def bold_required(self, role: str) -> bool:
        return (self.profile.fonts[role].get("pdf_weight") or 0) >= 700


_PS_CACHE: dict[str, dict[str, set[str]]] = {}


def _postscript_names(profile: Profile) -> dict[str, set[str]]:
    """family (lower case) → PostScript names of the installed faces, from fc-list with the project's
    fontconfig (the one LibreOffice uses), e.g. 'ar pl ukai cn' → {'UKaiCN'}."""
    key = str(profile.path)
    if key in _PS_CACHE:
        return _PS_CACHE[key]
    out: dict[str, set[str]] = {}
    try:
        from ..fontconfig import libreoffice_environment

        with tempfile.TemporaryDirectory(prefix="reportgen-fc-") as tmp:
            env = libreoffice_environment(profile, Path(tmp))
            text = subprocess.run(["fc-list", "-f", "%{family}\t%{postscriptname}\n"], env=env,
                                  capture_output=True, text=True, timeout=60).stdout
        for row in text.splitlines():
            families, _, ps = row.partition("\t")
            for family in families.split(","):
                if ps:
                    out.setdefault(family.strip().lower(), set()).add(ps.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    _PS_CACHE[key] = out
    return out


# -- the document's structure ------------------------------------------------------------------------

class Layout:
    def __init__(self, doc: PdfDocument, profile: Profile, libreoffice_docx: bool = False):
        self.doc, self.profile = doc, profile
        # LibreOffice's rendering of a DOCX: what LibreOffice does differently from Word is excused
        # (a line-final 、。，． hanging past the 版心, breaks around ·; docs/docx-in-office-programs.md)
        self.libreoffice_docx = libreoffice_docx
        self.g = Geometry(profile)
        self.pn_pattern = self.g.page_number_pattern()
        self.fonts = FontNames(profile)

    @property
    def pages(self) -> list[Page]:
        return self.doc.pages

    @cached_property
    def page_number_lines(self) -> dict[int, Line]:
        """Page → its page-number line (the matching line nearest the foot of the page's frame)."""
        found = {}
        for page in self.pages:
            cands = [l for l in page.lines if self.pn_pattern.match(l.compact)]
            if not cands:
                continue
            right = [l for l in cands if int(self.pn_pattern.match(l.compact).group(1)) == page.number]
            found[page.number] = max(right or cands, key=lambda l: l.fy1)
        return found

    def text_lines(self, page: Page) -> list[Line]:
        pn = self.page_number_lines.get(page.number)
        return [l for l in page.lines if l is not pn]

    def in_type_area(self, line: Line, slack: float = 2.0) -> bool:
        """The line lies (vertically) within the 版心 of its frame: not a stray header or footer."""
        box = self.g.box_for(line.frame_size)
        top, bottom = line.frame_vertical()
        return top >= box.top - slack and bottom <= box.bottom + slack

    def size_is(self, line: Line, size_pt: float, tol: float = 0.5) -> bool:
        return line.size_pt is not None and abs(line.size_pt - size_pt) <= tol

    @cached_property
    def table_pages(self) -> set[int]:
        """Pages with a table: any turned text, or text smaller than the body size (table cells, notes)."""
        out = set()
        for page in self.pages:
            for l in self.text_lines(page):
                if not self.in_type_area(l):
                    continue
                if l.turned or (l.size_pt is not None and l.size_pt < self.g.body_pt - 1):
                    out.add(page.number)
                    break
        return out

    def body_pages(self) -> list[Page]:
        """Portrait pages of running text (no table)."""
        return [p for p in self.pages if not p.landscape and p.number not in self.table_pages]

    def rows(self, page: Page) -> list[list[Line]]:
        """Upright text lines grouped by baseline (a row = one line of the page), top to bottom."""
        lines = sorted((l for l in self.text_lines(page) if not l.turned and self.in_type_area(l)),
                       key=lambda l: (l.baseline if l.baseline is not None else l.y1, l.x0))
        rows: list[list[Line]] = []
        for l in lines:
            b = l.baseline if l.baseline is not None else l.y1
            if rows:
                last = rows[-1][0]
                lb = last.baseline if last.baseline is not None else last.y1
                if abs(b - lb) <= 1.0:
                    rows[-1].append(l)
                    continue
            rows.append([l])
        return [sorted(r, key=lambda l: l.x0) for r in rows]

    def first_line(self, page: Page) -> Line | None:
        """The first line in reading order, in the page's main text direction."""
        lines = self.text_lines(page)
        if not lines:
            return None
        turned = sum(l.turned for l in lines)
        main = [l for l in lines if l.turned == (turned > len(lines) / 2)]
        return min(main, key=lambda l: (round(l.fy0, 0), l.fx0))

    def starts_part(self, page: Page) -> bool:
        """A page beginning a new part: the first page, a page opening with 附件N or with a title."""
        if page.number == 1:
            return True
        first = self.first_line(page)
        if first is None:
            return False
        if ANNEX_LABEL.match(first.compact):
            return True
        return first.size_pt is not None and first.size_pt >= min(self.g.title_sizes) - 1

    @cached_property
    def annex_pages(self) -> list[Page]:
        out = []
        for page in self.pages:
            first = self.first_line(page)
            if first is not None and ANNEX_LABEL.match(first.compact):
                out.append(page)
        return out

    def baseline_of(self, line: Line) -> float:
        return line.frame_baseline if line.frame_baseline is not None else line.fy1 - 0.2 * (line.fy1 - line.fy0)

    def cell_index(self, line: Line) -> int:
        """The grid line (0 = first) whose cell holds the line's baseline."""
        box = self.g.box_for(line.frame_size)
        return math.floor((self.baseline_of(line) - box.top) / self.g.pitch)


def mm(v: float, digits: int = 2) -> str:
    return f"{v:.{digits}f}"
