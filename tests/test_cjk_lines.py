"""Line breaking on the PDF's grid (reportgen/writers/cjk_lines.py) with the profile's real fonts."""

import pytest

from reportgen.fonts import metrics_for
from reportgen.profile import PT_PER_MM, Profile
from reportgen.writers.cjk_lines import NO_LINE_START, break_paragraph

PROFILE = Profile.load()
SIZE = PROFILE.blocks["body"]["size_pt"]
SPACING = PROFILE.grid["char_spacing_pt"]
WIDTH = PROFILE.type_area_pt()
INDENT = 2 * PROFILE.char_mm() * PT_PER_MM
METRICS = metrics_for(*PROFILE.pdf_font_chain("fangsong"))


def lines_of(text):
    return break_paragraph(text, METRICS, SIZE, WIDTH, INDENT, SPACING)


def natural_width(line, first):
    return METRICS.width(line.text, SIZE) + (len(line.text) - 1) * SPACING, WIDTH - (INDENT if first else 0)


def test_latin_runs_stay_whole_and_no_line_starts_with_a_closing_mark():
    text = "各设区市要在2021年底前完成PM2.5浓度年均值下降目标，" * 6 + "确保完成。"
    lines = lines_of(text)
    assert "".join(line.text for line in lines) == text
    assert len(lines) > 3
    for line in lines:
        assert line.text[0] not in NO_LINE_START
    for before, after in zip(lines, lines[1:]):
        assert not (before.text.endswith("PM2") or after.text.startswith(".5")), (before.text, after.text)


@pytest.mark.parametrize("address", ["https://sthjt.jiangsu.gov.cn/" + "a1b2c3d4e5/" * 12 + "notice.html"])
def test_a_run_longer_than_a_line_is_broken_not_squeezed(address):
    text = f"详见省生态环境厅网站{address}，请各地及时下载。"
    lines = lines_of(text)
    assert "".join(line.text for line in lines) == text
    for n, line in enumerate(lines):
        natural, avail = natural_width(line, n == 0)
        assert natural <= avail + 0.01, (n, line.text)
        assert line.spacing_pt >= SPACING - 0.01, (n, line.text, line.spacing_pt)   # never squeezed
