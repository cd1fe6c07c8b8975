"""One CSV file, opened: its encoding, separator and header found, its rows streamed.

:func:`open_table` reads the first lines to recognise the header (a title or a blank
line above it is skipped, as in many exports) and returns a :class:`Table` whose rows are
read one at a time, each with the number of the line it starts on.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from relance import InputError, Problem
from relance.i18n import _
from relance_csv.columns import ColumnMap, map_columns
from relance_csv.sniff import NotText, check_encoding, sniff_delimiter, sniff_encoding

HEADER_SEARCH_LINES = 20
"""How many non-blank rows may come before the header (titles, export dates...)."""

_SNIFF_LINES = 50
Row = tuple[int, list[str]]


@dataclass
class Table:
    """An open CSV file positioned after its header; iterate it for ``(line, cells)``."""

    path: Path
    encoding: str
    delimiter: str
    columns: ColumnMap
    header_line: int
    _handle: TextIO = field(repr=False)
    _reader: Iterator[list[str]] = field(repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def where(self, line: int, field_name: str | None = None) -> str:
        """``"invoices.csv, line 12, column 'Échéance'"``: where a problem is."""
        if field_name is None or field_name not in self.columns:
            return _("{file}, line {line}").format(file=self.name, line=line)
        return _("{file}, line {line}, column {column!r}").format(
            file=self.name, line=line, column=self.columns.header_of(field_name)
        )

    def __iter__(self) -> Iterator[Row]:
        reader = self._reader
        line = reader.line_num + 1  # type: ignore[attr-defined]
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                raise _unreadable(self.path, self.encoding, line, exc) from None
            yield line, cells
            line = reader.line_num + 1  # type: ignore[attr-defined]

    def describe(self) -> str:
        """How the file was read, for ``relance check``."""
        return _("{file}: {encoding}, separator {delimiter!r}, header on line {line}").format(
            file=self.name, encoding=self.encoding, delimiter=self.delimiter, line=self.header_line
        )

    def close(self) -> None:
        self._handle.close()


def open_table(
    path: Path,
    *,
    encoding: str | None,
    delimiter: str | None,
    synonyms: Mapping[str, tuple[str, ...]],
    overrides: Mapping[str, str],
    required: Sequence[tuple[str, ...]],
    path_key: str,
    columns_key: str,
) -> Table:
    """Open ``path`` and find its header: the first row where every ``required`` group
    (``("total", "residual")`` means either) is recognised.

    ``path_key`` and ``columns_key`` are the settings naming the file and its column
    mapping (``sources.csv.path``, ``sources.csv.columns``), for messages.
    Raises :class:`InputError` for a missing, empty, binary or unrecognised file.
    """
    handle, encoding = _open_text(path, encoding, path_key)
    try:
        return _find_header(
            path, handle, encoding, delimiter, synonyms, overrides, required, columns_key
        )
    except BaseException:
        handle.close()
        raise


def _find_header(
    path: Path,
    handle: TextIO,
    encoding: str,
    delimiter: str | None,
    synonyms: Mapping[str, tuple[str, ...]],
    overrides: Mapping[str, str],
    required: Sequence[tuple[str, ...]],
    columns_key: str,
) -> Table:
    try:
        lines = list(itertools.islice(handle, _SNIFF_LINES))
    except UnicodeDecodeError as exc:
        raise _unreadable(path, encoding, 1, exc) from None
    if not any(line.strip() for line in lines):
        raise _file_error(path, _("the file is empty"))
    detected = sniff_delimiter(lines)
    delimiter = delimiter or detected or ";"
    reader = csv.reader(itertools.chain(lines, handle), delimiter=delimiter)
    table = Table(path, encoding, delimiter, ColumnMap({}, ()), 0, handle, reader)
    searched: list[Row] = []
    for line, cells in table:
        if not any(cell.strip() for cell in cells):
            continue
        headers = [cell.strip() for cell in cells]
        columns, unknown = map_columns(headers, synonyms, overrides)
        if not unknown and all(any(f in columns for f in group) for group in required):
            table.columns, table.header_line = columns, line
            return table
        searched.append((line, headers))
        if len(searched) == HEADER_SEARCH_LINES:
            break
    raise _no_header(
        path, searched, synonyms, overrides, required, columns_key, delimiter, detected
    )


def _open_text(path: Path, encoding: str | None, setting: str) -> tuple[TextIO, str]:
    try:
        if encoding is None:
            encoding = sniff_encoding(path)
        else:
            check_encoding(path, encoding)
        return path.open(encoding=encoding, newline=""), encoding
    except FileNotFoundError:
        raise _file_error(
            path, _("no such file (check {setting})").format(setting=setting)
        ) from None
    except IsADirectoryError:
        raise _file_error(path, _("this is a folder, not a file")) from None
    except PermissionError:
        raise _file_error(path, _("permission denied")) from None
    except NotText as exc:
        raise _file_error(path, str(exc)) from None


def _no_header(
    path: Path,
    searched: list[Row],
    synonyms: Mapping[str, tuple[str, ...]],
    overrides: Mapping[str, str],
    required: Sequence[tuple[str, ...]],
    columns_key: str,
    delimiter: str,
    detected: str | None,
) -> InputError:
    """Explain why no row of the first ones is a header: what is missing, what was found."""
    if not searched:
        return _file_error(path, _("the file is empty"))
    line, first = searched[0]
    columns, unknown = map_columns(first, synonyms, overrides)
    problems = [
        Problem(
            f"{columns_key}.{name}",
            _("no column {header!r} in the header").format(header=overrides[name]),
        )
        for name in unknown
    ]
    missing = [" / ".join(group) for group in required if not any(f in columns for f in group)]
    if missing:
        problems.append(
            Problem(
                _("{file}, line {line}").format(file=path.name, line=line),
                _("no column recognised for {fields}").format(fields=", ".join(missing)),
            )
        )
    problems.append(
        Problem(
            path.name,
            _("the header read is {headers} (separator {delimiter!r})").format(
                headers=", ".join(repr(cell) for cell in first), delimiter=delimiter
            ),
        )
    )
    if detected is not None and detected != delimiter:
        problems.append(
            Problem(
                path.name,
                _(
                    "the file seems to be separated by {detected!r}: check the delimiter setting"
                ).format(detected=detected),
            )
        )
    elif len(first) == 1:
        problems.append(
            Problem(
                path.name,
                _("only one column was found: set delimiter if the separator is unusual"),
            )
        )
    problems.append(Problem(path.name, _("name the headers in the columns setting if they differ")))
    return InputError(_("{file}: no header row recognised.").format(file=path.name), problems)


def _file_error(path: Path, message: str) -> InputError:
    return InputError(
        _("{file} cannot be read.").format(file=path.name), [Problem(str(path), message)]
    )


def _unreadable(path: Path, encoding: str, line: int, exc: Exception) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        message = _("not {encoding} text; set the encoding setting (e.g. cp1252)").format(
            encoding=encoding
        )
    else:
        message = str(exc)
    return _file_error(path, _("line {line}: {message}").format(line=line, message=message))
