"""Writing a report: Rich tables for people, CSV for spreadsheets (JSON for scripts is
:func:`relance.cli.json_output.write_json`'s, as every ``--json``).

A report is first turned (by :mod:`relance.reports.documents`) into a JSON-ready
document and into :class:`Sheet` s, plain tables of text; the writers here only lay
them out. Amounts are written as plain decimals (``1234.50``) in CSV and JSON, so that
a spreadsheet or a script reads them without guessing a locale.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table

__all__ = ["Sheet", "to_csv", "to_rich"]


@dataclass(frozen=True)
class Sheet:
    """A table of text: a title, headers, rows; ``right`` lists right-aligned columns."""

    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]] = ()
    right: frozenset[int] = frozenset()
    caption: str | None = None


def to_csv(sheet: Sheet) -> str:
    """The sheet as CSV (comma-separated, one header line)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sheet.headers)
    writer.writerows(sheet.rows)
    return buffer.getvalue()


def to_rich(sheet: Sheet) -> Table:
    table = Table(title=sheet.title, caption=sheet.caption)
    for index, header in enumerate(sheet.headers):
        table.add_column(header, justify="right" if index in sheet.right else "left")
    for row in sheet.rows:
        table.add_row(*row)
    return table
