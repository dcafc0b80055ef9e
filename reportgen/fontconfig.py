"""A fontconfig set-up that maps the official DOCX font names to the installed substitutes.

The DOCX names the fonts of the standard (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体, 宋体), which a
Linux machine does not have. When LibreOffice opens the DOCX (to check it, or to convert it), this
configuration makes it use the same substitutes the PDF embeds, instead of whatever fallback it finds.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from . import resources
from .profile import Profile


def font_folders(profile: Profile) -> list[Path]:
    """The project's font folders, and the folder of every font file the PDF embeds (FandolFang may come
    from Debian's texlive-lang-chinese, which fontconfig does not search), so that LibreOffice sets the
    DOCX in the very files the PDF embeds."""
    folders = list(resources.font_dirs())
    for font in profile.fonts.values():
        path = resources.font_path(font["pdf_file"]) if font.get("pdf_file") else None
        if path is not None and path.is_file() and path.parent not in folders:
            folders.append(path.parent)
    return folders


def fontconfig_xml(profile: Profile, cache_dir: Path) -> str:
    rules = []
    for font in profile.fonts.values():
        weight = font.get("pdf_weight")
        weight_edit = f'<edit name="weight" mode="assign" binding="strong"><int>{200 if weight and weight >= 700 else 80}</int></edit>' \
            if weight else ""
        rules.append(
            f'<match target="pattern"><test name="family"><string>{escape(font["docx"])}</string></test>'
            f'<edit name="family" mode="assign" binding="strong"><string>{escape(font["pdf_family"])}</string></edit>'
            + (f'<edit name="family" mode="append" binding="weak"><string>{escape(font["fallback"])}</string></edit>'
               if font.get("fallback") else "")
            + f"{weight_edit}</match>")
    return ("<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n"
            '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            + "".join(f"<dir>{escape(str(d))}</dir>\n" for d in font_folders(profile))
            + f"<cachedir>{escape(str(cache_dir))}</cachedir>\n"
            + "\n".join(rules) + "\n</fontconfig>\n")


def libreoffice_environment(profile: Profile, work_dir: Path) -> dict[str, str]:
    """Environment for a LibreOffice subprocess that renders the DOCX with the profile's substitutes."""
    work_dir.mkdir(parents=True, exist_ok=True)
    conf = work_dir / "fonts.conf"
    conf.write_text(fontconfig_xml(profile, work_dir / "fc-cache"), encoding="utf-8")
    return dict(os.environ, FONTCONFIG_FILE=str(conf))
