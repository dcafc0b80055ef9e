"""Annex figures in plan text: written as references in workplan.yaml, rendered from the annexes.

An office writes a figure of an annex in a paragraph of workplan.yaml as a reference instead of typing
the number, so that a revised annex revises the sentence with it:

    全省推进VOCs综合治理项目{附件6.全省.VOCs综合治理项目}项          →  …项目2921项

    {附件N.全省.列}     the 全省 row's figure of a column
    {附件N.苏州.列}     a unit's figure (its name or short name: 苏州 / 苏州市)
    {附件N.行数}        the number of rows of the table, the 全省 row not counted (附件2: 54)
    列                  the column's header as printed, line breaks left out (VOCs综合治理项目, 合计),
                        or its key in annexN.yaml (vocs_treatment)
    {…：万}             the figure in 万: 附件7 餐饮油烟 31000 → 3.1 (the text goes on "万家")
    {{  }}              a literal brace

The parts may be separated by "." "．" or "。", and full-width braces ｛｝ work as well, so that nothing
has to be typed outside the Chinese input method. The figure is printed exactly as the annex prints it
(10%, 81.3, 10134).

load/plan.py calls, in this order:
- ProseFigures.add / add_plain while reading workplan.yaml and notice.yaml: a malformed reference
  (unclosed brace, a stray "}") is a located error; references outside the work plan's paragraph texts
  are refused;
- ProseFigures.render once the annexes and their totals are loaded: an unknown annex, unit or column is a
  located error with "did you mean"; a missing figure is a gap and prints （待补充）;
- ProseFigures.check_typed: a typed number that restates an annex figure is a located error telling the
  office to write the reference instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..compute.annex_totals import annex_figure, number_text
from ..model import AnnexTable, Column, FigureRef, Units
from ..names import did_you_mean
from ..problems import Problem, Problems, Severity

OPEN = "{｛"
CLOSE = "}｝"
SEPARATOR = re.compile("[.．。]")
SCALE = re.compile("[:：]\\s*万$")
ANNEX = re.compile("附件([0-9]+)")
TOTAL = "全省"
ROW_COUNT = "行数"
PENDING = "（待补充）"
PLACEHOLDER = "\ufffc"          # stands for a reference when typed numbers are looked for
EXAMPLE = "{附件6.全省.VOCs综合治理项目}"
SYNTAX = ("引用应写成“{附件序号.全省或单位名称.列名}”，如“" + EXAMPLE + "”，或“{附件2.行数}”；"
          "文字中的大括号请写成两个（“{{”“}}”）")

# A typed number: not part of a larger number or of a decimal.
NUMBER = "(?<![0-9.])([0-9]+(?:\\.[0-9]+)?)(?![0-9])"
# Typed 全省 counts smaller than this are not checked: small numbers coincide too easily.
TYPED_TOTAL_MIN = 100
COUNT_WORDS = ("项", "个", "家")   # measure words prose uses for an annex's counts, whatever the column's unit

_FOLD = str.maketrans({"“": '"', "”": '"', "(": "（", ")": "）", "％": "%", "．": ".",
                       **{chr(0xFF10 + d): str(d) for d in range(10)}})


def _fold(text: str) -> str:
    """How names are compared: no white space, one kind of quote and parenthesis, ASCII digits."""
    return re.sub(r"\s+", "", text).translate(_FOLD)


def header_text(col: Column) -> str:
    """The column's header on one line, as written in references and messages."""
    return col.header.replace("\n", "")


@dataclass(frozen=True)
class RefSpec:
    """A reference as written, not yet checked against the annexes."""

    written: str                 # braces included
    parts: tuple[str, ...]       # (annex, unit, column) or (annex, 行数)
    scale: str                   # "" or "万"


@dataclass
class _Text:
    path: Path
    line: int | None
    field: str                   # the YAML field of the text, e.g. "sections[1]…paragraphs[0].text"
    key: str | None              # the paragraph's field (without ".text"); None: no references allowed
    segments: list               # str | RefSpec


