"""Titles broken by GB/T 9704 7.3.1 (reportgen/writers/title_lines.py): meaning whole, balanced, and no
line of one or two characters — in the PDF and in LibreOffice's rendering of the DOCX."""

from pathlib import Path

import pytest
from conftest import DATA

from reportgen.build import build
from reportgen.check.docx_checks import libreoffice_pdfs
from reportgen.check.layout import Layout
from reportgen.check.pdfdoc import read_pdf
from reportgen.fonts import metrics_for
from reportgen.load.plan import load_plan
from reportgen.profile import Profile
from reportgen.writers.title_lines import break_title, line_width

PROFILE = Profile.load()
SIZE = PROFILE.block("title")["size_pt"]
METRICS = metrics_for(*PROFILE.pdf_font_chain(PROFILE.block("title")["font"]))
MONTHS = ["2021-01", "2021-12"]   # the shortest and the longest month label
UNITS = ["南京市", "江阴市"]        # a city's and a county's letter


def default_titles() -> list[tuple[str, str]]:
    """(title, orientation) of every title the default data prints."""
    plan, _ = load_plan(DATA)
    titles = [(plan.notice.title, "portrait"), (plan.workplan.title, "portrait")]
    titles += [(t.title, t.orientation) for t in plan.annexes.values()]
    titles += [(plan.bulletin.title.format(period=f"{m[:4]}年{int(m[5:])}月"), "portrait") for m in MONTHS]
    titles += [(plan.letters.title, "portrait")]
    return titles


@pytest.mark.parametrize("title,orientation", default_titles())
def test_every_default_title_breaks_into_lines_of_three_or_more_characters_that_fit(title, orientation):
    width = PROFILE.type_area_pt(orientation)
    lines = break_title(title, METRICS, SIZE, width)
    assert "".join(lines) == title
    assert all(len(line) >= 3 for line in lines), lines
    assert all(line_width(line, METRICS, SIZE) <= width - SIZE for line in lines), lines


def test_words_numbers_and_brackets_stay_whole():
    width = PROFILE.type_area_pt()
    assert break_title("关于2021年12月全省环境空气质量状况的通报", METRICS, SIZE, width) == \
        ["关于2021年12月全省", "环境空气质量状况的通报"]
    assert break_title("2021年54个县（市、区）空气质量工作目标表", METRICS, SIZE, width) == \
        ["2021年54个县（市、区）", "空气质量工作目标表"]
    assert break_title("关于2021年1—12月全省环境空气质量状况的通报", METRICS, SIZE, width)[0].endswith("1—12月全省")


def test_a_short_title_stays_on_one_line():
    assert break_title("全省重点石化企业清单", METRICS, SIZE, PROFILE.type_area_pt()) == ["全省重点石化企业清单"]


@pytest.fixture(scope="module")
def title_documents(built, tmp_path_factory):
    """The notice (session build), two bulletins and two letters: their PDFs and their DOCX rendered
    by LibreOffice (one LibreOffice run for all)."""
    out = tmp_path_factory.mktemp("titles")
    result = build(DATA, out, kinds=("bulletins", "letters"), months=MONTHS, unit_names=UNITS,
                   allow_incomplete=True)
    written = [w.path for w in result.written] + [built["pdf"], built["docx"]]
    pdfs = [p for p in written if p.suffix == ".pdf"]
    docx = [p for p in written if p.suffix == ".docx"]
    assert len(pdfs) == len(docx) == 1 + len(MONTHS) + len(UNITS)
    return pdfs, libreoffice_pdfs(docx, out / "libreoffice", PROFILE)


def title_groups(pdf: Path) -> list[list[str]]:
    """Per page and reading direction, the consecutive lines set in the title size."""
    lay = Layout(read_pdf(pdf), PROFILE)
    groups = []
    for page in lay.pages:
        for turned in (False, True):
            lines = sorted((l for l in lay.text_lines(page) if l.turned == turned and l.size_pt
                            and not l.approx and abs(l.size_pt - SIZE) < 0.6), key=lambda l: l.fy0)
            if lines:
                groups.append([l.compact for l in lines])
    return groups


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_no_title_line_of_one_or_two_characters(title_documents, fmt):
    pdfs = title_documents[0] if fmt == "pdf" else title_documents[1]
    expected = {t for t, _ in default_titles()}
    found, short = set(), []
    for pdf in pdfs:
        for group in title_groups(pdf):
            found.add("".join(group))
            short += [f"{pdf.name}: {group}" for line in group if len(line) <= 2]
    assert not short
    assert expected <= found, expected - found
