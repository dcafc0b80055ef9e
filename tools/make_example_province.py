"""Generate tests/data/example-2022/: a synthetic second data set (示例省, plan year 2022) for the tests.

Everything in it is invented: the province, its 5 设区市 and 17 县（市、区）, their codes (prefix 99, which
no real province has), the work plan, the annex figures and the monthly submissions. Its purpose is to
prove that reportgen serves another province and another year without code changes (issue 14): other
unit counts, other annex numbering (the meaning of an annex is its `role:`, not its number), no
片区 (no `region` column), a plan year given in notice.yaml (the notice is dated December 2021), a
county merged during the year (unit_changes.yaml), and a data-set-root SAMPLE.md marking every
document built from it as sample data. tests/test_second_dataset.py builds every document kind from
it and greps the outputs for Jiangsu or 2021 text.

Deterministic: random.Random(SEED), fixed receipt times and the form's fixed workbook dates, so running
the script twice gives byte-identical files.

The schemas are issue 14's: annexes/annexN.yaml `role:` (reportgen/annex_roles.py), notice.yaml
`year:`, unit_changes.yaml `changes:` (reportgen/load/unit_changes.py; a county merged during the plan
year stays in units.csv), `{city_count}`/`{county_count}` in bulletin.yaml and a data-set-root SAMPLE.md.
The submissions are forms written by reportgen's own form writer for the units of each month.

Usage: .venv/bin/python tools/make_example_province.py [--out tests/data/example-2022]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import io
import math
import random
import shutil
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from sample_common import month_values as unit_month_values  # noqa: E402
from sample_common import q, receipt_time  # noqa: E402

from reportgen.writers.submission_form import write_form  # noqa: E402

DEFAULT_OUT = ROOT / "tests" / "data" / "example-2022"
SEED = 20220101
PLAN_YEAR = 2022
PLAN_YEAR_KEY = "year"                         # notice.yaml key naming the plan year (issue 14)
NOTICE_DATE = dt.date(2021, 12, 28)            # issued the year before: the plan year is not the date's
PROVINCE = "示例省"
ISSUER = "示例省大气污染防治联席会议办公室"
DOC_PREFIX = "示大气办"                          # 文号 prefix of the bulletins (Jiangsu: 苏大气办)

# annex number -> role. The role names are the agreed schema of issue 14 (annexes/annexN.yaml `role:`);
# the numbering is deliberately not Jiangsu's (there: city targets 1, county targets 2, projects 6).
ROLES = {1: "projects", 2: "city_targets", 3: "county_targets"}
ANNEX_OF = {role: n for n, role in ROLES.items()}

# (code, name, short name); counties follow their city. Invented names, not real places.
CITIES = [
    ("990100", "青岚市", "青岚", [("990102", "澄湖区", "澄湖"), ("990103", "柳汀区", "柳汀"),
                                   ("990121", "杏坪县", "杏坪"), ("990181", "鹤鸣市", "鹤鸣")]),
    ("990200", "白鹭市", "白鹭", [("990202", "芦湾区", "芦湾"), ("990221", "桐坞县", "桐坞"),
                                   ("990281", "梅岙市", "梅岙")]),
    ("990300", "云岫市", "云岫", [("990302", "岫西区", "岫西"), ("990321", "竹溆县", "竹溆"),
                                   ("990322", "松坳县", "松坳"), ("990381", "岩前市", "岩前")]),
    ("990400", "丹枫市", "丹枫", [("990402", "枫林区", "枫林"), ("990421", "茶垭县", "茶垭"),
                                   ("990481", "荻洲市", "荻洲")]),
    ("990500", "雁栖市", "雁栖", [("990502", "雁湖区", "雁湖"), ("990521", "芷汀县", "芷汀"),
                                   ("990581", "苇塘市", "苇塘")]),
]

# The administrative change of the plan year (unit_changes.yaml `changes:`). It falls within the plan
# year, so 桐坞县 stays in units.csv (the plan as published); its short name and code come from there.
MERGE_DATE = dt.date(2022, 4, 1)
MERGED, INTO = "桐坞县", "芦湾区"
UNIT_CHANGES = [{"date": MERGE_DATE, "kind": "merged", "from": MERGED, "into": INTO, "comparison": "none"}]

# months with submissions: January–May of the plan year, after the merge from April, and the same
# months of the year before (for 同比, monthly and cumulative); few months keep the build short
MONTHS = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 6)]
PROVINCE_PM25 = {2021: 34.0, 2022: 31.0}       # mean of the 5 cities, invented
PROVINCE_GOOD_RATE = {2021: 83.0, 2022: 84.5}
PM25_BEHIND = {"丹枫市": 1.06}                 # 2022 PM2.5 ÷ target for a city that misses its target
NO_DATA = ("2022-02", "竹溆县", "设备故障，本月无有效数据")
REVISED = ("2022-03", "雁栖市", "芷汀县", Decimal("0.8"))   # r02 two days later: PM2.5 + 0.8
PROGRESS_SHORT = {"云岫市": 0.8}               # share of the projects done by the year's end (others: all)

# Counts are not typed in bulletin.yaml: basis and data_note say {county_count}/{city_count}, which the
# program fills with the units of the bulletin's month (16 counties from the merge on).
BULLETIN_COUNT_NOTE = "basis, data_note"


# ---------------------------------------------------------------------------------------------------
# plan data

def unit_rows():
    """(code, name, short_name, level, parent short name) in units.csv order."""
    for code, name, short, counties in CITIES:
        yield code, name, short, "city", ""
        for c_code, c_name, c_short in counties:
            yield c_code, c_name, c_short, "county", short


def plan_figures(rng: random.Random) -> dict:
    """The annex figures: targets per unit, projects per city, 降尘 targets."""
    city_pm = {"青岚市": 30, "白鹭市": 28, "云岫市": 34, "丹枫市": 36, "雁栖市": 29}
    city_rate = {"青岚市": "84.5", "白鹭市": "86.0", "云岫市": "82.0", "丹枫市": "81.5", "雁栖市": "85.0"}
    county = {}
    for _, name, _, counties in CITIES:
        for _, c_name, _ in counties:
            county[c_name] = (city_pm[name] + rng.choice([-2, -1, 0, 0, 1, 2]),
                              q(float(city_rate[name]) + rng.uniform(-2.0, 2.5)))
    projects = {}
    for _, name, _, _ in CITIES:
        projects[name] = {"industry": rng.randint(6, 20), "energy": rng.randint(3, 12),
                          "vocs": rng.randint(40, 160), "dust": rng.randint(10, 60), "other": rng.randint(0, 8)}
    dustfall = {"青岚市": "3.0", "白鹭市": "2.6", "云岫市": "3.4", "丹枫市": "3.6", "雁栖市": "2.8"}
    enterprises = [("青岚市", "青岚示例化工有限公司"), ("青岚市", "澄湖示例石化有限公司"),
                   ("云岫市", "云岫示例炼化有限公司"), ("丹枫市", "丹枫示例化学工业有限公司")]
    return {"city_pm": city_pm, "city_rate": city_rate, "county": county, "projects": projects,
            "dustfall": dustfall, "enterprises": enterprises}


def csv_text(header, rows) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


PROJECT_COLUMNS = [("industry", "产业结构调整项目"), ("energy", "能源结构调整项目"), ("vocs", "VOCs综合治理项目"),
                   ("dust", "扬尘综合治理项目"), ("other", "其他减排项目")]


def annex_files(fig: dict) -> dict[str, str]:
    files = {}
    # 附件1: projects (the submission form's progress columns come from this table, whatever its number)
    totals = {k: sum(p[k] for p in fig["projects"].values()) for k, _ in PROJECT_COLUMNS}
    cols = "\n".join(f"  - {{key: {k}, header: {h}, type: integer, unit: 项, range: [0, 1000]}}"
                     for k, h in PROJECT_COLUMNS)
    stated = "\n".join(f"    {k}: \"{v}\"" for k, v in totals.items())
    files["annex1.yaml"] = f"""\
