"""Guessing how a file was written: its encoding and its field separator.

Exports come from Excel (Windows-1252, ``;``), from web tools (UTF-8, ``,``), from
accounting software (UTF-16 with a byte order mark, tabs). The guesses here are checked
against the whole file where a wrong guess would go unnoticed (a UTF-8 file with one
Windows-1252 accent on line 40 000), and can always be overridden in the settings.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from relance.i18n import _

SAMPLE_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
DELIMITERS = (";", ",", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NOT_CSV = (
    (b"PK\x03\x04", "an Excel workbook or a ZIP archive (.xlsx, .ods, .zip)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF-", "a PDF document"),
)
_MAX_CONTROL_SHARE = 0.01


class NotText(ValueError):
    """The file is not a text file (a workbook, a PDF, binary data)."""


def sniff_encoding(path: Path) -> str:
    """The encoding of ``path``: from its byte order mark, else UTF-8 if the whole file
    decodes as UTF-8, else Windows-1252 (which Latin-1 files decode as too)."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    for magic, what in _NOT_CSV:
        if sample.startswith(magic):
            raise NotText(_("this is {what}, not a CSV file: export it as CSV").format(what=what))
    if b"\x00" in sample:
        raise NotText(
            _("this is not a text file (it contains NUL bytes); if it is UTF-16 without "
              "a byte order mark, set encoding = \"utf-16-le\"")
        )  # fmt: skip
    for encoding in ("utf-8", "cp1252"):
        if _decodes(path, encoding):
            break
    else:
        encoding = "latin-1"
    if _looks_binary(sample.decode(encoding, errors="replace")):
        raise NotText(_("this is not a text file (it contains control characters)"))
    return encoding


def check_encoding(path: Path, encoding: str) -> None:
    """Refuse an ``encoding`` set in the configuration that a UTF-8 file contradicts.

    UTF-8 read as Windows-1252 never fails: it turns "Café" into "CafÃ©", in every
    name of every letter. A file whose first bytes include non-ASCII ones and decode as
    UTF-8 is UTF-8 (text in a one-byte encoding almost never does).
    """
    if codecs.lookup(encoding).name.startswith("utf"):
        return
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.isascii():
        return
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample)
    except UnicodeDecodeError:
        return
    words = re.findall(r"\w+", sample.decode("utf-8", "replace"))
    example = next((word for word in words if not word.isascii()), "")
    raise NotText(
        _(
            "this is UTF-8 text but the encoding setting says {encoding}: {word!r} would "
            "read {garbled!r}; remove the setting (relance detects the encoding) or set "
            '"utf-8"'
        ).format(
            encoding=encoding,
            word=example,
            garbled=example.encode("utf-8").decode(encoding, "replace"),
        )
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _looks_binary(text: str) -> bool:
    controls = sum(
        1 for char in text if char not in "\t\r\n" and unicodedata.category(char) == "Cc"
    )
    return controls > _MAX_CONTROL_SHARE * max(len(text), 1)


def sniff_delimiter(lines: Sequence[str]) -> str | None:
    """The separator that splits the most lines into the same number (> 1) of fields.

    ``None`` when no candidate splits anything: the file has a single column.
    """
    best: tuple[int, int] = (0, 0)
    chosen = None
    for delimiter in DELIMITERS:
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if row)
        width, rows = max(widths.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        if width > 1 and (rows, width) > best:
            best, chosen = (rows, width), delimiter
    return chosen
