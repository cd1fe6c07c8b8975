"""One data row of a file, read field by field; a cell that cannot be read is a problem.

:class:`Row` reads a cell by field name and records any problem with the file, line,
column and raw value, so that the reader can go on and find the row's other problems.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import ValidationError

from relance.i18n import _
from relance.model import validation_message
from relance_csv.report import ReadReport
from relance_csv.table import Table

T = TypeVar("T")


class Row:
    """The cells of one row, the line it starts on, and where its problems go."""

    __slots__ = ("cells", "failed", "index", "line", "report", "table")

    def __init__(self, table: Table, line: int, cells: list[str], report: ReadReport) -> None:
        self.table = table
        self.index = table.columns.index
        self.line = line
        self.cells = cells
        self.report = report
        self.failed = False

    @property
    def blank(self) -> bool:
        """True for an empty line, or one whose cells are all blank (``;;;;``)."""
        return not "".join(self.cells).strip()

    def text(self, field: str) -> str:
        """The cell of ``field``, stripped; ``""`` when the column is absent or short."""
        position = self.index.get(field)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position].strip()

    def parse(self, field: str, parser: Callable[[str], T]) -> T | None:
        """The cell of ``field`` through ``parser``; ``None`` when blank or unreadable."""
        position = self.index.get(field)
        if position is None or position >= len(self.cells):
            return None
        raw = self.cells[position].strip()
        if not raw:
            return None
        try:
            return parser(raw)
        except ValueError as exc:
            self.invalid(field, exc)
            return None

    def require(self, field: str) -> str:
        """The cell of ``field``, which must not be blank."""
        raw = self.text(field)
        if not raw:
            self.problem(field, _("missing"))
        return raw

    def invalid(self, field: str | None, error: ValueError) -> None:
        """Record why a value was refused, with the raw cell of ``field`` if any."""
        reason = validation_message(error) if isinstance(error, ValidationError) else str(error)
        raw = self.text(field) if field is not None else ""
        self.problem(field, f"{reason}: {raw!r}" if raw else reason)

    def problem(self, field: str | None, message: str) -> None:
        """Record a problem on this row, in a column (``field``) or on the whole row."""
        self.failed = True
        self.report.problem(self.table.where(self.line, field), message)
