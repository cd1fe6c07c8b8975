"""Composed reminders sent through the SMTP channel to a real server on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as email_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from relance.config import load_config
from relance.context import Role
from relance.model import ChannelKind, Document
from relance.plugins import PluginRegistry
from relance.render import TemplateEnvironment, compose
from relance.render.documents import InvoiceCopies

INVOICE_PDF = b"%PDF-1.4\n% a stand-in for the invoice F4567 from its source\n%%EOF\n"


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[Any, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope, envelope.original_content))
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def send(sample: Any, tmp_path: Path, port: int, level: str, language: str) -> EmailMessage:
    config = tmp_path / "relance.toml"
    config.write_text(
        '[company]\nname = "Atelier Dupré SARL"\n'
        f'[channels.email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        'sender = "relances@atelier-dupre.fr"\nsender_name = "Atelier Dupré \u2013 comptabilité"\n',
        encoding="utf-8",
    )
    reminder, history = sample.planned(level, language)
    message = compose(
        reminder,
        ChannelKind.EMAIL,
        company=sample.company,
        today=sample.today,
        templates=TemplateEnvironment(),
        history=history,
        copies=InvoiceCopies((Document(filename="F4567.pdf", content=INVOICE_PDF),)),
    )
    loaded = load_config(config, PluginRegistry())
    with loaded.host(today=sample.today, dry_run=False, roles=[Role.CHANNEL]) as host:
        host.send(host.instance("email", Role.CHANNEL), message)
    return message


def unix(text: str) -> str:
    """SMTP carries CRLF line ends; compare the text itself."""
    return text.replace("\r\n", "\n").rstrip("\n")


def received(inbox: Inbox) -> EmailMessage:
    ((_envelope, content),) = inbox.received
    parsed = message_from_bytes(content, policy=email_policy)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_a_final_reminder_arrives_with_both_bodies_the_invoice_and_the_letter(
    sample: Any, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    server, port = inbox
    sent = send(sample, tmp_path, port, "final", "fr")
    email = received(server)
    raw = server.received[0][1]
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0]  # accented headers are RFC 2047 encoded
    assert (
        email["Subject"] == "Dernier rappel avant mise en demeure \u2013 factures n°F4567, n°F4590"
    )
    assert email["From"] == "Atelier Dupré \u2013 comptabilité <relances@atelier-dupre.fr>"
    assert email["To"] == "compta@maison-etienne.fr"
    assert email["Reply-To"] == "compta@atelier-dupre.fr"
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["List-Unsubscribe"] is None
    assert email["Message-ID"].endswith("@atelier-dupre.fr>")
    assert email["Date"] is not None
    assert email.get_content_type() == "multipart/mixed"
    plain = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert unix(plain.get_content()) == unix(sent.text)
    assert sent.html is not None
    assert unix(html.get_content()) == unix(sent.html)
    assert "Hélène Martin" in plain.get_content()
    assert "3\u202f070,12\xa0€" in plain.get_content()
    assert "<table" in html.get_content()
    attachments = {part.get_filename(): part for part in email.iter_attachments()}
    assert sorted(attachments) == ["F4567.pdf", "letter_final_FR-final.pdf"]
    assert attachments["F4567.pdf"].get_content() == INVOICE_PDF
    letter = attachments["letter_final_FR-final.pdf"]
    assert letter.get_content_type() == "application/pdf"
    assert letter.get_content().startswith(b"%PDF-")


def test_an_early_reminder_has_no_letter_attached(
    sample: Any, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    server, port = inbox
    send(sample, tmp_path, port, "first", "en")
    email = received(server)
    assert email["Subject"] == "Reminder \u2013 invoice F4567 awaiting payment"
    assert [p.get_filename() for p in email.iter_attachments()] == ["F4567.pdf"]
    assert "A copy of our invoice is attached." in email.get_body(("plain",)).get_content()
