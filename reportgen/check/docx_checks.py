"""DOCX conformance: the LibreOffice rendering measured like a PDF, plus checks on the DOCX XML.

LibreOffice runs with the project's fontconfig (reportgen.fontconfig), so the official font names in
the DOCX (仿宋_GB2312 …) are rendered with the profile's substitutes, as the PDF is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from ..profile import Profile
from .model import CheckResult, capped

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_MM = 1440 / 25.4
TOL_TWIPS = 2


class ConversionError(RuntimeError):
    pass


def libreoffice_pdfs(docx_paths: list[Path], workdir: Path, profile: Profile | None = None) -> list[Path]:
    """Convert DOCX files to PDF in workdir, in one LibreOffice run with a throw-away user profile."""
    from ..fontconfig import libreoffice_environment

    profile = profile or Profile.load()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ConversionError("找不到 LibreOffice（soffice），无法把 DOCX 转为 PDF 检查")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    user = workdir / "lo-user"
    env = libreoffice_environment(profile, workdir / "fontconfig")
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={user.resolve().as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(workdir)] + [str(p) for p in docx_paths],
        capture_output=True, text=True, timeout=3600, env=env)
    pdfs = [workdir / (Path(p).stem + ".pdf") for p in docx_paths]
    missing = [p.name for p in pdfs if not p.is_file()]
    if result.returncode != 0 or missing:
        raise ConversionError(f"LibreOffice 转换失败：{'、'.join(missing)} {(result.stderr or result.stdout).strip()[:300]}")
    return pdfs


def libreoffice_pdf(docx_path: Path, workdir: Path, profile: Profile | None = None) -> Path:
    """Convert one DOCX to PDF in workdir."""
    return libreoffice_pdfs([Path(docx_path)], workdir, profile)[0]


def check_docx(docx_path: Path, workdir: Path, profile: Profile | None = None) -> list[CheckResult]:
    """Checks 1–15 on LibreOffice's PDF of the DOCX (font check reported, not hard), then XML checks 21–24."""
    return check_docx_many([Path(docx_path)], workdir, profile)[0]


def check_docx_many(docx_paths: list[Path], workdir: Path, profile: Profile | None = None) -> list[list[CheckResult]]:
    """check_docx for many files, with one LibreOffice start (file names must differ)."""
    profile = profile or Profile.load()
    pdfs = libreoffice_pdfs([Path(p) for p in docx_paths], Path(workdir), profile)
    return [check_converted_docx(Path(docx), pdf, profile) for docx, pdf in zip(docx_paths, pdfs)]


def check_converted_docx(docx_path: Path, libreoffice_pdf_path: Path, profile: Profile) -> list[CheckResult]:
    """check_docx, given LibreOffice's PDF of the DOCX already made (libreoffice_pdfs)."""
    from . import check_pdf

    found = check_pdf(libreoffice_pdf_path, profile, libreoffice_docx=True)
    for r in found:
        if r.number == 6:
            r.hard = False    # LibreOffice embeds the font collections under their first face's name
    return found + docx_xml_checks(docx_path, profile)


def _parts(z: zipfile.ZipFile, pattern: str) -> list[tuple[str, ET.Element]]:
    return [(n, ET.fromstring(z.read(n))) for n in sorted(z.namelist()) if re.fullmatch(pattern, n)]


def _used_styles(styles: ET.Element, used: set[str]) -> list[ET.Element]:
    """The styles the document uses (by id, plus default styles), with their basedOn chains."""
    by_id = {s.get(W + "styleId"): s for s in styles.iter(W + "style")}
    todo = set(used) | {s.get(W + "styleId") for s in by_id.values() if s.get(W + "default") == "1"}
    seen: dict[str, ET.Element] = {}
    while todo:
        sid = todo.pop()
        if sid in seen or sid not in by_id:
            continue
        seen[sid] = by_id[sid]
        based = by_id[sid].find(W + "basedOn")
        if based is not None:
            todo.add(based.get(W + "val"))
    return list(seen.values())


