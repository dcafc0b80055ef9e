"""Plan YAML is read with libyaml when it can be (about 4x faster, issue 18) and with the pure-Python
loader otherwise, whose messages are worded for the users. The two readings must agree: the same tree with
the same line numbers, and nothing libyaml accepts that the worded reading refuses."""

import random
from pathlib import Path

from reportgen.load import yaml_file
from reportgen.problems import Problems

DATA = Path(__file__).resolve().parents[2] / "data"
PLAN_FILES = sorted(DATA.rglob("*.yaml"))
MUTATIONS = [":", " ", "\t", "-", '"', "'", "{", "}", "[", "]", "&a", "*a", "#", "\n", "  ", "|", ">", "!", "%", "@",
             "`", ",", "?", "<<: ", "\u3000", "x", "\r", "...", "\n---\n", "%YAML 1.1\n", "\\", '"\\x', "!!str ",
             "!!binary ", "~", "null", "0x1F", "1e3", "2021-02-30", ": |", "\n  - ", "{a: 1}", "[1,2]", "- - ", "''"]


def tree(value):
    """The value with the line numbers the loaders attach, for comparison."""
    if isinstance(value, yaml_file.LineDict):
        return ("map", value.line, dict(value.key_lines), {k: tree(v) for k, v in value.items()})
    if isinstance(value, yaml_file.LineList):
        return ("list", value.line, list(value.item_lines), [tree(v) for v in value])
    return (type(value).__name__, repr(value))


def test_every_plan_file_is_read_by_libyaml_to_the_same_tree():
    assert yaml_file._FastLineLoader is not None, "PyYAML without libyaml: plan files are read slowly"
    assert len(PLAN_FILES) >= 13      # the default data set's plan files
    for path in PLAN_FILES:
        text = path.read_text(encoding="utf-8")
        fast = yaml_file._read_fast(text)
        assert fast is not None, path
        worded = yaml_file._read_worded(text, path, Problems())
        assert tree(fast[0]) == tree(worded[0]) and fast[1] == worded[1], path


def test_mutated_plan_files_read_the_same_or_are_refused_in_the_users_words():
    rng = random.Random(20261202)
    texts = [p.read_text(encoding="utf-8") for p in PLAN_FILES]
    agreed = fell_back = 0
    for _ in range(800):
        text = rng.choice(texts)
        if len(text) > 3000:
            start = rng.randrange(len(text) - 1500)
            text = text[start:start + 1500]
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.65:
                text = text[:at] + rng.choice(MUTATIONS) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 5):]
        fast = yaml_file._read_fast(text)
        problems = Problems()
        worded = yaml_file._read_worded(text, Path("x.yaml"), problems)
        if fast is None:
            fell_back += 1
            continue
        assert worded[1] is not None, f"libyaml read what the worded reading refuses: {problems.errors}\n{text}"
        assert tree(fast[0]) == tree(worded[0]) and fast[1] == worded[1], text
        agreed += 1
    assert agreed > 200 and fell_back > 200     # both paths were exercised
