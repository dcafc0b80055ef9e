"""HTML → PDF with WeasyPrint. It may read only the templates and fonts in use: no network."""

from __future__ import annotations

import ctypes.util
import logging
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import lxml.html

from .. import resources
from ..profile import Profile
from ..resources import TEMPLATES_DIR
from .pdf_grid import apply_grid
from .title_lines import apply_title_breaks
from .weasyprint_fonts import install as install_font_patch


def allowed_dirs() -> tuple[Path, ...]:
    """The template folders and font folders in force (the package's and the project's)."""
    return tuple(d.resolve() for d in resources.template_dirs() + resources.font_dirs())


class FetchRefused(Exception):
    pass


def _check_url(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return
    if parsed.scheme != "file":
        raise FetchRefused(f"拒绝读取网络资源：{url}")
    path = Path(unquote(parsed.path)).resolve()
    if not any(path.is_relative_to(d) for d in allowed_dirs()):
        raise FetchRefused(f"拒绝读取模板和字体目录以外的文件：{path}")


def safe_url_fetcher():
    """A WeasyPrint URL fetcher that reads file:// URLs inside the allowed folders only."""
    from weasyprint.urls import URLFetcher

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            _check_url(url)
            return super().fetch(url, headers)

    return SafeURLFetcher(allowed_protocols=("file", "data"))


def harfbuzz_subset_available() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.S)


