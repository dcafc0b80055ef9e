"""Bad input: each class of error is reported with its location, the build exits 2 and writes nothing."""

import re

import pytest
from click.testing import CliRunner

from reportgen.cli import main


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def files_under(folder):
    bookkeeping = (".reportgen-manifest.json", ".reportgen.lock")   # not documents
    return [p for p in folder.rglob("*") if p.is_file() and p.name not in bookkeeping] if folder.exists() else []


# (description, mutation of the data copy, expected fragments of one message: file, row, column/field, reason)
CASES = [
    ("malformed YAML",
     lambda d: edit(d / "notice.yaml", "recipients: 各设区市", "recipients: [各设区市"),
     ["notice.yaml", "第7行", "YAML格式错误", "始于第6行"]),
    ("unknown unit",
     lambda d: edit(d / "annexes" / "annex1.csv", "南京市,31", "南景市,31"),
     ["annex1.csv", "第2行", "“unit”列", "未知的设区市“南景市”", "南京"]),
    ("duplicate unit",
     lambda d: edit(d / "annexes" / "annex5.csv", "无锡市,3.4", "南京市,3.4"),
     ["annex5.csv", "第3行", "“unit”列", "“南京市”重复出现（第2行已有）"]),
    ("duplicate unit in units.csv",
     lambda d: edit(d / "units.csv", "320116,六合区,六合", "320116,江宁区,江宁"),
     ["units.csv", "第4行", "“name”列", "重复"]),
    ("county under the wrong city",
     lambda d: edit(d / "annexes" / "annex2.csv", "南京,六合,32", "无锡,六合,32"),
     ["annex2.csv", "第3行", "“city”列", "“六合”属于南京市，不属于无锡市"]),
    ("non-numeric value",
     lambda d: edit(d / "annexes" / "annex6.csv", "南京,4,20", "南京,四,20"),
     ["annex6.csv", "第2行", "“rolling”列", "应为整数，实际为“四”"]),
    ("percent written as a bare number",
     lambda d: edit(d / "annexes" / "annex3.csv", "南京市,10%,8%", "南京市,10,8%"),
     ["annex3.csv", "第2行", "“vocs_reduction”列", "百分数格式不对", "10%"]),
    ("percent sign in a column whose unit is in the header",
     lambda d: edit(d / "annexes" / "annex1.csv", "南京市,31,83.1", "南京市,31,83.1%"),
     ["annex1.csv", "第2行", "“good_days_ratio_target”列", "百分数格式不对", "83.1"]),
    ("missing required field",
     lambda d: edit(d / "notice.yaml", "issuer: 江苏省大气污染防治联席会议办公室", "# issuer removed"),
     ["notice.yaml", "缺少必填字段“issuer”"]),
    ("missing required column",
     lambda d: edit(d / "annexes" / "annex5.csv", "unit,dustfall_target", "unit,dustfall"),
     ["annex5.csv", "第1行", "“dustfall_target”列", "缺少必需的列"]),
    ("stated total disagrees with the computed one",
     lambda d: edit(d / "annexes" / "annex6.csv", "南京,4,20", "南京,5,20"),
     ["annex6.yaml", "第30行", "字段“total.stated.rolling”", "公布值为14，但各市相加为15"]),
    ("YAML top level is a list",
     lambda d: (d / "notice.yaml").write_text("- 关于印发\n- 通知\n", encoding="utf-8"),
     ["notice.yaml", "第1行", "最外层应为“字段: 值”形式的键值对"]),
    ("empty YAML file",
     lambda d: (d / "workplan.yaml").write_text("", encoding="utf-8"),
     ["workplan.yaml", "文件为空"]),
    ("duplicate CSV column",
     lambda d: edit(d / "annexes" / "annex3.csv", "unit,vocs_reduction,nox_reduction", "unit,vocs_reduction,vocs_reduction"),
     ["annex3.csv", "第1行", "“vocs_reduction”列", "出现了两次"]),
    ("percent column under a summed total",
     lambda d: edit(d / "annexes" / "annex3.yaml", "  rule: stated\n  values:", "  rule: sum\n  stated:"),
     ["annex3.yaml", "第10行", "字段“total.rule”", "不能相加"]),
    ("unknown key in the total rule",
     lambda d: edit(d / "annexes" / "annex6.yaml", "  stated:  ", "  statd:  "),
     ["annex6.yaml", "第29行", "字段“total.statd”", "不认识的字段"]),
    ("unknown department in a responsibility note",
     lambda d: edit(d / "workplan.yaml", "          - 省科技厅\n", "          - 省科学院\n"),
     ["workplan.yaml", "字段“sections[1].subsections[0].items[1].paragraphs[0].responsibility.lead”",
      "部门“省科学院”不在 departments.yaml 中"]),
    ("a city's 甲方 given only as a suffix",
     lambda d: edit(d / "letters.yaml", "  party_a: 江苏省大气污染防治联席会议办公室", "  party_a_suffix: 办公室"),
     ["letters.yaml", "字段“city.party_a”", "party_a_suffix 只用于县（市、区）"]),
]


