"""The letter PDFs: their text (extracted with pypdf), and PNG pages to look at.

The payment QR code has its own tests (test_payment_qr.py)."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from pypdf import PdfReader

from relance.engine.planner import Reminder
from relance.model import ChannelKind, Message
from relance.render import TemplateEnvironment, compose
from relance.render.environment import BUILTIN_TEMPLATES


def letter(
    sample: Any,
    level: str,
    language: str,
    kind: ChannelKind,
    adapt: Callable[[Reminder], Reminder] = lambda reminder: reminder,
    dollars: frozenset[str] = frozenset(),
) -> Message:
    """The sample's reminder of ``level`` in ``language`` (the invoices numbered in
    ``dollars`` in USD), changed by ``adapt``, as a letter of ``kind``."""
    reminder, history = sample.planned(level, language, dollars)
    return compose(
        adapt(reminder),
        kind,
        company=sample.company,
        today=sample.today,
        templates=TemplateEnvironment(),
        history=history,
    )


def pdf_text(message: Message) -> str:
    (document,) = message.attachments
    assert document.media_type == "application/pdf"
    assert document.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(document.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # lines wrap anywhere; no-break spaces become spaces


def test_the_formal_notice_has_every_mention_and_amount(sample: Any) -> None:
    message = letter(sample, "formal_notice", "fr", ChannelKind.REGISTERED_LETTER)
    text = pdf_text(message)
    for mention in (
        "Lettre recommandée avec accusé de réception",
        "Atelier Dupré SARL",
        "12 quai Saint-Vincent",
        "69001 Lyon",
        "Maison Étienne & Fils (formal_notice)",
        "3 rue des Écoles",
        "75005 Paris",
        "Lyon, le 10 juillet 2025",
        "Objet",
        "Mise en demeure de payer \u2013 facture n°F4567",
        "mettons en demeure",
        "au plus tard le 23 juillet 2025",
        "L441-10",
        "Relances précédentes",
        "27 mai 2025, par e-mail",
        "6 juin 2025, par e-mail",
        "20 juin 2025, par e-mail",
        "F4567",
        "20 avril 2025",
        "20 mai 2025",
        "Claire Dupré, gérante",
        "FR76 3000 6000 0112 3456 7890 189",
        "BNPAFRPPXXX",
        "RF-F4567",
        "SIREN/SIRET 812 345 678 00012",
    ):
        assert mention in text, mention
    # The statement, then the penalty breakdown per rate segment, then the totals.
    for amount in ("2 430,00 €", "22,07 €", "7,99 €", "30,06 €", "40,00 €", "2 500,06 €"):
        assert amount in text, amount
    assert "13,15 %" in text
    assert "12,15 %" in text
    # Previous reminders by day and means, never by the policy's level names.
    assert "(email)" not in text
    assert "first" not in text
    assert "20 mai 2025 \u2013 30 juin 2025" in text


def test_a_letter_about_an_invoice_in_dollars_puts_its_indemnity_with_the_euros(
    sample: Any,
) -> None:
    text = pdf_text(letter(sample, "final", "fr", ChannelKind.LETTER, dollars=frozenset({"F4567"})))
    # The breakdown: F4567's interest in dollars, its indemnity in euros.
    assert "F4567 Intérêts 30,06 $US F4567 Indemnité forfaitaire" in text
    assert "F4567 Indemnité forfaitaire pour frais de recouvrement 40,00 €" in text
    # The totals per currency: both indemnities with the euros.
    for line in (
        "Pénalités de retard et indemnités 110,06 €",
        "Pénalités de retard et indemnités 30,06 $US",
        "Total à régler, pénalités comprises 610,06 €",
        "Total à régler, pénalités comprises 2 460,06 $US",
    ):
        assert line in text, line


def test_a_simple_letter_is_not_registered(sample: Any) -> None:
    text = pdf_text(letter(sample, "first", "fr", ChannelKind.LETTER))
    assert "recommandée" not in text
    assert "Madame, Monsieur," in text
    assert "Relance \u2013 facture n°F4567 en attente de règlement" in text


def test_without_segments_the_breakdown_shows_each_invoice_total(sample: Any) -> None:
    def without_segments(reminder: Reminder) -> Reminder:
        items = tuple(
            dataclasses.replace(item, penalty=item.penalty.model_copy(update={"segments": ()}))
            for item in reminder.items
        )
        return dataclasses.replace(reminder, items=items)

    message = letter(sample, "formal_notice", "en", ChannelKind.REGISTERED_LETTER, without_segments)
    text = pdf_text(message)
    assert "Recorded delivery" in text
    assert "27 May 2025, by email" in text
    assert "€30.06" in text
    assert "€40.00" in text
    assert "13.15%" not in text


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed"
)
def test_each_letter_turns_into_png_pages_to_look_at(sample: Any, tmp_path: Path) -> None:
    """Writes tests/render/out/*.png too, to look at after a layout change."""
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    for level, kind in (
        ("final", ChannelKind.LETTER),
        ("formal_notice", ChannelKind.REGISTERED_LETTER),
    ):
        pdf = tmp_path / f"{level}.pdf"
        pdf.write_bytes(letter(sample, level, "fr", kind).attachments[0].content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(out / f"fr-{level}")], check=True
        )
        pages = sorted(out.glob(f"fr-{level}-*.png"))
        assert pages, level
        assert all(p.read_bytes().startswith(b"\x89PNG") for p in pages)


def test_an_earlier_common_template_without_channel_labels_names_the_channels(
    sample: Any, tmp_path: Path
) -> None:
    """A user's copy of fr/_common.j2 from before the channel labels still renders."""
    builtin = (BUILTIN_TEMPLATES / "fr" / "_common.j2").read_text(encoding="utf-8")
    older = "\n".join(
        line
        for line in builtin.splitlines()
        if "label_channel_" not in line and "label_sent_by" not in line
    )
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "_common.j2").write_text(older, encoding="utf-8")
    message = sample.registered_letter(templates=TemplateEnvironment(user=tmp_path))
    assert "27 mai 2025, email" in pdf_text(message)


def qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of every QR code of the letter, its pages rendered (in the new folder
    ``tmp_path``) in grey levels (PGM files: a short header, then one byte a pixel) and
    read by zxing-cpp."""
    tmp_path.mkdir()
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", "200", str(source), str(tmp_path / "p")], check=True)
    codes = []
    for page in sorted(tmp_path.glob("p-*.pgm")):
        header, _, pixels = page.read_bytes().partition(b"\n255\n")
        width, height = map(int, header.split()[1:3])
        image = memoryview(pixels).cast("B", (height, width))
        codes += [
            c.text
            for c in zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=zxingcpp.TextMode.Plain
            )
        ]
    return codes


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed"
)
def test_a_letter_for_many_invoices_asks_for_the_customer_reference(
    sample: Any, tmp_path: Path
) -> None:
    """In the payment details and in the transfer the QR code fills in: a SEPA label
    holds 140 characters."""
    customer = sample.planned("final", "fr")[0].customer.id
    for count, quoted in ((3, "RF-F1 RF-F2 RF-F3"), (4, customer)):
        adapt = partial(sample.with_invoices, count=count)
        message = letter(sample, "final", "fr", ChannelKind.LETTER, adapt)
        text = pdf_text(message)
        assert f"Référence à rappeler : {quoted.replace(' ', ', ')} " in text
        (code,) = qr_codes(message.attachments[0].content, tmp_path / str(count))
        assert code.startswith("BCD\n002\n")
        assert code.splitlines()[-1] == quoted
