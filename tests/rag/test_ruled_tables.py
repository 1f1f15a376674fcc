"""Ruled tables are read cell by cell, on real PDFs laid out by fpdf2 (which draws each cell's border).
Where labels run down the first column and names across the top, each cell is one list item: the
column's name (spelled out from the page's legend), the row's label and the value."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from pypdf import PageObject, PdfReader

from backend.rag.ingest.parser import extract_page_texts
from backend.rag.ingest.ruled_tables import find_grids, legend_of, page_text
from backend.settings import DEFAULT_PARSE_LIMITS

LEGEND = "LEAVE TYPES: EL - Earned Leave WL - Wedding Leave BL - Birthday Leave"
# Labels down the first column, leave types across: the eligibility of earned leave wraps.
MATRIX = [
    ("", "EL", "WL", "BL"),
    ("Eligibility", "All members after their probation period ends", "All members", "All members"),
    ("Entitlement", "2 EL per month", "3 Days", "1 Day"),
]
CONTINUED = [
    ("Encashment", "Up to 8 leaves can be encashed at the end of the year", "No", "No"),
    ("Carry forward", "Up to 8 leaves", "No", "No"),
]


def table_pdf(*pages: tuple[str, Sequence[Sequence[str]]]) -> bytes:
    """One page per (text above, table rows); a table's first row is its header only where given."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for text, rows in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
        with pdf.table(col_widths=(30, 45, 40, 40), first_row_as_headings=False) as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
    return bytes(pdf.output())


def pages_of(data: bytes) -> list[PageObject]:
    return list(PdfReader(io.BytesIO(data)).pages)


def test_a_wrapped_table_is_read_cell_by_cell_one_item_per_cell() -> None:
    (page,) = pages_of(table_pdf((LEGEND, MATRIX)))
    plain = page.extract_text()
    assert "Eligibility\nAll members after their" in plain  # pypdf interleaves the wrapped cells

    text, _ = page_text(page)

    assert LEGEND in text
    assert (
        "• Earned Leave (EL), Eligibility: All members after their probation period ends.\n"
        "• Earned Leave (EL), Entitlement: 2 EL per month.\n"
        "• Wedding Leave (WL), Eligibility: All members.\n"
        "• Wedding Leave (WL), Entitlement: 3 Days.\n"
    ) in text
    assert "Eligibility\nAll members after their" not in text


def test_a_table_whose_cells_are_one_line_each_stays_as_pypdf_reads_it() -> None:
    rows = [("City", "Examples", "Limit", "Per"), ("Tier 1", "Mumbai", "INR 9,000", "night")]
    (page,) = pages_of(table_pdf(("Hotels", rows)))
    assert find_grids_on(page)  # the grid is found, and left alone
    assert page_text(page)[0] == page.extract_text()


def test_a_table_continued_on_the_next_page_takes_the_header_of_the_one_it_continues() -> None:
    data = table_pdf((LEGEND, MATRIX), ("", CONTINUED))
    first, second = pages_of(data)
    _, last = page_text(first)

    text, _ = page_text(second, last)
    alone, _ = page_text(second)

    assert "• Earned Leave (EL), Encashment: Up to 8 leaves can be encashed at the end of the year." in text
    assert "• Wedding Leave (WL), Carry forward: No." in text
    assert "Earned Leave" not in alone  # without the page before, no header to name the columns
    # A worker that starts at the second page reads the first for the header.
    assert extract_page_texts(data, "t.pdf", 1, 2, DEFAULT_PARSE_LIMITS.decoded_page_bytes) == [text]


def test_a_page_without_rules_is_exactly_what_pypdf_reads() -> None:
    from tests.fakes import text_pdf

    (page,) = pages_of(text_pdf("Sick leave: 12 days a year.\nCasual leave: 6 days."))
    assert page_text(page) == (page.extract_text(), None)


def find_grids_on(page: PageObject) -> list[object]:
    from backend.rag.ingest.ruled_tables import read_page

    drawing = read_page(page)
    return list(find_grids(drawing.rules, drawing.shades))


@pytest.mark.parametrize(
    ("text", "legend"),
    [
        (
            "EL - Earned Privileged Leave ML - Maternity Leave",
            {"EL": "Earned Privileged Leave", "ML": "Maternity Leave"},
        ),
        ("CO - Compensatory Off", {"CO": "Compensatory Off"}),
        ("The EL balance - see below", {}),  # no capitalised name after the dash
    ],
)
def test_the_legend_a_page_gives_for_its_abbreviations(text: str, legend: dict[str, str]) -> None:
    assert legend_of(text) == legend


def test_a_page_drawn_full_of_rules_is_read_as_pypdf_reads_it() -> None:
    # An uploaded PDF may draw any number of lines; a grid of thousands of cells is no table to read
    # cell by cell (and grouping them would take long), so the page is left as pypdf reads it.
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    for i in range(60):
        pdf.line(10 + i * 3, 10, 10 + i * 3, 280)
    for j in range(90):
        pdf.line(10, 10 + j * 3, 190, 10 + j * 3)
    pdf.multi_cell(0, 5, "A first line that wraps " * 20)
    (page,) = pages_of(bytes(pdf.output()))

    assert find_grids_on(page) == []
    assert page_text(page) == (page.extract_text(), None)