@pytest.mark.parametrize("mutate,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_is_located_and_nothing_is_written(data_copy, tmp_path, mutate, expected):
    mutate(data_copy)
    out = tmp_path / "out"
    result = run("build", "--only", "notice", "--data", data_copy, "--out", out)
    assert result.exit_code == 2, result.output
    messages = [line for line in result.output.splitlines() if line.startswith("[错误]")]
    assert any(all(fragment in m for fragment in expected) for m in messages), \
        f"no message has all of {expected}:\n" + "\n".join(messages)
    assert files_under(out) == [], "a failed build must not write anything"
    validate = run("validate", "--data", data_copy)
    assert validate.exit_code == 2
    assert any(all(f in m for f in expected) for m in validate.output.splitlines())


def test_validate_lists_every_problem_at_once(data_copy):
    edit(data_copy / "annexes" / "annex1.csv", "南京市,31", "南景市,31")
    edit(data_copy / "annexes" / "annex6.csv", "无锡,2,20", "无锡,二,20")
    edit(data_copy / "notice.yaml", "issuer: 江苏省大气污染防治联席会议办公室", "# no issuer")
    result = run("validate", "--data", data_copy)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("[错误]")]
    assert any("annex1.csv" in e for e in errors)
    assert any("annex6.csv" in e and "第3行" in e for e in errors)
    assert any("notice.yaml" in e for e in errors)


@pytest.mark.slow   # builds the notice twice
def test_failed_build_keeps_earlier_outputs(data_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", "--only", "notice", "--data", data_copy, "--out", out).exit_code == 0
    before = {p: p.read_bytes() for p in files_under(out)}
    assert len(before) == 2
    edit(data_copy / "annexes" / "annex6.csv", "南京,4,20", "南京,x,20")
    assert run("build", "--only", "notice", "--data", data_copy, "--out", out).exit_code == 2
    assert {p: p.read_bytes() for p in files_under(out)} == before


def test_missing_cells_are_reported_not_invented(data_copy):
    result = run("validate", "--data", data_copy)
    assert result.exit_code == 0, result.output
    gaps = [line for line in result.output.splitlines() if line.startswith("[缺失] data/")]
    # 附件8 is cut off after 扬州's second column: 8 of 扬州's cells, all 10 of 镇江, 泰州, 宿迁
    assert len(gaps) == 8 + 3 * 10
    assert all("annex8.csv" in g for g in gaps)
    assert any("第11行" in g and "“winter_diesel_checks”列" in g and "扬州市" in g for g in gaps)
    assert re.search(r"38处数值缺失", result.output)
    assert "目标责任书含缺失数值，生成时需加 --allow-incomplete" in result.output
    assert "扬州市、镇江市、泰州市、宿迁市" in result.output


@pytest.mark.parametrize("remove, args, expected", [
    ("letters.yaml", ["letters", "--unit", "南京", "--allow-incomplete"],
     "[未生成] 数据目录中没有 letters.yaml（目标责任书的设置），未生成目标责任书和各单位附件数据。"),
    ("submissions", ["build", "--only", "bulletins"],
     "[未生成] 数据目录中没有各市报送数据（submissions/），未生成月度排名通报。"),
])
def test_asking_for_documents_the_data_cannot_make_says_why(data_copy, tmp_path, remove, args, expected):
    import shutil

    target = data_copy / remove
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    out = tmp_path / "out"
    result = run(*args, "--data", data_copy, "--out", out)
    assert result.exit_code == 2, result.output
    assert expected in result.output and "没有可生成的文件" in result.output
    assert files_under(out) == []
