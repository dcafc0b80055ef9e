"""Bulletins are made for the months of the plan year only (notice.yaml `year`). Earlier months in
submissions/ (the year before, kept for the 同比 comparison; `reportgen new-plan` copies them) are read
as comparison data: a build writes no bulletin of theirs, so a 2022 data set never overwrites the 2021
data set's bulletins in the shared output folder. Hand-made CSV months keep it fast."""

from __future__ import annotations

import re
import shutil

from click.testing import CliRunner
from conftest import DATA
from helpers import pdf_text

from reportgen.build import build
from reportgen.cli import main
from reportgen.load.plan import load_plan

PLAN = load_plan(DATA)[0]
HEADER = "单位名称,PM2.5浓度,优良天数,有效监测天数,备注"


def data_set(root, months):
    """data/jiangsu-2021 (plan year 2021) with every city reporting in `months`."""
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    for month in months:
        pm25 = 40 if month.startswith("2020") else 30
        for k, city in enumerate(PLAN.units.cities):
            folder = root / "submissions" / month / city.name
            folder.mkdir(parents=True)
            lines = [HEADER, f"{city.name},{pm25 + k}.0,20,28,"]
            lines += [f"{c.name},{pm25 + i * 0.5},21,28," for i, c in enumerate(PLAN.units.children(city))]
            (folder / "r01_20210605T090000.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_build_writes_bulletins_of_the_plan_year_only(tmp_path):
    root = data_set(tmp_path / "data", ["2020-05", "2021-05"])
    out = tmp_path / "out"
    result = build(root, out, kinds=("bulletins",))
    written = sorted(w.path.relative_to(out).as_posix() for w in result.written)
    assert written and all(p.startswith("2021/通报/2021-05") for p in written), written
    assert not (out / "2020").exists()
    # the year before is still the comparison: the 同比 of May 2021 is computed from May 2020
    text = re.sub(r"\s+", "", pdf_text(next(w.path for w in result.written if w.path.suffix == ".pdf")))
    assert "2021年5月，54个县（市、区）中，PM2.5浓度改善幅度相对较好的前10位" in text
    assert "无上年同期数据" not in text


def test_validate_says_which_months_are_comparison_data_only(tmp_path):
    root = data_set(tmp_path / "data", ["2020-05", "2021-05"])
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 0, result.output
    assert "其中1个月不在计划年度（2021年）内，只用于同比比较，不生成通报" in result.output


def test_a_bulletin_of_another_year_is_refused(tmp_path):
    root = data_set(tmp_path / "data", ["2020-05", "2021-05"])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["bulletin", "--data", str(root), "--out", str(out), "--month", "2020-05"])
    assert result.exit_code == 2, result.output
    assert "2020-05不在本数据集的计划年度（2021年）内" in result.output
    assert not out.exists() or not any(out.rglob("*.pdf"))
    result = CliRunner().invoke(main, ["issue", "bulletin", "--data", str(root), "--out", str(out), "--month", "2020-05",
                                       "--number", "苏大气办〔2020〕104号", "--date", "2020-06-10"])
    assert result.exit_code == 2, result.output
    assert "2020年5月不在本数据集的计划年度（2021年）内" in result.output


def test_only_earlier_months_make_no_bulletin_and_say_why(tmp_path):
    root = data_set(tmp_path / "data", ["2020-05"])
    result = CliRunner().invoke(main, ["build", "--data", str(root), "--out", str(tmp_path / "out"),
                                       "--only", "bulletins"])
    assert "报送数据中没有计划年度（2021年）的月份（其他年度的数据只用于同比比较），未生成月度排名通报" in result.output
    assert not (tmp_path / "out" / "2020").exists()
