"""The command line speaks Chinese, click's own messages included."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.cli_messages import CLICK_MODULES, MESSAGES


def click_message_ids() -> set[str]:
    """Every message click marks for translation in the modules a command line uses."""
    ids = set()
    folder = Path(click.__file__).parent
    for name in CLICK_MODULES:
        source = (folder / f"{name}.py").read_text(encoding="utf-8")
        for m in re.finditer(r'\b_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', source):
            ids.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))).encode().decode("unicode_escape"))
        for m in re.finditer(r'ngettext\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+),', source):
            for group in (1, 2):
                ids.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(group))).encode().decode("unicode_escape"))
    return {i for i in ids if i and not i.startswith(("DeprecationWarning", "Arguments take", "Boolean option",
                                                     "Could not determine", "No options defined", "Name '",
                                                     "{editor}", "Unknown color", "Unknown standard"))}


def test_every_click_message_a_user_can_meet_is_translated():
    missing = sorted(click_message_ids() - MESSAGES.keys())
    assert missing == [], missing


@pytest.mark.parametrize("args,fragments", [
    (["--help"], ["用法:", "选项", "命令", "显示本帮助并退出"]),
    (["bulid"], ["错误：没有“bulid”这个命令", "build"]),
    (["submit"], ["缺少参数", "报送表文件"]),
    (["bulletin"], ["缺少选项", "--month"]),
    (["build", "--only", "x"], ["--only", "的值无效", "不是可选值之一"]),
    (["build", "--nonsense"], ["没有“--nonsense”这个选项"]),
    (["submit", "/no/such/file.xlsx", "--month", "2021-05"], ["“/no/such/file.xlsx”不存在"]),
    (["form", "--month"], ["选项“--month”后面需要一个值"]),
    (["diff", "a", "b", "c"], ["多余的参数"]),
])
def test_click_errors_and_help_are_in_chinese(args, fragments):
    result = CliRunner().invoke(main, args)
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)
    english = ("Usage:", "Error:", "Missing", "No such", "Show this message", "Invalid value", "Try '")
    assert not any(word in result.output for word in english), result.output
    assert result.exit_code == (0 if args == ["--help"] else 2)
