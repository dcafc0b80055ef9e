"""The bulletin on hand-made months that exercise the edges of real practice (issue 12): precision per
indicator, 污染负荷比, January, not-ranked units grouped by reason, counts of units ranked, thin months,
the CLI naming cities that have not submitted. Every check reads the generated PDF or DOCX."""

from __future__ import annotations

import re
import shutil
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from click.testing import CliRunner
from conftest import DATA
from helpers import docx_text, pdf_text

from reportgen.build import build
from reportgen.cli import main
from reportgen.load.plan import load_plan

PLAN = load_plan(DATA)[0]
CITIES = PLAN.units.cities
C = PLAN.units.counties
HEADER = "单位名称,PM2.5浓度,PM10浓度,SO2浓度,NO2浓度,CO浓度,O3浓度,优良天数,有效监测天数,备注"
# the four pollutants every unit reports alike; PM2.5 and O3 vary
PM10, SO2, NO2, CO = Decimal("50.0"), Decimal("8.0"), Decimal("30.0"), Decimal("0.8")


def flat(text: str) -> str:
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))


def county_values(i: int) -> tuple[Decimal, Decimal]:
    """PM2.5 and O3 of county i: counties 0 and 1 print the same PM2.5 (a tie); O3 differs for all."""
    pm25 = Decimal("10.0") if i < 2 else Decimal("10.0") + Decimal("0.5") * i
    return pm25, Decimal("100.0") + 3 * i


def city_values(k: int) -> tuple[Decimal, Decimal]:
    return Decimal("30.0") + k, Decimal("120.0") + 3 * k


def composite(pm25: Decimal, o3: Decimal) -> Decimal:
    """By hand: Σ C/S (bulletin.md §4)."""
    return pm25 / 35 + PM10 / 70 + SO2 / 60 + NO2 / 40 + CO / 4 + o3 / 160


def row(name, pm25, o3, remark=""):
    return f"{name},{pm25},{PM10},{SO2},{NO2},{CO},{o3},24,28,{remark}"


def write_month(root, month, cities=None, blank=()):
    """Every unit reports all six pollutants; `cities`: those that submit (default all); `blank`:
    county indices reported empty with a 备注."""
    for k, city in enumerate(CITIES):
        if cities is not None and city.name not in cities:
            continue
        folder = root / "submissions" / month / city.name
        folder.mkdir(parents=True)
        lines = [HEADER, row(city.name, *city_values(k))]
        for county in PLAN.units.children(city):
            i = C.index(county)
            lines.append(f"{county.name},,,,,,,,,设备故障，本月无有效数据" if i in blank else row(county.name, *county_values(i)))
        (folder / "r01_20210605T090000.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def data_copy(tmp, indicators="[pm25, composite]"):
    root = tmp / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("submissions", "issued"))
    settings = root / "bulletin.yaml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  indicators: .*$", f"  indicators: {indicators}", text)
    settings.write_text(text, encoding="utf-8")
    return root


def bulletin(root, month):
    result = build(root, root.parent / "out", kinds=("bulletins",), months=[month])
    files = {w.path.suffix: w.path for w in result.written}
    return files


def names(indices):
    return [C[i].short_name for i in indices]


@pytest.fixture(scope="module")
def february(tmp_path_factory):
    """January and February 2021, all units, all six pollutants; county 20 empty in February."""
    root = data_copy(tmp_path_factory.mktemp("feb"))
    write_month(root, "2021-01")
    write_month(root, "2021-02", blank={20})
    files = bulletin(root, "2021-02")
    return {"root": root, "pdf": flat(pdf_text(files[".pdf"])), "docx": docx_text(files[".docx"])}


