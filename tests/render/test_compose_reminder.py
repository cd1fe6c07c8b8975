"""A reminder's messages for all its channels at once: the letter is laid out once."""

from __future__ import annotations

from typing import Any

import pytest

import relance.render.letter
from relance.model import ChannelKind, Document
from relance.render import TemplateEnvironment, compose, compose_reminder
from relance.render.documents import InvoiceCopies, encoded_size


def test_each_channel_gets_what_compose_gives_it_and_the_letter_is_laid_out_once(
    sample: Any, templates: TemplateEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    reminder, history = sample.planned("final", "fr")
    assert reminder.channels == (ChannelKind.EMAIL, ChannelKind.LETTER)
    invoice_pdf = Document(filename="F2025-0042.pdf", content=b"%PDF-1.4 invoice")
    arguments = {
        "company": sample.company,
        "today": sample.today,
        "templates": templates,
        "history": history,
        "copies": InvoiceCopies((invoice_pdf,)),
    }
    one_by_one = [compose(reminder, kind, **arguments) for kind in reminder.channels]
    laid_out: list[str] = []
    real = relance.render.letter.letter_pdf

    def counted(context: Any) -> bytes:
        laid_out.append(context["channel"])
        return real(context)

    monkeypatch.setattr(relance.render.letter, "letter_pdf", counted)
    email, letter = compose_reminder(reminder, **arguments)
    assert laid_out == ["letter"]
    assert [email, letter] == one_by_one
    assert email.attachments == (letter.attachments[0], invoice_pdf)
    assert letter.attachments[0].filename == f"letter_final_{reminder.customer.id}.pdf"


def test_a_reminder_by_letter_only_gets_no_invoice_documents(
    sample: Any, templates: TemplateEnvironment
) -> None:
    reminder, history = sample.planned("formal_notice", "fr")
    (notice,) = compose_reminder(
        reminder,
        company=sample.company,
        today=sample.today,
        templates=templates,
        history=history,
        copies=InvoiceCopies((Document(filename="F.pdf", content=b"%PDF"),)),
    )
    assert notice.kind is ChannelKind.REGISTERED_LETTER
    assert [d.filename for d in notice.attachments] == [
        f"letter_formal_notice_{reminder.customer.id}.pdf"
    ]


def copies_beside_the_letter(
    sample: Any, templates: TemplateEnvironment, spare: int
) -> tuple[Document, list[Document], str]:
    """The final reminder (email and letter) with two invoice copies gathered within a
    limit that leaves ``spare`` bytes once the letter and both copies are counted: the
    letter, what the email attaches, and the email's text."""
    reminder, history = sample.planned("final", "fr")
    pdfs = [Document(filename=f"F{n}.pdf", content=bytes([n]) * 30_000) for n in (1, 2)]
    arguments: dict[str, Any] = {
        "company": sample.company,
        "today": sample.today,
        "templates": templates,
        "history": history,
    }
    (letter,) = compose(reminder, ChannelKind.LETTER, **arguments).attachments
    room = encoded_size(letter) + sum(map(encoded_size, pdfs)) + spare
    email, _ = compose_reminder(
        reminder, copies=InvoiceCopies(tuple(pdfs), limit=room), **arguments
    )
    assert email.attachments[0] == letter
    return letter, list(email.attachments[1:]), " ".join(email.text.split())


def test_the_email_keeps_the_copies_that_fit_beside_its_letter(
    sample: Any, templates: TemplateEnvironment
) -> None:
    """The letter PDF an email carries counts in ``attachments_max_mb``: the last copies
    give way to it, and the wording offers them."""
    _, kept, text = copies_beside_the_letter(sample, templates, spare=-1)
    assert [d.filename for d in kept] == ["F1.pdf"]
    assert "notre facture la plus ancienne ; nous vous adresserons les autres" in text


def test_copies_that_fit_beside_the_letter_are_all_attached(
    sample: Any, templates: TemplateEnvironment
) -> None:
    _, kept, text = copies_beside_the_letter(sample, templates, spare=0)
    assert [d.filename for d in kept] == ["F1.pdf", "F2.pdf"]
    assert "une copie de nos factures." in text