def check_rfonts(z: zipfile.ZipFile) -> CheckResult:
    """Every w:rFonts of the document, its headers/footers and the styles it uses names the eastAsia
    font, has w:hint="eastAsia" and no *Theme attribute (themes override explicit names)."""
    content = _parts(z, r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
    used = set()
    for _, root in content:
        for tag in ("pStyle", "rStyle", "tblStyle"):
            used |= {e.get(W + "val") for e in root.iter(W + tag)}
    elements = [(name, e) for name, root in content for e in root.iter(W + "rFonts")]
    styles = _parts(z, r"word/styles\.xml")
    if styles:
        for s in _used_styles(styles[0][1], used):
            elements += [(f"样式 {s.get(W + 'styleId')}", e) for e in s.iter(W + "rFonts")]
    bad = []
    for where, e in elements:
        problems = []
        if not e.get(W + "eastAsia"):
            problems.append("无 eastAsia")
        if e.get(W + "hint") != "eastAsia":
            problems.append(f"hint={e.get(W + 'hint')}")
        themes = [k.replace(W, "") for k in e.attrib if k.endswith("Theme") or k.endswith("theme")]
        if themes:
            problems.append("主题字体 " + ",".join(themes))
        if problems:
            bad.append(f"{where}：{'，'.join(problems)}")
    return CheckResult(22, "DOCX 字体槽", not bad, f"{len(elements)}处 w:rFonts，不符{len(bad)}处",
                       "每处 w:rFonts 有 eastAsia 且 w:hint=\"eastAsia\"，无主题字体", True, capped(bad))


def check_sections(root: ET.Element, profile: Profile) -> CheckResult:
    """Every section's page size and margins equal the profile's (portrait, or landscape margins for a
    landscape section) within 2 twips."""
    page = profile.page
    tw = lambda v: float(v) * TWIPS_PER_MM  # noqa: E731
    want = {
        "portrait": (tw(page["width_mm"]), tw(page["height_mm"]), page["margins_mm"]),
        "landscape": (tw(page["height_mm"]), tw(page["width_mm"]), page["landscape_margins_mm"]),
    }
    sects = list(root.iter(W + "sectPr"))
    bad, kinds = [], []
    for i, s in enumerate(sects, 1):
        sz, mar = s.find(W + "pgSz"), s.find(W + "pgMar")
        if sz is None or mar is None:
            bad.append(f"第{i}节无页面设置")
            continue
        w, h = float(sz.get(W + "w")), float(sz.get(W + "h"))
        kind = "landscape" if w > h else "portrait"
        kinds.append("横" if kind == "landscape" else "竖")
        ww, wh, margins = want[kind]
        if abs(w - ww) > TOL_TWIPS or abs(h - wh) > TOL_TWIPS:
            bad.append(f"第{i}节纸张 {w:g}×{h:g} twips")
        for side in ("top", "right", "bottom", "left"):
            v = float(mar.get(W + side, "0"))
            if abs(abs(v) - tw(margins[side])) > TOL_TWIPS:
                bad.append(f"第{i}节 {side} 边距 {v:g} twips（应为{tw(margins[side]):.0f}）")
    m = page["margins_mm"]
    return CheckResult(21, "DOCX 页面设置", bool(sects) and not bad,
                       f"{len(sects)}节（{''.join(kinds)}），不符{len(bad)}处",
                       f"A4，边距 上{m['top']}/右{m['right']}/下{m['bottom']}/左{m['left']} mm（横向节按 landscape_margins_mm）±{TOL_TWIPS} twips",
                       True, capped(bad))


def check_doc_grid(root: ET.Element, profile: Profile) -> CheckResult:
    """Every section has w:docGrid with linePitch = the profile's line pitch in twips (28.95 pt → 579)."""
    want = round(float(profile.grid["line_pitch_pt"]) * 20)
    grids = [s.find(W + "docGrid") for s in root.iter(W + "sectPr")]
    pitches = [g.get(W + "linePitch") if g is not None else None for g in grids]
    bad = [f"第{i}节 linePitch={p}" for i, p in enumerate(pitches, 1) if p is None or int(p) != want]
    return CheckResult(23, "DOCX 文档网格", bool(grids) and not bad,
                       f"{len(grids)}节 linePitch={'/'.join(sorted({str(p) for p in pitches}))}",
                       f"linePitch={want}", True, capped(bad))


def check_kinsoku_settings(root: ET.Element) -> CheckResult:
    """Paragraphs with text keep kinsoku on and overflowPunct off (no punctuation hanging past the 版心)."""
    paras = [p for p in root.iter(W + "p") if any((t.text or "").strip() for t in p.iter(W + "t"))]
    bad = []
    for p in paras:
        ppr = p.find(W + "pPr")
        kin = ppr.find(W + "kinsoku") if ppr is not None else None
        ovf = ppr.find(W + "overflowPunct") if ppr is not None else None
        kin_on = kin is None or kin.get(W + "val", "1") not in ("0", "false")
        ovf_on = ovf is None or ovf.get(W + "val", "1") not in ("0", "false")
        if not kin_on or ovf_on:
            text = "".join(t.text or "" for t in p.iter(W + "t"))
            bad.append(f"“{text[:12]}”" + ("" if kin_on else " 禁则关闭") + (" 标点溢出边界" if ovf_on else ""))
    return CheckResult(24, "DOCX 禁则设置", not bad, f"{len(paras)}段，不符{len(bad)}段",
                       "w:kinsoku 开，w:overflowPunct 关", True, capped(bad))


def docx_xml_checks(docx_path: Path, profile: Profile | None = None) -> list[CheckResult]:
    profile = profile or Profile.load()
    with zipfile.ZipFile(docx_path) as z:
        root = ET.fromstring(z.read("word/document.xml"))
        return [check_sections(root, profile), check_rfonts(z), check_doc_grid(root, profile),
                check_kinsoku_settings(root)]


__all__ = ["check_docx", "docx_xml_checks", "libreoffice_pdf", "ConversionError"]
