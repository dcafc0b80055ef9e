"""催报通知 (`reportgen remind`): one notice per city that has not sent a month's figures after the due
day, its wording from the data, checked to GB/T 9704 like every other document; refused before the due
day, for a future date and when every city has sent."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner
from helpers import docx_text, pdf_text

from reportgen.cli import main


@pytest.fixture(scope="module")
def late_data(tmp_path_factory):
    """The sample data set without 南京市's and 苏州市's May 2021 submissions."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "data" / "jiangsu-2021"
    data = tmp_path_factory.mktemp("remind") / "jiangsu-2021"
    shutil.copytree(source, data)
    for city in ("南京市", "苏州市"):
        shutil.rmtree(data / "submissions" / "2021-05" / city)
    return data


def remind(data, out, *args):
    return CliRunner().invoke(main, ["remind", "--data", str(data), "--out", str(out), *args])


def test_one_reminder_per_late_city_with_the_datas_wording(late_data, tmp_path):
    result = remind(late_data, tmp_path, "--month", "2021-05", "--date", "2021-06-15")
    assert result.exit_code == 0, result.output
    assert "逾期未报送2021年5月数据的设区市：南京市、苏州市" in result.output
    folder = tmp_path / "2021" / "催报通知"
    assert sorted(p.name for p in folder.iterdir()) == [
        "2021-05 南京市-20210615.docx", "2021-05 南京市-20210615.pdf",
        "2021-05 苏州市-20210615.docx", "2021-05 苏州市-20210615.pdf"]
    for text in (pdf_text(folder / "2021-05 南京市-20210615.pdf"), docx_text(folder / "2021-05 南京市-20210615.docx")):
        flat = re.sub(r"\s+", "", text)
        assert "关于催报2021年5月空气质量数据的通知" in flat
        assert "南京市大气污染防治联席会议办公室：" in flat            # from bulletin.yaml's recipients
        assert "你市2021年5月空气质量数据应于2021年6月10日前报送。截至2021年6月15日，我办尚未收到。" in flat
        assert flat.endswith("江苏省大气污染防治联席会议办公室2021年6月15日")   # bulletin.yaml's issuer, the date
        assert "【示例数据】本文件由示例报送数据生成，不是正式印发的文件" in flat   # the submissions are sample data,
        assert "示例计划数据" not in flat                              # the plan data is not
        assert "苏州市" not in flat
    # the same day again: a new pair of files, the first ones untouched
    before = (folder / "2021-05 南京市-20210615.pdf").read_bytes()
    assert remind(late_data, tmp_path, "--month", "2021-05", "--date", "2021-06-15").exit_code == 0
    assert (folder / "2021-05 南京市-20210615-2.pdf").exists()
    assert (folder / "2021-05 南京市-20210615.pdf").read_bytes() == before


def test_reminder_passes_the_layout_checks(late_data, tmp_path):
    assert remind(late_data, tmp_path, "--month", "2021-05", "--date", "2021-06-15").exit_code == 0
    pdf = tmp_path / "2021" / "催报通知" / "2021-05 苏州市-20210615.pdf"
    result = CliRunner().invoke(main, ["check", str(pdf)])
    assert result.exit_code == 0, result.output
    assert "不通过" not in result.output


@pytest.mark.parametrize("args,said", [
    (["--month", "2021-05", "--date", "2021-06-10"], "应于2021-06-10前报送，2021-06-10还未逾期，不需要催报"),
    (["--month", "2021-05", "--date", "2999-01-01"], "晚于今天"),
    (["--month", "2021-04", "--date", "2021-05-20"], "各设区市都已报送2021年4月的数据，不需要催报"),
    (["--month", "2021-05", "--date", "2021-6-15x"], "格式不对"),
])
def test_refused_with_exit_2_and_nothing_written(late_data, tmp_path, args, said):
    result = remind(late_data, tmp_path, *args)
    assert result.exit_code == 2 and said in result.output, result.output
    assert not (tmp_path / "2021").exists()
