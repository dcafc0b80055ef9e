"""HTML → PDF with WeasyPrint. It may read only the templates and fonts in use: no network."""

from __future__ import annotations

import ctypes.util
import logging
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from .. import resources
from ..profile import Profile
from .pdf_grid import apply_grid
from .title_lines import apply_title_breaks
from ..render import TEMPLATES_DIR


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


def write_pdf(html: str, target: Path, profile: "Profile | None" = None) -> int:
    """Write the PDF; return its page count. With a profile, body lines are set on the 22 × 28 grid."""
    from weasyprint import HTML

    if profile is not None:
        html = apply_grid(apply_title_breaks(html, profile), profile)

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    options = {}
    # the templates' one <style> element becomes a stylesheet shared by every document of the process
    if len(styles := STYLE_ELEMENT.findall(html)) == 1:
        stylesheet, font_config = _stylesheet(styles[0])
        html = STYLE_ELEMENT.sub("", html, count=1)
        options = {"stylesheets": [stylesheet], "font_config": font_config}
    document = HTML(string=html, base_url=str(TEMPLATES_DIR) + "/", url_fetcher=safe_url_fetcher()).render(**options)
    document.write_pdf(target)
    return len(document.pages)