def parse_text(text: str) -> tuple[list, list[str]]:
    """The text cut into literal strings and references, and the reasons (Chinese) it is malformed."""
    segments: list = []
    errors: list[str] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in OPEN or ch in CLOSE:
            if i + 1 < len(text) and text[i + 1] == ch:       # {{ or }}: a literal brace
                literal.append(ch)
                i += 2
                continue
        if ch in CLOSE:
            errors.append(f"“{_around(text, i)}”中多了右括号“{ch}”：{SYNTAX}")
            literal.append(ch)
            i += 1
            continue
        if ch not in OPEN:
            literal.append(ch)
            i += 1
            continue
        j = i + 1
        while j < len(text) and text[j] not in CLOSE and text[j] not in OPEN:
            j += 1
        if j >= len(text) or text[j] in OPEN:
            errors.append(f"数字引用“{text[i:j][:40]}”缺少右括号“}}”：{SYNTAX}")
            literal.append(text[i:j])
            i = j
            continue
        written = text[i:j + 1]
        inner = text[i + 1:j].strip()
        scale = ""
        if (m := SCALE.search(inner)) is not None:
            scale, inner = "万", inner[:m.start()].strip()
        parts = tuple(p.strip() for p in SEPARATOR.split(inner, maxsplit=2))
        if not inner or any(not p for p in parts) or len(parts) == 1:
            errors.append(f"数字引用“{written}”不完整：{SYNTAX}")
        elif len(parts) == 2 and _fold(parts[1]) != ROW_COUNT:
            errors.append(f"数字引用“{written}”少了一部分：写附件中的数字要写明全省或单位，以及列名，"
                          f"如“{{{parts[0]}.全省.{parts[1]}}}”；表的行数写“{{{parts[0]}.行数}}”")
        else:
            if literal:
                segments.append("".join(literal))
                literal = []
            segments.append(RefSpec(written, parts, scale))
        i = j + 1
    if literal:
        segments.append("".join(literal))
    return segments, errors


def _around(text: str, i: int) -> str:
    return text[max(0, i - 15):i + 5]


@dataclass(frozen=True)
class Resolved:
    annex: int
    unit: str | None
    column: Column | None
    label: str


def resolve(spec: RefSpec, annexes: dict[int, AnnexTable], units: Units,
            unreadable: set[int]) -> tuple[Resolved | None, str | None]:
    """(the figure the reference names, None), (None, why not in Chinese), or (None, None) when its
    annex could not be read (that annex's own errors say why)."""
    written = spec.written
    m = ANNEX.fullmatch(_fold(spec.parts[0]))
    if m is None:
        return None, (f"数字引用“{written}”的第一部分应为附件序号，如“附件6”，实际为“{spec.parts[0]}”。{SYNTAX}")
    number = int(m.group(1))
    if number in unreadable:
        return None, None
    table = annexes.get(number)
    if table is None:
        names = [f"附件{n}" for n in sorted(annexes)]
        return None, f"数字引用“{written}”中的附件{number}不存在{did_you_mean(f'附件{number}', names)}" \
                     f"（现有：{'、'.join(names)}）"
    if len(spec.parts) == 2:
        return Resolved(number, None, None, f"附件{number} 行数"), None
    unit_text, column_text = _fold(spec.parts[1]), _fold(spec.parts[2])
    if unit_text == ROW_COUNT:
        return None, f"数字引用“{written}”：表的行数写成“{{附件{number}.行数}}”，后面不加列名"
    unit = None
    if unit_text == TOTAL or (table.total_rule is not None and unit_text == _fold(table.total_rule.label)):
        if table.total_rule is None:
            return None, f"数字引用“{written}”：附件{number}没有全省行（全省数字未公布），不能引用全省数字"
    elif table.rows_kind == "list":
        return None, (f"数字引用“{written}”：附件{number}是名单，没有各单位的数字，只能引用名单的行数"
                      f"“{{附件{number}.行数}}”")
    else:
        found = units.find(spec.parts[1])
        rows = [r.unit for r in table.rows if r.unit is not None]
        if found is None or found not in rows:
            names = ([TOTAL] if table.total_rule else []) + [u.short_name for u in rows]
            return None, (f"数字引用“{written}”：附件{number}中没有“{spec.parts[1]}”这一行"
                          f"{did_you_mean(spec.parts[1], names)}（写“全省”或单位名称，如“{rows[0].short_name if rows else TOTAL}”）")
        unit = found.name
    by_name = {_fold(header_text(c)): c for c in table.columns} | {c.key: c for c in table.columns}
    col = by_name.get(column_text) or by_name.get(spec.parts[2].strip())
    if col is None:
        headers = [header_text(c) for c in table.columns]
        return None, (f"数字引用“{written}”：附件{number}没有“{spec.parts[2]}”列"
                      f"{did_you_mean(spec.parts[2], headers) or '（本表的列：' + '、'.join(headers) + '）'}")
    if col.type == "text":
        return None, f"数字引用“{written}”：附件{number}的“{header_text(col)}”列是文字，不是数字"
    if spec.scale and col.type == "percent":
        return None, f"数字引用“{written}”：百分数不能以“万”为单位"
    where = TOTAL if unit is None else unit
    return Resolved(number, unit, col, f"附件{number} {where} {header_text(col)}"), None


