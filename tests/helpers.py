"""Reading generated documents back: text of PDF and DOCX, LibreOffice conversion."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from docx import Document

PAGE_NUMBER_LINE = re.compile(r"^\s*—\s*\d+\s*—\s*$")


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """Text in content-stream order (pdftotext -raw), page-number lines removed."""
    cmd = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    out = subprocess.run(cmd + [str(path), "-"], check=True, capture_output=True, text=True).stdout
    return "\n".join(line for line in out.splitlines() if not PAGE_NUMBER_LINE.match(line))


def pdf_pages_text(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def docx_text(path: Path) -> str:
    """Paragraphs and table cells in document order (merged cells once)."""
    doc = Document(str(path))
    lines = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for tr in block.iter():
                if not tr.tag.endswith("}tr"):
                    continue
                for tc in tr:
                    if tc.tag.endswith("}tc"):
                        lines.append("".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t")))
    return "\n".join(lines)


def missing_in_order(lines: list[str], text: str) -> list[str]:
    """Lines (whitespace removed) not found in `text` (whitespace removed) in the given order."""
    flat = re.sub(r"\s+", "", text)
    pos, missing = 0, []
    for line in lines:
        needle = re.sub(r"\s+", "", line)
        if not needle:
            continue
        i = flat.find(needle, pos)
        if i < 0:
            missing.append(line)
        else:
            pos = i + len(needle)
    return missing


def libreoffice_to_pdf(docx: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (libreoffice-writer-nogui) is not installed"
    from reportgen.fontconfig import libreoffice_environment
    from reportgen.profile import Profile

    profile_dir = out_dir / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile_dir}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out_dir), str(docx)], capture_output=True, text=True, timeout=300,
        env=libreoffice_environment(Profile.load(), out_dir / "fontconfig"))
    pdf = out_dir / (docx.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), result.stderr + result.stdout
    return pdf


def pdf_page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def page_image(pdf: Path, page: int, dpi: int = 100):
    """The page rendered by pdftoppm, as a Pillow RGB image."""
    from PIL import Image

    out = pdf.parent / f"_page_{pdf.stem[:8]}_{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    str(pdf), str(out)], check=True)
    return Image.open(f"{out}.png").convert("RGB")


def horizontal_rules_mm(image, page_height_mm: float = 297, x0_mm: float = 28, x1_mm: float = 184,
                        red: bool = False) -> list[float]:
    """Vertical positions (mm from the top) of rows where a line runs across at least 80 % of x0…x1."""
    w, h = image.size
    x0, x1 = int(x0_mm / 210 * w), int(x1_mm / 210 * w)
    xs = range(x0, x1, 3)
    found = []
    for y in range(h):
        px = [image.getpixel((x, y)) for x in xs]
        if red:
            hits = sum(1 for r, g, b in px if r > 180 and g < 120 and b < 120)
        else:
            hits = sum(1 for r, g, b in px if r + g + b < 384)
        if hits > 0.8 * len(px):
            found.append(round(y / h * page_height_mm, 2))
    return found


def red_ink_top_mm(image, page_height_mm: float = 297) -> float | None:
    w, h = image.size
    for y in range(h):
        for x in range(0, w, 2):
            r, g, b = image.getpixel((x, y))
            if r > 180 and g < 120 and b < 120:
                return round(y / h * page_height_mm, 2)
    return None


def word_boxes(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) in mm for the words pdftotext finds on a page."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    mm = 25.4 / 72
    return [(t, float(a) * mm, float(b) * mm, float(c) * mm, float(d) * mm) for a, b, c, d, t in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def headless_chromium(profile_dir: Path, download_dir: Path | None = None, lang: str | None = None):
    """Debian's chromium driven by chromedriver through selenium, headless (skips the test when they
    are not installed); downloads go to `download_dir` without asking."""
    import pytest

    webdriver = pytest.importorskip("selenium.webdriver")
    if not shutil.which("chromedriver") or not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("chromium / chromium-driver not installed (scripts/setup-system.sh installs them)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                f"--user-data-dir={profile_dir}", *([f"--lang={lang}"] if lang else [])):
        options.add_argument(arg)
    if download_dir is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                                  "download.prompt_for_download": False})
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    if download_dir is not None:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver
