"""YAML reading that remembers line numbers, so problems can point at the offending line."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..problems import Problems


class LineDict(dict):
    """A mapping from YAML that knows its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {result.key_lines[key]})", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, problems: Problems) -> "LineDict | None":
    """The file's top-level mapping, or None after recording what is wrong with the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.error(path, "文件不存在")
        return None
    except UnicodeDecodeError as exc:
        problems.error(path, f"文件不是UTF-8编码（第{exc.start}字节附近）")
        return None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        row = mark.line + 1 if mark else None
        where = f"第{mark.column + 1}个字符处" if mark else ""
        context = ""
        if exc.context_mark is not None and exc.context_mark.line != (mark.line if mark else None):
            context = f"（问题始于第{exc.context_mark.line + 1}行：{exc.context}）"
        problems.error(path, f"YAML格式错误{('，' + where) if where else ''}：{exc.problem}{context}"
                             "。请检查缩进、冒号、引号和括号是否成对", row=row)
        return None
    except (yaml.YAMLError, ValueError) as exc:  # e.g. control characters, an impossible date 2021-02-30
        problems.error(path, f"YAML内容无法读取：{exc}")
        return None
    if data is None:
        problems.error(path, "文件为空，应为“字段: 值”形式的内容")
        return None
    if not isinstance(data, dict):
        problems.error(path, "文件最外层应为“字段: 值”形式的键值对，而不是列表或单个值", row=1)
        return None
    return data


def require(mapping, key: str, path: Path, problems: Problems, kind=None, field_prefix: str = ""):
    """mapping[key], or None after recording a located 'missing field' / 'wrong type' problem."""
    field = f"{field_prefix}{key}"
    if not isinstance(mapping, dict):
        problems.error(path, "此处应为键值对（字段: 值）", row=getattr(mapping, "line", None), field=field_prefix.rstrip(".") or None)
        return None
    line = mapping.line if isinstance(mapping, LineDict) else None
    if key not in mapping or mapping[key] in (None, ""):
        problems.error(path, f"缺少必填字段“{key}”", row=line, field=field)
        return None
    value = mapping[key]
    if kind is not None and not isinstance(value, kind):
        expected = {str: "文字", int: "整数", list: "列表", dict: "键值对"}.get(kind, str(kind))
        problems.error(path, f"字段“{key}”应为{expected}", row=mapping.line_of(key) if line else None, field=field)
        return None
    return value
