"""Units change over time (issue 14): a county merged into its neighbour as of 2021-07-01, written in
unit_changes.yaml and removed from units.csv and 附件2. Old submissions naming it stay valid, bulletins
before the change rank it, bulletins after it rank one fewer, comparisons across the change follow the
rule the data states, and a submission after the change that names it is refused with a located
message. Hand-made CSV months (fast to read); every check reads a generated PDF, XLSX or CLI output."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner
from conftest import DATA
from helpers import docx_text, pdf_text
from openpyxl import load_workbook

from reportgen.build import build
from reportgen.cli import main
from reportgen.compute.air_quality import period_for
from reportgen.compute.bulletin_data import BulletinData
from reportgen.load.plan import load_plan
from reportgen.load.submissions import load_submissions
from reportgen.problems import Problems

JIANGSU = load_plan(DATA)[0]
CITIES = JIANGSU.units.cities
C = JIANGSU.units.counties                  # the 54 counties before the merge
GONE, INTO = "高淳区", "溧水区"
GONE_I = [u.name for u in C].index(GONE)
HEADER = "单位名称,PM2.5浓度,优良天数,有效监测天数,备注"
MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 9)]
MERGE = """changes:
  - date: 2021-07-01
    kind: merged
    from: 高淳区
    short_name: 高淳
    code: "320118"
    into: 溧水区
    comparison: {comparison}