# 附件1 of this data set is the projects table (Jiangsu: 附件6). Its meaning is its role, not its number.
number: 1
role: {ROLES[1]}
title: {PLAN_YEAR}年大气污染防治重点工程项目表
orientation: landscape
rows: cities
unit_column: {{key: unit, header: 城市, display: short_name}}
columns:
{cols}
  - {{key: total, header: 合计, derived: row_sum, unit: 项}}
total:
  label: 全省
  rule: sum
  stated:
{stated}
    total: "{sum(totals.values())}"
"""
    files["annex1.csv"] = csv_text(["unit"] + [k for k, _ in PROJECT_COLUMNS],
                                   [[short] + [fig["projects"][name][k] for k, _ in PROJECT_COLUMNS]
                                    for _, name, short, _ in CITIES])
    # 附件2: city targets with a stated 全省 total (Jiangsu: 附件1)
    files["annex2.yaml"] = f"""\
# 附件2 of this data set holds the cities' targets (Jiangsu: 附件1).
number: 2
role: {ROLES[2]}
title: {PLAN_YEAR}年各设区市空气质量改善目标表
rows: cities
unit_column: {{key: unit, header: 设区市, display: name}}
columns:
  - {{key: pm25_target, header: "PM2.5浓度\\n目标（微克/立方米）", type: decimal, unit: 微克/立方米, range: [5, 150]}}
  - {{key: good_days_ratio_target, header: "优良天数比率\\n目标（%）", type: decimal, unit: "%", range: [0, 100]}}