@lru_cache(maxsize=4)
def _stylesheet(css: str):
    """The document's stylesheet, parsed once per process with the font configuration that holds
    its @font-face fonts (parsing and loading the fonts took ~60 ms of every document)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheet = CSS(string=css, base_url=str(TEMPLATES_DIR) + "/", url_fetcher=safe_url_fetcher(),
                     font_config=font_config)
    return stylesheet, font_config


SPILL_ROWS = 2  # a table whose last page holds this many body rows or fewer is fitted


def spilled_tables(document) -> dict[str, str]:
    """{data-index: orientation} of the annex tables whose last page holds only a row or two (at
    most SPILL_ROWS) under the repeated head."""
    from weasyprint.formatting_structure import boxes

    rows_per_page: dict[str, list[int]] = {}
    orientation: dict[str, str] = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, boxes.TableBox) and box.element is not None and box.element.get("data-index"):
                rows = sum(len(group.children) for group in box.children
                           if isinstance(group, boxes.TableRowGroupBox) and not group.is_header)
                rows_per_page.setdefault(box.element.get("data-index"), []).append(rows)
                orientation[box.element.get("data-index")] = box.element.get("data-orientation") or "portrait"
    return {i: orientation[i] for i, rows in rows_per_page.items()
            if len(rows) > 1 and rows[-1] <= SPILL_ROWS < sum(rows[:-1])}


def fit_tables(html: str, pitches: dict[str, float]) -> str:
    """The HTML with the cells of the given annex tables (by data-index) set at the given line pitch."""
    doc = lxml.html.document_fromstring(html)
    for table in doc.iter("table"):
        if table.get("data-index") in pitches:
            for cell in table.iter("th", "td"):
                cell.set("style", f"line-height: {pitches[table.get('data-index')]:g}pt; " + (cell.get("style") or ""))
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def _page_parts(document) -> list | None:
    """The templates' section.part element each page shows (WeasyPrint's element), or None if a page
    shows none."""
    parts = []
    for page in document.pages:
        part = next((box.element for box in page._page_box.descendants()
                     if getattr(box, "element_tag", None) == "section"
                     and "part" in (box.element.get("class") or "").split()), None)
        if part is None:
            return None
        parts.append(part)
    return parts


def relayout_tables(html: str, document, pitches: dict[str, float], render):
    """render(fit_tables(html, pitches)), laying out again only the pages from the first part whose tables
    change: each section.part starts a new page (gbt9704.css), so the pages before it are the same as
    `document`'s. The later parts are rendered after as many empty parts as there were pages before, so
    that page numbers and left/right pages are those of the whole document, and the pages are spliced
    (Document.copy, WeasyPrint's documented way to combine documents). The PDF is byte-identical to
    rendering the whole document (tests/test_table_fit.py). Falls back to the whole document when the
    HTML or the pages are not laid out as expected."""
    fitted = fit_tables(html, pitches)
    tree = lxml.html.document_fromstring(fitted)
    parts = [s for s in tree.body.iter("section") if "part" in (s.get("class") or "").split()]
    page_parts = _page_parts(document)
    shown = list(dict.fromkeys(page_parts or []))   # WeasyPrint's parts in page order
    changed = [i for i, part in enumerate(parts) if any(t.get("data-index") in pitches for t in part.iter("table"))]
    if (not changed or page_parts is None or len(shown) != len(parts) or [c for c in tree.body] != parts
            or (tree.body.text or "").strip() or any((p.tail or "").strip() for p in parts)
            or [shown.index(p) for p in page_parts] != sorted(shown.index(p) for p in page_parts)):
        return render(fitted)
    first = changed[0]
    start = page_parts.index(shown[first])
    if start == 0:
        return render(fitted)
    for part in parts[:first]:
        tree.body.remove(part)
    for _ in range(start):
        parts[first].addprevious(lxml.html.fromstring('<section class="part"></section>'))
    probe = render(lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>"))
    probe_parts = _page_parts(probe)
    if (probe_parts is None or len(probe_parts) <= start or any(len(p) for p in probe_parts[:start])
            or len(probe_parts[start]) == 0 or probe_parts[start] in probe_parts[:start]):
        return render(fitted)
    return document.copy(document.pages[:start] + probe.pages[start:])


def _fitting_pitches(profile: Profile, orientation: str) -> list[float]:
    """Line pitches to try for a spilling table, loosest first: 1 pt steps down to fit_line_pitch_pt."""
    style = profile.tables.get(orientation, {})
    pitch, tightest = style.get("line_pitch_pt"), style.get("fit_line_pitch_pt")
    if not pitch or not tightest:
        return []
    steps = []
    while (pitch := round(pitch - 1, 2)) > tightest:
        steps.append(pitch)
    return steps + [tightest]


def write_pdf(html: str, target: Path, profile: Profile | None = None) -> int:
    """Write the PDF; return its page count. With a profile, body lines are set on the 22 × 28 grid,
    titles are broken by GB/T 9704 7.3.1, and a table that would leave a row or two on a page of
    their own is set at the profile's tighter table line pitch (fit_line_pitch_pt) if that keeps
    them on the page before."""
    from weasyprint import HTML

    install_font_patch()
    if profile is not None:
        html = apply_grid(apply_title_breaks(html, profile), profile)

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    options = {}
    # the templates' one <style> element becomes a stylesheet shared by every document of the process
    if len(styles := STYLE_ELEMENT.findall(html)) == 1:
        stylesheet, font_config = _stylesheet(styles[0])
        html = STYLE_ELEMENT.sub("", html, count=1)
        options = {"stylesheets": [stylesheet], "font_config": font_config}

    def render(source: str):
        return HTML(string=source, base_url=str(TEMPLATES_DIR) + "/", url_fetcher=safe_url_fetcher()).render(**options)

    document = render(html)
    if profile is not None and (spilled := spilled_tables(document)):
        steps = {i: _fitting_pitches(profile, o) for i, o in spilled.items()}
        steps = {i: s for i, s in steps.items() if s}
        for step in range(max(map(len, steps.values()), default=0)):
            fitted = relayout_tables(html, document, {i: s[min(step, len(s) - 1)] for i, s in steps.items()}, render)
            if not spilled_tables(fitted).keys() & spilled.keys() and len(fitted.pages) <= len(document.pages):
                document = fitted
                break
    document.write_pdf(target)
    return len(document.pages)