def figure_text(cell_text: str, scale: str) -> str:
    """The figure as printed in prose: the annex's text, or in 万 (31000 → 3.1)."""
    if not scale:
        return cell_text
    return number_text(Decimal(cell_text.rstrip("%")) / Decimal(10000))


class ProseFigures:
    """The plan texts read so far, with their references; see the module's docstring."""

    def __init__(self, problems: Problems):
        self.problems = problems
        self.texts: list[_Text] = []

    def add(self, text: str, path: Path, line: int | None, key: str) -> None:
        """A work-plan paragraph's text (field `key`.text), which may hold references."""
        segments, errors = parse_text(text)
        for message in errors:
            self.problems.error(path, message, line, field=f"{key}.text")
        self.texts.append(_Text(path, line, f"{key}.text", key, segments))

    def add_plain(self, text: str, path: Path, line: int | None, field: str) -> None:
        """Plan text where references are not rendered (preamble, the notice's body): checked only."""
        if any(ch in text for ch in OPEN + CLOSE):
            self.problems.error(path, "此处不能写数字引用（大括号）：附件中的数字只能在 workplan.yaml 各段的正文（text）中"
                                      f"写成引用，如“{EXAMPLE}”", line, field=field)
        self.texts.append(_Text(path, line, field, None, [text]))

    def render(self, annexes: dict[int, AnnexTable], units: Units,
               unreadable: set[int]) -> dict[str, tuple[str, tuple[FigureRef, ...]]]:
        """Paragraph field → (text as printed, its references), for the paragraphs that hold references."""
        out = {}
        for t in self.texts:
            if t.key is None or not any(isinstance(s, RefSpec) for s in t.segments):
                continue
            parts: list[str] = []
            figures: list[FigureRef] = []
            ok = True
            for seg in t.segments:
                if isinstance(seg, str):
                    parts.append(seg)
                    continue
                found, reason = resolve(seg, annexes, units, unreadable)
                if found is None:
                    if reason:
                        self.problems.error(t.path, reason, t.line, field=t.field)
                    ok = False
                    continue
                table = annexes[found.annex]
                cell = annex_figure(table, found.unit, found.column.key if found.column else None)
                if cell.missing:
                    text = PENDING
                    self.problems.items.append(Problem(
                        self.problems.name(t.path), f"正文引用的“{found.label}”没有数值（缺失），正文中显示为“{PENDING}”",
                        t.line, None, t.field, Severity.GAP))
                else:
                    text = figure_text(cell.text, seg.scale)
                position = sum(len(p) for p in parts)
                figures.append(FigureRef(seg.written, found.annex, found.unit,
                                         found.column.key if found.column else None, seg.scale, text,
                                         found.label, position))
                parts.append(text)
            if ok:
                out[t.key] = ("".join(parts), tuple(figures))
        return out

    def check_typed(self, annexes: dict[int, AnnexTable]) -> None:
        """A typed number that restates an annex figure would not follow a revision: an error right after the
        column's header, a warning (it may be a coincidence) when only the value and unit match.

        Conservative, so that it never fires on a number that only happens to be equal:
        - a number right after a column's header ("VOCs综合治理项目2921项"): any value;
        - a number equal to a 全省 count (an integer column, at least TYPED_TOTAL_MIN) and followed by that
          column's unit ("5600项", "3.1万家" for 31000 家).
        """
        totals: dict[Decimal, list[tuple[AnnexTable, Column, tuple[str, ...]]]] = {}
        headers: list[tuple[re.Pattern, AnnexTable, Column]] = []
        for table in annexes.values():
            table_units = tuple(sorted({c.unit for c in table.columns if c.unit and c.unit != "%"}))
            for col in table.columns:
                if col.type == "text":
                    continue
                for form in {header_text(col), re.sub("（[^（）]*）$", "", header_text(col))}:
                    if len(form) >= 4:
                        headers.append((re.compile(re.escape(form) + "(?:项目)?(?:达到|为|共)?" + NUMBER), table, col))
                cell = table.total.get(col.key)
                if col.type == "integer" and cell is not None and not cell.missing and \
                        cell.value is not None and cell.value >= TYPED_TOTAL_MIN:
                    col_units = tuple(dict.fromkeys(((col.unit,) if col.unit else ()) + table_units + COUNT_WORDS))
                    totals.setdefault(cell.value, []).append((table, col, col_units))
        for t in self.texts:
            literal = "".join(s if isinstance(s, str) else PLACEHOLDER for s in t.segments)
            reported: set[int] = set()
            for pattern, table, col in headers:
                for m in pattern.finditer(literal):
                    if m.start(1) in reported:
                        continue
                    reported.add(m.start(1))
                    unit = next((r.unit.short_name for r in table.rows if r.unit is not None), "苏州")
                    example = f"{{附件{table.number}.{unit}.{header_text(col)}}}"
                    if table.total_rule is not None:
                        example = f"{{附件{table.number}.全省.{header_text(col)}}}”（某单位的数字写单位名称，如“{example}）"
                    self.problems.error(t.path, (
                        f"正文“{literal[m.start():m.end() + 2]}”中的数字{m.group(1)}紧跟在附件{table.number}的列名"
                        f"“{header_text(col)}”之后，应写成对附件数字的引用，如“{example}”，附件修改后正文随之更新"),
                        t.line, field=t.field)
            for m in re.finditer(NUMBER, literal):
                if m.start(1) in reported:
                    continue
                value, after, scale = Decimal(m.group(1)), literal[m.end():], ""
                if after.startswith("万"):
                    value, after, scale = value * 10000, after[1:], "：万"
                for table, col, col_units in totals.get(value, []):
                    unit = next((u for u in col_units if after.startswith(u)), None)
                    if unit is not None:
                        reported.add(m.start(1))
                        typed = m.group(1) + scale[1:] + unit
                        self.problems.warning(t.path, (
                            f"正文中的“{typed}”与附件{table.number}全省“{header_text(col)}”的数字相同：如果说的就是附件中的"
                            f"数字，应写成引用“{{附件{table.number}.全省.{header_text(col)}{scale}}}”，附件修改后正文随之更新，"
                            "两者不会不一致；如果只是数值碰巧相同，可不理会本提醒"), t.line, field=t.field)
                        break
