"""Every message of the CSV connector has a French translation in relance's catalog."""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir

import relance_csv
from relance.i18n import catalog

PACKAGE = Path(relance_csv.__file__).parent


def messages_in_code() -> set[str]:
    return {
        message
        for _, _, message, *_ in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None}
        )
        if isinstance(message, str)
    }


def test_every_csv_message_has_a_french_translation() -> None:
    messages = messages_in_code()
    assert len(messages) > 20
    assert sorted(messages - set(catalog("fr"))) == []


def test_translations_keep_their_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    french = catalog("fr")
    for message in messages_in_code():
        assert fields(message) == fields(french[message]), message