"""


def flat(text: str) -> str:
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))


def pm25(month: str, i: int) -> Decimal:
    """County i: 2021 better than 2020 for everyone; 高淳 the cleanest county of 2021 before it goes."""
    if i == GONE_I and month.startswith("2021"):
        return Decimal("5.0")
    return Decimal("20.0" if month.startswith("2021") else "30.0") + Decimal("0.5") * i


def write_month(root, month: str, names_gone: bool | None = None) -> None:
    """Every city reports; 高淳 appears in months before 2021-07 (or as `names_gone` says)."""
    with_gone = month < "2021-07" if names_gone is None else names_gone
    for k, city in enumerate(CITIES):
        folder = root / "submissions" / month / city.name
        folder.mkdir(parents=True)
        lines = [HEADER, f"{city.name},{30 + k}.0,{20 + k % 5},28,"]
        for county in JIANGSU.units.children(city):
            i = C.index(county)
            if i == GONE_I and not with_gone:
                continue
            lines.append(f"{county.name},{pm25(month, i)},{20 + i % 7},28,")
        (folder / "r01_20210605T090000.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def merged_copy(root, comparison: str = "none", submissions: bool = True):
    """data/jiangsu-2021 with 高淳 merged into 溧水 as of 2021-07-01."""
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    for name in ("units.csv", "annexes/annex2.csv"):
        path = root / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if "高淳" not in line), encoding="utf-8")
    (root / "unit_changes.yaml").write_text(MERGE.format(comparison=comparison), encoding="utf-8")
    if submissions:
        for month in MONTHS:
            write_month(root, month)
    return root


def bulletins(root, months):
    result = build(root, root.parent / "out", kinds=("bulletins",), months=months)
    out = {}
    for w in result.written:
        month = w.path.name[:7]
        out.setdefault(month, {})[w.path.suffix] = w.path
    return {m: {"pdf": flat(pdf_text(f[".pdf"])), "docx": flat(docx_text(f[".docx"]))} for m, f in out.items()}


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """comparison: none — bulletins of 2021-05 (before) and 2021-08 (after)."""
    root = merged_copy(tmp_path_factory.mktemp("none") / "data")
    return {"root": root, **bulletins(root, ["2021-05", "2021-08"])}


def test_merged_data_set_validates_with_old_submissions_naming_the_old_county(merged):
    result = CliRunner().invoke(main, ["validate", "--data", str(merged["root"])])
    assert result.exit_code == 0, result.output
    assert "数据检查通过" in result.output


def test_bulletin_before_the_change_still_ranks_the_old_county(merged):
    for fmt in ("pdf", "docx"):
        text = merged["2021-05"][fmt]
        # 高淳 (5.0) is the cleanest of the 54 counties of May
        assert "2021年5月，54个县（市、区）中，PM2.5浓度相对较好的前10位（1—10名）依次是：高淳、江宁、六合、" in text
        assert "2021年1—5月，54个县（市、区）中，PM2.5浓度相对较好的前10位（1—10名）依次是：高淳、" in text
        # its 改善幅度 against May 2020 (5.0 vs 31.5) is the best too: the old county compared with itself
        assert "PM2.5浓度改善幅度相对较好的前10位（1—10名）依次是：高淳、" in text
    # no longer in 附件2: said plainly, not judged
    assert "高淳无年度目标" in merged["2021-05"]["pdf"]


def test_bulletin_after_the_change_ranks_the_current_units_one_fewer(merged):
    for fmt in ("pdf", "docx"):
        text = merged["2021-08"][fmt]
        assert "2021年8月，53个县（市、区）中，PM2.5浓度相对较好的前10位（1—10名）依次是：江宁、六合、溧水、" in text
        assert "54个县（市、区）中" not in text
        lists = re.findall(r"依次是：[^。]*。", text)
        assert lists and not any("高淳" in s for s in lists)


def test_no_comparable_figure_across_the_change_is_said_in_words(merged):
    """comparison: none — 溧水's 同比 and its 1—8月 figure reach back before the merge: no number, the
    reason names the change."""
    why = "高淳区于2021年7月1日并入溧水区"
    for fmt in ("pdf", "docx"):
        text = merged["2021-08"][fmt]
        assert f"未参与排名：溧水（{why}，无可比的上年同期数据）" in text     # 8月 改善幅度
        assert f"未参与排名：溧水（{why}，1—8月跨越调整，无可比数据）" in text   # 1—8月
        # the single month after the change is its own figure: 溧水 ranked third (21.0)
        assert "PM2.5浓度相对较好的前10位（1—10名）依次是：江宁、六合、溧水、" in text
    assert "（溧水因区划调整无可比的累计数据，未作对照）" in merged["2021-08"]["pdf"]     # 附件2 targets
    # the count printed with each list is the units ranked: 52 for the lists 溧水 is not in
    assert "2021年8月，52个县（市、区）中，PM2.5浓度改善幅度" in merged["2021-08"]["pdf"]
    assert "2021年1—8月，52个县（市、区）中，PM2.5浓度相对较好" in merged["2021-08"]["pdf"]


def test_continue_compares_the_successor_with_its_own_series(tmp_path):
    """comparison: continue — 溧水 keeps its 同比 (21.0 against 31.0) and its 1—8月 figure."""
    root = merged_copy(tmp_path / "data", comparison="continue")
    text = bulletins(root, ["2021-08"])["2021-08"]["pdf"]
    assert "2021年8月，53个县（市、区）中，PM2.5浓度改善幅度" in text
    assert "2021年1—8月，53个县（市、区）中，PM2.5浓度相对较好" in text
    assert "并入溧水区" not in text
    # and the figure behind it, computed from the archive: (21.0 − 31.0) / 31.0 × 100
    plan = load_plan(root)[0]
    archive = load_submissions(root, plan.units, plan.annexes.get(6), Problems())
    data = BulletinData(plan, archive)
    entries = {e.unit.name: e for e in data.entries(plan.units.as_of("2021-08").counties, "pm25_change",
                                                    period_for("2021-08", "month"))}
    assert entries[INTO].value == (Decimal("21.0") - Decimal("31.0")) / Decimal("31.0") * 100
    assert GONE not in entries and len(entries) == 53


def test_renamed_county_series_continues_under_its_new_name(tmp_path):
    """A rename (comparison continue by default): months before it name the old county; the new name's
    1—8月 figure and 同比 read the old name's reports."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    (root / "unit_changes.yaml").write_text(
        "changes:\n  - {date: 2021-03-01, kind: renamed, from: 六合县, short_name: 六合县, into: 六合区}\n",
        encoding="utf-8")
    for month in ("2020-08", "2021-01", "2021-02", "2021-03"):
        write_month(root, month, names_gone=True)     # 高淳 is not merged in this data set
        if month < "2021-03":
            path = root / "submissions" / month / "南京市" / "r01_20210605T090000.csv"
            path.write_text(path.read_text(encoding="utf-8").replace("六合区", "六合县"), encoding="utf-8")
    write_month(root, "2021-08", names_gone=True)
    plan = load_plan(root)[0]
    problems = Problems()
    archive = load_submissions(root, plan.units, plan.annexes.get(6), problems)
    assert not problems.errors, problems.errors
    assert "六合县" in [u.name for u in plan.units.as_of("2021-02").counties]
    assert "六合区" not in [u.name for u in plan.units.as_of("2021-02").counties]
    data = BulletinData(plan, archive)
    liuhe = plan.units.find("六合区")
    figures = data.figures(liuhe, period_for("2021-03", "cumulative"))
    assert figures.pm25 is not None and figures.incomparable is None
    before = data.figures(liuhe, period_for("2021-08", "month").year_before())
    assert before.pm25 == pm25("2020-08", 1)          # 六合县's report of August 2020