total:
  label: 全  省
  rule: stated
  values: {{pm25_target: "31", good_days_ratio_target: "84.0"}}
"""
    files["annex2.csv"] = csv_text(["unit", "pm25_target", "good_days_ratio_target"],
                                   [[name, fig["city_pm"][name], fig["city_rate"][name]] for _, name, _, _ in CITIES])
    # 附件3: county targets (Jiangsu: 附件2)
    files["annex3.yaml"] = f"""\
# 附件3 of this data set holds the counties' targets (Jiangsu: 附件2).
number: 3
role: {ROLES[3]}
title: {PLAN_YEAR}年各县（市、区）空气质量改善目标表
rows: counties
parent_column: {{key: city, header: 设区市, display: short_name}}
unit_column: {{key: county, header: 县（市、区）, display: short_name}}
columns:
  - {{key: pm25_target, header: "PM2.5浓度\\n（微克/立方米）", type: decimal, unit: 微克/立方米, range: [5, 150]}}
  - {{key: good_days_ratio_target, header: 优良天数比率（%）, type: decimal, unit: "%", range: [0, 100]}}
"""
    files["annex3.csv"] = csv_text(["city", "county", "pm25_target", "good_days_ratio_target"],
                                   [[short, c_short, *fig["county"][c_name]]
                                    for _, _, short, counties in CITIES for _, c_name, c_short in counties])
    # 附件4: 降尘 targets (no role: an ordinary table)
    files["annex4.yaml"] = f"""\
number: 4
title: {PLAN_YEAR}年各设区市降尘控制目标表
rows: cities
unit_column: {{key: unit, header: 设区市, display: name}}
columns:
  - {{key: dustfall_target, header: 降尘控制目标（吨/平方千米·月）, type: decimal, unit: 吨/平方千米·月, range: [0, 30]}}
total:
  label: 全省
  rule: stated
  values: {{dustfall_target: "3.1"}}
"""
    files["annex4.csv"] = csv_text(["unit", "dustfall_target"],
                                   [[name, fig["dustfall"][name]] for _, name, _, _ in CITIES])
    # 附件5: a list table
    files["annex5.yaml"] = """\
number: 5
title: 全省重点化工企业名单
rows: list
serial_column: {header: 序号}
parent_column: {key: city, header: 设区市, display: name}
columns:
  - {key: enterprise, header: 企业名称, type: text}
"""
    files["annex5.csv"] = csv_text(["city", "enterprise"], fig["enterprises"])
    return files


NOTICE = f"""\
# 通知 of the SAMPLE plan of the fictional 示例省 (tools/make_example_province.py). The plan year is
# {PLAN_YEAR}, stated by `{PLAN_YEAR_KEY}:`; the notice is dated December of the year before on purpose.
{PLAN_YEAR_KEY}: {PLAN_YEAR}
issuer: {ISSUER}
date: {NOTICE_DATE.isoformat()}
recipients: 各设区市人民政府，省各有关部门和单位
title: 关于印发{PROVINCE}{PLAN_YEAR}年大气污染防治工作计划的通知
title_lines:
  - 关于印发{PROVINCE}{PLAN_YEAR}年大气污染防治
  - 工作计划的通知
