"""Bad plan data (the office's YAML and CSV files) never becomes data: each case is one mistake or one
hostile input in a copy of data/jiangsu-2021, and `reportgen validate` must refuse it with a located
Chinese message (file, line or row, column or field), exit code 2 and no traceback."""

import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA

from reportgen.cli import main
from reportgen.load.plan import NOTICE_KEYS
from reportgen.load.yaml_file import MAX_FILE_BYTES, check_keys, suggestion
from reportgen.problems import Problems


def line(rel, text, nth=1):
    """'第N行' for the nth line of the default data's file `rel` that contains `text`."""
    lines = (DATA / rel).read_text(encoding="utf-8").splitlines()
    found = [i + 1 for i, s in enumerate(lines) if text in s]
    assert len(found) >= nth, f"{text!r} not in {rel}"
    return f"第{found[nth - 1]}行"


def lines_in(rel):
    return len((DATA / rel).read_text(encoding="utf-8").splitlines())


def edit(rel, old, new, count=1):
    def mutate(d):
        path = d / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return mutate


def append(rel, extra):
    def mutate(d):
        with (d / rel).open("a", encoding="utf-8") as f:
            f.write(extra)
    return mutate


def write_bytes(rel, make):
    """Replace the file with make(original bytes)."""
    def mutate(d):
        path = d / rel
        path.write_bytes(make(path.read_bytes()))
    return mutate


def both(*mutations):
    def mutate(d):
        for m in mutations:
            m(d)
    return mutate


def symlink(rel, target):
    def mutate(d):
        (d / rel).unlink()
        (d / rel).symlink_to(target)
    return mutate


def make_dir(rel):
    def mutate(d):
        (d / rel).unlink()
        (d / rel).mkdir()
    return mutate


