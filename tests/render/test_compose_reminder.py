"""A reminder's messages for all its channels at once: the letter is laid out once."""

from __future__ import annotations

from typing import Any

import pytest

import relance.render.letter
from relance.model import ChannelKind, Document
from relance.render import TemplateEnvironment, compose, compose_reminder


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
        "documents": (invoice_pdf,),
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
        documents=(Document(filename="F.pdf", content=b"%PDF"),),
    )
    assert notice.kind is ChannelKind.REGISTERED_LETTER
    assert [d.filename for d in notice.attachments] == [
        f"letter_formal_notice_{reminder.customer.id}.pdf"
    ]
