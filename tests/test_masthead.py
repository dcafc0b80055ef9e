"""版头, 版记 and 署名/日期 placement (GB/T 9704 7.2, 7.3.5, 7.4), measured on rendered pages."""


import pytest
from click.testing import CliRunner
from conftest import MASTHEAD
from helpers import horizontal_rules_mm, page_image, pdf_page_count, red_ink_top_mm, word_boxes

from reportgen.build import build
from reportgen.cli import main

CHAR_MM = 156 / 28


@pytest.fixture(scope="module")
def with_masthead(masthead_notice):
    return masthead_notice


@pytest.mark.parametrize("fmt", ["pdf", "lo"])
def test_masthead_mark_number_and_red_rule(with_masthead, fmt):
    pdf = with_masthead[fmt]
    image = page_image(pdf, 1)
    assert red_ink_top_mm(image) == pytest.approx(37 + 35, abs=1.0)      # 7.2.4
    words = word_boxes(pdf, 1)
    number = [w for w in words if w[0].startswith("苏大气办〔2021〕")]
    assert number, words[:5]
    number_bottom = max(w[4] for w in words if abs(w[2] - number[0][2]) < 1)
    red_rules = horizontal_rules_mm(image, red=True)
    assert red_rules, "no red rule across the 版心"
    assert red_rules[0] - number_bottom == pytest.approx(4, abs=0.7)      # 7.2.7


@pytest.mark.parametrize("fmt", ["pdf", "lo"])
def test_imprint_last_rule_on_type_area_bottom(with_masthead, fmt):
    pdf = with_masthead[fmt]
    last = pdf_page_count(pdf)
    text = "".join(w[0] for w in word_boxes(pdf, last))
    assert "抄送：" in text and "2021年3月7日印发" in text
    rules = horizontal_rules_mm(page_image(pdf, last))
    assert len(rules) >= 3
    assert rules[-1] == pytest.approx(37 + 225, abs=0.8)                 # 7.4.1


def signature_words(pdf):
    """The 署名 and 成文日期 boxes (they follow the 附件说明, on page 1 or 2)."""
    words = word_boxes(pdf, 1) + word_boxes(pdf, 2)
    return [w for w in words if w[0] in ("江苏省大气污染防治联席会议办公室", "2021年3月7日")][-2:]


def test_unsealed_signature_and_date(with_masthead):
    issuer, date = signature_words(with_masthead["pdf"])
    assert 184 - issuer[3] == pytest.approx(2 * CHAR_MM, abs=0.5)        # 署名 右空二字
    assert date[1] - issuer[1] == pytest.approx(2 * CHAR_MM, abs=0.5)    # date 2 字 right of 署名


def test_sealed_date_right_four_chars(with_masthead, tmp_path):
    import shutil

    data = shutil.copytree(with_masthead["data"], tmp_path / "plan")     # the session's copy stays as it is
    with (data / "notice.yaml").open("a", encoding="utf-8") as f:
        f.write("sealed: true\n")
    result = build(data, tmp_path / "out", kinds=("notice",))
    pdf = next(w.path for w in result.written if w.path.suffix == ".pdf")
    issuer, date = signature_words(pdf)
    assert 184 - date[3] == pytest.approx(4 * CHAR_MM, abs=0.5)           # 成文日期右空四字
    assert (issuer[1] + issuer[3]) / 2 == pytest.approx((date[1] + date[3]) / 2, abs=0.5)


@pytest.mark.parametrize("number", ["苏大气办[2021]1号", "苏大气办（2021）1号", "苏大气办〔21〕1号",
                                    "苏大气办〔2021〕01号", "苏大气办〔2021〕第1号", "苏大气办〔2021〕1"])
def test_bad_doc_number_is_rejected(data_copy, tmp_path, number):
    with (data_copy / "notice.yaml").open("a", encoding="utf-8") as f:
        f.write(MASTHEAD.replace("苏大气办〔2021〕1号", number))
    result = CliRunner().invoke(main, ["build", "--only", "notice", "--data", str(data_copy), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"发文字号“{number}”格式不对" in result.output and "notice.yaml" in result.output
    assert not (tmp_path / "o").exists() or not any(p.is_file() for p in (tmp_path / "o").rglob("*"))


def test_imprint_taller_than_a_page_flows_and_loses_nothing(tmp_path):
    """A 抄送 list of some 25 lines cannot sit on the 版心 bottom: it runs from the page top over the
    next pages, in full, in both formats (it used to be cut off in the PDF and to fail the DOCX)."""
    import shutil

    from conftest import DATA
    from helpers import docx_text, pdf_text

    data = tmp_path / "plan"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
    names = [f"省第{i}厅局办公室" for i in range(1, 121)]
    imprint = MASTHEAD.replace("省委办公厅，省人大常委会办公厅，省政府办公厅，省政协办公厅", "，".join(names))
    with (data / "notice.yaml").open("a", encoding="utf-8") as f:
        f.write(imprint)
    result = build(data, tmp_path / "out", kinds=("notice",))
    assert result.failed == []
    files = {w.path.suffix: w.path for w in result.written}
    for text in (pdf_text(files[".pdf"]), docx_text(files[".docx"])):
        flat = "".join(text.split())
        assert "抄送：" + "，".join(names) + "。" in flat
        assert "2021年3月7日印发" in flat