body:
  - 现将《{PROVINCE}{PLAN_YEAR}年大气污染防治工作计划》印发给你们，请结合实际认真组织实施。
attachments: [1, 2, 3, 4, 5]
"""

DEPARTMENTS = """\
# Departments named in the work plan's responsibility notes (SAMPLE data, fictional province).
departments:
  - 省生态环境厅
  - 省发展改革委
  - 省工业和信息化厅
  - 省住房城乡建设厅
  - 省交通运输厅
  - 省公安厅
  - 省财政厅
groups:
  - 省各有关部门
"""

WORKPLAN = f"""\
# {PROVINCE}{PLAN_YEAR}年大气污染防治工作计划 — SAMPLE text written for the tests (fictional province).
# Annex figures are references ({{附件N.全省.列名}}); the numbering is this data set's own (附件1 = projects).
title: {PROVINCE}{PLAN_YEAR}年大气污染防治工作计划
preamble:
- 为持续改善全省环境空气质量，巩固上年治理成效，制定本工作计划。
sections:
- number: 一
  title: 总体要求
  subsections:
  - number: 一
    title: 工作目标
    paragraphs:
    - text: {PLAN_YEAR}年，全省PM2.5浓度达到{{附件2.全省.PM2.5浓度目标（微克/立方米）}}微克/立方米，优良天数比率达到{{附件2.全省.优良天数比率目标（%）}}%。各设区市和{{附件3.行数}}个县（市、区）空气质量改善目标见附件2、附件3。
  - number: 二
    title: 重点工程
    paragraphs:
    - text: 全省安排大气污染防治重点工程项目{{附件1.全省.合计}}项，其中VOCs综合治理项目{{附件1.全省.VOCs综合治理项目}}项，各设区市项目见附件1。
      responsibility:
        note: （省各有关部门按职责分工负责）
        lead:
        - 省各有关部门
- number: 二
  title: 主要任务
  subsections:
  - number: 一
    title: 优化产业结构
    items:
    - number: 1
      title: 严格项目准入
      paragraphs:
      - text: 严格落实生态环境分区管控要求，新建项目实行主要大气污染物排放量等量或减量替代。
        responsibility:
          note: （省生态环境厅、发展改革委按职责分工负责）
          lead:
          - 省生态环境厅
          - 省发展改革委
    - number: 2
      title: 推进传统产业升级
      paragraphs:
      - text: 推动重点行业清洁生产改造，依法淘汰落后产能，巩固“散乱污”企业整治成果。
        responsibility:
          note: （省工业和信息化厅牵头，省生态环境厅配合）
          lead:
          - 省工业和信息化厅
          support:
          - 省生态环境厅
  - number: 二
    title: 调整能源结构
    items:
    - number: 3
      title: 控制煤炭消费
      paragraphs:
      - text: 完成国家下达的煤炭消费控制任务，推进燃煤锅炉清洁能源替代。
        responsibility:
          note: （省发展改革委牵头，省生态环境厅配合）
          lead:
          - 省发展改革委
          support:
          - 省生态环境厅
  - number: 三
    title: 深化VOCs治理
    items:
    - number: 4
      title: 推进源头替代
      paragraphs:
      - text: 推广使用低挥发性有机物含量的涂料、油墨、胶粘剂，重点化工企业名单见附件5。
        responsibility:
          note: （省生态环境厅牵头，省工业和信息化厅配合）
          lead:
          - 省生态环境厅
          support:
          - 省工业和信息化厅
    - number: 5
      title: 加强无组织排放管控
      paragraphs:
      - text: 开展储罐、装卸、敞开液面等环节排查整治，建立问题清单并限期整改。
        responsibility:
          note: （省生态环境厅牵头）
          lead:
          - 省生态环境厅
  - number: 四
    title: 加强扬尘和移动源管控
    items:
    - number: 6
      title: 严格扬尘管控
      paragraphs:
      - text: 各设区市落实施工工地扬尘防治措施，降尘控制目标见附件4。
        responsibility:
          note: （省住房城乡建设厅、生态环境厅按职责分工负责）
          lead:
          - 省住房城乡建设厅
          - 省生态环境厅
      - text: 县（市、区）人民政府加强渣土运输车辆管理，推进道路机械化清扫。
        responsibility:
          note: （省住房城乡建设厅、交通运输厅、公安厅按职责分工负责）
          lead:
          - 省住房城乡建设厅
          - 省交通运输厅
          - 省公安厅
