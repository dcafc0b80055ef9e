"""The layout profile (reportgen/profiles/*.yaml, or a project's profiles/*.yaml): page geometry, grid, fonts by role, paragraph kinds.

Writers read geometry and fonts only from here. `Profile.css_context()` gives the derived values the
stylesheet template needs; the DOCX writer uses the same numbers through the accessors below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import resources

DEFAULT_PROFILE = resources.STANDARD_PROFILE   # GB/T 9704-2012 as shipped: what deviations are measured against
PT_PER_MM = 72 / 25.4


class ProfileError(ValueError):
    """A layout profile that cannot be used; the message names the file and the key."""


def _merge(base: dict, override: dict, path: Path, prefix: str = "") -> dict:
    merged = dict(base)
    for key, value in override.items():
        where = f"{prefix}{key}"
        if key not in base:
            raise ProfileError(f"{path.name}：不认识的版式项“{where}”（基础配置中没有此项，是否写错了？）")
        if isinstance(base[key], dict) and isinstance(value, dict):
            merged[key] = _merge(base[key], value, path, where + ".")
        elif isinstance(base[key], dict) != isinstance(value, dict):
            raise ProfileError(f"{path.name}：版式项“{where}”的写法与基础配置不同（应为{'键值对' if isinstance(base[key], dict) else '单个值'}）")
        else:
            merged[key] = value
    return merged


def _leaves(data, prefix: str = ""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}{key}.")
    else:
        yield prefix.rstrip("."), data


@dataclass
class Profile:
    data: dict
    path: Path

    @classmethod
    def load(cls, path: Path | None = None, _chain: tuple[Path, ...] = ()) -> Profile:
        """A profile file; an office profile names its `base` and lists only the values it changes.
        A profile other than the standard's without a `base` is based on the standard, so that its
        misspelt keys are reported too."""
        path = Path(path or resources.default_profile())
        if path.resolve() in _chain:
            raise ProfileError(f"{path.name}：版式配置的 base 循环引用（{' → '.join(p.name for p in _chain)} → {path.name}）")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ProfileError(f"{path.name}：无法读取版式配置：{exc}") from exc
        if not isinstance(data, dict):
            raise ProfileError(f"{path.name}：版式配置应为“项: 值”形式")
        base_name = data.pop("base", None)
        if base_name is None and path.resolve() != DEFAULT_PROFILE.resolve():
            base_name = DEFAULT_PROFILE.stem
        if base_name is not None:
            # a base by name: the project's profiles/ first, then the package's (a project's own
            # gbt9704.yaml based on "gbt9704" gets the package's, not itself)
            base_path = Path(base_name) if str(base_name).endswith(".yaml") else \
                resources.profile_by_name(str(base_name), skip=_chain + (path,))
            if not base_path.is_absolute():
                base_path = (path.parent / base_path) if (path.parent / base_path).is_file() else base_path
            data = _merge(cls.load(base_path, _chain + (path.resolve(),)).data, data, path)
        return cls(data, path)

    def deviations(self) -> list[tuple[str, object, object]]:
        """(key, the standard's value, this profile's value) for every value that differs from GB/T 9704."""
        standard = dict(_leaves(Profile.load(DEFAULT_PROFILE).data))
        return [(key, standard.get(key), value) for key, value in _leaves(self.data)
                if key != "name" and standard.get(key) != value]

    # -- plain accessors ---------------------------------------------------------------------
    @property
    def page(self) -> dict:
        return self.data["page"]

    @property
    def grid(self) -> dict:
        return self.data["grid"]

    @property
    def fonts(self) -> dict:
        return self.data["fonts"]

    @property
    def blocks(self) -> dict:
        return self.data["blocks"]

    @property
    def tables(self) -> dict:
        return {k: v for k, v in self.data["tables"].items() if isinstance(v, dict)}

    @property
    def missing_fill(self) -> str:
        return self.data["tables"]["missing_fill"]

    @property
    def page_number(self) -> dict:
        return self.data["page_number"]

    def char_mm(self) -> float:
        return float(self.grid["char_width_mm"])

    def block(self, name: str) -> dict:
        return self.blocks.get(name, self.blocks["body"])

    def docx_font(self, role: str) -> str:
        return self.fonts[role]["docx"]

    def font_file(self, role: str) -> Path | None:
        name = self.fonts[role].get("pdf_file")
        return resources.font_path(name) if name else None

    def missing_font_files(self) -> list[tuple[str, Path, str]]:
        """(role, file, fallback family) for configured font files that are not installed."""
        out = []
        for role, font in self.fonts.items():
            path = self.font_file(role)
            if path is not None and not path.is_file():
                out.append((role, path, font.get("fallback", "serif")))
        return out

    def pdf_font_chain(self, role: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(font files, fontconfig families) the PDF uses for a role, in fallback order."""
        font = self.fonts[role]
        path = self.font_file(role)
        files = (str(path),) if path is not None and path.is_file() else ()
        families = () if path is not None else (font["pdf_family"],)
        if font.get("fallback"):
            families += (font["fallback"],)
        return files, families

    def type_area_pt(self, orientation: str = "portrait") -> float:
        """Width of the 版心 in points."""
        page = self.page
        if orientation == "landscape":
            m = page["landscape_margins_mm"]
            return (page["height_mm"] - m["left"] - m["right"]) * PT_PER_MM
        m = page["margins_mm"]
        return (page["width_mm"] - m["left"] - m["right"]) * PT_PER_MM

    def type_area_height_mm(self) -> float:
        m = self.page["margins_mm"]
        return self.page["height_mm"] - m["top"] - m["bottom"]

    # -- stylesheet values -------------------------------------------------------------------
    def css_family(self, role: str) -> str:
        font = self.fonts[role]
        names = [font["pdf_family"]] + ([font["fallback"]] if font.get("fallback") else [])
        return ", ".join(f'"{n}"' for n in names) + ", serif"

    def css_context(self) -> dict:
        char = self.char_mm()
        fonts = {}
        for role, font in self.fonts.items():
            f = dict(font, css_family=self.css_family(role))
            path = self.font_file(role)
            if path is not None:
                f["pdf_url"] = path.as_uri() if path.is_file() else ""
                if not path.is_file():
                    f["pdf_file"] = None  # not installed: the fallback family is used (reported)
            fonts[role] = f
        blocks = {}
        for name, b in self.blocks.items():
            blocks[name] = dict(
                b, css_family=fonts[b["font"]]["css_family"],
                font_weight=self.fonts[b["font"]].get("pdf_weight"),
                indent_mm=round(b.get("indent_chars", 0) * char, 3),
                left_mm=round(b.get("left_chars", 0) * char, 3),
                right_mm=round(b.get("right_chars", 0) * char, 3))
        tables = {o: dict(t, css_family=fonts[t["font"]]["css_family"],
                          css_header_family=fonts[t["header_font"]]["css_family"])
                  for o, t in self.tables.items()}
        pn = self.page_number
        before, _, after = pn["text"].partition("{page}")
        pn_size_mm = pn["size_pt"] / PT_PER_MM
        page_number = dict(
            pn, before=before, after=after, family=fonts[pn["font"]]["css_family"],
            indent_mm=round(pn["outer_indent_chars"] * pn_size_mm, 3),
            # the margin box starts at the 版心 bottom; centre the dash line 7 mm below it
            padding_top_mm=round(pn["below_type_area_mm"] - pn_size_mm / 2, 3))
        masthead = self.data["masthead"]
        half_leading_mm = (self.grid["line_pitch_pt"] - self.block("doc-number")["size_pt"]) / 2 / PT_PER_MM
        masthead = dict(masthead, rule_margin_mm=round(masthead["rule_below_number_mm"] - half_leading_mm, 3))
        imp = self.data["imprint"]
        imp_char = imp["size_pt"] / PT_PER_MM
        imprint = dict(imp, css_family=fonts[imp["font"]]["css_family"],
                       indent_mm=round(imp["indent_chars"] * imp_char, 3),
                       copy_hang_mm=round(3 * imp_char, 3),    # wrapped 抄送 lines align after "抄送："
                       copy_left_mm=round((imp["indent_chars"] + 3) * imp_char, 3),
                       page_height_mm=round(self.type_area_height_mm() - 0.2, 3))
        m = self.page["margins_mm"]
        page = dict(self.page, type_width_mm=self.page["width_mm"] - m["left"] - m["right"],
                    type_height_mm=self.type_area_height_mm())
        return dict(page=page, grid=self.grid, fonts=fonts, blocks=blocks, tables=tables,
                    missing_fill=self.missing_fill, page_number=page_number, masthead=masthead, imprint=imprint)
