"""The invoices' PDFs an email carries: the oldest first, within the size limit."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as email_policy

from hypothesis import given
from hypothesis import strategies as st

from relance.channels.mime import to_email
from relance.model import Document
from relance.render.documents import encoded_size
from relance.testing import ledgers
from relance.testing.ledgers import invoice

from .conftest import OUTBOX, Workspace

TODAY = date(2026, 3, 16)
PDF_BYTES = 40_000
ENCODED = encoded_size(Document(filename="x.pdf", content=b"x" * PDF_BYTES))
"""54,738 bytes in the email: two fit in 0.12 MB, not three."""


def run_with_documents(
    workspace: Workspace, cli, limit: str | None, without: tuple[str, ...] = ()
) -> EmailMessage:
    """Three overdue invoices of one customer, each but those ``without`` with a PDF of
    40 kB at its source; the email the run writes to the outbox, with ``[templates]
    attachments_max_mb``."""
    workspace.write_ledger(
        [invoice(f"F{n}", due=TODAY - timedelta(days=40 - n)) for n in (3, 1, 2)]
    )
    folder = workspace.folder / "documents"
    folder.mkdir()
    for n in (1, 2, 3):
        if f"F{n}" not in without:
            (folder / f"F{n}.pdf").write_bytes(b"%PDF-" + bytes([n]) * (PDF_BYTES - 5))
    templates = "" if limit is None else f"\n[templates]\nattachments_max_mb = {limit}\n"
    workspace.configure(OUTBOX + templates)
    result = cli("run", "--yes", "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    (name,) = workspace.sent_files()
    email = message_from_bytes((workspace.outbox / name).read_bytes(), policy=email_policy)
    assert isinstance(email, EmailMessage)
    return email


def attached(email: EmailMessage) -> list[str]:
    return [part.get_filename() or "" for part in email.iter_attachments()]


def fetched(workspace: Workspace) -> list[str]:
    log = workspace.folder / "documents" / "fetched.log"
    return log.read_text(encoding="utf-8").split() if log.exists() else []


def text_of(email: EmailMessage) -> str:
    body = email.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return " ".join(body.get_content().split())


def test_every_copy_is_attached_within_the_default_limit(workspace: Workspace, cli) -> None:
    email = run_with_documents(workspace, cli, None)
    assert attached(email) == ["F1.pdf", "F2.pdf", "F3.pdf"]
    assert "une copie de nos factures." in text_of(email)
    assert "sur simple demande" not in text_of(email)


def test_the_oldest_copies_that_fit_are_attached_the_others_offered(
    workspace: Workspace, cli
) -> None:
    email = run_with_documents(workspace, cli, "0.12")
    assert 2 * ENCODED <= 120_000 < 3 * ENCODED
    assert attached(email) == ["F1.pdf", "F2.pdf"]
    assert "une copie de nos factures les plus anciennes ; nous vous adresserons les autres" in (
        text_of(email)
    )
    assert fetched(workspace) == ["F1", "F2", "F3"]  # the third was fetched, then left out


def test_a_limit_of_zero_attaches_nothing_and_fetches_nothing(workspace: Workspace, cli) -> None:
    """Copies turned off: none fetched, none attached, none offered (the source may have
    none: whether it has is known only by fetching)."""
    email = run_with_documents(workspace, cli, "0")
    assert attached(email) == []
    assert "copie" not in text_of(email)
    assert fetched(workspace) == []


def test_copies_are_offered_only_when_one_was_left_out(workspace: Workspace, cli) -> None:
    """Two copies fill the limit to the byte and the third invoice has none at its
    source: nothing was left out, so nothing is offered."""
    limit = f"0.{2 * ENCODED:06d}"
    email = run_with_documents(workspace, cli, limit, without=("F3",))
    assert attached(email) == ["F1.pdf", "F2.pdf"]
    assert "une copie de nos factures." in text_of(email)
    assert "sur simple demande" not in text_of(email)
    assert fetched(workspace) == ["F1", "F2", "F3"]


def test_a_negative_limit_is_refused_naming_the_key(workspace: Workspace, cli) -> None:
    workspace.configure(OUTBOX + "\n[templates]\nattachments_max_mb = -1\n")
    result = cli("plan", "--today", TODAY.isoformat())
    assert result.code != 0
    assert "templates.attachments_max_mb" in result.err


@given(st.binary(max_size=3_000))
def test_the_size_counted_is_the_size_in_the_email(content: bytes) -> None:
    """What ``encoded_size`` counts is what the attachment takes in the email relance
    builds, as sent: base64 in lines of 76 characters, each ended by CRLF."""
    document = Document(filename="f.pdf", content=content)
    email = to_email(
        ledgers.message(to=("a@b.fr",), attachments=(document,)), sender="relance@atelier.fr"
    )
    (part,) = [p for p in email.walk() if p.get_filename() == "f.pdf"]
    payload = part.get_payload()
    assert isinstance(payload, str)
    assert encoded_size(document) == len(payload.rstrip("\n").replace("\n", "\r\n")) + (
        2 if content else 0
    )
