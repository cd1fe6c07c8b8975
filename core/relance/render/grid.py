"""The letter's tables, drawn as ``FPDF.table`` draws them, measuring only what wraps.

``FPDF.table`` lays every cell out twice, once to measure the rows and once to draw
them, each time through ``multi_cell``'s character-by-character line breaking: the
statement and the penalty breakdown cost a third of a letter that way. Their cells are
mostly short (invoice numbers, amounts): a cell whose text fits on one line is one line
high, and is drawn with ``cell``, which writes the same operators ``multi_cell`` writes
for one line. Only the cells that wrap (a long heading, a long date) are measured and
drawn with ``multi_cell``, as the table does. The rest follows ``Table.render`` step by
step (positions, borders, font changes, the glyph numbering and the page resources of
the measuring pass, page breaks with the headings repeated), so the bytes are the
table's: the tests compare them.

What the letter asks of a table, and all this supports: full width, centred, every
border drawn, the first row as headings in bold, no padding, cells spanning columns
but not rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, PDFResourceType, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace, TTFFont
from fpdf.util import Padding

__all__ = ["Cell", "grid"]

Cell = tuple[str, int]
"""A cell's text and the number of columns it spans."""

HEADINGS = FontFace(emphasis="BOLD")
"""The style FPDF.table gives the first row by default."""
_LINE_BREAKS = frozenset("\n\r\f\u00ad\u200b")
"""What multi_cell breaks lines at, or may (soft hyphen, zero width space), beside
spaces; spaces around a text, which multi_cell may trim, also leave it to multi_cell."""
_SLACK = 0.01
"""Millimetres short of a cell's width that count as filling it: fpdf's tolerance is
finer, and a text that close to the edge is measured by multi_cell."""


def grid(
    pdf: FPDF,
    widths: Sequence[float],
    aligns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    line_height: float,
) -> None:
    """Draw ``rows`` as ``FPDF.table(col_widths=widths, text_align=aligns,
    line_height=line_height)`` would (fpdf.table.Table.render)."""
    body = pdf.font_face()
    headings = FontFace.combine(body, HEADINGS)
    assert headings is not None  # both are
    styles = [headings, *[body] * (len(rows) - 1)]
    margin, total = pdf.l_margin, pdf.epw
    pdf.l_margin = pdf.x = (pdf.w - total) / 2
    starts = [pdf.l_margin]
    for column in range(len(widths)):
        starts.append(starts[-1] + _span(widths, column, 1, total))
    heights, one_liners = _measure(pdf, widths, aligns, rows, styles, line_height, total)
    row_heights = [max(cells, default=0) or line_height for cells in heights]

    def draw(i: int) -> None:
        top, column, cells, height = pdf.y, 0, rows[i], row_heights[i]
        for k, (text, span) in enumerate(cells):
            width = _span(widths, column, span, total)
            pdf.set_x(starts[column])
            TableBordersLayout.ALL.cell_style_getter(
                row_idx=i,
                col_idx=k,
                col_pos=column,
                num_heading_rows=1,
                num_rows=len(rows),
                num_col_idx=len(cells),
                num_col_pos=len(widths),
            ).draw_cell_border(pdf, pdf.x, top, pdf.x + width, top + height)
            if text:
                dy = (height - heights[i][k]) / 2
                pdf.y += dy
                with pdf.use_font_face(styles[i]):
                    if (i, k) in one_liners:
                        pdf.cell(
                            width,
                            line_height,
                            _as_laid_out(text),
                            align=aligns[column][0],
                            new_x=XPos.RIGHT,
                            new_y=YPos.TOP,
                        )
                    else:
                        _multi_cell(pdf, width, line_height, text, aligns[column])
                pdf.y -= dy
            pdf.set_y(top)
            column += span
        pdf.ln(height)

    # FPDF.table breaks the page with FPDF's own (private) method, which keeps x and
    # draws the footer and header in a graphics state of their own: so does this.
    if len(rows) > 1:
        pdf._perform_page_break_if_need_be(row_heights[0] + row_heights[1])
    for i in range(len(rows)):
        if pdf._perform_page_break_if_need_be(row_heights[i]) and i > 0:
            draw(0)
        draw(i)
    pdf.l_margin = pdf.x = margin


def _measure(
    pdf: FPDF,
    widths: Sequence[float],
    aligns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    styles: Sequence[FontFace],
    line_height: float,
    total: float,
) -> tuple[list[list[float]], set[tuple[int, int]]]:
    """The height of each cell's text, as FPDF.table's measuring pass finds it, and the
    cells (row, index) drawn with ``cell``. That pass numbers the glyphs in the font
    subset as they come, before anything is drawn (a footer, at a page break): so does
    this, for the cells it does not lay out."""
    heights: list[list[float]] = []
    one_liners: set[tuple[int, int]] = set()
    for i, (cells, style) in enumerate(zip(rows, styles, strict=True)):
        font = _font(pdf, style)
        size = style.size_pt or pdf.font_size_pt
        heights.append([])
        column = 0
        for k, (text, span) in enumerate(cells):
            width = _span(widths, column, span, total)
            laid_out = _as_laid_out(text)
            _, text_width = font.get_text_width(laid_out, size, None)
            if not text:
                heights[-1].append(0)
            elif (
                _LINE_BREAKS.isdisjoint(text)
                and laid_out == laid_out.strip()
                and text_width / pdf.k <= width - 2 * pdf.c_margin - _SLACK
            ):
                for char in laid_out:
                    font.subset.pick(ord(char))
                # Measuring a cell also lists its font among the page's resources,
                # though the table may then move to the next page before drawing it.
                pdf._resource_catalog.add(PDFResourceType.FONT, font.i, pdf.page)
                heights[-1].append(line_height)
                one_liners.add((i, k))
            else:
                with pdf._disable_writing(), pdf.use_font_face(style):
                    pdf.set_x(0)
                    heights[-1].append(_multi_cell(pdf, width, line_height, text, aligns[column]))
            column += span
    return heights, one_liners


def _multi_cell(pdf: FPDF, width: float, line_height: float, text: str, align: str) -> float:
    """The call FPDF.table makes for a cell's text; its height."""
    _, height = cast(
        tuple[bool, float],
        pdf.multi_cell(
            w=width,
            h=line_height,
            text=text,
            max_line_height=line_height,
            border=0,
            align=align,
            new_x="RIGHT",
            new_y="TOP",
            fill=False,
            markdown=False,
            output=MethodReturnValue.PAGE_BREAK | MethodReturnValue.HEIGHT,
            padding=Padding.new(0),
        ),
    )
    return height


def _font(pdf: FPDF, style: FontFace) -> TTFFont:
    """The font ``use_font_face(style)`` selects: the letter's are all TrueType."""
    family = style.family or pdf.font_family
    emphasis = style.emphasis.style if style.emphasis is not None else pdf.font_style
    font = pdf.fonts[f"{family.lower()}{emphasis}"]
    assert isinstance(font, TTFFont)
    return font


def _as_laid_out(text: str) -> str:
    """The text multi_cell draws: no-break spaces become spaces (fpdf.line_break)."""
    return text.replace("\u00a0", " ")


def _span(widths: Sequence[float], column: int, span: int, total: float) -> float:
    """The width of ``span`` columns from ``column`` of a table ``total`` wide, summed
    as FPDF.table sums it."""
    width: float = 0
    for k in range(column, column + span):
        width += widths[k] / sum(widths) * total
    return width
