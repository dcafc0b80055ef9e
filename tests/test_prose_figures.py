"""Figures in the work plan's prose are references to the annexes (load/figure_refs.py): they are printed
from the annex, follow a revision of it, are listed by compute/prose_changes.changed_sentences, and a
wrong or malformed reference, or a typed number restating an annex figure, is a located error."""

import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA
from helpers import docx_text, pdf_text

from reportgen.build import build
from reportgen.cli import main
from reportgen.compute.prose_changes import changed_sentences, split_sentences
from reportgen.load.figure_refs import parse_text
from reportgen.load.plan import load_plan

# Every figure of the plan's prose that restates an annex figure: (item, written reference, printed text)
FIGURES = [
    ("一（二）", "{附件1.全省.PM2.5浓度工作目标（微克/立方米）}", "全省PM2.5浓度达到37微克/立方米"),
    ("一（二）", "{附件1.全省.优良天数比率工作目标（%）}", "优良天数比率达到81.3%"),
    ("一（二）", "{附件2.行数}", "各设区市、54个县（市、区）"),
    ("一（三）", "{附件3.全省.挥发性有机物减排比例}", "分别削减10%、8%"),
    ("一（三）", "{附件3.全省.氮氧化物减排比例}", "分别削减10%、8%"),
    ("二（一）2", "{附件6.全省.“两高”行业产能淘汰和压减}", "产能淘汰和压减项目223项"),
    ("二（一）2", "{附件6.全省.重点行业绿色改造工程}", "重点行业绿色改造工程128项"),
    ("二（五）14", "{附件7.全省.源头替代“回头看”企业数}", "中1684个项目"),
    ("二（五）15", "{附件6.全省.VOCs综合治理项目}", "全省推进VOCs综合治理项目2921项"),
    ("二（五）15", "{附件7.全省.储罐排查建档数}", "推动开展14218个挥发性有机物液体储罐排查"),
    ("二（五）15", "{附件6.全省.无组织排放、储罐治理项目}", "完成5600个储罐整治及无组织排放项目"),
    ("二（八）24", "{附件7.全省.餐饮油烟治理或“回头看”：万}", "专项整治或“回头看”3.1万家"),
    ("三（一）", "{附件6.全省.合计}", "共安排大气污染防治工程项目10134项"),
    ("三（一）", "{附件7.全省.合计}", "推进大气污染防治工作任务69910项"),
]


def copy_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("submissions"))
    return target


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def revise_suzhou(data):
    """苏州's 附件6 VOCs综合治理项目 1200 → 1210, with the published 全省 values it moves."""
    edit(data / "annexes" / "annex6.csv", "苏州,0,20,40,10,5,5,50,15,1200,1000,0", "苏州,0,20,40,10,5,5,50,15,1210,1000,0")
    edit(data / "annexes" / "annex6.yaml", 'vocs_treatment: "2921"', 'vocs_treatment: "2931"')
    edit(data / "annexes" / "annex6.yaml", 'total: "10134"', 'total: "10144"')


def plan_texts(plan):
    out = {}
    for sec in plan.workplan.sections:
        for sub in sec.subsections:
            ref = f"{sec.number}（{sub.number}）"
            out.setdefault(ref, []).extend(sub.paragraphs)
            for item in sub.items:
                out.setdefault(f"{ref}{item.number}", []).extend(item.paragraphs)
    return out


def flat(text):
    return re.sub(r"\s+", "", text)


def validate(data):
    return CliRunner().invoke(main, ["validate", "--data", str(data)])


# --- the default data --------------------------------------------------------------------------------

def test_default_plan_prints_the_published_figures_from_references():
    plan, _ = load_plan(DATA)
    texts = plan_texts(plan)
    written = (DATA / "workplan.yaml").read_text(encoding="utf-8")
    for ref, reference, printed in FIGURES:
        assert reference in written, reference
        paragraphs = texts[ref]
        assert any(printed in p.text for p in paragraphs), (ref, printed)
        holder = next(p for p in paragraphs if reference in (p.template or ""))
        assert "{" not in holder.text and reference not in holder.text
        figure = next(f for f in holder.figures if f.written == reference)
        assert holder.text[figure.position:].startswith(figure.text)
    assert sum(len(p.figures) for ps in texts.values() for p in ps) == len(FIGURES)
    # the annex's own printing: 10134 and 69910 are the 合计 of the 全省 rows
    assert plan.annexes[6].total["total"].text == "10134" and plan.annexes[7].total["total"].text == "69910"


def test_default_data_validates():
    result = validate(DATA)
    assert result.exit_code == 0, result.output
    assert "数据检查通过" in result.output


def test_typed_figures_not_in_the_annexes_stay_typed():
    """Figures that look like annex figures but are not (or cannot be checked) are left as typed."""
    text = (DATA / "workplan.yaml").read_text(encoding="utf-8")
    for typed in ("推进全省实施500项新增替代项目",        # 附件6 全省 源头替代项目 is 590
                  "各设区市分别培育10家以上源头替代示范型企业",  # a floor for each city (附件6: 10–15)
                  "全省676台燃煤锅炉", "6583台燃气锅炉", "6023台生物质锅炉",  # together 附件7 锅炉 13282
                  "完成65座储油库", "路检路查柴油车2.4万辆·次以上",  # 附件8 has no 全省 row, 4 cities missing
                  "每月抽测数量不少于60台·次", "13个设区市建成区"):
        assert typed in text, typed


# --- a revision ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("revised")
    data = copy_data(tmp)
    revise_suzhou(data)
    result = build(data, tmp / "out", kinds=("notice", "letters"), unit_names=["苏州"], allow_incomplete=True)
    files = {w.path.name: w.path for w in result.written}
    return {"data": data, "files": files}


def _notice(files, suffix):
    return next(p for name, p in files.items() if name.endswith(suffix) and "通知" in name)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_revision_moves_the_figures_in_the_notice(revised, fmt):
    path = _notice(revised["files"], "." + fmt)
    text = flat(pdf_text(path) if fmt == "pdf" else docx_text(path))
    assert "全省推进VOCs综合治理项目2931项" in text
    assert "共安排大气污染防治工程项目10144项" in text
    assert "工程项目10144项" in text
    assert "VOCs综合治理项目2921项" not in text and "10134" not in text
    # unchanged figures stay
    assert "推进大气污染防治工作任务69910项" in text and "推动开展14218个" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_revision_moves_the_figures_in_the_letter_that_quotes_them(revised, fmt):
    letter = revised["files"][f"苏州市.{fmt}"]
    text = flat(pdf_text(letter) if fmt == "pdf" else docx_text(letter))
    plan, _ = load_plan(revised["data"])
    quoted = "共安排大气污染防治工程项目10144项" in text
    # the letter quotes 三（一） as long as letters.yaml selects it; whatever it quotes is the revised text
    assert "10134" not in text and "2921项" not in text
    if "各设区市需加快部署" in text:
        assert quoted
    assert any("10144" in p.text for p in plan_texts(plan)["三（一）"])


def test_changed_sentences_lists_exactly_the_revised_figures(revised):
    old, _ = load_plan(DATA)
    new, _ = load_plan(revised["data"])
    changes = changed_sentences(old, new)
    assert [(c.ref, c.paragraph) for c in changes] == [("二（五）15", 1), ("三（一）", 1)]
    vocs, works = changes
    assert vocs.old.endswith("全省推进VOCs综合治理项目2921项。") and vocs.new.endswith("全省推进VOCs综合治理项目2931项。")
    assert vocs.old.replace("2921", "2931") == vocs.new
    assert works.old == "2021年全省共安排大气污染防治工程项目10134项，推进大气污染防治工作任务69910项。"
    assert works.new == "2021年全省共安排大气污染防治工程项目10144项，推进大气污染防治工作任务69910项。"
    assert [(f.label, f.old, f.new) for f in vocs.figures] == [("附件6 全省 VOCs综合治理项目", "2921", "2931")]
    assert [(f.label, f.old, f.new) for f in works.figures] == [("附件6 全省 合计", "10134", "10144")]
    assert changed_sentences(old, old) == []
    assert changed_sentences(old.workplan, new.workplan) == changes


def test_a_city_figure_and_a_row_count(tmp_path):
    data = copy_data(tmp_path)
    edit(data / "workplan.yaml", "全面淘汰国三及以下排放标准的柴油环卫车。",
         "全面淘汰国三及以下排放标准的柴油环卫车。苏州推进VOCs综合治理项目{附件6.苏州市.vocs_treatment}项，"
         "全省重点石化企业｛附件4．行数｝家。")
    plan, _ = load_plan(data)
    p = next(p for p in plan_texts(plan)["二（三）8"] if "柴油环卫车" in p.text)
    assert p.text.endswith("苏州推进VOCs综合治理项目1200项，全省重点石化企业10家。")
    assert [f.label for f in p.figures] == ["附件6 苏州市 VOCs综合治理项目", "附件4 行数"]


