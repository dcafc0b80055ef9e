"""Templates → one HTML document per output. Sandboxed, autoescaped Jinja: data cannot run code."""

from __future__ import annotations

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .profile import PROJECT_ROOT, PT_PER_MM, Profile

TEMPLATES_DIR = PROJECT_ROOT / "templates"


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for 层次序数 up to 99)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")


def environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["chinese_number"] = chinese_number
    return env


def render_css(profile: Profile) -> str:
    env = environment()
    env.autoescape = False  # CSS, not HTML; its values come from the profile, not from data
    return env.get_template("gbt9704.css.j2").render(**profile.css_context())


def render_document(template: str, view: dict, profile: Profile) -> str:
    """The one rendered document both writers consume."""
    from markupsafe import Markup

    from .writers.chart import chart_image

    env = environment()
    width_mm = profile.type_area_pt() / PT_PER_MM
    pitch = profile.grid["line_pitch_pt"]
    # charts are drawn at render time, as data: URIs both writers read; `lines` keeps the grid
    env.globals["bar_chart"] = lambda chart, lines: chart_image(chart, width_mm, lines, pitch)
    return env.get_template(template).render(css=Markup(render_css(profile)), **view)
