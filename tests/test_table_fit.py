"""A table that would spill a row or two onto a page of their own under a repeated head is set at a
tighter line pitch (profile tables.*.fit_line_pitch_pt) by the PDF writer (reportgen/writers/pdf.py)."""

from helpers import pdf_pages_text

from reportgen.profile import Profile
from reportgen.writers.pdf import _fitting_pitches


def test_fitting_pitches_step_down_to_the_profiles_tightest():
    profile = Profile.load()
    assert _fitting_pitches(profile, "portrait") == [15, 14]
    assert _fitting_pitches(profile, "landscape") == [12.5, 12]


def test_annex_2_is_not_left_with_a_row_on_a_page_of_its_own(built):
    pages = [p.strip() for p in pdf_pages_text(built["pdf"])]
    annex2 = next(i for i, p in enumerate(pages) if p.startswith("附件2"))
    # its last row is on its first page, and the next page is 附件3's
    assert "连云港 灌南 37 82.4 宿迁 沭阳 40 80.7" in pages[annex2].replace("\n", " ")
    assert pages[annex2 + 1].startswith("附件3")