def test_split_sentences():
    assert [s for _, s in split_sentences("甲。乙；丙")] == ["甲。", "乙；", "丙"]


# --- located errors -------------------------------------------------------------------------------------

def _line(data, text):
    lines = (data / "workplan.yaml").read_text(encoding="utf-8").splitlines()
    return f"第{next(i + 1 for i, s in enumerate(lines) if text in s)}行"


@pytest.mark.parametrize("old, new, expected", [
    ("{附件6.全省.VOCs综合治理项目}", "{附件9.全省.VOCs综合治理项目}", ["附件9不存在", "附件6"]),
    ("{附件6.全省.VOCs综合治理项目}", "{附件6.全省.VOCs治理项目}", ["附件6没有“VOCs治理项目”列", "是否是", "VOCs综合治理项目"]),
    ("{附件6.全省.VOCs综合治理项目}", "{附件6.苏洲.VOCs综合治理项目}", ["附件6中没有“苏洲”这一行", "是否是", "苏州"]),
    ("{附件6.全省.VOCs综合治理项目}", "{附件6.全省.VOCs综合治理项目", ["缺少右括号"]),
    ("{附件6.全省.VOCs综合治理项目}", "附件6.全省.VOCs综合治理项目}", ["多了右括号"]),
    ("{附件6.全省.VOCs综合治理项目}", "{附件6.VOCs综合治理项目}", ["少了一部分", "{附件6.全省.VOCs综合治理项目}"]),
    ("{附件6.全省.VOCs综合治理项目}", "{附件8.全省.路检路查（单位：辆·次）}", ["附件8没有全省行"]),
    ("{附件6.全省.VOCs综合治理项目}", "{附件4.全省.企业名称}", ["附件4没有全省行"]),
])
def test_bad_reference_is_a_located_error(tmp_path, old, new, expected):
    data = copy_data(tmp_path)
    where = _line(data, old)
    edit(data / "workplan.yaml", old, new)
    result = validate(data)
    assert result.exit_code == 2, result.output
    error = next((line for line in result.output.splitlines() if line.startswith("[错误]")), "")
    for part in ["workplan.yaml", where, "sections[1].subsections[4].items[2].paragraphs[0].text", *expected]:
        assert part in error, (part, result.output)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("old, new, expected, severity, code", [
    # typed instead of referenced: right after the column's header, any value: an error
    ("{附件6.全省.VOCs综合治理项目}项", "2931项", ["紧跟在附件6的列名“VOCs综合治理项目”之后", "{附件6.全省.VOCs综合治理项目}"],
     "[错误]", 2),
    # a 全省 count, typed with a measure word: may be a coincidence, a warning that does not block
    ("{附件6.全省.合计}项", "10134项", ["“10134项”与附件6全省“合计”的数字相同", "{附件6.全省.合计}", "碰巧相同"],
     "[提醒]", 0),
    ("{附件7.全省.餐饮油烟治理或“回头看”：万}万家", "3.1万家", ["“3.1万家”与附件7全省", "：万}"], "[提醒]", 0),
])
def test_typed_annex_figure_is_located(tmp_path, old, new, expected, severity, code):
    data = copy_data(tmp_path)
    where = _line(data, old)
    edit(data / "workplan.yaml", old, new)
    result = validate(data)
    assert result.exit_code == code, result.output
    message = next((line for line in result.output.splitlines() if line.startswith(severity)), "")
    for part in ["workplan.yaml", where, *expected]:
        assert part in message, (part, result.output)


def test_reference_outside_the_paragraphs_is_refused(tmp_path):
    data = copy_data(tmp_path)
    edit(data / "notice.yaml", "请认真贯彻执行。", "请认真贯彻执行{附件6.全省.合计}。")
    result = validate(data)
    assert result.exit_code == 2
    assert "notice.yaml" in result.output and "第11行" in result.output and "body[0]" in result.output


def test_parse_text_keeps_literal_braces():
    segments, errors = parse_text("甲{{乙}}丙")
    assert errors == [] and segments == ["甲{乙}丙"]
