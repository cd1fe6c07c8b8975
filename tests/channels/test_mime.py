"""The email of a message, as a mail client reads it back, says exactly what the message
says; its bytes are what SMTP carries without extensions (7-bit, lines of at most 998
octets), unless an address needs SMTPUTF8."""

from __future__ import annotations

from email import message_from_bytes, message_from_string
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import default as email_policy
from io import BytesIO
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.channels.mime import to_email
from relance.model import Document, Message
from relance.testing import ledgers

# Text as templates write it: any characters but the controls, lines ending in "\n";
# long lines, leading dots and "From ", trailing spaces included.
line = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"),
    max_size=300,
)
body = st.lists(st.one_of(line, st.sampled_from(["From here", ".", " trailing  ", ""])), max_size=8)
words = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=120
).filter(lambda s: s.strip() == s)
filenames = st.sampled_from(["facture_FA-1.pdf", "Facture Élodie n°12.pdf", "报价单.pdf"])
addresses = st.sampled_from(["compta@client.fr", "a.b+c@exemple.co.uk", "x@sub.domaine.fr"])


def message(**fields: Any) -> Message:
    """An email to one customer, with ``fields`` set."""
    return ledgers.message(**{"to": ("compta@client.fr",), **fields})


@st.composite
def messages(draw: st.DrawFn) -> Message:
    attachments = draw(
        st.lists(
            st.tuples(filenames, st.binary(max_size=3000)), max_size=2, unique_by=lambda a: a[0]
        )
    )
    return message(
        to=tuple(draw(st.lists(addresses, min_size=1, max_size=2, unique=True))),
        cc=tuple(draw(st.lists(addresses, max_size=1))),
        reply_to=draw(st.sampled_from([None, "compta@atelier.fr"])),
        subject=draw(words),
        text="\n".join(draw(body)),
        html=draw(st.one_of(st.none(), body.map(lambda lines: "<p>" + "\n".join(lines)))),
        attachments=tuple(Document(filename=name, content=data) for name, data in attachments),
        headers=(("Auto-Submitted", "auto-generated"), ("X-Note", draw(words))),
    )


def read(raw: bytes) -> EmailMessage:
    email = message_from_bytes(raw, policy=email_policy)
    assert isinstance(email, EmailMessage)
    return email


@given(message=messages(), sender_name=st.one_of(st.none(), words))
def test_the_email_says_what_the_message_says(message: Message, sender_name: str | None) -> None:
    raw = bytes(
        to_email(
            message, sender="relances@atelier.fr", sender_name=sender_name, domain="atelier.fr"
        )
    )
    assert raw.isascii()
    assert max(len(line) for line in raw.split(b"\n")) <= 998
    email = read(raw)
    assert email["Subject"] == message.subject
    assert email["X-Note"] == message.headers[1][1]
    assert email["From"].addresses[0].addr_spec == "relances@atelier.fr"
    # Spaces between the name's words are one space, as a reader folds them.
    assert email["From"].addresses[0].display_name == " ".join((sender_name or "").split())
    assert [a.addr_spec for a in email["To"].addresses] == list(message.to)
    cc = email["Cc"]
    assert ([a.addr_spec for a in cc.addresses] if cc else []) == list(message.cc)
    assert email["Reply-To"] == message.reply_to
    assert email["X-Relance-Message-Key"] == "r1:email"
    assert email["Message-ID"].endswith("@atelier.fr>")
    assert raw.count(b"MIME-Version:") == 1
    text = email.get_body(("plain",))
    assert text is not None
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert text.get_content() == message.text
    html = email.get_body(("html",))
    assert (html and html.get_content()) == message.html
    attached = [(part.get_filename(), part.get_content()) for part in email.iter_attachments()]
    assert attached == [(a.filename, a.content) for a in message.attachments]


@pytest.mark.parametrize("field", ["subject", "headers", "to"])
def test_a_line_break_in_a_header_is_refused_not_written(field: str) -> None:
    """It would end the header and start another (a Bcc to anyone, say)."""
    injected = "Relance\nBcc: someone@elsewhere.example"
    values = {"subject": injected, "headers": (("X-Note", injected),), "to": (injected,)}
    with pytest.raises(ValueError, match="may not contain a line break"):
        to_email(message(**{field: values[field]}), sender="relances@atelier.fr")


def test_an_internationalised_address_is_written_for_smtputf8() -> None:
    """The classic classes cannot write such an address; the email is built as smtplib
    then sends it to a server that announces SMTPUTF8 (raw UTF-8 headers)."""
    sent = message(
        to=("josé@exemple.fr",), subject="Relance \u2013 facture n°12", text="Bonjour José,"
    )
    email = to_email(sent, sender="relances@atelier.fr", sender_name="Atelier Été")
    out = BytesIO()
    BytesGenerator(out, policy=email.policy.clone(utf8=True)).flatten(email)
    written = out.getvalue().decode("utf-8")
    assert "To: josé@exemple.fr" in written
    received = message_from_string(written, policy=email_policy)
    assert isinstance(received, EmailMessage)
    assert received["Subject"] == "Relance \u2013 facture n°12"
    assert received["From"].addresses[0].display_name == "Atelier Été"
    text = received.get_body(("plain",))
    assert text is not None
    assert text.get_content() == "Bonjour José,"
