"""A PDF read back for measuring: pages, text lines with boxes, font names, sizes and baselines.

Geometry comes from `pdftotext -bbox-layout` (word and line boxes, in points, origin top-left); every
line is then given the font, size, direction and baseline of the text fragments pypdf finds inside its
box. All positions here are millimetres from the top-left corner of the page.

Text turned a quarter on a portrait page (wide annex tables, GB/T 9704 8) is also given "frame"
coordinates: the position it has on the page turned so the text reads left to right. For text that
reads upwards (turned counter-clockwise) that frame is the landscape page with the portrait page's
bottom edge on the left.
"""

from __future__ import annotations

import html
import math
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

PT = 25.4 / 72  # mm per point

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_LINE = re.compile(r'<line xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">')
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>')
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


class PdfToolError(RuntimeError):
    """pdftotext / pdffonts missing or failing on the file."""


def run_tool(cmd: list[str]) -> str:
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except FileNotFoundError as exc:
        raise PdfToolError(f"找不到 {cmd[0]}（请安装 poppler-utils）") from exc
    if result.returncode != 0:
        raise PdfToolError(f"{cmd[0]} 读取失败：{result.stderr.strip()[:300]}")
    return result.stdout


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Fragment:
    """A text-showing operation as pypdf reports it: origin on the baseline, size, font, direction."""
    text: str
    x: float
    y: float
    size_pt: float
    font: str
    direction: str  # "h" (left to right), "up" (turned counter-clockwise), "down" (turned clockwise)


@dataclass
class Line:
    words: list[Word]
    x0: float
    y0: float
    x1: float
    y1: float
    page_width: float
    page_height: float
    font: str | None = None
    size_pt: float | None = None
    baseline: float | None = None  # y of the baseline (horizontal text) or x (turned text), page mm
    direction: str = "h"
    fonts: set[str] = field(default_factory=set)
    approx: bool = False  # font and size borrowed from a neighbouring fragment (table cells)

    @cached_property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @cached_property
    def compact(self) -> str:
        return re.sub(r"\s+", "", self.text)

    @property
    def turned(self) -> bool:
        return self.direction != "h"

    # -- reading frame ---------------------------------------------------------------------------
    @property
    def frame(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) in the frame where the text reads left to right."""
        if self.direction == "up":
            return (self.page_height - self.y1, self.x0, self.page_height - self.y0, self.x1)
        if self.direction == "down":
            return (self.y0, self.page_width - self.x1, self.y1, self.page_width - self.x0)
        return (self.x0, self.y0, self.x1, self.y1)

    @property
    def frame_size(self) -> tuple[float, float]:
        """(width, height) of the frame page."""
        if self.turned:
            return (self.page_height, self.page_width)
        return (self.page_width, self.page_height)

    @property
    def frame_baseline(self) -> float | None:
        if self.baseline is None:
            return None
        if self.direction == "down":
            return self.page_width - self.baseline
        return self.baseline

    @property
    def fx0(self) -> float:
        return self.frame[0]

    @property
    def fx1(self) -> float:
        return self.frame[2]

    @property
    def fy0(self) -> float:
        return self.frame[1]

    @property
    def fy1(self) -> float:
        return self.frame[3]

    def frame_vertical(self) -> tuple[float, float]:
        """(top, bottom) of the text in its frame: the ideographic em box (baseline − 0.88 em to
        baseline + 0.12 em) when baseline and size are known, else pdftotext's box (which uses the
        font's ascent and descent, up to 1.16 em above the baseline for Noto CJK)."""
        fb = self.frame_baseline
        if fb is None or self.size_pt is None or self.approx:
            return self.fy0, self.fy1
        em = self.size_pt * PT
        return fb - 0.88 * em, fb + 0.12 * em

    def em_centre(self) -> float:
        """Vertical centre of the ideographic em box (frame mm): baseline − 0.38 em for CJK fonts."""
        if self.frame_baseline is None or self.size_pt is None:
            return (self.fy0 + self.fy1) / 2
        return self.frame_baseline - 0.38 * self.size_pt * PT

    def short(self, n: int = 16) -> str:
        t = self.compact
        return t if len(t) <= n else t[:n] + "…"


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass
class PdfFont:
    name: str       # as embedded, without the subset prefix
    type: str
    embedded: bool
    subset: bool


@dataclass
class PdfDocument:
    path: Path
    pages: list[Page]
    producer: str = ""
    _fonts: list[PdfFont] | None = None

    @property
    def fonts(self) -> list[PdfFont]:
        if self._fonts is None:
            self._fonts = read_fonts(self.path)
        return self._fonts

    @property
    def libreoffice(self) -> bool:
        return "libreoffice" in self.producer.lower() or "openoffice" in self.producer.lower()


def base_font_name(name: str) -> str:
    return SUBSET_PREFIX.sub("", name.lstrip("/"))


def read_fonts(path: Path) -> list[PdfFont]:
    """Fonts as `pdffonts` lists them (column widths taken from its dashed header line)."""
    out = run_tool(["pdffonts", str(path)]).splitlines()
    if len(out) < 2:
        return []
    spans, pos = [], 0
    for dashes in out[1].split(" "):
        spans.append((pos, pos + len(dashes)))
        pos += len(dashes) + 1
    fonts = []
    for row in out[2:]:
        cols = [row[a:b].strip() for a, b in spans]
        if len(cols) < 5 or not cols[0]:
            continue
        fonts.append(PdfFont(base_font_name(cols[0]), cols[1], cols[3] == "yes", cols[4] == "yes"))
    return fonts


