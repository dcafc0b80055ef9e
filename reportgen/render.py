"""Templates → one HTML document per output. Sandboxed, autoescaped Jinja: data cannot run code."""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import resources
from .placement import Placement
from .profile import Profile

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for 层次序数 up to 99)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")


def environment(autoescape: bool = True) -> ImmutableSandboxedEnvironment:
    """A new template environment (autoescape=False is for CSS only)."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in resources.template_dirs()]),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["chinese_number"] = chinese_number
    return env


@lru_cache(maxsize=4)
def _environment_for(autoescape: bool, template_dirs: tuple) -> ImmutableSandboxedEnvironment:
    # `template_dirs` is the cache key only: environment() reads the folders in force itself
    return environment(autoescape)


def _shared_environment(autoescape: bool) -> ImmutableSandboxedEnvironment:
    # one per process and set of template folders: Jinja compiles a template once per environment,
    # and compiling took ~30 ms of every document (templates changed on disk are reloaded: auto_reload
    # is on); a project that overrides templates (resources.use) gets environments of its own
    return _environment_for(autoescape, resources.template_dirs())


@lru_cache(maxsize=8)
def _css(context_json: str, template_dirs: tuple) -> str:
    # `template_dirs`: cache key only (a project's own stylesheet template gives its own CSS)
    return _shared_environment(False).get_template("gbt9704.css.j2").render(**json.loads(context_json))


def render_css(profile: Profile) -> str:
    # CSS, not HTML (no escaping); its values come from the profile, not from data
    return _css(json.dumps(profile.css_context(), sort_keys=True, ensure_ascii=False), resources.template_dirs())


def template_names(view) -> dict:
    """The names a template reads: a view dataclass's fields (NoticeView, LetterView, BulletinView, …) or a
    view dict's keys."""
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        return {f.name: getattr(view, f.name) for f in dataclasses.fields(view)}
    return dict(view)


def render_document(template: str, view, profile: Profile, figures: dict | None = None) -> str:
    """The one rendered document both writers consume. `view`: a dict or a view dataclass. `figures`:
    pictures drawn beforehand from the view (writers.chart.document_figures: charts as data: URIs both
    writers read), which the template places. Templates also get `layout` (placement.Placement): where
    blocks measured in the PDF fonts stand (the 署名 and 成文日期, whether the 版记 fits)."""
    from markupsafe import Markup

    return _shared_environment(True).get_template(template).render(
        css=Markup(render_css(profile)), layout=Placement(profile), **template_names(view), **(figures or {}))