def test_submission_after_the_change_naming_the_old_county_is_refused_with_its_location(tmp_path):
    root = merged_copy(tmp_path / "data", submissions=False)
    write_month(tmp_path / "made", "2021-08", names_gone=True)
    write_month(tmp_path / "made", "2021-05")
    after = tmp_path / "made" / "submissions" / "2021-08" / "南京市" / "r01_20210605T090000.csv"
    before = tmp_path / "made" / "submissions" / "2021-05" / "南京市" / "r01_20210605T090000.csv"
    row = after.read_text(encoding="utf-8").splitlines().index(next(
        line for line in after.read_text(encoding="utf-8").splitlines() if line.startswith(GONE))) + 1
    result = CliRunner().invoke(main, ["submit", str(after), "--month", "2021-08", "--data", str(root)])
    assert result.exit_code == 2, result.output
    assert f"第{row}行" in result.output and "“单位名称”列" in result.output
    assert "高淳区于2021年7月1日并入溧水区（见 unit_changes.yaml），2021-08的报送表不应再有“高淳区”的行" in result.output
    assert not (root / "submissions" / "2021-08").exists()
    # the same county in a month before the change is one of that month's units
    result = CliRunner().invoke(main, ["submit", str(before), "--month", "2021-05", "--data", str(root)])
    assert result.exit_code == 0, result.output
    # a real sample form (XLSX, with its daily sheet) of May 2021 names 高淳 and is still accepted
    sample = sorted((DATA / "submissions" / "2021-05" / "南京市").glob("r*.xlsx"))[-1]
    result = CliRunner().invoke(main, ["submit", str(sample), "--month", "2021-05", "--data", str(root)])
    assert result.exit_code == 0, result.output


def test_form_lists_the_units_of_its_month(tmp_path):
    root = merged_copy(tmp_path / "data", submissions=False)
    names = {}
    for month in ("2021-06", "2021-07"):
        out = tmp_path / f"{month}.xlsx"
        result = CliRunner().invoke(main, ["form", "--data", str(root), "--month", month, "--city", "南京",
                                           "--out", str(out)])
        assert result.exit_code == 0, result.output
        ws = load_workbook(out)["报送数据"]
        names[month] = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert names["2021-06"][-5:] == ["南京市", "江宁区", "六合区", "溧水区", "高淳区"]
    assert names["2021-07"][-4:] == ["南京市", "江宁区", "六合区", "溧水区"] and "高淳区" not in names["2021-07"]


BAD = [
    # (what, unit_changes.yaml, keep 高淳 in units.csv, expected message, line)
    ("unknown successor", "into: 溧水县区", False, "未知单位“溧水县区”", 2),
    ("after the plan year", "date: 2022-01-01", False, "生效日期2022年1月1日不在1980年至计划年度（2021年）末之间", 2),
    ("mid-month", "date: 2021-07-15", False, "生效日期应为某月1日", 2),
    ("still listed, changed before the plan year", "date: 2020-07-01", True,
     "“高淳区”仍列在 units.csv 中；2020年7月1日并入的单位不能留在其中（只有计划年度（2021年）2月1日至12月1日之间并入的单位", 2),
    ("still listed, changed on the year's first day", "date: 2021-01-01", True, "“高淳区”仍列在 units.csv 中", 2),
    ("still listed, other short name", "short_name: 高淳县", True, "“高淳区”列在 units.csv 中，简称应与其一致（“高淳”", 2),
    ("still listed, renamed mid-year", "kind: renamed", True, "年中更名的单位不能留在其中", 2),
    ("into a city", "into: 南京市", False, "“南京市”是设区市；区划调整只适用于县（市、区）", 2),
    ("unknown kind", "kind: abolished", False, "调整类型应为 merged（并入）、renamed（更名）、split（拆分） 之一", 2),
    ("no comparison rule", "comparison: null", False, "请写明跨调整如何比较", 2),
    ("short name taken", "short_name: 溧水", False, "简称“溧水”已是 units.csv 中溧水区的名称", 2),
    ("split compared", "kind: split\n    into: [甲区, 乙区]\n    comparison: continue", False,
     "comparison 只能为 none", 2),
]


