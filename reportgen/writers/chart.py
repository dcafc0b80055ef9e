"""Bar charts as PNG (matplotlib, Agg), embedded as data: URIs so the PDF and the DOCX writers read the
same picture from the one rendered document. Deterministic: no timestamps or software tags in the PNG.
"""

from __future__ import annotations

import base64
import io
import json
from functools import lru_cache

from ..fonts import font_file
from ..profile import PT_PER_MM

CHART_FAMILY = "Noto Sans CJK SC"


LABEL_GAP_PT = 2.0          # between a bar's top (or a target marker) and its value label
MARKER_WIDTH_PT = 2.2       # line width of a target marker
MARKER_HALF_WIDTH = 0.32    # half the marker's length, in bar positions (bars are 0.6 wide)


def bar_chart_figure(rows: list, value_label: str, target_label: str | None, unit: str,
                     width_mm: float, height_mm: float, dpi: int = 200):
    """The chart as a matplotlib Figure, with its value labels and target markers:
    (figure, [label Text per row], [marker Line2D or None per row]).

    rows: (label, value or None, target or None). Bars for the values, a short red line for each
    target; a missing value is written as “无数据” instead of a bar. A value label never lies on a
    target marker: when the marker is just above the bar, the label goes above the marker."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    found = font_file(CHART_FAMILY)
    font = font_manager.FontProperties(fname=found[0]) if found else font_manager.FontProperties()
    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [r[0] for r in rows]
    xs = list(range(len(rows)))
    values = [r[1] if r[1] is not None else 0 for r in rows]
    ax.bar(xs, values, color="#4a6fa5", width=0.6, label=value_label, zorder=2)
    markers = []
    first = True
    for x, r in zip(xs, rows):
        if r[2] is None or not target_label:
            markers.append(None)
            continue
        (line,) = ax.plot([x - MARKER_HALF_WIDTH, x + MARKER_HALF_WIDTH], [r[2], r[2]], color="#c00000",
                          linewidth=MARKER_WIDTH_PT, solid_capstyle="butt", zorder=3,
                          label=target_label if first else "_nolegend_")
        markers.append(line)
        first = False
    ax.set_xticks(xs, labels)
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
        label.set_fontsize(9)
    ax.set_ylabel(unit, fontproperties=font, fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", color="#dddddd", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    top = max(values + [r[2] for r in rows if r[2] is not None] + [1])
    ax.set_ylim(0, top * 1.22)
    legend_font = font.copy()
    legend_font.set_size(8)
    # above the plot, so it can cover no bar, label or marker
    ax.legend(prop=legend_font, loc="lower right", bbox_to_anchor=(1, 1), frameon=False, ncols=2,
              borderaxespad=0.2)
    fig.tight_layout()
    fig.canvas.draw()

    texts = []
    for x, r in zip(xs, rows):
        if r[1] is None:
            text = ax.annotate("无数据", (x, 0), xytext=(0, LABEL_GAP_PT), textcoords="offset points",
                               ha="center", va="bottom", rotation=90, fontproperties=font, fontsize=8, zorder=4)
        else:
            text = ax.annotate(f"{r[1]:.0f}", (x, r[1]), xytext=(0, LABEL_GAP_PT), textcoords="offset points",
                               ha="center", va="bottom", fontproperties=font, fontsize=8, zorder=4)
        texts.append(text)
    renderer = fig.canvas.get_renderer()
    for text, marker, r in zip(texts, markers, rows):
        if marker is None:
            continue
        label_box, drawn = text.get_window_extent(renderer), marker_box(marker, renderer)
        if label_box.overlaps(drawn):
            # the label sits on the marker: put it above the marker instead
            gap = LABEL_GAP_PT + MARKER_WIDTH_PT / 2
            text.xy = (text.xy[0], max(r[2], r[1] or 0))
            text.set_position((0, gap))
    return fig, texts, markers


def marker_box(line, renderer):
    """The box a target marker covers as drawn: its line's extent widened by half the line width
    (Line2D.get_window_extent leaves the width out)."""
    from matplotlib.transforms import Bbox

    box = line.get_window_extent(renderer)
    half = line.get_linewidth() * line.figure.dpi / 72 / 2
    return Bbox.from_extents(box.x0, box.y0 - half, box.x1, box.y1 + half)


def bar_chart_png(rows: list, value_label: str, target_label: str | None, unit: str,
                  width_mm: float, height_mm: float, dpi: int = 200) -> bytes:
    """The chart as PNG bytes (see bar_chart_figure)."""
    fig, _, _ = bar_chart_figure(rows, value_label, target_label, unit, width_mm, height_mm, dpi)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


CHART_LINES = 10   # a chart's height, in lines of the text grid


def document_figures(view, profile) -> dict:
    """The pictures a document's template places, drawn from its view (a dict or a view dataclass):
    {"figure": <img values>} for a view with a `chart`, {} otherwise. Drawn outside template rendering,
    which only places them; a build draws them once per document, before the document's PDF and DOCX
    are split into tasks."""
    chart = view.get("chart") if isinstance(view, dict) else getattr(view, "chart", None)
    if not chart:
        return {}
    width_mm = profile.type_area_pt() / PT_PER_MM
    return {"figure": chart_image(chart, width_mm, CHART_LINES, profile.grid["line_pitch_pt"])}


def chart_image(chart: dict, width_mm: float, lines: int, line_pitch_pt: float) -> dict:
    """The chart as an <img> for the template: its height is a whole number of grid lines, so the
    text after it stays on the 22-line grid."""
    height_mm = lines * line_pitch_pt / PT_PER_MM
    key = json.dumps(chart, ensure_ascii=False, sort_keys=True)
    return dict(_chart_image(key, round(width_mm, 2), round(height_mm, 2)))


@lru_cache(maxsize=8)
def _chart_image(chart_json: str, width_mm: float, height_mm: float) -> tuple:
    """Drawn once per process for a given chart."""
    chart = json.loads(chart_json)
    png = bar_chart_png(chart["rows"], chart["value_label"], chart.get("target_label"), chart["unit"],
                        width_mm, height_mm)
    return (("src", data_uri(png)), ("width_mm", width_mm), ("height_mm", height_mm))
