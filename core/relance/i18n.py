"""The language of relance's own messages (the CLI), English or French.

Messages are written in English in the code, wrapped in :func:`_`, and translated from
the gettext catalog ``locale/<lang>/LC_MESSAGES/relance.po`` shipped in the package
(read with Babel, so no compilation step is needed). The language is, in order: the
``--lang`` option, ``$RELANCE_LANG``, the usual ``$LC_ALL`` / ``$LC_MESSAGES`` /
``$LANG``, else English.

This is about the operator's language. The language of a *reminder* is the customer's
(see :mod:`relance.render`).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

SUPPORTED = ("en", "fr")
DEFAULT = "en"
LANG_ENV = "RELANCE_LANG"
_LOCALE_DIR = Path(__file__).parent / "locale"

_current: str | None = None

__all__ = ["N_", "SUPPORTED", "_", "current_language", "set_language"]


def _from_environment() -> str:
    for variable in (LANG_ENV, "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        code = value.split(".")[0].split("_")[0].split("-")[0].lower()
        if code in SUPPORTED:
            return code
    return DEFAULT


def set_language(language: str | None) -> str:
    """Use ``language`` for messages (``None``: follow the environment); return the code."""
    global _current  # noqa: PLW0603 - one process, one operator language
    code = (language or _from_environment()).split("_")[0].split("-")[0].lower()
    if code not in SUPPORTED:
        raise ValueError(f"unsupported language {language!r}; choose one of {', '.join(SUPPORTED)}")
    _current = code if language else None
    return code


def current_language() -> str:
    return _current or _from_environment()


@cache
def catalog(language: str) -> dict[str, str]:
    """The translations of one language: English message -> translated message."""
    path = _LOCALE_DIR / language / "LC_MESSAGES" / "relance.po"
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in po
        if message.id and message.string and not message.fuzzy
    }


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is written, to be translated with
    :func:`_` where it is shown (a table of messages built at import)."""
    return message


def _(message: str) -> str:
    """Translate ``message`` into the current language (unchanged in English)."""
    language = current_language()
    if language == DEFAULT:
        return message
    return catalog(language).get(message, message)
