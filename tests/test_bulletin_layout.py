"""How the bulletin looks: chart labels clear of the target markers (drawn boxes), the web page at phone
and desktop width in headless Chromium, and table 3 with its 全省 row and its note on one page."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import DATA
from helpers import pdf_pages_text

from reportgen.build import build
from reportgen.writers.chart import bar_chart_figure, marker_box

# values and targets close together, as in the sample 1—5月 chart where 30, 48, 34 and 42 were struck
ROWS = [("南京", 30.4, 31.0), ("无锡", 48.2, 48.0), ("徐州", 34.0, 34.5), ("常州", 42.0, 42.6), ("苏州", 33.0, 33.0),
        ("南通", 29.0, 33.0), ("连云港", 35.6, 36.0), ("淮安", 41.8, 40.0), ("盐城", None, 33.0), ("扬州", 36.0, 36.9),
        ("镇江", 40.0, 38.0), ("泰州", 36.9, 37.0), ("宿迁", 43.0, 43.0)]


@pytest.mark.parametrize("size", [(160, 101.6), (160, 60)])
def test_no_value_label_is_struck_by_a_target_marker(size):
    fig, labels, markers = bar_chart_figure(ROWS, "2021年1—5月PM2.5浓度", "2021年目标", "微克/立方米", *size)
    renderer = fig.canvas.get_renderer()
    label_boxes = [t.get_window_extent(renderer) for t in labels]
    marker_boxes = [marker_box(m, renderer) for m in markers if m is not None]
    assert len(marker_boxes) == len(ROWS)
    for text, box in zip(labels, label_boxes):
        assert not any(box.overlaps(m) for m in marker_boxes), text.get_text()
    axes = fig.axes[0].get_window_extent(renderer)
    assert all(axes.y0 <= b.y0 and b.y1 <= axes.y1 for b in label_boxes)      # inside the plot
    legend = fig.axes[0].get_legend().get_window_extent(renderer)
    assert not any(legend.overlaps(b) for b in label_boxes + marker_boxes)


@pytest.fixture(scope="module")
def sample_may(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "out"
    result = build(DATA, out, kinds=("bulletins",), months=["2021-05"])
    return {w.path.suffix: w.path for w in result.written}


def test_table_3_has_a_province_row_and_its_note_on_the_same_page(sample_may):
    pages = [re.sub(r"\s+", "", p) for p in pdf_pages_text(sample_may[".pdf"])]
    page = next(p for p in pages if "表3截至2021年5月底" in p)
    table = page[page.index("表3截至2021年5月底"):]
    assert re.search(r"宿迁\d+\d+[\d.]+%全省(\d+)(\d+)([\d.]+)%", table), table
    assert "注：年度项目为工作计划附件6所列项目数" in table and "全省为13个设区市合计。" in table
    # each table's note is whole on one page (the note under 表1/表2 once ran over a page break)
    for first, last in (("注：累计为", "全省数值为13个设区市的算术平均。"), ("注：年度项目为", "全省为13个设区市合计。")):
        assert any(first in p and last in p[p.index(first):] for p in pages), first


def test_bulletin_page_looks_right(sample_may, tmp_path):
    """A look at the page with table 3 (pdftoppm), kept for review."""
    pages = pdf_pages_text(sample_may[".pdf"])
    n = next(i for i, p in enumerate(pages, 1) if "表3截至" in re.sub(r"\s+", "", p))
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(n), "-l", str(n), str(sample_may[".pdf"]),
                    str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))


# -- the web page in headless Chromium --------------------------------------------------------------

def _chromium(tmp_path):
    from helpers import headless_chromium

    return headless_chromium(tmp_path / "profile")


MEASURE = """
const cells = [...document.querySelectorAll('td, th')].map(c => {
  const size = parseFloat(getComputedStyle(c).fontSize);
  const r = c.getBoundingClientRect();
  return {text: c.textContent, width: r.width, size: size};
});
const boxes = [...document.querySelectorAll('div.table-scroll')].map(d => ({client: d.clientWidth, scroll: d.scrollWidth}));
const body = [...document.querySelectorAll('p')].map(p => ({text: p.textContent.slice(0, 20), size: parseFloat(getComputedStyle(p).fontSize), right: p.getBoundingClientRect().right}));
return {cells: cells, boxes: boxes, body: body, page: document.documentElement.scrollWidth, view: window.innerWidth};
"""


@pytest.mark.parametrize("width", [390, 1200])
def test_web_page_at_phone_and_desktop_width(sample_may, tmp_path, width):
    driver = _chromium(tmp_path)
    try:
        driver.set_window_size(width, 900)
        driver.get(sample_may[".html"].as_uri())
        # the window includes browser chrome in some versions: size the viewport itself
        inner = driver.execute_script("return window.innerWidth")
        if inner != width:
            driver.set_window_size(2 * width - inner, 900)
        m = driver.execute_script(MEASURE)
        assert m["view"] == width
        narrow = [c for c in m["cells"] if c["text"].strip() and c["width"] < 2 * c["size"]]
        assert not narrow, narrow[:5]                         # no cell narrower than two characters
        assert m["page"] <= m["view"]                         # the page itself never scrolls sideways …
        assert all(p["right"] <= m["view"] + 0.5 for p in m["body"]), [p for p in m["body"] if p["right"] > m["view"]][:3]
        small = [p for p in m["body"] if p["text"] and p["size"] < 13]
        assert not small, small[:3]                           # … and its text stays readable
        if width == 390:
            assert any(b["scroll"] > b["client"] for b in m["boxes"])   # wide tables scroll in their box
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(driver.get_window_size()["width"], min(height, 8000))
        driver.save_screenshot(str(tmp_path / f"bulletin-{width}.png"))
    finally:
        driver.quit()
