"""The fonts shared across letter PDFs give the very bytes fpdf's own add_font gives
(with the font files opened, as the shared fonts open them, without recalculating
bounding boxes), and those boxes are the ones recalculating would give."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import TTFFont
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

import relance.render.letter
from relance.model import ChannelKind
from relance.render import TemplateEnvironment, compose
from relance.render.fontbook import add_shared_font, embed_shared_fonts

REGULAR = relance.render.letter.FONTS / "DejaVuSans.ttf"
BOLD = relance.render.letter.FONTS / "DejaVuSans-Bold.ttf"
CREATED = datetime(2025, 7, 10, tzinfo=UTC)
LETTERS = [
    (level, language, ChannelKind.LETTER)
    for language, levels in (
        ("fr", ("courtesy", "first", "second", "final", "formal_notice")),
        ("en", ("first", "formal_notice")),
        ("de", ("final", "formal_notice")),
    )
    for level in levels
] + [("formal_notice", "fr", ChannelKind.REGISTERED_LETTER)]


def fpdf_add_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    pdf.add_font(family, style, str(path))
    reopened = ttLib.TTFont(path, recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    pdf.fonts[f"{family.lower()}{style}"].ttfont = reopened


def letter_bytes(
    sample: Any, level: str, language: str, kind: ChannelKind, **company: Any
) -> bytes:
    reminder, history = sample.planned(level, language)
    message = compose(
        reminder,
        kind,
        company=sample.company.model_copy(update=company),
        today=sample.today,
        templates=TemplateEnvironment(),
        history=history,
    )
    return message.attachments[0].content


@pytest.mark.parametrize(("level", "language", "kind"), LETTERS)
def test_a_letter_is_the_same_pdf_as_with_fpdf_fonts(
    sample: Any, level: str, language: str, kind: ChannelKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = letter_bytes(sample, level, language, kind)
    monkeypatch.setattr(relance.render.letter, "add_shared_font", fpdf_add_font)
    assert shared == letter_bytes(sample, level, language, kind)


def test_glyphs_outside_the_cut_embed_from_the_whole_font(
    sample: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Greek name (regular and bold, in the sender block) is not in the cut."""
    name = "Ωμέγα Ξυλουργική"
    shared = letter_bytes(sample, "final", "fr", ChannelKind.LETTER, name=name)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(shared)).pages)
    assert name in text
    monkeypatch.setattr(relance.render.letter, "add_shared_font", fpdf_add_font)
    assert shared == letter_bytes(sample, "final", "fr", ChannelKind.LETTER, name=name)


def two_documents(add_font: Any) -> tuple[bytes, bytes]:
    """Built side by side, so that any state the shared fonts wrongly shared would show."""
    first, second = FPDF(), FPDF()
    for pdf in (first, second):
        add_font(pdf, "DejaVu", "", REGULAR)
        add_font(pdf, "DejaVu", "B", BOLD)
        pdf.set_creation_date(CREATED)
        pdf.add_page()
    for pdf, text in ((first, "Façade \u2013 12,50 €"), (second, "Ωμέγα Ξ"), (first, "Zürich")):
        for style in ("", "B"):
            pdf.set_font("DejaVu", style, 11)
            pdf.cell(text=text)
    embed_shared_fonts(first)
    embed_shared_fonts(second)
    return bytes(first.output()), bytes(second.output())


def test_documents_built_side_by_side_keep_their_own_glyphs() -> None:
    assert two_documents(add_shared_font) == two_documents(fpdf_add_font)


@given(
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
    size=st.floats(min_value=1, max_value=72),
)
def test_text_widths_are_fpdfs(text: str, size: float) -> None:
    pdf = FPDF()
    add_shared_font(pdf, "DejaVu", "", REGULAR)
    font = pdf.fonts["dejavu"]
    assert font.get_text_width(text, size, None) == TTFFont.get_text_width(font, text, size, None)


def embedded_fonts(pdf: bytes) -> dict[str, ttLib.TTFont]:
    """The font programs a PDF embeds, by font name."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor.get_object()["/FontFile2"].get_object().get_data()
            found[str(font["/BaseFont"])] = ttLib.TTFont(io.BytesIO(data))
    return found


SIDES = ("xMin", "yMin", "xMax", "yMax")


def stored_boxes(font: ttLib.TTFont) -> dict[str, tuple[int, ...]]:
    """Each glyph's bounding box as the font file stores it."""
    glyf = font["glyf"]
    return {
        name: tuple(getattr(glyf[name], side, 0) for side in SIDES) for name in font.getGlyphOrder()
    }


def outline_boxes(font: ttLib.TTFont) -> dict[str, tuple[int, ...]]:
    """Each glyph's bounding box computed from its outline."""
    glyf = font["glyf"]
    boxes = {}
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        glyph.recalcBounds(glyf)
        boxes[name] = tuple(getattr(glyph, side, 0) for side in SIDES)
    return boxes


def test_the_glyph_boxes_kept_are_those_recalculating_gives(
    sample: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = embedded_fonts(letter_bytes(sample, "final", "fr", ChannelKind.LETTER))
    monkeypatch.setattr(relance.render.letter, "add_shared_font", fpdf_recalculated)
    recalculated = embedded_fonts(letter_bytes(sample, "final", "fr", ChannelKind.LETTER))
    assert kept.keys() == recalculated.keys()
    assert len(kept) == 2
    for name, font in kept.items():
        other = recalculated[name]
        assert font.getGlyphOrder() == other.getGlyphOrder()
        assert len(font.getGlyphOrder()) > 40
        assert font["hmtx"].metrics == other["hmtx"].metrics
        assert stored_boxes(font) == stored_boxes(other) == outline_boxes(other)


def fpdf_recalculated(pdf: FPDF, family: str, style: str, path: Path) -> None:
    pdf.add_font(family, style, str(path))


@pytest.mark.parametrize("path", [REGULAR, BOLD], ids=["regular", "bold"])
def test_every_glyph_box_the_font_files_give_contains_its_outline(path: Path) -> None:
    font = ttLib.TTFont(path)
    stored, outlines = stored_boxes(font), outline_boxes(font)
    assert len(stored) > 5000
    for name, (x_min, y_min, x_max, y_max) in outlines.items():
        if (x_min, y_min, x_max, y_max) == (0, 0, 0, 0):
            continue
        kept_min_x, kept_min_y, kept_max_x, kept_max_y = stored[name]
        assert min(x_min - kept_min_x, y_min - kept_min_y) >= 0, name
        assert min(kept_max_x - x_max, kept_max_y - y_max) >= 0, name
