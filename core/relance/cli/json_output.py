"""``--json`` output: one indented JSON document, written a piece at a time.

A plan of a million invoices is a document of hundreds of megabytes. Building it whole,
then its text, then a redacted copy of the text, would more than double the memory the
plan itself needs. Instead, the top-level arrays of a document may be *iterators*
(generators): they are encoded and written one element at a time, so that only one
reminder's document exists at once.

Encoding is orjson's (C, about ten times the standard library's indented encoder), set
to write what ``json.dumps(document, indent=2, ensure_ascii=False, default=str)`` would:
dates, datetimes, dataclasses and anything else JSON has no type for are written as
``str(value)`` (only a float could be spelt differently, ``1.5e-7`` for ``1.5e-07``,
and no document of relance holds one: amounts are decimal strings). Every piece goes
through :func:`relance.secrets.redact` before it is written; a secret is always inside
one JSON string, and a string is never split across pieces.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any

import orjson

from relance.secrets import redact

__all__ = ["write_json"]

_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def _encode(value: Any, depth: int) -> str:
    """``value`` as indented JSON text, nested ``depth`` levels deep (two spaces each)."""
    text = orjson.dumps(value, default=str, option=_OPTIONS).decode("utf-8")
    # A newline in JSON text is always layout: newlines inside strings are escaped.
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def _pieces(document: Mapping[str, Any]) -> Iterator[str]:
    if not document:
        yield "{}"
        return
    yield "{"
    for index, (key, value) in enumerate(document.items()):
        yield ("," if index else "") + "\n  " + _encode(str(key), 0) + ": "
        if isinstance(value, Iterator):
            yield from _array(value)
        else:
            yield _encode(value, 1)
    yield "\n}"


def _array(items: Iterator[Any]) -> Iterator[str]:
    """A top-level array, an element at a time."""
    empty = True
    for item in items:
        yield ("[" if empty else ",") + "\n    " + _encode(item, 2)
        empty = False
    yield "[]" if empty else "\n  ]"


def write_json(document: Any, stream: IO[str]) -> None:
    """Write ``document`` and a final newline to ``stream``, secrets redacted.

    When ``document`` is a mapping, its values that are iterators are written as arrays
    without being held in memory; anything else is encoded at once.
    """
    pieces = _pieces(document) if isinstance(document, Mapping) else [_encode(document, 0)]
    for piece in pieces:
        stream.write(redact(piece))
    stream.write("\n")
