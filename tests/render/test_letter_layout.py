"""The letter's layout: where its blocks land on the page, read back from the PDF.

Positions come from pypdf's text visitor: each piece of text with its matrix, turned
into millimetres from the page's top-left corner (the baseline of the text).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import typst
from pypdf import PdfReader

import relance.render.letter
from relance.model import Customer, Message
from relance.render import RenderError
from relance.render.letter import WINDOW

MM = 72 / 25.4


def with_customer(reminder: Any, **changes: Any) -> Any:
    customer: Customer = reminder.customer.model_copy(update=changes)
    return type(reminder)(**{**reminder.__dict__, "customer": customer})


def with_invoices(reminder: Any, count: int) -> Any:
    """The reminder, its one invoice copied ``count`` times under other numbers."""
    (item,) = reminder.items
    items = tuple(
        type(item)(
            **{
                **item.__dict__,
                "invoice": item.invoice.model_copy(
                    update={"id": f"inv-{n}", "number": f"F{5000 + n}"}
                ),
            }
        )
        for n in range(count)
    )
    return type(reminder)(**{**reminder.__dict__, "items": items})


def placed(message: Message) -> list[list[tuple[float, float, str]]]:
    """Per page, each piece of text: x and y of its baseline in mm from the top left."""
    reader = PdfReader(io.BytesIO(message.attachments[0].content))
    pages = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        found: list[tuple[float, float, str]] = []

        def visit(
            text: str, cm: Any, tm: Any, *_: Any, into: Any = found, h: float = height
        ) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                into.append((x / MM, (h - y) / MM, text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def at(pages: list[list[tuple[float, float, str]]], text: str) -> tuple[int, float, float]:
    hits = [(n, x, y) for n, page in enumerate(pages) for x, y, t in page if text in t]
    assert hits, text
    return hits[0]


def test_the_recipient_shows_through_the_envelope_window(sample: Any) -> None:
    pages = placed(sample.registered_letter())
    x, y, _, height = WINDOW
    for line in ("Maison Étienne & Fils", "Hélène Martin", "3 rue des Écoles", "75005 Paris"):
        page, left, baseline = at(pages, line)
        assert page == 0
        assert left == pytest.approx(x, abs=0.1), line
        # The first line's capitals (accents included) start inside the window.
        assert y + 2.5 < baseline < y + height, line
    # The mention sits just above the window, the sender's block far to its left.
    assert at(pages, "Lettre recommandée")[2] < y
    assert at(pages, "12 quai Saint-Vincent")[1] == pytest.approx(20, abs=0.1)
    assert at(pages, "Lyon, le 10 juillet 2025")[2] > y + height


def test_a_name_in_another_script_is_written_in_it(sample: Any) -> None:
    reminder, _ = sample.planned("formal_notice", "fr")
    name = "Ελληνικά Είδη Μονοπρόσωπη"
    pages = placed(sample.registered_letter(with_customer(reminder, name=name)))
    assert at(pages, name)[1] == pytest.approx(WINDOW[0], abs=0.1)


def test_text_from_the_ledger_is_printed_never_read_as_layout(sample: Any) -> None:
    reminder, _ = sample.planned("formal_notice", "fr")
    name = '#set page(width: 10mm) *bold* $x^2$ <label> @ref \\ "quoted" // not a comment'
    hostile = with_customer(reminder, name=name)
    message = sample.registered_letter(hostile)
    reader = PdfReader(io.BytesIO(message.attachments[0].content))
    assert float(reader.pages[0].mediabox.width) == pytest.approx(210 * MM, abs=0.5)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert name in text


def test_a_long_statement_runs_over_pages_with_its_headings_and_page_numbers(
    sample: Any,
) -> None:
    reminder, _ = sample.planned("formal_notice", "fr")
    pages = placed(sample.registered_letter(with_invoices(reminder, 60)))
    count = len(pages)
    assert count >= 3
    numbers = [t for page in pages for _, _, t in page if t.startswith("F5")]
    for n in range(60):
        assert f"F{5000 + n}" in numbers
    for number, page in enumerate(pages, start=1):
        texts = [t for _, _, t in page]
        assert f"{number}/{count}" in texts
        # The legal line on every page, at its foot.
        legal = [y for _, y, t in page if "SIREN/SIRET" in t]
        assert legal
        assert legal[0] > 297 - 22
    # The statement's headings again at the top of the page it continues on.
    second = [t for _, _, t in pages[1]]
    assert "Échéance" in second
    # Nothing printed into the bottom margin but the footer.
    for page in pages:
        body = [y for _, y, t in page if "SIREN" not in t and "/" not in t]
        assert max(body) < 297 - 20


def test_the_payment_and_signature_blocks_are_never_split_across_pages(sample: Any) -> None:
    """From 1 to 35 invoices, the payment block starts at every height of three pages
    (about 20 mm further down with each invoice)."""
    reminder, _ = sample.planned("formal_notice", "fr")
    starts = set()
    for count in range(1, 36):
        pages = placed(sample.registered_letter(with_invoices(reminder, count)))
        heading, _, top = at(pages, "Coordonnées de paiement")
        starts.add(top // 50)
        assert at(pages, "Référence à rappeler")[0] == heading, count
        assert at(pages, "IBAN")[0] == heading, count
        signatory, x, _ = at(pages, "Claire Dupré, gérante")
        assert x == pytest.approx(110, abs=0.1)
        assert (x, "Atelier Dupré SARL") in [(x, t) for x, _, t in pages[signatory]], count
    assert starts == {0, 1, 2, 3, 4}


def test_the_same_letter_gives_the_same_bytes_dated_the_run_day(sample: Any) -> None:
    first = sample.registered_letter().attachments[0].content
    assert sample.registered_letter().attachments[0].content == first
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None
    assert metadata.creation_date == datetime(2025, 7, 10, tzinfo=UTC)
    assert metadata.title == "Mise en demeure de payer \u2013 facture n°F4567"
    assert metadata.author == "Atelier Dupré SARL"


def test_a_layout_that_fails_is_a_render_error_naming_the_customer(
    sample: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "letter.typ"
    broken.write_text("#let l = json(bytes(sys.inputs.letter))\n#l.no_such_field\n")
    compiler = typst.Compiler(str(broken), root=str(tmp_path), ignore_system_fonts=True)
    monkeypatch.setattr(relance.render.letter, "_compiler", lambda: compiler)
    with pytest.raises(RenderError) as error:
        sample.registered_letter()
    message = str(error.value)
    assert "FR-formal_notice" in message
    assert "letter.typ" in message
    assert "no_such_field" in message


def test_a_letter_abroad_ends_its_address_with_the_country_in_full(sample: Any) -> None:
    """Postal rules: the destination country in capitals, in the language of the
    country the letter leaves from, as the last line, inside the window."""
    reminder, _ = sample.planned("formal_notice", "fr")
    address = reminder.customer.address.model_copy(
        update={"postal_code": "80331", "city": "München", "country": "DE"}
    )
    abroad = with_customer(reminder, address=address, country="DE")

    pages = placed(sample.registered_letter(abroad))

    page, left, baseline = at(pages, "ALLEMAGNE")
    x, y, _, height = WINDOW
    assert (page, left) == (0, pytest.approx(x, abs=0.1))
    assert at(pages, "80331 München")[2] < baseline < y + height
    assert not [t for p in pages for _, _, t in p if t == "DE"]


def test_a_long_name_and_address_are_set_smaller_to_stay_in_the_window(sample: Any) -> None:
    """A 100-character name, a contact and five address lines: the postal code and city
    once printed under the window, over the date line."""
    reminder, _ = sample.planned("formal_notice", "fr")
    name = "Société Coopérative d'Intérêt Collectif des Artisans Ébénistes " * 2
    address = reminder.customer.address.model_copy(
        update={
            "lines": (
                "Bâtiment C, escalier 4",
                "Zone artisanale des Trois Fontaines",
                "Lieu-dit La Grange Neuve",
                "14 chemin du Moulin à Vent",
                "BP 42",
            ),
            "postal_code": "69009",
            "city": "Lyon",
        }
    )
    crowded = with_customer(reminder, name=name.strip(), address=address)

    pages = placed(sample.registered_letter(crowded))

    x, y, _, height = WINDOW
    page, left, baseline = at(pages, "69009 Lyon")
    assert (page, left) == (0, pytest.approx(x, abs=0.1))
    assert baseline < y + height
    assert at(pages, "Lyon, le 10 juillet 2025")[2] > y + height


def test_an_address_that_cannot_fit_the_window_stops_the_letter(sample: Any) -> None:
    reminder, _ = sample.planned("formal_notice", "fr")
    address = reminder.customer.address.model_copy(
        update={"lines": tuple(f"Ligne d'adresse {n}" for n in range(14))}
    )

    with pytest.raises(RenderError) as error:
        sample.registered_letter(with_customer(reminder, address=address))

    assert "FR-formal_notice" in str(error.value)
    assert "do not fit the envelope window" in str(error.value)