- number: 三
  title: 保障措施
  subsections:
  - number: 一
    title: 压实工作责任
    paragraphs:
    - text: 各设区市要切实加强组织领导，逐级分解目标任务，定期调度工作进展。
      responsibility:
        note: （省生态环境厅牵头）
        lead:
        - 省生态环境厅
  - number: 二
    title: 严格考核奖惩
    paragraphs:
    - text: 对空气质量改善目标完成较好的地区加大资金支持；对未完成目标的设区市和县（市、区），采取通报、约谈等措施。
      responsibility:
        note: （省财政厅、生态环境厅按职责分工负责）
        lead:
        - 省财政厅
        - 省生态环境厅
"""

LETTERS = f"""\
# 目标责任书 settings (SAMPLE data). Annex numbers are this data set's: the cities' targets are 附件2,
# the projects 附件1, 降尘 附件4; the counties' targets 附件3.
title: {PLAN_YEAR}年大气污染防治目标责任书
period: {{start: {PLAN_YEAR}-01-01, end: {PLAN_YEAR}-12-31}}
city:
  party_a: {ISSUER}
  party_b_suffix: 人民政府
  annexes: [2, 1, 4]
  tasks:
    - {{item: 二.（一）.1, show: title}}
    - 二.（二）.3
    - 二.（三）.4
    - {{item: 二.（四）.6, paragraphs: [1]}}
    - 三.（一）
  assessment:
    - 三.（二）
county:
  party_a_suffix: 人民政府
  party_b_suffix: 人民政府
  annexes: [3]
  tasks:
    - {{item: 二.（一）.2, show: title}}
    - {{item: 二.（四）.6, paragraphs: [2]}}
  assessment:
    - 三.（二）
"""

BULLETIN = f"""\
# 月度空气质量排名通报 settings (SAMPLE data, fictional province). No fixed unit counts in the texts:
# {{county_count}} and {{city_count}} in {BULLETIN_COUNT_NOTE} are the units of the bulletin's month.
issuer: {ISSUER}
issuer_mark: {ISSUER}文件
doc_number: {DOC_PREFIX}〔{{year}}〕{{serial}}号
recipients: 各设区市大气污染防治联席会议办公室，省大气污染防治联席会议各成员单位
title: 关于{{period}}全省环境空气质量状况的通报
ranking:
  decimals: 1
  rounding: half_even
  missing: exclude
  by_indicator:
    composite: {{decimals: 2}}
  min_cities: 3
county_lists:
  length: 5
  periods: [month, cumulative]
  indicators: [pm25, pm25_change, good_rate, good_rate_change]
special_help:
  indicator: pm25
  bottom: 3
  months: 3
basis: 依据《{PROVINCE}县（市、区）环境空气质量排名办法（试行）》，对{{county_count}}个县（市、区）空气质量状况进行排名。
closing: 省大气污染防治联席会议办公室将加强对排名靠后县（市、区）的督查帮扶，推动全省环境空气质量持续改善。
data_note: PM2.5浓度为各地报送的月均浓度；累计浓度按有效监测天数加权平均；全省数值为{{city_count}}个设区市的算术平均。
"""


def unit_changes_yaml() -> str:
    lines = ["# Administrative changes (SAMPLE data; README “片区和区划调整”). This one falls within the plan year:",
             "# the merged county stays in units.csv (the plan as published) and is gone from the change's month on;",
             "# its short name and code come from units.csv.",
             "# comparison: none = no comparable figure across the change (continue: the successor's series runs on).",
             "changes:"]
    for c in UNIT_CHANGES:
        lines += [f"  - date: {c['date'].isoformat()}", f"    kind: {c['kind']}", f"    from: {c['from']}",
                  f"    into: {c['into']}", f"    comparison: {c['comparison']}"]
    return "\n".join(lines) + "\n"


ROOT_SAMPLE = f"""\
# 示例数据（SAMPLE）——虚构省份，全部数据均为示例

本数据集（{PROVINCE}{PLAN_YEAR}年大气污染防治工作计划及月度报送数据）是为测试而编造的**示例数据**：省份、设区市、
县（市、区）及其行政区划代码、工作计划文字、附件数值和各月报送数值都是虚构的，与任何真实地区无关，
不得作为正式数据使用或对外发布。

