"""Reading plan files (YAML, and the text of CSV files) without ever turning a mistake into data.

- A file is read only if it is a regular file of at most MAX_FILE_BYTES (plan files are a few KB), in
  UTF-8 (a leading BOM is accepted), without NUL bytes.
- Text may not contain invisible characters (control characters, bidi overrides, zero-width characters,
  non-characters): they cannot be printed, and in a DOCX/XLSX they make the build fail.
- YAML is read with line numbers for every key and list item, and refuses what plan files never need:
  anchors and aliases (&name, *name: the "billion laughs" attack expands a few lines into gigabytes),
  tags (!!binary, !!set, !!python/…), nesting deeper than MAX_DEPTH, keys that are not text, duplicate keys.
  An impossible date (2021-02-30) is a located error.
- `check_keys` reports misspelt field names with a "did you mean" suggestion.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import yaml

from ..problems import Problems

MAX_FILE_BYTES = 4 * 1024 * 1024   # the largest plan file (workplan.yaml) is about 50 KB
MAX_DEPTH = 40                     # workplan.yaml nests 12 levels
MAX_REPORTED_CHARS = 5             # invisible characters listed per file before giving a count

# Characters that must not occur in plan text. Tab, line feed and carriage return are allowed.
FORBIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"       # C0 and C1 control characters, DEL
    "\u200b-\u200f\u2028-\u202e\u2060-\u2069"    # zero-width characters, LRM/RLM, line/paragraph separators, bidi
    "\ufeff\ufff9-\ufffb\ufffe\uffff\ufdd0-\ufdef"  # BOM inside text, annotation characters, non-characters
    "\ud800-\udfff\U000e0000-\U000e007f]")       # unpaired surrogates (from "\ud800" escapes), tag characters


def char_name(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp <= 0x9F:
        kind = "控制字符"
    elif 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069 or cp in (0x200E, 0x200F):
        kind = "文字方向控制符"
    elif cp in (0x2028, 0x2029):
        kind = "行分隔符"
    elif 0xD800 <= cp <= 0xDFFF:
        kind = "不成对的代理码元"
    elif cp in (0xFFFE, 0xFFFF) or 0xFDD0 <= cp <= 0xFDEF:
        kind = "非字符"
    else:
        kind = "不可见字符"
    return f"U+{cp:04X}（{kind}）"


def text_problem(text: str) -> str | None:
    """Why `text` cannot be printed (the first invisible character in it), or None."""
    found = FORBIDDEN_CHARS.search(text)
    if found is None:
        return None
    before = FORBIDDEN_CHARS.sub("", text[max(0, found.start() - 8):found.start()]).replace("\n", " ")
    where = f"“{before}”之后" if before else "开头"
    return (f"文字中有{char_name(found.group())}，位于{where}。这类字符看不见、不能印出，"
            "常由复制粘贴带入，请删除后重试")


def describe(value) -> str:
    """A value as the office staff would recognise it, for 'expected X, found Y' messages."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是/否值 {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, dt.datetime):
        return f"日期时间 {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"日期 {value.isoformat()}"
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, list):
        return "列表"
    text = str(value)
    return f"“{text[:30]}{'…' if len(text) > 30 else ''}”"


def read_text_file(path: Path, problems: Problems) -> str | None:
    """The text of a plan file (UTF-8, BOM removed), or None after recording a located problem."""
    try:
        if not path.exists():
            problems.error(path, "文件不存在")
            return None
        if path.is_dir():
            problems.error(path, "这是一个文件夹，应为文件")
            return None
        if not path.is_file():
            problems.error(path, "不是普通文件（可能是设备或管道），不能作为数据读取")
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(path, f"文件过大（{size / 1024 / 1024:.1f} MB）：计划数据文件不应超过"
                                 f"{MAX_FILE_BYTES // 1024 // 1024} MB，未读取。请检查是否放错了文件")
            return None
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.error(path, f"无法读取文件（{exc.strerror or type(exc).__name__}）")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.error(path, f"文件过大：计划数据文件不应超过{MAX_FILE_BYTES // 1024 // 1024} MB，未读取")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.error(path, "文件是UTF-16编码，请另存为UTF-8编码", row=1)
        return None
    if raw.startswith(b"PK\x03\x04"):
        problems.error(path, "这是Excel（或ZIP）文件，不是文本文件。请在Excel中“另存为”“CSV UTF-8（逗号分隔）”", row=1)
        return None
    nul = raw.find(b"\x00")
    if nul >= 0:
        problems.error(path, "文件中有NUL字节（\\x00），不是文本文件（可能是其他格式的文件改了扩展名，或文件已损坏）",
                       row=raw.count(b"\n", 0, nul) + 1)
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(path, f"文件不是UTF-8编码（第{exc.start + 1}字节附近）。如为GBK等编码，请另存为UTF-8",
                       row=raw.count(b"\n", 0, exc.start) + 1)
        return None


