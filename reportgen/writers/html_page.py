"""Rendered document → one standalone HTML page for a website.

The same rendered HTML the PDF and DOCX are made from, with its print stylesheet (page geometry, local
font files) replaced by a screen stylesheet: no external files, images stay embedded as data: URIs.
Each table sits in a box that scrolls sideways, and cells do not wrap: on a phone (390 px) a wide table
keeps readable cells (never one character per line) and is scrolled, while the text around it fits the
screen.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

SCREEN_CSS = """
body { max-width: 52em; margin: 2em auto; padding: 0 1em; color: #111; background: #fff;
  font-family: "FangSong", "仿宋", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC", serif; font-size: 16px; line-height: 1.9; }
h1 { font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 1.6em; text-align: center; font-weight: bold; margin: 1em 0; }
h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 1.1em; font-weight: normal; margin: 1.2em 0 .4em; }
h3 { font-family: "楷体", "KaiTi", "AR PL UKai CN", serif; font-size: 1.05em; font-weight: normal; margin: 1em 0 .3em; }
p { margin: .3em 0; }
p.body { text-indent: 2em; text-align: justify; }
p.blank { display: none; }
p.issuer-mark { color: #d00; text-align: center; font-size: clamp(1.1em, 5vw, 2em) !important; line-height: 1.3 !important; font-weight: bold; }
p.doc-number { text-align: center; }
p.red-rule { border-top: 2px solid #d00; margin: .5em 0 1.5em; }
p.sample-note { border: 2px solid #c00; color: #c00; padding: .4em .8em; text-align: center; font-weight: bold; }
p.table-caption { text-align: center; font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; margin-top: 1em; }
p.table-note { font-size: .85em; color: #333; }
p.figure { text-align: center; }
p.figure img { max-width: 100%; height: auto !important; width: auto !important; }
p.signature, p.date { text-align: right; padding-left: 0 !important; padding-right: 2em; }
div.table-scroll { overflow-x: auto; max-width: 100%; margin: .5em 0; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; margin: 0 auto; font-size: .9em; }
th, td { border: 1px solid #555; padding: .2em .6em; text-align: center; white-space: nowrap; }
td.missing { background: #e6e6e6; }
th { background: #f0f0f0; font-weight: normal; font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; }
section.part + section.part { border-top: 1px dashed #aaa; margin-top: 2em; padding-top: 1em; }
@media (max-width: 600px) {
  body { margin: 1em auto; padding: 0 .75em; }
  h1 { font-size: 1.35em; }
  table { font-size: .85em; }
  th, td { padding: .2em .4em; }
}
"""


def web_page(html: str) -> str:
    doc = lxml.html.document_fromstring(html)
    head = doc.find("head")
    for style in head.findall("style"):
        head.remove(style)
    style = lxml.html.Element("style")
    style.text = SCREEN_CSS
    head.append(style)
    viewport = lxml.html.Element("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"})
    head.insert(1, viewport)
    for table in list(doc.iter("table")):
        box = lxml.html.Element("div", {"class": "table-scroll"})
        table.addprevious(box)
        box.append(table)      # moves the table (its tail stays with it; pretty-print whitespace only)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def write_web_page(html: str, target: Path) -> None:
    Path(target).write_text(web_page(html), encoding="utf-8")
