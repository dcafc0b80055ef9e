"""片区 come from data (issue 14): units.csv's `region` column is optional, the order is bulletin.yaml's
`regions` list or else the order of first appearance in units.csv. A data set without regions gets
bulletins that say nothing about 片区. Checks read the generated PDF and DOCX, or the CLI's output."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA
from helpers import docx_text, pdf_text

from reportgen.build import build
from reportgen.cli import main
from reportgen.load.plan import load_plan

JIANGSU = load_plan(DATA)[0]
HEADER = "单位名称,PM2.5浓度,优良天数,有效监测天数,备注"


def flat(text: str) -> str:
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))


def write_month(root, month: str, cities=None) -> None:
    for k, city in enumerate(JIANGSU.units.cities):
        if cities is not None and k not in cities:
            continue
        folder = root / "submissions" / month / city.name
        folder.mkdir(parents=True)
        lines = [HEADER, f"{city.name},{30 + k}.0,{20 + k % 5},28,"]
        for county in JIANGSU.units.children(city):
            i = JIANGSU.units.counties.index(county)
            lines.append(f"{county.name},{20 + 0.5 * i},{20 + i % 7},28,")
        (folder / "r01_20210605T090000.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def copy(root, region_column: bool, declared: bool):
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    if not region_column:
        rows = list(csv.reader(io.StringIO((root / "units.csv").read_text(encoding="utf-8"))))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(r[:-1] for r in rows)
        assert rows[0][-1] == "region"
        (root / "units.csv").write_text(out.getvalue(), encoding="utf-8")
    if not declared:
        path = root / "bulletin.yaml"
        path.write_text(re.sub(r"(?m)^regions:.*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    for m in range(1, 6):
        write_month(root, f"2021-{m:02d}")
    write_month(root, "2021-06", cities={0, 1, 2})      # a thin month: figures only, no rankings
    return root


def texts(root, months):
    result = build(root, root.parent / "out", kinds=("bulletins",), months=months)
    out = {}
    for w in result.written:
        if w.path.suffix in (".pdf", ".docx"):
            text = pdf_text(w.path) if w.path.suffix == ".pdf" else docx_text(w.path)
            out[(w.path.name[:7], w.path.suffix)] = flat(text)
    return out


@pytest.fixture(scope="module")
def without_regions(tmp_path_factory):
    root = copy(tmp_path_factory.mktemp("noregions") / "data", region_column=False, declared=False)
    return {"root": root, "texts": texts(root, ["2021-05", "2021-06"])}


def test_data_set_without_regions_validates(without_regions):
    result = CliRunner().invoke(main, ["validate", "--data", str(without_regions["root"])])
    assert result.exit_code == 0, result.output


def test_bulletin_without_regions_says_nothing_about_them(without_regions):
    got = without_regions["texts"]
    assert set(got) == {(m, s) for m in ("2021-05", "2021-06") for s in (".pdf", ".docx")}
    for (month, _), text in got.items():
        assert "片区" not in text, month
        assert "苏南" not in text and "苏中" not in text and "苏北" not in text
    # the rankings themselves are all there
    may = got[("2021-05", ".pdf")]
    assert "2021年1—5月，13个设区市PM2.5浓度由低到高依次为：" in may
    assert "2021年5月，54个县（市、区）中，PM2.5浓度相对较好的前10位（1—10名）依次是：" in may
    # a thin month: no ranking, and no 分片区比较 to decline either
    assert "不足7个，不进行设区市排名。" in got[("2021-06", ".pdf")]


def test_regions_in_order_of_first_appearance_without_a_declared_list(tmp_path):
    root = copy(tmp_path / "data", region_column=True, declared=False)
    text = texts(root, ["2021-05"])[("2021-05", ".pdf")]
    # units.csv: 南京 (苏南), then 徐州 (苏北), then 南通 (苏中)
    found = re.findall(r"[；，](苏.)片区PM2\.5浓度由低到高依次为", text)
    assert found == ["苏南", "苏北", "苏中"], found


# the line of `regions:` in the sample bulletin.yaml, where a wrong region is reported
REGIONS_LINE = next(i for i, line in enumerate((DATA / "bulletin.yaml").read_text(encoding="utf-8").splitlines(), 1)
                    if line.startswith("regions:"))
BAD = [
    # (what, change, expected message)
    ("declared region unknown", ("bulletin.yaml", "regions: [苏南, 苏中, 苏北]", "regions: [苏南, 苏中, 苏北, 皖江]"),
     f"bulletin.yaml，第{REGIONS_LINE}行，字段“regions”：片区“皖江”不是 units.csv 中任何设区市的片区"),
    ("region left out of the list", ("bulletin.yaml", "regions: [苏南, 苏中, 苏北]", "regions: [苏南, 苏中]"),
     "units.csv 中徐州市的片区“苏北”未列在 regions 中"),
    ("one city without a region", ("units.csv", "320300,徐州市,徐州,city,,苏北", "320300,徐州市,徐州,city,,"),
     "units.csv，第10行，“region”列：缺少片区"),
    ("片区 written twice", ("units.csv", "320300,徐州市,徐州,city,,苏北", "320300,徐州市,徐州,city,,苏北片区"),
     "units.csv，第10行，“region”列：片区名写作“苏北”即可"),
]


@pytest.mark.parametrize("what,change,message", BAD, ids=[b[0] for b in BAD])
def test_bad_regions_are_located_errors(tmp_path, what, change, message):
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    name, old, new = change
    text = (root / name).read_text(encoding="utf-8")
    assert old in text
    (root / name).write_text(text.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    if what == "one city without a region":     # the city is still known: its counties raise nothing more
        assert len(re.findall(r"\[错误\]", result.output)) == 1, result.output


def test_declared_regions_without_a_region_column_are_refused(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    rows = list(csv.reader(io.StringIO((root / "units.csv").read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(r[:-1] for r in rows)
    (root / "units.csv").write_text(out.getvalue(), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 2, result.output
    assert "片区“苏南”不是 units.csv 中任何设区市的片区（units.csv 没有填写片区）" in result.output