def _fragments(path: Path) -> tuple[list[list[Fragment]], str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    producer = str((reader.metadata or {}).get("/Producer", "") or "")
    pages = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        frags: list[Fragment] = []

        def visit(text, cm, tm, font_dict, font_size, frags=frags, height=height):
            if not text or not text.strip() or not font_size:
                return
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            e = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            f = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = math.sqrt(abs(a * d - b * c))
            if abs(a) >= abs(b):
                direction = "h"
            else:
                direction = "up" if b > 0 else "down"
            font = base_font_name(str(font_dict.get("/BaseFont", ""))) if font_dict else ""
            frags.append(Fragment(text, e * PT, (height - f) * PT, font_size * scale, font, direction))

        try:
            page.extract_text(visitor_text=visit)
        except Exception:  # a page pypdf cannot walk keeps its lines without fonts
            pass
        pages.append(frags)
    return pages, producer


def _annotate(line: Line, frags: list[Fragment]) -> None:
    pad = 0.5  # mm
    inside = [f for f in frags
              if line.x0 - pad <= f.x <= line.x1 + pad and line.y0 - pad <= f.y <= line.y1 + pad]
    if not inside:
        line.approx = True
        # pypdf may report a table row as one fragment starting in an earlier cell of the same row
        row = [f for f in frags if f.direction == "h" and line.y0 - pad <= f.y <= line.y1 + pad and f.x < line.x0]
        up = [f for f in frags if f.direction == "up" and line.x0 - pad <= f.x <= line.x1 + pad and f.y > line.y1]
        scored = [(line.x0 - f.x, f) for f in row] + [(f.y - line.y1, f) for f in up]
        if scored:
            inside = [min(scored, key=lambda t: t[0])[1]]
        else:
            # last resort: the nearest fragment (a cell of a multi-line header)
            cx, cy = (line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2
            near = [(math.hypot(f.x - cx, f.y - cy), i) for i, f in enumerate(frags)]
            if not near or min(near)[0] > 15:
                return
            inside = [frags[min(near)[1]]]
    line.fonts = {f.font for f in inside}
    main = max(inside, key=lambda f: len(f.text.strip()))
    line.font, line.size_pt, line.direction = main.font, round(main.size_pt, 2), main.direction
    same = [f for f in inside if f.direction == main.direction]
    values = sorted((f.x if main.direction != "h" else f.y) for f in same)
    line.baseline = values[len(values) // 2]


def _geometric_direction(line: Line) -> str:
    if len(line.compact) >= 2 and (line.y1 - line.y0) > 1.5 * (line.x1 - line.x0):
        return "up"
    return "h"


def read_pdf(path: Path) -> PdfDocument:
    path = Path(path)
    xhtml = run_tool(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"])
    frag_pages, producer = _fragments(path)
    pages: list[Page] = []
    chunks = xhtml.split("<page ")[1:]
    for i, chunk in enumerate(chunks):
        m = _PAGE.match("<page " + chunk)
        width, height = float(m.group(1)) * PT, float(m.group(2)) * PT
        lines = []
        for part in chunk.split("<line ")[1:]:
            lm = _LINE.match("<line " + part)
            if not lm:
                continue
            words = [Word(html.unescape(t), float(a) * PT, float(b) * PT, float(c) * PT, float(d) * PT)
                     for a, b, c, d, t in _WORD.findall(part.split("</line>")[0])]
            if not words:
                continue
            x0, y0, x1, y1 = (float(v) * PT for v in lm.groups())
            line = Line(words, x0, y0, x1, y1, width, height)
            line.direction = _geometric_direction(line)
            if i < len(frag_pages):
                _annotate(line, frag_pages[i])
            lines.append(line)
        pages.append(Page(i + 1, width, height, lines))
    return PdfDocument(path, pages, producer)


def full_width(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def width_in_chars(text: str) -> float:
    """Width of a text in 字: full-width characters 1, others ½."""
    return sum(1 if full_width(c) else 0.5 for c in text if not c.isspace())


def render_region(path: Path, page: int, box_mm: tuple[float, float, float, float], dpi: int = 300,
                  gray: bool = True, last: int | None = None) -> list[tuple[int, int, int, bytes]]:
    """Rasterise a region (x0, y0, x1, y1 mm) of pages page…last with pdftoppm.

    Returns one (page, width, height, pixels) per page; pixels are 1 byte (gray) or 3 bytes (RGB) per pixel."""
    import tempfile

    x0, y0, x1, y1 = box_mm
    px = dpi / 25.4
    last = last or page
    with tempfile.TemporaryDirectory(prefix="reportgen-check-") as tmp:
        prefix = Path(tmp) / "r"
        cmd = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(last),
               "-x", str(int(x0 * px)), "-y", str(int(y0 * px)),
               "-W", str(max(1, int((x1 - x0) * px))), "-H", str(max(1, int((y1 - y0) * px)))]
        if gray:
            cmd.append("-gray")
        run_tool(cmd + [str(path), str(prefix)])
        images = []
        for f in sorted(Path(tmp).iterdir()):
            number = int(re.search(r"-(\d+)\.p[gp]m$", f.name).group(1))
            images.append((number, *_read_pnm(f.read_bytes())))
    return images


def _read_pnm(data: bytes) -> tuple[int, int, bytes]:
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    return int(fields[1]), int(fields[2]), data[pos:]
