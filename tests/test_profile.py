"""Layout profiles: an office overrides values of the standard profile and every deviation is listed."""

import subprocess

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.profile import DEFAULT_PROFILE, Profile

EXAMPLE = DEFAULT_PROFILE.parent / "example-office.yaml"


def test_standard_profile_has_no_deviations():
    assert Profile.load().deviations() == []


@pytest.mark.slow   # builds the notice
def test_office_profile_overrides_and_reports(tmp_path):
    profile = Profile.load(EXAMPLE)
    assert profile.grid["line_pitch_pt"] == 28
    assert profile.page["margins_mm"]["top"] == 37          # inherited from the base
    assert sorted(profile.deviations()) == [("grid.line_pitch_pt", 28.95, 28),
                                            ("page_number.text", "— {page} —", "- {page} -")]
    result = CliRunner().invoke(main, ["build", "--only", "notice", "--profile", str(EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "[版式] 与 GB/T 9704-2012 的取值不同：grid.line_pitch_pt：标准 28.95，本配置 28" in result.output
    pdf = next(tmp_path.rglob("*.pdf"))
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "- 1 -" in first or "-1-" in first.replace(" ", "")


def test_unknown_profile_key_is_an_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("base: gbt9704\ngrid:\n  line_pich_pt: 28\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--profile", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "grid.line_pich_pt" in result.output
    assert not out.exists()


def test_profile_without_base_is_checked_against_the_standard(tmp_path):
    import pytest

    from reportgen.profile import ProfileError

    partial = tmp_path / "partial.yaml"
    partial.write_text("grid:\n  line_pitch_pt: 28\n", encoding="utf-8")
    profile = Profile.load(partial)
    assert profile.grid["line_pitch_pt"] == 28 and profile.page["margins_mm"]["top"] == 37
    partial.write_text("grid:\n  line_pich_pt: 28\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="grid.line_pich_pt"):
        Profile.load(partial)


def test_a_base_that_leads_back_to_itself_is_an_error(tmp_path):
    import pytest

    from reportgen.profile import ProfileError

    (tmp_path / "a.yaml").write_text("base: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("base: a.yaml\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="循环引用"):
        Profile.load(tmp_path / "a.yaml")
