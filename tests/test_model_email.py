"""``EmailAddress`` is pydantic's ``EmailStr``: the same address back, or the same error.

It skips email-validator for plain lower-case ASCII addresses; these properties draw
addresses of every kind (plain, upper case, international, special-use domains, double
hyphens, too long, malformed) and compare both validations.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import EmailStr, TypeAdapter, ValidationError

from relance.model import Contact, EmailAddress, _plain_email

FAST = TypeAdapter(EmailAddress)
FULL = TypeAdapter(EmailStr)

local_parts = st.text(alphabet="abcxyz019_+-.!#'\"Aé @", min_size=0, max_size=12)
labels = st.one_of(
    st.text(alphabet="abz09-", min_size=0, max_size=8),
    st.sampled_from(["xn--bcher-kva", "ab--cd", "a" * 63, "a" * 64, "Exemple", "müller", "1"]),
)
last_labels = st.sampled_from(
    ["fr", "com", "c0m", "123", "test", "local", "localhost", "onion", "arpa", "invalid",
     "example", "a" * 63, "a" * 64, "FR", "é", ""]
)  # fmt: skip
domains = st.builds(
    lambda parts, last: ".".join([*parts, last]), st.lists(labels, max_size=4), last_labels
)
# Close to plain: the characters of plain addresses, with dots and hyphens anywhere.
near_plain = st.builds(
    lambda local, parts, last: f"{local}@{'.'.join([*parts, last])}",
    st.text(alphabet="az09_+-.", min_size=1, max_size=10),
    st.lists(st.text(alphabet="az09-", min_size=1, max_size=6), min_size=1, max_size=3),
    st.one_of(st.text(alphabet="az", min_size=1, max_size=4), last_labels),
)
addresses = st.one_of(
    near_plain,
    st.emails(),
    st.builds(lambda local, domain: f"{local}@{domain}", local_parts, domains),
    st.builds(lambda local, domain: f"{local}@{domain}", st.just("a" * 64), domains),
    st.text(alphabet="ab@.- <>\n", max_size=12),
)


def outcome(adapter: TypeAdapter[Any], value: object) -> tuple[str, object]:
    try:
        return ("address", adapter.validate_python(value))
    except ValidationError as exc:
        return ("error", exc.errors(include_url=False))


@settings(max_examples=1500)
@given(addresses)
@example("compta0@client0.fr")
@example("a@b.test")
@example("a@b.xn--p1ai")
@example("a@ab--cd.fr")
@example("postmaster@example.fr")
@example("a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 59)
@example("a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 59)
@example(" a@b.fr")
@example("Jean <a@b.fr>")
@example("a..b@c.fr")
@example("a@b.c0m")
def test_plain_addresses_validate_as_email_str_does(address: str) -> None:
    assert outcome(FAST, address) == outcome(FULL, address)


@pytest.mark.parametrize("value", [None, 12, b"a@b.fr", ["a@b.fr"]])
def test_other_values_validate_as_email_str_does(value: object) -> None:
    assert outcome(FAST, value) == outcome(FULL, value)


def test_a_plain_address_skips_email_validator() -> None:
    def refuse(value: object) -> str:
        raise AssertionError(f"{value!r} was validated in full")

    address = "compta.client-7@mail.client7.fr"
    assert _plain_email(address, refuse) == address


def test_contacts_keep_their_errors() -> None:
    with pytest.raises(ValueError, match=r"contact: emails\.1: value is not a valid email address"):
        Contact(emails="a@b.fr; c@d.test")
    assert Contact(emails="a@b.fr; C@D.FR").emails == ("a@b.fr", "C@d.fr")
