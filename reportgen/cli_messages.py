"""Click's own messages (usage lines, --help boilerplate, "No such command", "Missing option" …) in
Chinese, for the office staff who use the command line.

Click marks its messages for gettext (`from gettext import gettext as _` in each module) but ships
no translations, and the machines' locale may be anything; so each click module's `_` and
`ngettext` are replaced by a lookup in the table below. A message missing from the table stays in
English (a click upgrade may add one: tests/test_cli_messages.py lists click's messages and fails
on any it does not find here).
"""

from __future__ import annotations

import importlib

MESSAGES = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Confirm the action without prompting.": "不询问，直接确认操作。",
    "Do you want to continue?": "是否继续？",
    "Aborted!": "已取消。",
    "Missing command.": "缺少命令。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "No such command {name!r}.": "没有“{name}”这个命令。",
    "No such option {name!r}.": "没有“{name}”这个选项。",
    "Did you mean {possibility}?": "是否是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否是以下之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Takes {nargs} values but 1 was given.": "需要{nargs}个值，只给了1个。",
    "Takes {nargs} values but {len} were given.": "需要{nargs}个值，给了{len}个。",
    "Value must be an iterable.": "值必须是一组值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要{nargs}个值。",
    "Option {name!r} does not take a value.": "选项“{name}”不带值。",
    "Option {name!r} requires an argument.": "选项“{name}”后面需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”后面需要{nargs}个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "required": "必填",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "“{filename}”是文件，应为文件夹。",
    "{name} {filename!r} is a directory.": "“{filename}”是文件夹，应为文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取（没有权限）。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入（没有权限）。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能执行。",
    "{value!r} is not {choice}.": "“{value}”不是可选值 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是可选值之一：{choices}。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的UUID。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否值，可写：{states}",
    "Choice({choices})": "可选值（{choices}）",
    "{len_type} values are required, but {len_value} was given.": "需要{len_type}个值，给了{len_value}个。",
    "{len_type} values are required, but {len_value} were given.": "需要{len_type}个值，给了{len_value}个。",
    "{value!r} does not match the format {format}.": "“{value}”不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}”不符合以下任一格式：{formats}。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Error: invalid input": "错误：输入无效",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Repeat for confirmation": "再输入一次以确认",
    "Press any key to continue...": "按任意键继续……",
    "integer": "整数",
    "float": "数",
    "boolean": "是/否",
    "text": "文字",
}

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install() -> None:
    """Make click speak Chinese (idempotent)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural
