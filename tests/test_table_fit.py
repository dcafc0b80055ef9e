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


PARTS_HTML = """<!DOCTYPE html><html><head><title>t</title><style>
@page {{ size: A5; margin: 20mm; }}
@page :right {{ @bottom-right {{ content: "— " counter(page) " —"; }} }}
@page :left {{ @bottom-left {{ content: "— " counter(page) " —"; }} }}
section.part {{ break-before: page; }} section.part:first-child {{ break-before: auto; }}
td {{ line-height: 16pt; }}
</style></head><body>
<section class="part"><h1>正文</h1>{}</section>
<section class="part"><p>附件1</p><table data-index="0">{}</table></section>
<section class="part"><p>附件2</p><table data-index="1"><thead><tr><th>序号</th></tr></thead>{}</table></section>
<section class="part"><p>附件3</p></section>
</body></html>""".format("<p>第一段文字。</p>" * 60, "<tr><td>行</td></tr>" * 20,
                     "<tbody>" + "<tr><td>行</td></tr>" * 40 + "</tbody>")


def test_relaying_out_from_the_changed_part_gives_the_whole_documents_bytes():
    from weasyprint import HTML

    from reportgen.writers.pdf import fit_tables, relayout_tables

    rendered = []

    def render(source):
        rendered.append(source)
        return HTML(string=source).render()

    document = render(PARTS_HTML)
    assert len(document.pages) > 4
    whole = render(fit_tables(PARTS_HTML, {"1": 12})).write_pdf()
    rendered.clear()
    spliced = relayout_tables(PARTS_HTML, document, {"1": 12}, render)
    assert len(rendered) == 1 and "正文" not in rendered[0] and '<section class="part"></section>' in rendered[0]
    assert spliced.write_pdf() == whole


def test_relaying_out_falls_back_to_the_whole_document_when_the_body_is_not_all_parts():
    from weasyprint import HTML

    from reportgen.writers.pdf import fit_tables, relayout_tables

    rendered = []

    def render(source):
        rendered.append(source)
        return HTML(string=source).render()

    html = PARTS_HTML.replace("<body>", "<body><p>前言</p>")
    document = render(html)
    rendered.clear()
    spliced = relayout_tables(html, document, {"1": 12}, render)
    assert rendered == [fit_tables(html, {"1": 12})]
    assert spliced.write_pdf() == HTML(string=rendered[0]).render().write_pdf()