- **本文件（数据集根目录的 SAMPLE.md）存在，即表示全部计划数据为示例数据**：由本数据集生成的每一份文件
  （通知、目标责任书、任务分工、附件数据、通报）都应注明“【示例数据】”。
- 报送数据另见 `submissions/SAMPLE.md`。
- 重新生成：`.venv/bin/python tools/make_example_province.py`（固定随机种子 {SEED}，结果逐字节相同）。
"""


def submissions_sample(lines: list[str]) -> str:
    cases = "\n".join(f"  - {line}" for line in lines)
    return f"""\
# 示例数据（SAMPLE）——不是实测数据

本文件夹中的全部报送表（{PLAN_YEAR - 1}年和{PLAN_YEAR}年的1—5月，{len(CITIES)}个设区市每月一份）都是虚构省份“{PROVINCE}”的 **示例数据**，由 `tools/make_example_province.py`
以固定随机种子（{SEED}）生成，**不是任何监测站的实际监测结果**。

- **本文件（SAMPLE.md）存在，即表示本文件夹为示例数据**：由这些数据生成的每一份通报都注明“【示例数据】”。
- 每个文件就是 `reportgen form` 生成的空白报送表填上数字；项目完成数的列来自工作计划中 `role: projects` 的附件
  （本数据集为附件1），只在{PLAN_YEAR}年填写。
- 数据中有意安排了：
{cases}
- 重新生成：`.venv/bin/python tools/make_example_province.py`（结果逐字节相同）。
"""


README = f"""\
# {PROVINCE}{PLAN_YEAR}年大气污染防治工作计划（虚构省份，示例数据）

**本目录全部是示例数据，不是真实数据。**“{PROVINCE}”及其{len(CITIES)}个设区市、\
{sum(len(c[3]) for c in CITIES)}个县（市、区）、行政区划代码（以 99 开头，
真实省份不用）、工作计划文字、附件数值和月度报送数值都是编造的。数据集根目录的 `SAMPLE.md` 标明全部计划数据为示例数据，
`submissions/SAMPLE.md` 标明报送数据为示例数据。

## 用途

本数据集是测试用的“第二个数据集”（issue 14）：证明 reportgen 不改代码就能服务另一个省份、另一个年度。
`tests/test_second_dataset.py` 用它校验数据（`reportgen validate`）、生成全部种类的文件（通知及附件、目标责任书、
任务分工、附件数据、月度通报、空白报送表），再从每个 PDF、DOCX、HTML、XLSX 中取出文字，检查其中没有江苏省数据集的
文字（省名、片区名、发文机关、文号前缀、地名）和计划文件中没有“2021年”（通知的成文日期除外）。

与 `data/jiangsu-2021` 有意不同的地方：

| 项目 | 本数据集 | 江苏省2021年数据集 |
|---|---|---|
| 单位数 | {len(CITIES)}个设区市、{sum(len(c[3]) for c in CITIES)}个县（市、区） | 13个设区市、54个县（市、区） |
| 片区 | 无（`units.csv` 没有 region 列） | 苏南、苏中、苏北 |
| 计划年度 | `notice.yaml` 中 `{PLAN_YEAR_KEY}: {PLAN_YEAR}`；通知成文日期为{NOTICE_DATE.year}年{NOTICE_DATE.month}月{NOTICE_DATE.day}日 | `year: 2021`，通知成文日期在同一年 |
| 附件编号 | 附件1 工程项目（`role: projects`）、附件2 设区市目标（`role: city_targets`）、附件3 县（市、区）目标（`role: county_targets`）、附件4 降尘目标、附件5 重点企业名单 | 附件1 设区市目标、附件2 县目标、附件6 工程项目 |
| 行政区划调整 | `unit_changes.yaml`：{MERGE_DATE.year}年{MERGE_DATE.month}月{MERGE_DATE.day}日{MERGED}并入{INTO}，调整前后不作比较（`comparison: none`） | 无 |
| 通报文号 | {DOC_PREFIX}〔年份〕序号号 | 苏大气办〔年份〕序号号 |
| 通报中的单位数 | `bulletin.yaml` 写 `{{county_count}}`、`{{city_count}}`，按当月的单位计数（{MERGE_DATE.month}月起{sum(len(c[3]) for c in CITIES) - 1}个县（市、区）） | 同样写占位符（54个县（市、区）、13个设区市） |

