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


def bar_chart_png(rows: list, value_label: str, target_label: str | None, unit: str,
                  width_mm: float, height_mm: float, dpi: int = 200) -> bytes:
    """rows: (label, value or None, target or None). Bars for the values, a marker for each target;
    a missing value is written as “无数据” instead of a bar."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    found = font_file(CHART_FAMILY)
    font = font_manager.FontProperties(fname=found[0]) if found else font_manager.FontProperties()
    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
    ax = fig.add_subplot()
    labels = [r[0] for r in rows]
    xs = list(range(len(rows)))
    values = [r[1] if r[1] is not None else 0 for r in rows]
    bars = ax.bar(xs, values, color="#4a6fa5", width=0.6, label=value_label, zorder=2)
    for x, r, bar in zip(xs, rows, bars):
        if r[1] is None:
            ax.text(x, 0.5, "无数据", ha="center", va="bottom", rotation=90, fontproperties=font, fontsize=8)
        else:
            ax.text(x, r[1] + 0.5, f"{r[1]:.0f}", ha="center", va="bottom", fontproperties=font, fontsize=8)
    targets = [(x, r[2]) for x, r in zip(xs, rows) if r[2] is not None]
    if targets and target_label:
        ax.scatter([t[0] for t in targets], [t[1] for t in targets], marker="_", s=400, linewidths=2.2,
                   color="#c00000", label=target_label, zorder=3)
    ax.set_xticks(xs, labels)
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
        label.set_fontsize(9)
    ax.set_ylabel(unit, fontproperties=font, fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", color="#dddddd", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    top = max([v for v in values] + [t[1] for t in targets] + [1])
    ax.set_ylim(0, top * 1.18)
    legend_font = font.copy()
    legend_font.set_size(8)
    ax.legend(prop=legend_font, loc="upper right", frameon=False, ncols=2)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def chart_image(chart: dict, width_mm: float, lines: int, line_pitch_pt: float) -> dict:
    """The chart as an <img> for the template: its height is a whole number of grid lines, so the
    text after it stays on the 22-line grid."""
    height_mm = lines * line_pitch_pt / PT_PER_MM
    key = json.dumps(chart, ensure_ascii=False, sort_keys=True)
    return dict(_chart_image(key, round(width_mm, 2), round(height_mm, 2)))


@lru_cache(maxsize=8)
def _chart_image(chart_json: str, width_mm: float, height_mm: float) -> tuple:
    """Drawn once per process for a given chart: a bulletin's PDF and DOCX render the same one."""
    chart = json.loads(chart_json)
    png = bar_chart_png(chart["rows"], chart["value_label"], chart.get("target_label"), chart["unit"],
                        width_mm, height_mm)
    return (("src", data_uri(png)), ("width_mm", width_mm), ("height_mm", height_mm))