def report_forbidden_chars(text: str, path: Path, problems: Problems) -> bool:
    """Record each line with an invisible character (the first few); True if there was any."""
    found = list(FORBIDDEN_CHARS.finditer(text))
    for m in found[:MAX_REPORTED_CHARS]:
        line_start = text.rfind("\n", 0, m.start()) + 1
        problems.error(path, f"第{m.start() - line_start + 1}个字符：{text_problem(text[line_start:m.end()])}",
                       row=text.count("\n", 0, m.start()) + 1)
    if len(found) > MAX_REPORTED_CHARS:
        problems.error(path, f"……另有{len(found) - MAX_REPORTED_CHARS}处同类字符")
    return bool(found)


# --- YAML -------------------------------------------------------------------------------------------

class LineDict(dict):
    """A mapping from YAML that knows its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML that knows its own line and each item's line (1-based)."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class PlanYamlError(yaml.MarkedYAMLError):
    """A problem found while reading YAML, already worded for the office staff."""

    def __init__(self, message: str, mark):
        super().__init__(problem=message, problem_mark=mark)


class _Checks:
    """What the loaders refuse while composing: aliases, anchors and deep nesting."""

    def _start_checks(self):
        self.issues: list[tuple[int, str]] = []   # (line, message): every one is reported
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise PlanYamlError(f"计划数据不允许使用YAML别名（*{event.anchor}）：请把内容直接写出来。"
                                "别名可使几行文字展开成极大的数据，因此一律不读", event.start_mark)
        if getattr(event, "anchor", None):
            raise PlanYamlError(f"计划数据不允许使用YAML锚点（&{event.anchor}）和别名（*名称）：请把内容直接写出来",
                                event.start_mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise PlanYamlError(f"嵌套超过{MAX_DEPTH}层，计划数据不需要这么深的结构", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _LineLoader(_Checks, yaml.SafeLoader):
    """PyYAML's pure-Python loader: its error messages are the ones worded for the users (_YAML_PROBLEMS)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._start_checks()


_CParser = getattr(getattr(yaml, "_yaml", None), "CParser", None)

