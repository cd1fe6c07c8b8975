"""The letter's tables (relance.render.grid) are byte for byte what FPDF.table draws."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.render.fontbook import add_shared_font
from relance.render.grid import Cell, grid
from relance.render.letter import FONT, FONTS, _Letter

WIDTHS = (26, 30, 30, 20, 32, 32)
ALIGNS = ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")
Rows = Sequence[Sequence[Cell]]


def fpdf_table(pdf: _Letter, widths: Sequence[float], aligns: Sequence[str], rows: Rows) -> None:
    with pdf.table(col_widths=widths, text_align=aligns, line_height=4.5) as table:
        for cells in rows:
            row = table.row()
            for text, span in cells:
                row.cell(text, colspan=span)


def fast_grid(pdf: _Letter, widths: Sequence[float], aligns: Sequence[str], rows: Rows) -> None:
    grid(pdf, widths, aligns, rows, line_height=4.5)


def page(
    draw: Callable[[_Letter, Sequence[float], Sequence[str], Rows], None], rows: Rows, y: float
) -> bytes:
    """A letter page with text before and after the table, and its footer."""
    pdf = _Letter(format="A4", unit="mm")
    add_shared_font(pdf, FONT, "", FONTS / "DejaVuSans.ttf")
    add_shared_font(pdf, FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_creation_date(datetime(2025, 7, 10, tzinfo=UTC))
    pdf.footer_text = "Atelier Dupré SARL \u2013 SIREN/SIRET 812 345 678 00012"
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(170, 5, "Madame, Monsieur,")
    pdf.set_y(y)
    pdf.set_font(FONT, "", 8.5)
    draw(pdf, WIDTHS, ALIGNS, rows)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(0, 5, "Total dû : 2\u202f430,00\u00a0€")
    return bytes(pdf.output())


def invoice_row(number: str, day: str) -> list[Cell]:
    return [(t, 1) for t in (number, day, "20 mai 2025", "51", "2\u00a0430,00\u00a0€", "115,50 €")]


HEADINGS = [
    (t, 1) for t in ("Facture", "Émise le", "Échue le", "Jours de retard", "Montant", "Reste dû")
]


def test_a_statement_with_wrapped_headings_dates_and_a_credit() -> None:
    rows = [
        HEADINGS,
        invoice_row("F4567", "25 décembre 2025"),
        invoice_row("F4590", ""),
        [("Avoir AV102", 5), ("-115,50 €", 1)],
    ]
    assert page(fast_grid, rows, 120) == page(fpdf_table, rows, 120)


def test_a_long_statement_breaks_the_page_and_repeats_its_headings() -> None:
    rows = [HEADINGS, *[invoice_row(f"F{n}", "3 juin 2025") for n in range(80)]]
    fast = page(fast_grid, rows, 200)
    assert fast == page(fpdf_table, rows, 200)
    assert fast.count(b"/Type /Page\n") == 3


def test_a_table_moved_whole_to_the_next_page_lists_the_fonts_it_measured_there() -> None:
    """Its one-line headings were measured in bold on the first page (found by hypothesis)."""
    rows = [[("F4567", 6)], [("", 5), ("F4567", 1)]]
    fast = page(fast_grid, rows, 268.7)
    assert fast == page(fpdf_table, rows, 268.7)
    assert fast.count(b"/Type /Page\n") == 2


words = st.sampled_from(
    ["F4567", "2\u00a0430,00\u00a0€", "décembre", "Überweisung", "Ωμέγα", "a", "", "Zahlungsverzug"]
)
texts = st.lists(words, max_size=4).map(" ".join)


@st.composite
def rows_of_cells(draw: st.DrawFn) -> list[list[Cell]]:
    rows = []
    for _ in range(draw(st.integers(1, 70))):
        cells: list[Cell] = []
        while (taken := sum(span for _, span in cells)) < len(WIDTHS):
            span = draw(st.integers(1, len(WIDTHS) - taken))
            cells.append((draw(texts), span))
        rows.append(cells)
    return rows


@settings(max_examples=30, deadline=None)
@given(rows=rows_of_cells(), y=st.floats(min_value=40, max_value=270))
def test_any_table_is_fpdfs(rows: list[list[Cell]], y: float) -> None:
    assert page(fast_grid, rows, y) == page(fpdf_table, rows, y)
