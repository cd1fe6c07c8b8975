"""TrueType faces parsed once per process and shared by every letter PDF.

``FPDF.add_font`` has fontTools parse the whole font file for each document (about
25 ms for a DejaVu face), and ``FPDF.output`` subsets that parse in place, then saves
it (another 20 ms a face, most of it spent on the 6 000 glyphs a letter never uses).
Rendering a day of letters paid both for every letter.

Here each face is parsed once: its metrics (widths, character map, descriptor) are
kept in a prototype that each document clones, with its own per-document state (font
number, glyphs used, missing glyphs, descriptor object). The face is also cut once to
the characters letters are written in (Latin, punctuation, currency signs; glyph names
kept), and a document whose glyphs all lie in that cut gets the small font to subset at
output: fontTools gives the same bytes as when it subsets the whole font, in a fraction
of the time. A document with other glyphs (a Greek name, say) gets the whole font, as
``add_font`` would have given it.

Faces are opened without recalculating bounding boxes: subsetting leaves every outline
as it is, so each glyph keeps the box the font file gives it (DejaVu's contain their
outlines, a few of them loosely: tested), and fontTools then copies a kept glyph's
bytes instead of decoding and encoding it again (about a tenth of a letter's time).
Only the font-wide extremes (``head``, ``hhea``, ``maxp``) stay the whole face's, which
still bound the subset's glyphs.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["add_shared_font", "embed_shared_fonts"]

REPERTOIRE = (
    range(0x20, 0x250),  # Basic Latin, Latin-1, Latin Extended-A and -B
    range(0x2000, 0x2070),  # general punctuation: dashes, quotes, narrow no-break space
    range(0x20A0, 0x20D0),  # currency symbols
    range(0x2100, 0x2150),  # letterlike symbols (numero sign)
)
"""The characters of the cut each face is reduced to once."""


@dataclass(frozen=True)
class _Face:
    """A font file's bytes, and its cut with the names of the glyphs the cut keeps."""

    whole: bytes
    cut: bytes
    cut_glyphs: frozenset[str]


class _SharedFont(TTFFont):
    """A TTFFont whose parse is shared; only its per-document state is its own."""

    __slots__ = ("face",)
    face: _Face

    def get_text_width(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[int, float]:
        """As TTFFont's, summing the widths in C: fpdf measures each line once per
        character it adds, so this sum is the innermost loop of the layout. The widths
        are integers, so the sum, and the float it is scaled to, are the same."""
        if text_shaping_params or self.is_symbol:
            result: tuple[int, float] = super().get_text_width(
                text, font_size_pt, text_shaping_params
            )
            return result
        self.biggest_size_pt = max(self.biggest_size_pt, font_size_pt)
        return len(text), sum(map(self.cw.__getitem__, map(ord, text))) * font_size_pt * 0.001


@cache
def _prototype(path: Path, fontkey: str, style: str) -> _SharedFont:
    whole = path.read_bytes()
    prototype = _SharedFont(FPDF(), path, fontkey, style)
    # The prototype's parse has served its purpose (metrics); cutting it in place
    # spares parsing the file a second time.
    font: ttLib.TTFont = prototype.ttfont
    cmap = font.getBestCmap()
    # What FPDF.output asks of fontTools, plus the glyph names it subsets by. The
    # tables output drops go now: FontForge's timestamp (which fontTools warns it
    # cannot subset) and the OpenType layout, which output would parse only to drop.
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "MATH"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for block in REPERTOIRE for c in block if c in cmap])
    subsetter.subset(font)
    font.recalcBBoxes = False
    cut = io.BytesIO()
    font.save(cut)
    prototype.face = _Face(whole, cut.getvalue(), frozenset(font.getGlyphOrder()))
    font.close()
    return prototype


def add_shared_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """``pdf.add_font(family, style, path)``, parsing ``path`` only on its first use in
    this process."""
    fontkey = f"{family.lower()}{style}"
    prototype = _prototype(path, fontkey, style)
    font = copy.copy(prototype)
    font.i = len(pdf.fonts) + 1
    font.desc = copy.copy(prototype.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    # Until embed_shared_fonts picks the cut, output subsets the whole font, as fpdf does.
    font.ttfont = _open(prototype.face.whole)
    pdf.fonts[fontkey] = font


def embed_shared_fonts(pdf: FPDF) -> None:
    """Before ``pdf.output()``: give each shared font whose glyphs all lie in its face's
    cut that cut to subset, instead of the whole font."""
    for font in pdf.fonts.values():
        if isinstance(font, _SharedFont) and font.face.cut_glyphs.issuperset(
            font.subset.get_all_glyph_names()
        ):
            font.ttfont = _open(font.face.cut)


def _open(data: bytes) -> ttLib.TTFont:
    return ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