MASTHEAD = "masthead:\n  issuer_mark: 江苏省大气污染防治联席会议办公室文件\n  doc_number: 苏大气办〔2021〕1号\n"
IMPRINT = "imprint:\n  copy_to: 省委办公厅\n  printed_by: 江苏省大气污染防治联席会议办公室\n  printed_date: 2021-03-07\n"
NOTICE_END = lines_in("notice.yaml")
BILLION_LAUGHS = "".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'] +
    [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")])
BODY = "- 现将《江苏省2021年大气污染防治工作计划》印发给你们，请认真贯彻执行。"
A1 = "annexes/annex1.csv"
A4 = "annexes/annex4.csv"
A4_NAME = "中国石化扬子石油化工有限公司"

# (id, mutation of the data copy, fragments that one [错误] line must all contain)
CASES = [
    # --- unknown keys, at every level of every YAML file, with a "did you mean" ---
    ("notice-titel", edit("notice.yaml", "\ntitle:", "\ntitel:"),
     ["notice.yaml", line("notice.yaml", "title: 关于"), "字段“titel”", "不认识的字段“titel”（是否是“title”？）"]),
    ("notice-masthead-key", append("notice.yaml", MASTHEAD.replace("issuer_mark", "isuer_mark")),
     ["notice.yaml", f"第{NOTICE_END + 2}行", "字段“masthead.isuer_mark”", "是否是“issuer_mark”"]),
    ("notice-imprint-key", append("notice.yaml", IMPRINT.replace("printed_date", "printed_dat")),
     ["notice.yaml", f"第{NOTICE_END + 4}行", "字段“imprint.printed_dat”", "是否是“printed_date”"]),
    ("notice-unrelated-key", append("notice.yaml", "colour: red\n"),
     ["notice.yaml", f"第{NOTICE_END + 1}行", "不认识的字段“colour”", "此处可用的字段："]),
    ("workplan-top-key", edit("workplan.yaml", "preamble:", "preambel:"),
     ["workplan.yaml", line("workplan.yaml", "preamble:"), "字段“preambel”", "是否是“preamble”"]),
    ("workplan-section-key", edit("workplan.yaml", "  subsections:", "  subsection:"),
     ["workplan.yaml", line("workplan.yaml", "  subsections:"), "字段“sections[0].subsection”", "是否是“subsections”"]),
    ("workplan-item-key", edit("workplan.yaml", "title_separate:", "title_seperate:"),
     ["workplan.yaml", line("workplan.yaml", "title_separate:"), ".title_seperate”", "是否是“title_separate”"]),
    ("workplan-paragraph-key", edit("workplan.yaml", "    - text: 深入贯彻", "    - txt: 深入贯彻"),
     ["workplan.yaml", line("workplan.yaml", "    - text: 深入贯彻"),
      "字段“sections[0].subsections[0].paragraphs[0].txt”", "是否是“text”"]),
    ("workplan-responsibility-key", edit("workplan.yaml", "          lead:", "          leed:"),
     ["workplan.yaml", line("workplan.yaml", "          lead:"),
      "字段“sections[1].subsections[0].items[0].paragraphs[0].responsibility.leed”", "是否是“lead”"]),
    ("departments-key", edit("departments.yaml", "departments:", "department:"),
     ["departments.yaml", line("departments.yaml", "departments:"), "字段“department”", "是否是“departments”"]),
    ("letters-cityy", edit("letters.yaml", "\ncity:", "\ncityy:"),
     ["letters.yaml", line("letters.yaml", "city:"), "字段“cityy”", "是否是“city”"]),
    ("letters-period-key", edit("letters.yaml", "{start: 2021-01-01", "{strat: 2021-01-01"),
     ["letters.yaml", line("letters.yaml", "period:"), "字段“period.strat”", "是否是“start”"]),
    ("letters-county-key", edit("letters.yaml", "  party_b_suffix: 人民政府                         # 乙方: the county",
                                "  party_b_sufix: 人民政府                         # 乙方: the county"),
     ["letters.yaml", line("letters.yaml", "乙方: the county"), "字段“county.party_b_sufix”", "是否是“party_b_suffix”"]),
    ("letters-assessment-key", edit("letters.yaml", "  assessment:                                      # 考核与奖惩",
                                    "  assesment:                                      # 考核与奖惩"),
     ["letters.yaml", line("letters.yaml", "  assessment:"), "字段“city.assesment”", "是否是“assessment”"]),
    ("bulletin-top-key", edit("bulletin.yaml", "ranking:", "rankng:"),
     ["bulletin.yaml", line("bulletin.yaml", "ranking:"), "字段“rankng”", "是否是“ranking”"]),
    ("bulletin-nested-key", edit("bulletin.yaml", "  decimals: 1", "  decimal: 1"),
     ["bulletin.yaml", line("bulletin.yaml", "  decimals: 1"), "字段“ranking.decimal”", "是否是“decimals”"]),
    ("annex-colums", edit("annexes/annex1.yaml", "\ncolumns:", "\ncolums:"),
     ["annex1.yaml", line("annexes/annex1.yaml", "columns:"), "字段“colums”", "是否是“columns”"]),
    ("annex-column-key", edit("annexes/annex6.yaml", "capacity_cut, header: \"“两高”行业产能淘汰和压减\", type:",
                              "capacity_cut, header: \"“两高”行业产能淘汰和压减\", tyep:"),
     ["annex6.yaml", line("annexes/annex6.yaml", "capacity_cut"), "字段“columns[1].columns[0].tyep”", "是否是“type”"]),
    ("annex-layout-key", edit("annexes/annex2.yaml", "  halves: 2", "  halfs: 2"),
     ["annex2.yaml", line("annexes/annex2.yaml", "halves: 2"), "字段“layout.halfs”", "是否是“halves”"]),
    ("annex-unit-column-key", edit("annexes/annex1.yaml", "display: name}", "dispaly: name}"),
     ["annex1.yaml", line("annexes/annex1.yaml", "unit_column"), "字段“unit_column.dispaly”", "是否是“display”"]),

    # --- annex values outside the column's range (declared in annexN.yaml, or the type's default) ---
    ("range-negative-target", edit(A1, "南京市,31,83.1", "南京市,-31,83.1"),
     ["annex1.csv", "第2行", "“pm25_target”列", "应在5～150之间", "实际为“-31”", "annex1.yaml"]),
    ("range-huge-target", edit(A1, "南京市,31,83.1", "南京市,999999,83.1"),
     ["annex1.csv", "第2行", "“pm25_target”列", "超出允许范围", "实际为“999999”"]),
    ("range-rate-over-100", edit(A1, "南京市,31,83.1", "南京市,31,181.9"),
     ["annex1.csv", "第2行", "“good_days_ratio_target”列", "应在0～100之间", "实际为“181.9”"]),
    ("range-county-rate", edit("annexes/annex2.csv", "南京,江宁,32,84.6", "南京,江宁,32,184.6"),
     ["annex2.csv", "第2行", "“good_days_ratio_target”列", "应在0～100之间", "实际为“184.6”"]),
    ("range-percent-over-100", edit("annexes/annex3.csv", "南京市,10%,8%", "南京市,110%,8%"),
     ["annex3.csv", "第2行", "“vocs_reduction”列", "应在0%～100%之间", "实际为“110%”"]),
    ("range-negative-percent", edit("annexes/annex3.csv", "南京市,10%,8%", "南京市,10%,-8%"),
     ["annex3.csv", "第2行", "“nox_reduction”列", "应在0%～100%之间", "实际为“-8%”"]),
    ("range-dustfall", edit("annexes/annex5.csv", "南京市,3.2", "南京市,32"),
     ["annex5.csv", "第2行", "“dustfall_target”列", "应在0～30之间", "实际为“32”"]),
    ("range-negative-count", edit("annexes/annex6.csv", "南京,4,20", "南京,-3,20"),
     ["annex6.csv", "第2行", "“rolling”列", "应在0～20之间", "实际为“-3”"]),
    ("range-count-extra-digits", edit("annexes/annex6.csv", "100,500,0", "100,50000,0"),
     ["annex6.csv", "第2行", "“tank_treatment”列", "应在0～5000之间", "实际为“50000”"]),
    ("range-annex7", edit("annexes/annex7.csv", "南京,976,33,1810,298,33,71,3000", "南京,976,33,1810,298,33,71,300000"),
     ["annex7.csv", "第2行", "“catering”列", "应在0～20000之间"]),
    ("range-annex8-rate", edit("annexes/annex8.csv", "南京,2400,600,13.81,85%", "南京,2400,600,13.81,850%"),
     ["annex8.csv", "第2行", "“inspection_review_rate”列", "应在0%～100%之间", "实际为“850%”"]),
    ("range-annex8-decimal", edit("annexes/annex8.csv", "南京,2400,600,13.81", "南京,2400,600,-13.81"),
     ["annex8.csv", "第2行", "“winter_diesel_checks”列", "应在0～100之间"]),
    ("range-stated-total", edit("annexes/annex1.yaml", 'pm25_target: "37"', 'pm25_target: "370"'),
     ["annex1.yaml", line("annexes/annex1.yaml", "values:"), "字段“total.values.pm25_target”", "全省行", "实际为“370”"]),
    ("range-default-integer", both(edit("annexes/annex6.yaml", "unit: 项, range: [0, 20]}", "unit: 项}"),
                                   edit("annexes/annex6.csv", "南京,4,20", "南京,-3,20")),
     ["annex6.csv", "第2行", "“rolling”列", "未写 range，整数列默认应不小于0", "实际为“-3”"]),
    ("range-default-percent", both(edit("annexes/annex3.yaml", ", range: [0, 100]}", "}"),
                                   edit("annexes/annex3.csv", "南京市,10%,8%", "南京市,150%,8%")),
     ["annex3.csv", "第2行", "“vocs_reduction”列", "未写 range，百分数列默认应在0%～100%之间"]),
    ("range-malformed", edit("annexes/annex5.yaml", "range: [0, 30]", "range: [0]"),
     ["annex5.yaml", line("annexes/annex5.yaml", "dustfall_target,"), "字段“columns[0].range”", "range 应写成 [最小值, 最大值]"]),
    ("range-reversed", edit("annexes/annex5.yaml", "range: [0, 30]", "range: [30, 0]"),
     ["annex5.yaml", line("annexes/annex5.yaml", "dustfall_target,"), "字段“columns[0].range”", "最小值30大于最大值0"]),
    ("range-on-text-column", edit("annexes/annex4.yaml", "type: text}", "type: text, range: [0, 9]}"),
     ["annex4.yaml", line("annexes/annex4.yaml", "enterprise"), "字段“columns[0].range”", "文字列和 derived 列"]),
    ("fullwidth-digits", edit(A1, "南京市,31,83.1", "南京市,３１,83.1"),
     ["annex1.csv", "第2行", "“pm25_target”列", "应为数字，实际为“３１”"]),

    # --- YAML features plan files never need ---
    ("alias-bomb", append("notice.yaml", BILLION_LAUGHS),
     ["notice.yaml", f"第{NOTICE_END + 1}行", "不允许使用YAML锚点（&a）"]),
    ("alias-only", edit("notice.yaml", BODY, "- *body"),
     ["notice.yaml", line("notice.yaml", BODY), "不允许使用YAML别名（*body）"]),
    ("merge-key", append("notice.yaml", "masthead:\n  <<: {issuer_mark: x, doc_number: 苏大气办〔2021〕1号}\n"),
     ["notice.yaml", f"第{NOTICE_END + 2}行", "合并键（<<）"]),
    ("python-tag", edit("notice.yaml", BODY, "- !!python/object/apply:os.system ['echo hi']"),
     ["notice.yaml", line("notice.yaml", BODY), "不使用YAML标记", "python/object/apply"]),
    ("binary-tag", edit("notice.yaml", BODY, "- !!binary aGVsbG8="),
     ["notice.yaml", line("notice.yaml", BODY), "不使用YAML标记"]),
    ("deep-nesting", append("notice.yaml", "deep: " + "[" * 200 + "]" * 200 + "\n"),
     ["notice.yaml", f"第{NOTICE_END + 1}行", "嵌套超过"]),
    ("duplicate-key", append("notice.yaml", "title: 另一个标题\n"),
     ["notice.yaml", f"第{NOTICE_END + 1}行", "字段“title”重复", line("notice.yaml", "title: 关于") + "已有"]),
    ("key-is-a-list", append("notice.yaml", "? [a, b]\n: 1\n"),
     ["notice.yaml", f"第{NOTICE_END + 1}行", "字段名应为文字，不能是列表或键值对"]),
    ("key-is-a-number", append("departments.yaml", "2021: 省厅\n"),
     ["departments.yaml", f"第{lines_in('departments.yaml') + 1}行", "字段名应为文字", "数字 2021"]),
    ("two-documents", append("notice.yaml", "---\ntitle: x\n"),
     ["notice.yaml", f"第{NOTICE_END + 1}行", "文件中只能有一份内容"]),
    ("tab-indentation", edit("notice.yaml", "\n  - 关于印发", "\n\t- 关于印发"),
     ["notice.yaml", line("notice.yaml", "  - 关于印发"), "Tab字符"]),
    ("huge-integer", edit("notice.yaml", "attachments: [1, 2", "attachments: [" + "9" * 5000 + ", 2"),
     ["notice.yaml", line("notice.yaml", "attachments:"), "位数过多"]),

    # --- dates ---
    ("impossible-date", edit("notice.yaml", "date: 2021-03-07", "date: 2021-02-30"),
     ["notice.yaml", line("notice.yaml", "date: 2021-03-07"), "日期“2021-02-30”不存在：2021年2月只有28天"]),
    ("month-13", edit("notice.yaml", "date: 2021-03-07", "date: 2021-13-07"),
     ["notice.yaml", line("notice.yaml", "date: 2021-03-07"), "月份应为1～12"]),
    ("date-with-time", edit("notice.yaml", "date: 2021-03-07", "date: 2021-03-07 10:00:00"),
     ["notice.yaml", line("notice.yaml", "date: 2021-03-07"), "字段“date”", "应为日期", "日期时间"]),
    ("date-as-text", edit("notice.yaml", "date: 2021-03-07", "date: 2021年3月7日"),
     ["notice.yaml", line("notice.yaml", "date: 2021-03-07"), "字段“date”", "应为日期（如 2021-03-07）"]),
    ("letters-impossible-date", edit("letters.yaml", "end: 2021-12-31", "end: 2021-02-29"),
     ["letters.yaml", line("letters.yaml", "period:"), "2021年2月只有28天"]),
    ("letters-period-reversed", edit("letters.yaml", "start: 2021-01-01", "start: 2022-01-01"),
     ["letters.yaml", line("letters.yaml", "period:"), "字段“period.end”", "晚于结束日期"]),

    # --- invisible characters in plan text ---
    ("yaml-raw-control-char", edit("notice.yaml", "请认真贯彻执行", "请认真\x0b贯彻执行"),
     ["notice.yaml", line("notice.yaml", BODY), "U+000B（控制字符）", "请认真”之后"]),
    ("yaml-escaped-control-char", edit("notice.yaml", BODY, '- "现将工作计划\\x0b印发给你们"'),
     ["notice.yaml", line("notice.yaml", BODY), "字段“body[0]”", "U+000B（控制字符）"]),
    ("yaml-raw-bidi", edit("notice.yaml", "\ntitle: 关于", "\ntitle: \u202e关于"),
     ["notice.yaml", line("notice.yaml", "title: 关于"), "U+202E（文字方向控制符）"]),
    ("yaml-escaped-bidi", edit("notice.yaml", "  - 工作计划的通知", '  - "工作计划\\u2066的通知"'),
     ["notice.yaml", line("notice.yaml", "  - 工作计划的通知"), "字段“title_lines[1]”", "U+2066（文字方向控制符）"]),
    ("yaml-escaped-nonchar", edit("departments.yaml", "  - 省科技厅", '  - "省科技厅\\uffff"'),
     ["departments.yaml", line("departments.yaml", "省科技厅"), "字段“departments[3]”", "U+FFFF（非字符）"]),
    ("yaml-escaped-nul", edit("bulletin.yaml", "issuer: 江苏省大气污染防治联席会议办公室", 'issuer: "江苏省\\0大气污染防治联席会议办公室"'),
     ["bulletin.yaml", line("bulletin.yaml", "issuer: 江苏省"), "字段“issuer”", "U+0000（控制字符）"]),
    ("yaml-key-with-zero-width", edit("letters.yaml", "\ntitle:", "\nti\u200btle:"),
     ["letters.yaml", line("letters.yaml", "title:"), "U+200B（不可见字符）"]),
    ("csv-control-char", edit(A4, A4_NAME, "中国石化\x0b扬子石油化工有限公司"),
     ["annex4.csv", "第2行", "“enterprise”列", "U+000B（控制字符）", "“中国石化”之后"]),
    ("csv-bidi", edit(A4, A4_NAME, "\u202e中国石化扬子石油化工有限公司"),
     ["annex4.csv", "第2行", "“enterprise”列", "U+202E（文字方向控制符）"]),
    ("csv-zero-width", edit("units.csv", "320100,南京市", "320100,南京\u200b市"),
     ["units.csv", "第2行", "“name”列", "U+200B（不可见字符）"]),
    ("csv-trailing-control-char", edit(A4, A4_NAME, A4_NAME + "\x1f"),
     ["annex4.csv", "第2行", "“enterprise”列", "U+001F（控制字符）"]),
    ("csv-control-char-in-header", edit(A1, "unit,pm25_target", "unit,pm25\x07_target"),
     ["annex1.csv", "第1行", "表头第2列", "U+0007（控制字符）"]),

    # --- wrong types ---
    ("number-for-text", edit("notice.yaml", "\ntitle: 关于印发江苏省2021年大气污染防治工作计划的通知", "\ntitle: 2021"),
     ["notice.yaml", line("notice.yaml", "title: 关于"), "字段“title”应为文字，实际为数字 2021"]),
    ("body-item-number", edit("notice.yaml", BODY, "- 123"),
     ["notice.yaml", line("notice.yaml", BODY), "字段“body[0]”", "第1项应为文字，实际为数字 123"]),
    ("attachment-twice", edit("notice.yaml", "attachments: [1, 2,", "attachments: [1, 1,"),
     ["notice.yaml", line("notice.yaml", "attachments:"), "字段“attachments[1]”", "附件1列出了两次"]),
    ("attachment-bool", edit("notice.yaml", "attachments: [1, 2,", "attachments: [true, 2,"),
     ["notice.yaml", line("notice.yaml", "attachments:"), "字段“attachments[0]”", "是/否值 true"]),
    ("yaml-syntax-mixed-list", edit("workplan.yaml", "          lead:\n          - 省生态环境厅\n          - 省发展改革委\n",
                                    "          lead: 省生态环境厅\n          - 省发展改革委\n"),
     ["workplan.yaml", "YAML格式错误"]),
    ("workplan-lead-is-text", edit("workplan.yaml", "          lead:\n          - 省生态环境厅\n          - 省发展改革委\n"
                                   "          - 省工业和信息化厅\n", "          lead: 省生态环境厅\n"),
     ["workplan.yaml", line("workplan.yaml", "          lead:"), "字段“lead”应为列表"]),
    ("workplan-lead-item-mapping", edit("workplan.yaml", "          - 省科技厅\n", "          - {省科技厅: 1}\n"),
     ["workplan.yaml", line("workplan.yaml", "          - 省科技厅"), ".responsibility.lead[3]”", "第4项应为文字，实际为键值对"]),
    ("workplan-item-number-text", edit("workplan.yaml", "    - number: 1\n      title: 强化生态环境空间管控",
                                       "    - number: 一\n      title: 强化生态环境空间管控"),
     ["workplan.yaml", line("workplan.yaml", "    - number: 1"), ".items[0].number”", "应为整数，实际为“一”"]),
    ("workplan-paragraphs-text", edit("workplan.yaml", "    paragraphs:\n    - text: 深入贯彻", "    paragraphs: 深入贯彻"),
     ["workplan.yaml", line("workplan.yaml", "    paragraphs:"), "字段“sections[0].subsections[0].paragraphs”", "应为列表"]),
    ("letters-annex-list", edit("letters.yaml", "annexes: [2]", "annexes: [[2]]"),
     ["letters.yaml", line("letters.yaml", "annexes: [2]"), "字段“county.annexes[0]”", "应为附件序号（整数），实际为列表"]),
    ("letters-empty-item", edit("letters.yaml", "\n    - 二.（五）.16\n", "\n    - ''\n"),
     ["letters.yaml", line("letters.yaml", "    - 二.（五）.16"), "字段“city.tasks[5]”", "不是工作计划条目的写法"]),
    ("bulletin-indicator-list", edit("bulletin.yaml", "indicators: [pm25,", "indicators: [[pm25],"),
     ["bulletin.yaml", line("bulletin.yaml", "indicators:"), "字段“county_lists.indicators[0]”", "指标应为"]),
    ("bulletin-bool-decimals", edit("bulletin.yaml", "  decimals: 1", "  decimals: true"),
     ["bulletin.yaml", line("bulletin.yaml", "  decimals: 1"), "字段“ranking.decimals”", "应为0～3之间的整数"]),
    ("bulletin-months-zero", edit("bulletin.yaml", "  months: 3", "  months: 0"),
     ["bulletin.yaml", line("bulletin.yaml", "  months: 3"), "字段“special_help.months”", "连续月数应为1～12之间的整数"]),
    ("bulletin-placeholder", edit("bulletin.yaml", "{serial}号", "{serial.__class__}号"),
     ["bulletin.yaml", line("bulletin.yaml", "doc_number:"), "字段“doc_number”", "不认识的占位符“{serial.__class__}”"]),
    ("bulletin-brace", edit("bulletin.yaml", "title: 关于{period}", "title: 关于{period"),
     ["bulletin.yaml", line("bulletin.yaml", "title: 关于"), "字段“title”", "花括号不成对"]),
    ("annex-display", edit("annexes/annex1.yaml", "display: name}", "display: full}"),
     ["annex1.yaml", line("annexes/annex1.yaml", "unit_column"), "字段“unit_column.display”", "display 应为 name"]),
    ("annex-duplicate-column", edit("annexes/annex3.yaml", "{key: nox_reduction,", "{key: vocs_reduction,"),
     ["annex3.yaml", line("annexes/annex3.yaml", "columns:"), "列名“vocs_reduction”重复"]),
    ("annex-group-not-text", edit("annexes/annex6.yaml", "  - group: 产业结构优化调整项目", "  - group: [产业结构优化调整项目]"),
     ["annex6.yaml", line("annexes/annex6.yaml", "group: 产业结构"), "字段“columns[1].group”", "应为文字，实际为列表"]),
    ("annex-right-header-unknown", edit("annexes/annex2.yaml", "    pm25_target: PM2.5（微克/立方米）",
                                        "    pm25: PM2.5（微克/立方米）"),
     ["annex2.yaml", line("annexes/annex2.yaml", "    pm25_target: PM2.5"), "字段“layout.right_headers.pm25”",
      "不是本表的列", "pm25_target"]),
    ("annex-number-bool", edit("annexes/annex5.yaml", "number: 5", "number: true"),
     ["annex5.yaml", "第1行", "字段“number”应为整数，实际为是/否值 true"]),
    ("units-bad-code", edit("units.csv", "320100,南京市", "32O100,南京市"),
     ["units.csv", "第2行", "“code”列", "行政区划代码应为6位数字"]),

    # --- files that are not plain, small, UTF-8 text ---
    ("yaml-oversize", append("notice.yaml", "# " + "x" * (MAX_FILE_BYTES + 10) + "\n"),
     ["notice.yaml", "文件过大", "MB"]),
    ("csv-oversize", append(A4, ("南京市,某企业\n" * (MAX_FILE_BYTES // 10 + 10))),
     ["annex4.csv", "文件过大"]),
    ("yaml-nul-byte", write_bytes("notice.yaml", lambda b: b.replace("请认真".encode(), b"\x00", 1)),
     ["notice.yaml", line("notice.yaml", BODY), "NUL字节"]),
    ("csv-nul-byte", write_bytes("annexes/annex5.csv", lambda b: b.replace(b"3.4", b"3\x004", 1)),
     ["annex5.csv", "第3行", "NUL字节"]),
    ("yaml-gbk", write_bytes("notice.yaml", lambda b: b.decode("utf-8").encode("gbk")),
     ["notice.yaml", "行：文件不是UTF-8编码"]),
    ("csv-gbk", write_bytes(A1, lambda b: b.decode("utf-8").encode("gbk")),
     ["annex1.csv", "第2行", "不是UTF-8编码"]),
    ("csv-utf16", write_bytes(A1, lambda b: b.decode("utf-8").encode("utf-16")),
     ["annex1.csv", "第1行", "UTF-16"]),
    ("csv-is-xlsx", write_bytes(A1, lambda b: b"PK\x03\x04" + b"\x14\x00" * 20),
     ["annex1.csv", "第1行", "这是Excel"]),
    ("csv-double-bom", write_bytes(A1, lambda b: "\ufeff\ufeff".encode() + b),
     ["annex1.csv", "第1行", "表头第1列", "U+FEFF"]),
    ("csv-extra-column", edit(A1, "南京市,31,83.1", "南京市,31,83.1,84"),
     ["annex1.csv", "第2行", "此行有4个单元格，表头有3列", "多出的内容为“84”"]),
    ("csv-unquoted-comma", edit(A4, A4_NAME, "中国石化扬子石油化工有限公司,南京分公司"),
     ["annex4.csv", "第2行", "此行有3个单元格", "整格应加英文双引号"]),
    ("csv-header-trailing-comma", edit(A1, "unit,pm25_target,good_days_ratio_target", "unit,pm25_target,good_days_ratio_target,"),
     ["annex1.csv", "第1行", "表头第4列是空的"]),
    ("yaml-is-a-folder", make_dir("bulletin.yaml"),
     ["bulletin.yaml", "这是一个文件夹"]),
    ("yaml-is-a-device", symlink("notice.yaml", "/dev/zero"),
     ["notice.yaml", "不是普通文件"]),
    ("csv-huge-cell", edit(A4, A4_NAME, "x" * 200_000),
     ["annex4.csv", "第2行", "有单元格超过131072个字符"]),
    ("csv-unclosed-quote", edit(A4, A4_NAME, '"' + A4_NAME + "x" * 140_000),
     ["annex4.csv", "第2行", "引号没有成对"]),
    ("csv-many-bad-rows", append(A4, "南京市,a,b\n" * 50),
     ["annex4.csv", f"第{lines_in(A4) + 20}行", "此行有3个单元格"]),
]


@pytest.fixture
def plan_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("submissions"))
    return target


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def error_lines(output):
    return [s for s in output.splitlines() if s.startswith("[错误]")]


def assert_refused(result, expected):
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = error_lines(result.output)
    assert any(all(fragment in e for fragment in expected) for e in errors), \
        f"no error line has all of {expected}:\n" + "\n".join(errors)


def test_the_corpus_is_large_and_distinct():
    ids = [c[0] for c in CASES]
    assert len(ids) >= 55 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("mutate,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_plan_data_is_a_located_error(plan_copy, mutate, expected):
    mutate(plan_copy)
    assert_refused(run("validate", "--data", plan_copy), expected)


def test_build_writes_nothing_on_an_alias_bomb(plan_copy, tmp_path):
    append("notice.yaml", BILLION_LAUGHS)(plan_copy)
    out = tmp_path / "out"
    result = run("build", "--data", plan_copy, "--out", out, "--only", "notice")
    assert_refused(result, ["notice.yaml", f"第{NOTICE_END + 1}行", "不允许使用YAML锚点"])
    written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert written == []


def test_a_flood_of_bad_rows_is_listed_once_then_counted(plan_copy):
    append(A4, "南京市,a,b\n" * 5000)(plan_copy)
    errors = [e for e in error_lines(run("validate", "--data", plan_copy).output) if "annex4.csv" in e]
    assert len(errors) == 21 and "……另有4980行有同类问题" in errors[-1]
    assert f"第{lines_in(A4) + 21}行" not in "".join(errors)


def test_every_error_of_several_files_is_listed(plan_copy):
    for mutate in (edit("notice.yaml", "\ntitle:", "\ntitel:"), edit("letters.yaml", "\ncity:", "\ncityy:"),
                   edit(A1, "南京市,31,83.1", "南京市,31,181.9"), edit(A4, A4_NAME, "中国\x0b石化")):
        mutate(plan_copy)
    errors = error_lines(run("validate", "--data", plan_copy).output)
    for fragment in ("是否是“title”", "是否是“city”", "实际为“181.9”", "U+000B"):
        assert any(fragment in e for e in errors), fragment


def test_the_default_data_validates():
    result = run("validate", "--data", DATA)
    assert result.exit_code == 0, result.output
    assert not error_lines(result.output)


def test_plan_data_with_a_bom_is_accepted(plan_copy):
    """Excel writes CSV UTF-8 with a BOM, editors may save YAML with one: a leading BOM is not a mistake."""
    for rel in (A1, "units.csv", "notice.yaml"):
        path = plan_copy / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run("validate", "--data", plan_copy)
    assert not error_lines(result.output), result.output


def test_private_use_characters_are_not_refused(plan_copy):
    """Characters a font may lack (a private-use 造字) are the font report's business, not an error."""
    edit("notice.yaml", "请认真贯彻执行", "请认真贯彻执行\ue000")(plan_copy)
    assert not error_lines(run("validate", "--data", plan_copy).output)


@pytest.mark.parametrize("typo,expected", [("titel", "title"), ("recipient", "recipients"), ("atachments", "attachments"),
                                           ("title_line", "title_lines"), ("seal", "sealed")])
def test_suggestion_names_the_right_key(typo, expected):
    assert suggestion(typo, NOTICE_KEYS) == f"（是否是“{expected}”？）"


def test_suggestion_lists_the_fields_when_nothing_is_close():
    assert suggestion("zzz", {"start", "end"}) == "（此处可用的字段：end、start）"


def test_check_keys_reports_each_unknown_key(tmp_path):
    from reportgen.load.yaml_file import read_yaml

    path = tmp_path / "x.yaml"
    path.write_text("city: 1\ncityy: 2\ncounty: 3\ncountey: 4\n", encoding="utf-8")
    problems = Problems()
    data = read_yaml(path, problems)
    assert not check_keys(data, {"city", "county"}, path, problems)
    assert [(p.row, p.field, p.message) for p in problems.errors] == [
        (2, "cityy", "不认识的字段“cityy”（是否是“city”？）"),
        (4, "countey", "不认识的字段“countey”（是否是“county”？）")]


def test_a_declared_range_can_be_open_and_allow_negative_values(plan_copy):
    """A column that may legitimately be negative (a change) declares it; null leaves an end open."""
    edit("annexes/annex5.yaml", "range: [0, 30]", "range: [-10, null]")(plan_copy)
    edit("annexes/annex5.csv", "南京市,3.2", "南京市,-3.2")(plan_copy)
    edit("annexes/annex5.csv", "无锡市,3.4", "无锡市,3400")(plan_copy)
    assert not error_lines(run("validate", "--data", plan_copy).output)