调整在计划年度年中生效，`units.csv` 列出计划年度年初的单位，因此{MERGED}仍在其中（计划、附件和目标责任书按年初印发时的样子）；{MERGE_DATE.year}年{MERGE_DATE.month}月起，\
{next(c[1] for c in CITIES if any(x[1] == INTO for x in c[3]))}的报送表中没有{MERGED}。

## 报送数据

`submissions/` 中是{PLAN_YEAR - 1}年和{PLAN_YEAR}年1—5月各设区市的月度报送表\
（{PLAN_YEAR - 1}年同期的数据只用于{PLAN_YEAR}年通报的同比比较，不生成{PLAN_YEAR - 1}年的通报），格式与 `reportgen form` 生成的报送表相同，
可由 `reportgen/load/submissions.py` 读取。有意安排的情形见 `submissions/SAMPLE.md`。

## 如何生成

全部文件由 `tools/make_example_province.py` 生成（固定随机种子 {SEED}，重新运行结果逐字节相同），不要手工修改：

```sh
.venv/bin/python tools/make_example_province.py
```

附件的 `role`、`notice.yaml` 的 `year`、`unit_changes.yaml` 的格式与 README 中的说明一致；数据集的设定（单位、附件编号、
区划调整、有意安排的情形）集中写在该脚本开头的常量中，修改后重新生成即可。
"""


# ---------------------------------------------------------------------------------------------------
# submissions

def city_of(name: str) -> str:
    for _, city, _, counties in CITIES:
        if name == city or any(name == c[1] for c in counties):
            return city
    raise KeyError(name)


def annual_levels(fig: dict, rng: random.Random):
    """Each unit's annual PM2.5 and 优良天数比率 in 2021 and 2022, near its targets."""
    targets = {name: (fig["city_pm"][name], float(fig["city_rate"][name])) for _, name, _, _ in CITIES}
    targets.update({n: (float(pm), float(rate)) for n, (pm, rate) in fig["county"].items()})
    cities = [c[1] for c in CITIES]
    ratio = {c: PM25_BEHIND.get(c) or rng.gauss(0.96, 0.03) for c in cities}
    free = [c for c in cities if c not in PM25_BEHIND]
    k = ((len(cities) * PROVINCE_PM25[2022] - sum(targets[c][0] * PM25_BEHIND[c] for c in PM25_BEHIND))
         / sum(targets[c][0] * ratio[c] for c in free))
    ratio.update({c: ratio[c] * k for c in free})
    offset = {c: rng.gauss(0.8, 1.0) for c in cities}
    pm, rate = {2022: {}, 2021: {}}, {2022: {}, 2021: {}}
    for name in targets:
        city = city_of(name)
        noise = 1.0 if name == city else rng.gauss(1.0, 0.05)
        pm[2022][name] = targets[name][0] * ratio[city] * noise
        rate[2022][name] = min(97.5, targets[name][1] + offset[city] + (0 if name == city else rng.gauss(0, 1.2)))
        pm[2021][name] = pm[2022][name] * PROVINCE_PM25[2021] / PROVINCE_PM25[2022] * rng.uniform(0.97, 1.03)
        rate[2021][name] = min(97.5, rate[2022][name] - 1.5 + rng.gauss(0, 1.0))
    return pm, rate


def month_values(name, year, mon, pm, rate, weather, rng):
    return unit_month_values(pm[year][name], rate[year][name], year, mon, weather[city_of(name)], rng)


def form_plan(data_dir: Path):
    """The data set's plan (the submissions are its forms)."""
    from reportgen.load.plan import load_plan
    from reportgen.problems import DataError
    try:
        plan, _ = load_plan(data_dir)
    except DataError as e:
        sys.exit("the generated plan data is not valid: " + "; ".join(str(p) for p in e.problems))
    return plan


def units_on(plan, month: str):
    """The plan's units as they are in `month` (unit_changes.yaml): after the merge without 桐坞县."""
    return plan.units.as_of(month)


def with_units(plan, units):
    if dataclasses.is_dataclass(plan):
        return dataclasses.replace(plan, units=units)
    copy = type(plan)(**vars(plan))
    copy.units = units
    return copy