def _yaml(override: str) -> str:
    base = {"date": "2021-07-01", "kind": "merged", "from": "高淳区", "short_name": "高淳", "into": "溧水区",
            "comparison": "none"}
    for line in override.splitlines():
        key = line.strip().split(":")[0]
        if key in base and line.startswith(key):
            base[key] = line.split(":", 1)[1].strip()
    text = "changes:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in base.items() if not (
        override.startswith("kind: split") and k in ("into", "comparison")))
    if override.startswith("kind: split"):
        text += "\n    into: [甲区, 乙区]\n    comparison: continue"
    return text.replace("comparison: null", "comparison:") + "\n"


@pytest.mark.parametrize("what,override,keep,message,line", BAD, ids=[b[0] for b in BAD])
def test_bad_unit_changes_are_located_errors(tmp_path, what, override, keep, message, line):
    root = merged_copy(tmp_path / "data", submissions=False)
    if keep:
        shutil.copy(DATA / "units.csv", root / "units.csv")
        shutil.copy(DATA / "annexes" / "annex2.csv", root / "annexes" / "annex2.csv")
    (root / "unit_changes.yaml").write_text(_yaml(override), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert re.search(r"unit_changes\.yaml，第\d+行，字段“changes\[0\]\.", result.output), result.output


def test_cycles_and_successors_gone_before_the_change_are_refused(tmp_path):
    root = merged_copy(tmp_path / "data", submissions=False)
    path = root / "unit_changes.yaml"
    path.write_text(MERGE.format(comparison="none") + """  - {date: 2020-01-01, kind: renamed, from: 甲县, short_name: 甲, into: 乙县}
  - {date: 2020-02-01, kind: renamed, from: 乙县, short_name: 乙, into: 甲县}
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 2 and "区划调整形成循环：甲县→乙县→甲县" in result.output, result.output
    # into a county that was itself merged away before the date
    path.write_text(MERGE.format(comparison="none") + """  - {date: 2021-08-01, kind: merged, from: 丙县, short_name: 丙, into: 高淳区, comparison: none}
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 2, result.output
    assert "unit_changes.yaml，第9行，字段“changes[1].into”：“高淳区”在2021年8月1日时已不存在（见第2行）" in result.output
    path.write_text("changes: 高淳区并入溧水区\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 2 and "“changes”应为列表" in result.output, result.output


def test_split_county_has_no_comparable_figure_and_its_parts_do_not_exist_before(tmp_path):
    """A split (comparison always none): 江宁区 divided into 江宁东区 and 江宁西区 as of 2021-07-01."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    for name, old, new in (("units.csv", "320115,江宁区,江宁,county,南京,\n",
                            "320191,江宁东区,江宁东,county,南京,\n320192,江宁西区,江宁西,county,南京,\n"),
                           ("annexes/annex2.csv", "南京,江宁,32,84.6\n", "南京,江宁东,32,84.6\n南京,江宁西,32,84.6\n")):
        text = (root / name).read_text(encoding="utf-8")
        assert old in text
        (root / name).write_text(text.replace(old, new), encoding="utf-8")
    (root / "unit_changes.yaml").write_text(
        "changes:\n  - {date: 2021-07-01, kind: split, from: 江宁区, short_name: 江宁, into: [江宁东区, 江宁西区]}\n",
        encoding="utf-8")
    plan = load_plan(root)[0]
    assert [u.name for u in plan.units.as_of("2021-06").children(plan.units.find("南京"))][:1] == ["江宁区"]
    assert [u.name for u in plan.units.as_of("2021-07").children(plan.units.find("南京"))][:2] == ["江宁东区", "江宁西区"]
    # a May form naming a part that did not exist yet
    write_month(tmp_path / "made", "2021-05", names_gone=True)
    path = tmp_path / "made" / "submissions" / "2021-05" / "南京市" / "r01_20210605T090000.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("江宁区", "江宁东区"), encoding="utf-8")
    result = CliRunner().invoke(main, ["submit", str(path), "--month", "2021-05", "--data", str(root)])
    assert result.exit_code == 2, result.output
    assert "第3行" in result.output
    assert "“江宁东区”是江宁区于2021年7月1日拆分为江宁东区、江宁西区后的单位（见 unit_changes.yaml），2021-05时尚不存在" \
        in result.output
    # 同比 of a part: no comparable figure, and the reason says why
    write_month(root, "2020-08", names_gone=True)
    months = root / "submissions"
    for month in ("2021-08",):
        write_month(root, month, names_gone=True)
        csv_path = months / month / "南京市" / "r01_20210605T090000.csv"
        text = csv_path.read_text(encoding="utf-8").replace("江宁区,", "江宁东区,")
        csv_path.write_text(text.replace("\n六合区", "\n江宁西区,21.0,20,28,\n六合区"), encoding="utf-8")
    plan = load_plan(root)[0]
    problems = Problems()
    archive = load_submissions(root, plan.units, plan.annexes.get(6), problems)
    assert not problems.errors, problems.errors
    entries = {e.unit.name: e for e in BulletinData(plan, archive).entries(
        plan.units.as_of("2021-08").counties, "pm25_change", period_for("2021-08", "month"))}
    assert entries["江宁东区"].value is None
    assert entries["江宁东区"].reason == "江宁区于2021年7月1日拆分为江宁东区、江宁西区，无可比的上年同期数据"
    assert entries["六合区"].value is not None


# A county merged DURING the plan year: the plan published in January lists it (units.csv, 附件2, its
# letter); from 2021-07 it is gone from forms, submissions, bulletins, counts and rankings.

MID_YEAR = """changes:
  - date: 2021-07-01
    kind: merged
    from: 高淳区
    into: 溧水区
    comparison: none
"""


@pytest.fixture(scope="module")
def mid_year(tmp_path_factory):
    root = tmp_path_factory.mktemp("mid_year") / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    assert "高淳" in (root / "units.csv").read_text(encoding="utf-8")
    assert "高淳" in (root / "annexes" / "annex2.csv").read_text(encoding="utf-8")
    (root / "unit_changes.yaml").write_text(MID_YEAR, encoding="utf-8")
    for month in MONTHS:
        write_month(root, month)
    return {"root": root, **bulletins(root, ["2021-05", "2021-08"])}


def test_mid_year_merge_validates_with_the_county_listed_in_units_csv(mid_year):
    result = CliRunner().invoke(main, ["validate", "--data", str(mid_year["root"])])
    assert result.exit_code == 0, result.output
    assert "数据检查通过" in result.output
    plan = load_plan(mid_year["root"])[0]
    gone = plan.units.find(GONE)
    assert gone is not None and gone.short_name == "高淳" and gone.code == "320118"   # from units.csv
    assert len(plan.units.counties) == 54 and not plan.units.retired
    assert GONE in [u.name for u in plan.units.as_of("2021-06").counties]
    assert GONE not in [u.name for u in plan.units.as_of("2021-07").counties]
    assert len(plan.units.as_of("2021-08").counties) == 53


def test_mid_year_merge_keeps_the_published_letters(mid_year, tmp_path):
    from reportgen.build import plan_documents
    from reportgen.profile import Profile
    plan = load_plan(mid_year["root"])[0]
    letters = plan_documents(plan, Profile.load(), kinds=("letters",), allow_incomplete=True)
    assert len(letters) == 13 + 54
    result = build(mid_year["root"], tmp_path / "out", kinds=("letters",), unit_names=[GONE])
    assert not result.failed
    pdf = next(w.path for w in result.written if w.path.suffix == ".pdf")
    assert "高淳区" in flat(pdf_text(pdf))


def test_mid_year_merge_bulletins_rank_the_county_before_and_not_after(mid_year):
    for fmt in ("pdf", "docx"):
        before = mid_year["2021-05"][fmt]
        assert "2021年5月，54个县（市、区）中，PM2.5浓度相对较好的前10位（1—10名）依次是：高淳、江宁、六合、" in before
        after = mid_year["2021-08"][fmt]
        assert "2021年8月，53个县（市、区）中，PM2.5浓度相对较好的前10位（1—10名）依次是：江宁、六合、溧水、" in after
        assert "54个县（市、区）" not in after
        lists = re.findall(r"依次是：[^。]*。", after)
        assert lists and not any("高淳" in s for s in lists)
    # 高淳 is in 附件2 as published: before the merge it is judged against its target like the others
    assert "高淳无年度目标" not in mid_year["2021-05"]["pdf"]
    assert "未参与排名：溧水（高淳区于2021年7月1日并入溧水区，无可比的上年同期数据）" in mid_year["2021-08"]["pdf"]


def test_mid_year_merge_refuses_a_later_submission_naming_the_county(mid_year, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(mid_year["root"], root, ignore=shutil.ignore_patterns("submissions"))
    write_month(tmp_path / "made", "2021-08", names_gone=True)
    after = tmp_path / "made" / "submissions" / "2021-08" / "南京市" / "r01_20210605T090000.csv"
    lines = after.read_text(encoding="utf-8").splitlines()
    row = lines.index(next(line for line in lines if line.startswith(GONE))) + 1
    result = CliRunner().invoke(main, ["submit", str(after), "--month", "2021-08", "--data", str(root)])
    assert result.exit_code == 2, result.output
    assert f"第{row}行" in result.output and "“单位名称”列" in result.output
    assert "高淳区于2021年7月1日并入溧水区（见 unit_changes.yaml），2021-08的报送表不应再有“高淳区”的行" in result.output
    assert not (root / "submissions" / "2021-08").exists()


def test_mid_year_merge_form_of_a_later_month_has_no_row_for_the_county(mid_year, tmp_path):
    names = {}
    for month in ("2021-06", "2021-08"):
        out = tmp_path / f"{month}.xlsx"
        result = CliRunner().invoke(main, ["form", "--data", str(mid_year["root"]), "--month", month,
                                           "--city", "南京", "--out", str(out)])
        assert result.exit_code == 0, result.output
        ws = load_workbook(out)["报送数据"]
        names[month] = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert names["2021-06"][-5:] == ["南京市", "江宁区", "六合区", "溧水区", "高淳区"]
    assert names["2021-08"][-4:] == ["南京市", "江宁区", "六合区", "溧水区"] and "高淳区" not in names["2021-08"]


def test_next_years_plan_drops_a_county_merged_during_this_year(tmp_path, monkeypatch):
    """new-plan from a plan with a mid-year merge: the county no longer exists in the new year, its
    record keeps what units.csv knew, and the old year's submissions still read."""
    from reportgen.project import PROJECT_FILE

    project = tmp_path / "project"
    root = project / "data" / "jiangsu-2021"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    (root / "unit_changes.yaml").write_text(MID_YEAR, encoding="utf-8")
    for month in MONTHS:
        write_month(root, month)
    (project / PROJECT_FILE).write_text("datasets:\n  jiangsu-2021: data/jiangsu-2021\n", encoding="utf-8")
    monkeypatch.chdir(project)
    made = CliRunner().invoke(main, ["new-plan", "2022", "--from", "jiangsu-2021"])
    assert made.exit_code == 0, made.output
    assert "删去高淳区" in made.output and "仍写着2021年：- date" not in made.output
    new = project / "data" / "jiangsu-2022"
    assert "高淳区" not in (new / "units.csv").read_text(encoding="utf-8")
    assert "高淳" not in (new / "annexes" / "annex2.csv").read_text(encoding="utf-8")
    changes = (new / "unit_changes.yaml").read_text(encoding="utf-8")
    assert "short_name: 高淳" in changes and 'code: "320118"' in changes and "date: 2021-07-01" in changes
    validated = CliRunner().invoke(main, ["validate", "--data", "jiangsu-2022"])
    errors = [line for line in validated.output.splitlines() if line.startswith("[错误]")]
    assert errors == ["[错误] jiangsu-2022/notice.yaml，第3行，字段“date”：缺少必填字段“date”"], validated.output
