"""报送回执 (`reportgen receipt`): the office's receipt for one revision of a city's monthly submission —
the city, month, revision and time of receipt, the values exactly as read, empty values printed as
missing, the sample label; checked to GB/T 9704 like every other document; refused with exit 2 for an
unknown city, month or revision."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import docx_text, pdf_text

from reportgen.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "jiangsu-2021"


def receipt(out, *args):
    return CliRunner().invoke(main, ["receipt", "--data", str(DATA), "--out", str(out), *args])


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """南京市 May 2021, first revision (a second one came later), and 淮安市 July 2021, whose 盱眙县 left
    every value empty (sample data, submissions/SAMPLE.md)."""
    out = tmp_path_factory.mktemp("receipts")
    for args in (["--city", "南京", "--month", "2021-05", "--revision", "1"], ["--city", "淮安市", "--month", "2021-07"]):
        result = receipt(out, *args)
        assert result.exit_code == 0, result.output
    return out / "2021" / "报送回执"


def texts(folder: Path, name: str) -> list[str]:
    return [flat(pdf_text(folder / f"{name}.pdf")), flat(docx_text(folder / f"{name}.docx"))]


def test_receipt_names_city_month_revision_and_time_and_lists_the_values_as_read(made):
    assert sorted(p.name for p in made.iterdir() if "南京" in p.name) == [
        "2021-05 南京市 第1版.docx", "2021-05 南京市 第1版.pdf"]
    for text in texts(made, "2021-05 南京市 第1版"):
        assert "南京市2021年5月数据报送回执" in text
        assert "南京市大气污染防治联席会议办公室：" in text            # bulletin.yaml's recipients, for this city
        assert "你市报送的2021年5月空气质量数据（第1版）我办已于2021年6月5日9时00分收到。" in text
        assert "此后你市又报送了第2版，现以第2版为准。" in text         # r02 of 2021-06-08 is in force
        assert "江宁区22.4" in text                                    # r01's value; r02 corrected it to 23.6
        assert "23.6" not in text.split("表2")[0].split("江宁区")[1][:10]
        assert "南京市21.4" in text
        assert "VOCs综合治理项目项27" in text                          # the city's project progress, as read
        assert "报送表中各项数值均已填报。" in text
        assert "【示例数据】所列数据为程序生成的示例，非实际监测结果" in text
        assert text.endswith("江苏省大气污染防治联席会议办公室2021年6月5日")   # the issuer, the day of receipt
        for internal in ("r01", "xlsx", "submissions", "jiangsu", "/"):
            assert internal not in text.replace("微克/立方米", "").replace("毫克/立方米", "")


def test_empty_values_are_printed_as_missing_never_as_zero(made):
    for text in texts(made, "2021-07 淮安市 第1版"):
        assert "淮安市2021年7月数据报送回执" in text
        assert "盱眙县" + "（未填报）" * 5 in text                      # table 1: every value of 盱眙县
        assert re.search(r"未填报的数值：盱眙县：PM2\.5浓度、优良天数、有效监测天数、优良天数比率、PM10浓度", text)
        assert "盱眙县：设备故障，本月无有效数据" in text                  # its 备注, quoted
        row = text.split("盱眙县", 1)[1][:25]                           # its five cells of table 1
        assert "0" not in row


def test_receipt_passes_the_layout_checks(made):
    for pdf in made.glob("*.pdf"):
        result = CliRunner().invoke(main, ["check", str(pdf)])
        assert result.exit_code == 0, result.output
        assert "不通过" not in result.output


@pytest.mark.parametrize("args,said", [
    (["--city", "南景", "--month", "2021-05"], "“南景”不是设区市"),
    (["--city", "江宁", "--month", "2021-05"], "“江宁”不是设区市"),
    (["--city", "南京", "--month", "2021-13"], "2021-13"),
    (["--city", "南京", "--month", "2019-05"], "南京市没有报送2019年5月的数据"),
    (["--city", "南京", "--month", "2021-05", "--revision", "3"], "南京市2021年5月的数据没有第3版（已有：第1版、第2版）"),
])
def test_refused_with_exit_2_in_chinese_and_nothing_written(tmp_path, args, said):
    result = receipt(tmp_path, *args)
    assert result.exit_code == 2 and said in result.output, result.output
    assert "未生成" in result.output or "格式" in result.output or "月份" in result.output
    assert not (tmp_path / "2021").exists()


def test_values_keep_the_decimals_the_form_asks_for():
    """A spreadsheet stores a typed 35.0 as 35: the receipt prints it as the form asks (one decimal), an
    integer field without decimals, and an empty value as None (the template's missing mark)."""
    from decimal import Decimal

    from reportgen.submission_fields import SubmissionField
    from reportgen.views.receipt_view import value_text

    one_decimal = SubmissionField("pm10", "PM10浓度", (), "decimal", "微克/立方米", Decimal(0), Decimal(1000),
                                  True, decimals=1)
    days = SubmissionField("days", "优良天数", (), "integer", "天", Decimal(0), Decimal(31), True)
    assert value_text(Decimal("35"), one_decimal) == "35.0"
    assert value_text(Decimal("21.4"), one_decimal) == "21.4"
    assert value_text(Decimal("25"), days) == "25"
    assert value_text(None, one_decimal) is None