def test_composite_ranked_on_two_decimals_while_pm25_ties_on_its_printed_value(february):
    text = february["pdf"]
    ranked = [i for i in range(len(C)) if i != 20]
    # PM2.5: counties 0 and 1 both 10.0 → one rank, written as a tie
    assert (f"2021年2月，53个县（市、区）中，PM2.5浓度相对较好的前10位（1—10名）依次是："
            f"{C[0].short_name}（{C[1].short_name}并列）、") in text
    # 综合指数 by hand, rounded to 2 decimals: distinct values, so no tie anywhere in its lists
    values = {i: composite(*county_values(i)).quantize(Decimal("0.01"), ROUND_HALF_EVEN) for i in ranked}
    assert len(set(values.values())) == len(ranked)
    one_decimal = {i: v.quantize(Decimal("0.1"), ROUND_HALF_EVEN) for i, v in values.items()}
    assert len(set(one_decimal.values())) < len(ranked) / 2        # at 1 decimal they would tie in heaps
    order = sorted(ranked, key=lambda i: (values[i], C[i].order))
    top = "、".join(names(order[:10]))
    bottom = "、".join(names(order[::-1][:10]))
    assert f"环境空气质量综合指数相对较好的前10位（1—10名）依次是：{top}。" in text
    assert f"环境空气质量综合指数相对较差的后10位（倒1—10名）依次是：{bottom}。" in text
    lists = re.findall(r"环境空气质量综合指数相对较[好差]的[前后]10位.*?。", text)
    assert len(lists) == 2 and not any("并列" in s for s in lists)


def test_load_shares_printed_and_summing_to_100(february):
    """表3: each city's 综合指数 (2 decimals), 首要污染物 and 污染负荷比 (1 decimal) as computed by hand."""
    cells = february["docx"].splitlines()
    start = cells.index("O3", cells.index("污染负荷比（%）")) + 1
    for k, city in enumerate(CITIES):
        got = cells[start + 9 * k: start + 9 * (k + 1)]
        pm25, o3 = city_values(k)
        parts = [pm25 / 35, PM10 / 70, SO2 / 60, NO2 / 40, CO / 4, o3 / 160]
        total = sum(parts)
        shares = [(p / total * 100).quantize(Decimal("0.1"), ROUND_HALF_EVEN) for p in parts]
        assert got[0] == city.short_name
        assert got[1] == str(total.quantize(Decimal("0.01"), ROUND_HALF_EVEN))
        assert got[2] == ["PM2.5", "PM10", "SO2", "NO2", "CO", "O3"][parts.index(max(parts))]
        assert got[3:] == [str(s) for s in shares]
        assert abs(sum(Decimal(s) for s in got[3:]) - 100) <= Decimal("0.3")     # 6 × 0.05
    assert "各项之和因修约可能不等于100%" in flat(february["docx"])


def test_not_ranked_reason_once_per_note_and_count_is_units_ranked(february):
    text = february["pdf"]
    county = C[20].short_name
    assert f"未参与排名：{county}（设备故障，本月无有效数据）。" in text
    assert f"未参与排名：{county}（2月无有效数据）。" in text     # 1—2月: its month, no "本月"
    # every list counts the 53 ranked; only the target comparison (all 54, 如东 named) says 54
    assert len(re.findall(r"53个县（市、区）中，[^，。]*相对较好", text)) == 3
    assert not re.search(r"54个县（市、区）中，[^，。]*相对较好", text)


def test_period_composite_without_daily_sheets_is_left_out_quietly(february):
    """No daily values anywhere: no 1—2月 composite list and no internal explanation."""
    text = february["pdf"]
    assert "2021年1—2月，53个县（市、区）中，PM2.5浓度相对较好" in text
    assert "2021年1—2月，53个县（市、区）中，环境空气质量综合指数" not in text
    assert "逐日数据" not in text and "未报送日均值" not in text