if _CParser is not None:
    class _FastLineLoader(_Checks, yaml.composer.Composer, _CParser, yaml.constructor.SafeConstructor,
                          yaml.resolver.Resolver):
        """libyaml scans and parses (about 4x faster than the pure-Python scanner); the composing and
        constructing are _LineLoader's, in Python, with the same checks and resolver, so a file libyaml
        reads gives the same tree. A file it cannot read is read again by _LineLoader, whose messages are
        the users'."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start_checks()

        def get_single_node(self):   # the Python composer's, not libyaml's (which would skip the checks)
            return yaml.composer.Composer.get_single_node(self)
else:   # PyYAML built without libyaml
    _FastLineLoader = None


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == "tag:yaml.org,2002:merge":
            loader.issues.append((line, "计划数据不使用合并键（<<）：请把字段直接写出来"))
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            loader.issues.append((line, "字段名应为文字，不能是列表或键值对"))
            continue
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            loader.issues.append((line, f"字段名应为文字（英文小写字母），实际为{describe(key)}"
                                        "（YAML把数字、日期、true/false/yes/no/on/off 当作值，不能用作字段名）"))
            continue
        if key in result:
            loader.issues.append((line, f"字段“{key}”重复（第{result.key_lines[key]}行已有）：每个字段只能写一次"))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _date_problem(text: str) -> str:
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        year, month, day = (int(g) for g in m.groups())
        if not 1 <= month <= 12:
            return f"日期“{text}”不存在：月份应为1～12"
        if day < 1:
            return f"日期“{text}”不存在：日应从1开始"
        next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
        days = (next_month - dt.timedelta(days=1)).day
        if day > days:
            return f"日期“{text}”不存在：{year}年{month}月只有{days}天"
    return f"日期“{text}”无法识别，应写成如 2021-03-07"


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, TypeError):
        raise PlanYamlError(_date_problem(node.value), node.start_mark) from None


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        raise PlanYamlError(f"数字“{node.value[:20]}…”位数过多，无法读取", node.start_mark) from None


def _construct_unsupported(loader: _LineLoader, node: yaml.Node):
    raise PlanYamlError(f"计划数据不使用YAML标记（{node.tag}）：只写文字、数字、日期、列表和键值对", node.start_mark)


for _loader in (_LineLoader, _FastLineLoader):
    if _loader is None:
        continue
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    for _tag in ("binary", "set", "omap", "pairs"):
        _loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_unsupported)
    _loader.add_constructor(None, _construct_unsupported)

# PyYAML's most common complaints, in the users' words
_YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": "有Tab字符：YAML的缩进只能用空格",
    "mapping values are not allowed here": "此处不能出现“: ”（文字中含有“: ”时请整段加引号）",
    "could not find expected ':'": "缺少“: ”（字段名和值之间应有冒号和空格）",
    "but found another document": "文件中只能有一份内容（不要用 --- 分隔多份）",
    "found unexpected end of stream": "文件意外结束（引号或括号没有成对）",
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = str(exc.problem or "")
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    return problem


def _check_text(value, field: str, line: int, path: Path, problems: Problems) -> None:
    """Every key and text value of the tree is printable: located by line and field path."""
    if isinstance(value, str):
        if (reason := text_problem(value)) is not None:
            problems.error(path, reason, row=line, field=field or None)
    elif isinstance(value, LineDict):
        for key, item in value.items():
            sub = f"{field}.{key}" if field else key
            _check_text(key, sub, value.line_of(key), path, problems)
            _check_text(item, sub, value.line_of(key), path, problems)
    elif isinstance(value, LineList):
        for i, item in enumerate(value):
            _check_text(item, f"{field}[{i}]", value.line_of(i), path, problems)


# libyaml reads some text the pure-Python scanner refuses: a tab as separating space, “?” keys in flow
# mappings, a comment right after a block scalar's “|” or “>”. Text with these goes to the worded reading
# only, so what is refused stays refused (tests/unit/test_yaml_readers.py compares the two readings on
# 800 mutated copies of the plan files).
_READ_WORDED_ONLY = re.compile(r"[\t?]|[|>][-+0-9]*#")


def _read_fast(text: str):
    """(data, issues) read with libyaml, or None if it is not there or cannot read the text (the file is
    then read again by _read_worded, whose messages name the problem in the users' words)."""
    if _FastLineLoader is None or _READ_WORDED_ONLY.search(text):
        return None
    loader = _FastLineLoader(text)
    try:
        return loader.get_single_data(), loader.issues
    except Exception:      # noqa: BLE001 - any problem is reported by the worded reading
        return None
    finally:
        loader.dispose()


def _read_worded(text: str, path: Path, problems: Problems):
    """(data, issues) read with the pure-Python loader, or (None, None) after recording the problem."""
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except PlanYamlError as exc:
        problems.error(path, str(exc.problem), row=exc.problem_mark.line + 1 if exc.problem_mark else None)
        return None, None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        row = mark.line + 1 if mark else None
        where = f"第{mark.column + 1}个字符处" if mark else ""
        context = ""
        if exc.context_mark is not None and exc.context_mark.line != (mark.line if mark else None) and \
                exc.context != "expected a single document in the stream":
            context = f"（问题始于第{exc.context_mark.line + 1}行：{exc.context}）"
        problems.error(path, f"YAML格式错误{('，' + where) if where else ''}：{_yaml_problem(exc)}{context}"
                             "。请检查缩进、冒号、引号和括号是否成对", row=row)
        return None, None
    except yaml.reader.ReaderError as exc:   # a character the pre-check let through
        code = ord(exc.character) if isinstance(exc.character, str) else int(exc.character)
        problems.error(path, f"文件中有不能读取的字符 U+{code:04X}", row=text.count("\n", 0, exc.position) + 1)
        return None, None
    except RecursionError:
        problems.error(path, "嵌套层数过多，无法读取")
        return None, None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        problems.error(path, f"YAML内容无法读取（{type(exc).__name__}：{exc}）")
        return None, None
    finally:
        loader.dispose()
    return data, loader.issues


def read_yaml(path: Path, problems: Problems) -> LineDict | None:
    """The file's top-level mapping, or None after recording what is wrong with the file."""
    text = read_text_file(path, problems)
    if text is None:
        return None
    if report_forbidden_chars(text, path, problems):
        return None
    fast = _read_fast(text)
    if fast is not None:
        data, issues = fast
    else:
        data, issues = _read_worded(text, path, problems)
        if issues is None:
            return None
    if issues:
        for line, message in issues:
            problems.error(path, message, row=line)
        return None
    if data is None:
        problems.error(path, "文件为空，应为“字段: 值”形式的内容")
        return None
    if not isinstance(data, dict):
        problems.error(path, "文件最外层应为“字段: 值”形式的键值对，而不是列表或单个值", row=1)
        return None
    before = len(problems.errors)
    _check_text(data, "", data.line, path, problems)
    if len(problems.errors) > before:
        return None
    return data


# --- fields -------------------------------------------------------------------------------------------

EXPECTED = {str: "文字", int: "整数", list: "列表", dict: "键值对", dt.date: "日期（如 2021-03-07）",
            bool: "true 或 false"}


def is_kind(value, kind) -> bool:
    """isinstance, except that true/false is not an integer and a date with a time is not a date."""
    if kind is int and isinstance(value, bool):
        return False
    if kind is dt.date and isinstance(value, dt.datetime):
        return False
    return isinstance(value, kind)


def line_of(mapping, key) -> int | None:
    return mapping.line_of(key) if isinstance(mapping, (LineDict, LineList)) else None


def require(mapping, key: str, path: Path, problems: Problems, kind=None, field_prefix: str = ""):
    """mapping[key], or None after recording a located 'missing field' / 'wrong type' problem."""
    field = f"{field_prefix}{key}"
    if not isinstance(mapping, dict):
        problems.error(path, f"此处应为键值对（字段: 值），实际为{describe(mapping)}", row=getattr(mapping, "line", None),
                       field=field_prefix.rstrip(".") or None)
        return None
    line = mapping.line if isinstance(mapping, LineDict) else None
    if key not in mapping or mapping[key] is None or (isinstance(mapping[key], str) and not mapping[key].strip()):
        problems.error(path, f"缺少必填字段“{key}”", row=line, field=field)
        return None
    value = mapping[key]
    if kind is not None and not is_kind(value, kind):
        expected = EXPECTED.get(kind, getattr(kind, "__name__", str(kind)))
        problems.error(path, f"字段“{key}”应为{expected}，实际为{describe(value)}", row=line_of(mapping, key), field=field)
        return None
    return value


def suggestion(key: str, allowed) -> str:
    """"（是否是“title”？）", or the list of allowed names when none is close."""
    found = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    if found:
        return f"（是否是“{found[0]}”？）"
    return f"（此处可用的字段：{'、'.join(sorted(allowed))}）"


def check_keys(mapping, allowed, path: Path, problems: Problems, field_prefix: str = "") -> bool:
    """Record every key of `mapping` not in `allowed` (a misspelling would otherwise be ignored)."""
    if not isinstance(mapping, dict):
        return True
    ok = True
    for key in mapping:
        if key not in allowed:
            problems.error(path, f"不认识的字段“{key}”{suggestion(str(key), allowed)}", row=line_of(mapping, key),
                           field=f"{field_prefix}{key}")
            ok = False
    return ok


def optional(mapping, key: str, path: Path, problems: Problems, kind, field_prefix: str = "", default=None):
    """mapping[key] if present and of `kind`, `default` if absent; None after recording a wrong type."""
    if not isinstance(mapping, dict) or mapping.get(key) is None:
        return default
    value = mapping[key]
    if not is_kind(value, kind):
        problems.error(path, f"字段“{key}”应为{EXPECTED.get(kind, kind.__name__)}，实际为{describe(value)}",
                       row=line_of(mapping, key), field=f"{field_prefix}{key}")
        return None
    return value


def text_list(mapping, key: str, path: Path, problems: Problems, field_prefix: str = "", required: bool = True,
              allow_empty_list: bool = True) -> list[str] | None:
    """A list of non-empty texts; each bad item located. None if absent (after 'missing' if required)."""
    if required:
        values = require(mapping, key, path, problems, list, field_prefix)
    else:
        values = optional(mapping, key, path, problems, list, field_prefix)
    if values is None:
        return None
    ok = True
    for i, item in enumerate(values):
        if not isinstance(item, str) or not item.strip():
            problems.error(path, f"第{i + 1}项应为文字，实际为{describe(item) if item != '' else '空文字'}",
                           row=line_of(values, i), field=f"{field_prefix}{key}[{i}]")
            ok = False
    if not values and not allow_empty_list:
        problems.error(path, f"“{key}”至少应有一项", row=line_of(mapping, key), field=f"{field_prefix}{key}")
        ok = False
    return list(values) if ok else None
