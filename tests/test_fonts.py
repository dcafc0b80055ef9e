"""Fonts are checked, not hoped for: missing font files stop the build, substitutions and gaps are named."""

from click.testing import CliRunner

from reportgen.cli import main
from reportgen.load.plan import load_plan
from reportgen.profile import DEFAULT_PROFILE, Profile
from reportgen.render import render_document
from reportgen.views.notice_view import notice_view
from reportgen.writers.font_coverage import font_notes


def test_substitution_of_the_seed_typo_is_reported(built):
    notes = [str(n) for n in built["result"].font_notes]
    assert notes == ["字体替代：“査”（U+67FB）不在仿宋主字体中，改用 Noto Serif CJK SC"]


def test_character_no_font_has_is_reported(data_copy):
    notice = data_copy / "notice.yaml"
    notice.write_text(notice.read_text(encoding="utf-8").replace("请认真贯彻执行", "请认真贯彻执行\ue000"),
                      encoding="utf-8")
    plan, _ = load_plan(data_copy)
    profile = Profile.load()
    notes = font_notes(render_document("notice.html.j2", notice_view(plan, profile), profile), profile)
    missing = [n for n in notes if n.fallback is None]
    assert [n.char for n in missing] == ["\ue000"]
    assert "缺字" in str(missing[0]) and "U+E000" in str(missing[0])


def test_missing_font_file_stops_the_build(tmp_path):
    profile = tmp_path / "office.yaml"
    profile.write_text(DEFAULT_PROFILE.read_text(encoding="utf-8").replace(
        "FandolFang-Regular.otf", "NoSuchFang.otf"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--profile", str(profile), "--out", str(out)])
    assert result.exit_code == 2
    assert "仿宋字体文件不存在" in result.output and "NoSuchFang.otf" in result.output
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def test_libreoffice_renders_the_docx_with_the_profile_substitutes(notice_lo_pdf):
    import subprocess

    fonts = subprocess.run(["pdffonts", str(notice_lo_pdf)],
                           capture_output=True, text=True, check=True).stdout
    assert "FandolFang" in fonts and "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts
    assert "DejaVu" not in fonts


def test_uninstalled_font_family_stops_the_build(tmp_path):
    profile = tmp_path / "office.yaml"
    profile.write_text("base: gbt9704\nfonts:\n  kaiti: {pdf_family: 方正楷体_GBK}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--only", "notice", "--profile", str(profile), "--out", str(out)])
    assert result.exit_code == 2
    assert "楷体字体未安装：方正楷体_GBK" in result.output
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def test_font_file_found_in_system_font_folders(tmp_path, monkeypatch):
    """A project without its own copy uses FandolFang where Debian's texlive-lang-chinese or the user's
    font folder holds it; the project's own folder comes first."""
    from reportgen import resources

    system = tmp_path / "texlive-fandol"
    system.mkdir()
    (system / "FandolFang-Regular.otf").write_bytes(b"font")
    project_fonts = tmp_path / "project-fonts"
    project_fonts.mkdir()
    monkeypatch.setattr(resources, "SYSTEM_FONT_DIRS", (system,))
    monkeypatch.setattr(resources, "_current", resources.Overrides(fonts=(project_fonts,)))
    assert resources.font_path("FandolFang-Regular.otf") == system / "FandolFang-Regular.otf"
    (project_fonts / "FandolFang-Regular.otf").write_bytes(b"own")
    assert resources.font_path("FandolFang-Regular.otf") == project_fonts / "FandolFang-Regular.otf"
    assert resources.font_path("NoSuchFang.otf") == project_fonts / "NoSuchFang.otf"