def test_january_has_one_county_section(tmp_path):
    root = data_copy(tmp_path, "[pm25, pm25_change, good_rate]")
    write_month(root, "2021-01")
    text = flat(pdf_text(bulletin(root, "2021-01")[".pdf"]))
    assert "（一）" not in text and "（二）" not in text
    assert text.count("2021年1月，54个县（市、区）中，PM2.5浓度相对较好的前10位") == 1
    assert text.count("2021年1月，54个县（市、区）中，优良天数比率相对较好的前10位") == 1
    assert text.count("全省PM2.5平均浓度") == 1


@pytest.fixture(scope="module")
def eleven(tmp_path_factory):
    """May 2021 from 11 of 13 cities: 徐州 and 宿迁 have not submitted."""
    root = data_copy(tmp_path_factory.mktemp("eleven"), "[pm25, good_rate]")
    absent = {"徐州市", "宿迁市"}
    for month in ("2021-01", "2021-02", "2021-03", "2021-04"):
        write_month(root, month)
    write_month(root, "2021-05", cities={c.name for c in CITIES} - absent)
    result = CliRunner().invoke(main, ["bulletin", "--month", "2021-05", "--data", str(root),
                                       "--out", str(root.parent / "out")])
    pdf = next((root.parent / "out" / "2021" / "通报").glob("2021-05*.pdf"))
    return {"result": result, "text": flat(pdf_text(pdf)), "absent": absent}


def test_cli_names_the_cities_that_have_not_submitted(eleven):
    result = eleven["result"]
    assert result.exit_code == 0, result.output
    assert "[未报送] 2021年5月：13个设区市中2个未报送：徐州市、宿迁市" in result.output
    # 附件8's gaps have nothing to do with the bulletin
    assert "附件8" not in result.output and "annex8" not in result.output and "[缺失]" not in result.output


def test_eleven_of_thirteen_grouped_reasons_and_counts(eleven):
    text = eleven["text"]
    xuzhou = [u.short_name for u in PLAN.units.children(PLAN.units.find("徐州市"))]
    suqian = [u.short_name for u in PLAN.units.children(PLAN.units.find("宿迁市"))]
    ranked = len(C) - len(xuzhou) - len(suqian)
    grouped = f"未参与排名：{'、'.join(xuzhou)}（徐州市未报送）；{'、'.join(suqian)}（宿迁市未报送）。"
    assert text.count(grouped) == 2                      # the PM2.5 and the 优良天数比率 notes of May
    assert text.count("（徐州市未报送）") == 2            # once per note, not once per county
    assert f"2021年5月，{ranked}个县（市、区）中，PM2.5浓度相对较好的前10位" in text
    assert not re.search(r"54个县（市、区）中，[^，。]*相对较好", text)
    assert "13个设区市中11个报送了本市及所辖县（市、区）空气质量数据，徐州、宿迁未报送" in text
    assert "2021年1—5月，11个设区市PM2.5浓度由低到高依次为：" in text
    assert "（未参与排名：徐州、宿迁（5月未报送））" in text
    cumulative = f"未参与排名：{'、'.join(xuzhou)}（5月徐州市未报送）；{'、'.join(suqian)}（5月宿迁市未报送）。"
    assert text.count(cumulative) == 2


def test_one_of_thirteen_is_worded_as_a_thin_month(tmp_path):
    root = data_copy(tmp_path, "[pm25, good_rate]")
    write_month(root, "2021-05", cities={"南京市"})
    text = flat(pdf_text(bulletin(root, "2021-05")[".pdf"]))
    for wrong in ("介于30～30", "由低到高依次为：南京", "无排名数据", "相对较好的前10位"):
        assert wrong not in text
    assert "2021年5月，南京市PM2.5浓度为30微克/立方米，优良天数比率为85.7%。" in text
    assert "2021年5月报送数据的设区市只有1个（南京），不足7个，不进行设区市排名和分片区比较。" in text
    assert "2021年5月报送数据的设区市只有1个（南京），不足7个，不进行县（市、区）排名。" in text
    assert "暂不能判定连续3个月排名倒数5位的县（市、区）" in text
