"""Data cannot run code in templates, WeasyPrint reads only project folders, file names are safe."""

from pathlib import Path

import pytest

from reportgen.build import safe_filename
from reportgen.load.plan import load_plan
from reportgen.profile import Profile
from reportgen.render import environment, render_document
from reportgen.views.notice_view import notice_view
from reportgen.writers.pdf import FetchRefused, _check_url, write_pdf


def test_data_is_escaped_not_executed(data_copy):
    # braces are refused in the notice's prose (they would be figure references), so the injection
    # goes where free text is printed: an enterprise name of 附件4
    annex = data_copy / "annexes" / "annex4.csv"
    text = annex.read_text(encoding="utf-8").replace(
        "南京市,中国石化扬子石油化工有限公司",
        '南京市,"{{ 7 * 7 }} <script>alert(1)</script> <img src=""file:///etc/passwd"">"')
    annex.write_text(text, encoding="utf-8")
    plan, _ = load_plan(data_copy)
    html = render_document("notice.html.j2", notice_view(plan, Profile.load()), Profile.load())
    assert "<td>{{ 7 * 7 }} &lt;script&gt;" in html   # printed as typed, not evaluated
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html


def test_sandbox_blocks_unsafe_attribute_access():
    from jinja2.exceptions import SecurityError

    template = environment().from_string("{{ x.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        template.render(x="")


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png",
    "https://example.com/a.css",
    "file:///etc/passwd",
    "file:///work/main/templates/../pyproject.toml",
])
def test_url_fetcher_refuses_network_and_outside_files(url):
    with pytest.raises(FetchRefused):
        _check_url(url)


def test_url_fetcher_allows_project_templates():
    from reportgen.resources import TEMPLATES_DIR

    _check_url((TEMPLATES_DIR / "notice.html.j2").as_uri())


def test_pdf_with_outside_image_has_no_image(tmp_path):
    html = '<html><body><p>x</p><img src="file:///usr/share/pixmaps/debian-logo.png"></body></html>'
    target = tmp_path / "x.pdf"
    write_pdf(html, target)
    assert b"/Image" not in target.read_bytes()


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd", "_.._etc_passwd"),
    ("南京市/江宁区", "南京市_江宁区"),
    ('关于"印发"*?<>|的通知', "关于_印发______的通知"),
    ("  ..  ", "未命名"),
    ("a\x00b\nc", "a_b_c"),
])
def test_safe_filename(name, expected):
    result = safe_filename(name)
    assert result == expected
    assert "/" not in result and "\x00" not in result
    assert Path(result).name == result
