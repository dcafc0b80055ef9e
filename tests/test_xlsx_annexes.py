"""附件数据 XLSX as an Excel/WPS user gets it: figures are numbers whose format prints the published text,
the sheet prints on A4 with its header rows on every page, and missing values are explained."""

import pytest
from conftest import DATA
from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS

from reportgen.build import build
from reportgen.writers.xlsx import MISSING_LEGEND, MISSING_NOTE, figure


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx")
    build(DATA, out, kinds=("tables",), unit_names=["南京市", "扬州市"], allow_incomplete=True)
    folder = out / "2021" / "附件数据"
    return {name: load_workbook(folder / f"{name}.xlsx") for name in ("南京市", "扬州市")}


def shown(cell) -> str:
    """The text Excel shows for a cell with the formats reportgen writes (0, 0.00, 0%, 0.0%)."""
    fmt = cell.number_format
    if isinstance(fmt, int):
        fmt = BUILTIN_FORMATS[fmt]
    if fmt.endswith("%"):
        decimals = len(fmt.split(".")[1]) - 1 if "." in fmt else 0
        return f"{cell.value * 100:.{decimals}f}%"
    decimals = len(fmt.split(".")[1]) if "." in fmt else 0
    return f"{cell.value:.{decimals}f}"


def test_figures_are_numbers_that_print_as_published(workbooks):
    a8 = workbooks["南京市"]["附件8"]
    row = next(r for r in a8.iter_rows() if r[0].value == "南京")
    values = [c for c in row if c.value is not None]
    # 南京,2400,600,13.81,85%,… in annexes/annex8.csv
    assert [type(c.value) for c in values[1:5]] == [int, int, float, float]
    assert [shown(c) for c in values[1:5]] == ["2400", "600", "13.81", "85%"]
    assert values[4].value == pytest.approx(0.85)


@pytest.mark.parametrize("text", ["85%", "85.5%", "11.50", "2400", "0", "0.05", "-3.2", "100.0%"])
def test_number_format_reproduces_the_text(text):
    value, fmt = figure(text)
    assert isinstance(value, (int, float))

    class C:
        pass

    c = C()
    c.value, c.number_format = value, fmt
    assert shown(c) == text


@pytest.mark.parametrize("text", ["0012", "1,200", "≥90%", "江宁", "2021年", ""])
def test_text_stays_text(text):
    assert figure(text) == (text, None)


def test_page_setup_and_print_titles(workbooks):
    wb = workbooks["南京市"]
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9   # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows and ws.print_title_rows.startswith("$3:$")
        assert "&P" in ws.oddFooter.center.text
    assert wb["附件6"].page_setup.orientation == "landscape"
    assert wb["附件1"].page_setup.orientation == "portrait"
    # widths follow the content instead of one width for every column
    widths = {round(d.width) for d in wb["附件6"].column_dimensions.values()}
    assert len(widths) > 1


def test_missing_cells_are_explained(workbooks):
    a8 = workbooks["扬州市"]["附件8"]
    grey = [c for r in a8.iter_rows() for c in r if c.fill.fgColor.rgb not in (None, "00000000") and c.value is None]
    assert len(grey) == 8
    assert all(c.comment is not None and c.comment.text == MISSING_NOTE for c in grey)
    texts = [c.value for r in a8.iter_rows() for c in r if isinstance(c.value, str)]
    assert MISSING_LEGEND in texts
    # a sheet without gaps has no legend
    assert MISSING_LEGEND not in [c.value for r in workbooks["南京市"]["附件1"].iter_rows() for c in r]