def case_lines() -> list[str]:
    ny, nm = (int(x) for x in NO_DATA[0].split("-"))
    ry, rm = (int(x) for x in REVISED[0].split("-"))
    return [
        f"{ny}年{nm}月{NO_DATA[1]}数值全部留空，备注“{NO_DATA[2]}”；",
        f"{ry}年{rm}月{REVISED[1]}两天后报送第2版（r02），{REVISED[2]} PM2.5 更正为原值加{REVISED[3]}；",
        f"{PLAN_YEAR}年 PM2.5 未达到附件2目标：{'、'.join(PM25_BEHIND)}；",
        f"{MERGE_DATE.year}年{MERGE_DATE.month}月起{MERGED}并入{INTO}（见 `unit_changes.yaml`），此后的报送表中没有{MERGED}；",
        f"{PLAN_YEAR}年附件1项目进度偏慢：{'、'.join(PROGRESS_SHORT)}。",
    ]


def write_submissions(out: Path, fig: dict, rng: random.Random) -> int:
    folder = out / "submissions"
    folder.mkdir(parents=True)
    (folder / "SAMPLE.md").write_text(submissions_sample(case_lines()), encoding="utf-8")
    plan = form_plan(out)
    pm, rate = annual_levels(fig, rng)
    pace = {(c[1], k): rng.uniform(1.2, 1.8) for c in CITIES for k, _ in PROJECT_COLUMNS}
    files = 0
    for month in MONTHS:
        year, mon = (int(x) for x in month.split("-"))
        month_plan = with_units(plan, units_on(plan, month))
        weather = {c[1]: (rng.uniform(0.95, 1.05), rng.uniform(0.85, 1.15)) for c in CITIES}
        values = {u.name: month_values(u.name, year, mon, pm, rate, weather, rng) for u in month_plan.units.all}
        if year == PLAN_YEAR:
            for _, name, _, _ in CITIES:
                share = PROGRESS_SHORT.get(name, 1.0)
                for k, _ in PROJECT_COLUMNS:
                    planned = fig["projects"][name][k]
                    values[name][f"progress.{k}"] = math.floor(planned * share * (mon / 12) ** pace[(name, k)] + 1e-9)
        if month == NO_DATA[0]:
            values[NO_DATA[1]] = {"remark": NO_DATA[2]}
        for index, city in enumerate(month_plan.units.cities):
            received = receipt_time(month, index)
            target = folder / month / city.name / f"r01_{received:%Y%m%dT%H%M%S}.xlsx"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_form(month_plan, month, city, target, values)
            files += 1
            if (month, city.name) == REVISED[:2]:
                corrected = dict(values)
                county = dict(corrected[REVISED[2]])
                county["pm25"] = county["pm25"] + REVISED[3]
                corrected[REVISED[2]] = county
                received = receipt_time(month, index, 2)
                write_form(month_plan, month, city, target.with_name(f"r02_{received:%Y%m%dT%H%M%S}.xlsx"), corrected)
                files += 1
    return files


def generate(out: Path) -> int:
    rng = random.Random(SEED)
    fig = plan_figures(rng)
    if out.exists():
        if any(out.iterdir()) and not (out / "SAMPLE.md").exists():
            sys.exit(f"{out} is not marked as sample data (no SAMPLE.md): not overwritten")
        shutil.rmtree(out)
    (out / "annexes").mkdir(parents=True)
    texts = {
        "README.md": README, "SAMPLE.md": ROOT_SAMPLE, "notice.yaml": NOTICE, "workplan.yaml": WORKPLAN,
        "departments.yaml": DEPARTMENTS, "letters.yaml": LETTERS, "bulletin.yaml": BULLETIN,
        "unit_changes.yaml": unit_changes_yaml(),
        "units.csv": csv_text(["code", "name", "short_name", "level", "parent"], list(unit_rows())),
    }
    texts.update({f"annexes/{k}": v for k, v in annex_files(fig).items()})
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8")
    return write_submissions(out, fig, rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    started = time.perf_counter()
    files = generate(args.out)
    print(f"{args.out}: plan data and {files} submission files ({time.perf_counter() - started:.1f} s); "
          f"sample data, seed {SEED}")


if __name__ == "__main__":
    main()
