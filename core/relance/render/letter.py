"""The letter as a PDF, laid out as a French business letter.

Typeset by Typst (the ``typst`` package: the Typst compiler, in Rust, behind a Python
call) from ``letter.typ``, beside this module. This module words nothing and places
nothing: it gathers what the letter prints, already worded by the templates (``text``
in the context) and formatted for the reader's locale, into one JSON document that the
layout reads as the input ``letter``. Strings reach Typst as data, never as markup.

Why Typst: the layout is declarative and exact to the millimetre (what a window
envelope demands); paragraphs are justified with whole-paragraph line breaking; the
compiler embeds subsets of the shipped font (DejaVu Sans, in ``fonts/`` with its
licence) and reads no font of the system, so a letter is the same on every machine;
and a letter takes 10 to 25 ms by its length where fpdf2, in pure Python, took 50 to
70 ms.

Layout on A4 (millimetres from the top-left corner): sender block at the top left;
the recipient block at x=110, y=45, 85 x 38, which shows through the window of a
French DL envelope (window on the right) when the sheet is folded in three; for a
registered letter, "Lettre recommandée avec accusé de réception" just above it; then
place and date, subject ("Objet"), the customer reference, the body, the statement,
the penalty breakdown per invoice and per rate segment, the payment details with an
EPC QR code ("GiroCode") when an IBAN is configured, the previous reminders, and the
signature block. The footer carries the company's legal mentions and page numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import typst
from babel import Locale

from relance.i18n import _
from relance.render.environment import RenderError, paragraphs
from relance.render.formatting import format_day, format_money, format_rate
from relance.render.qr import epc_qr_svg, payable

__all__ = ["WINDOW", "letter_pdf"]

LAYOUT = Path(__file__).with_name("letter.typ")
FONTS = Path(__file__).parent / "fonts"
WINDOW = (110.0, 45.0, 85.0, 38.0)
"""The recipient block: x, y, width, height in millimetres (as ``letter.typ`` places it)."""
DASH = "\u2013"

STATEMENT_WIDTHS = (26, 30, 30, 20, 32, 32)
STATEMENT_ALIGNS = ("left", "left", "left", "right", "right", "right")
BREAKDOWN_WIDTHS = (26, 56, 16, 24, 48)
BREAKDOWN_ALIGNS = ("left", "left", "right", "right", "right")

Cell = tuple[str, int]
"""A table cell's text and the number of columns it spans."""


@cache
def _compiler() -> typst.Compiler:
    """One compiler per process: it loads the fonts and parses the layout once."""
    return typst.Compiler(
        str(LAYOUT), root=str(LAYOUT.parent), font_paths=[str(FONTS)], ignore_system_fonts=True
    )


def letter_pdf(context: Mapping[str, Any]) -> bytes:
    """Render the letter of ``context`` (see :func:`relance.render.context.template_context`
    plus ``text``, the rendered wording sections) to PDF bytes."""
    today: date = context["today"]
    created = datetime.combine(today, time(), tzinfo=UTC)
    try:
        pdf = _compiler().compile(
            sys_inputs={"letter": json.dumps(_Letter(context).document())},
            timestamp=int(created.timestamp()),
        )
    except typst.TypstError as exc:
        raise RenderError(
            _("the letter to {customer} could not be laid out ({layout}): {error}").format(
                customer=context["customer"].id, layout=LAYOUT.name, error=exc
            )
        ) from exc
    assert isinstance(pdf, bytes)  # one PDF file (a list is one image per page)
    return pdf


class _Letter:
    """What ``letter.typ`` prints, from a template context."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.c = context
        self.text: Mapping[str, str] = context["text"]
        self.locale: str = context["locale"]

    def money(self, amount: Decimal, currency: str) -> str:
        return format_money(amount, currency, self.locale)

    def day(self, value: date) -> str:
        return format_day(value, self.locale)

    def label(self, name: str) -> str:
        return f"{self.text[name]}{self.text['colon']} "

    def table(
        self,
        widths: tuple[int, ...],
        aligns: tuple[str, ...],
        headings: tuple[str, ...],
        rows: list[list[Cell]],
    ) -> dict[str, Any]:
        """A table, full width, every border drawn, ``label_<heading>`` in the first row."""
        labels = [self.text[f"label_{heading}"] for heading in headings]
        return {"widths": widths, "aligns": aligns, "headings": labels, "rows": rows}

    def paragraphs(self, *sections: str) -> list[str]:
        return [p for section in sections for p in paragraphs(self.text[section])]

    def document(self) -> dict[str, Any]:
        company, customer = self.c["company"], self.c["customer"]
        return {
            "title": self.text["subject"],
            "author": company.name,
            "lang": self.locale.split("_")[0],
            "footer": _legal_line(company),
            "sender": self.sender(),
            "registered": self.text["registered_mention"] if self.c["registered"] else None,
            "recipient": self.recipient(),
            "place_date": self.text["place_date"],
            "subject": self.label("label_subject") + self.text["subject"],
            "customer_ref": self.label("label_customer_ref") + customer.id,
            "opening": self.paragraphs("greeting", "opening"),
            "statement": self.statement(),
            "totals": self.totals(),
            "breakdown": self.breakdown(),
            "request": self.paragraphs("legal", "request", "payment_text"),
            "payment": self.payment(),
            "previous": self.previous(),
            "closing": self.paragraphs("contact_text", "already_paid", "closing"),
            "signature": [
                _line(self.c["signatory"] or self.text["team"], bold=True),
                _line(company.name),
            ],
        }

    def sender(self) -> list[dict[str, Any]]:
        company = self.c["company"]
        rows = [_line(company.name, bold=True), *map(_line, _address(company.address))]
        return rows + [_line(v) for v in (company.phone, company.email and str(company.email)) if v]

    def recipient(self) -> list[dict[str, Any]]:
        company, customer = self.c["company"], self.c["customer"]
        rows = [_line(customer.name, bold=True)]
        if self.c["contact_name"]:
            rows.append(_line(self.c["contact_name"]))
        rows += map(_line, _address(customer.address))
        if customer.address and customer.address.country not in (None, company.country):
            rows.append(_line(country_line(str(customer.address.country), company.language)))
        return rows

    def statement(self) -> dict[str, Any]:
        t = self.text
        rows: list[list[Cell]] = []
        for item in self.c["invoices"]:
            invoice = item.invoice
            cells = (
                invoice.number,
                self.day(invoice.issue_date) if invoice.issue_date else "",
                self.day(invoice.payable_since) if invoice.payable_since else "",
                str(item.days_late) if item.days_late > 0 else t["not_yet_due"],
                self.money(invoice.total, invoice.currency),
                self.money(item.asked, invoice.currency),
            )
            rows.append([(text, 1) for text in cells])
        for item in self.c["credits"]:
            invoice = item.invoice
            rows.append(
                [
                    (f"{t['label_credit']} {invoice.number}", 5),
                    ("-" + self.money(invoice.residual, invoice.currency), 1),
                ]
            )
        headings = ("invoice", "issue_date", "due_date", "days_late", "amount", "residual")
        return self.table(STATEMENT_WIDTHS, STATEMENT_ALIGNS, headings, rows)

    def totals(self) -> list[dict[str, Any]]:
        t = self.text
        rows = [(t["label_total_due"], self.money(a, c), True) for c, a in self.c["totals"].items()]
        if self.c["quotes_penalties"] and self.c["penalties"]:
            rows += [
                (t["label_penalties"], self.money(a, c), False)
                for c, a in self.c["penalties"].items()
            ]
            rows += [
                (t["label_grand_total"], self.money(a, c), True)
                for c, a in self.c["grand_totals"].items()
            ]
        return [{"label": label, "amount": amount, "bold": bold} for label, amount, bold in rows]

    def breakdown(self) -> dict[str, Any] | None:
        if not (self.c["quotes_penalties"] and self.c["penalty_rows"]):
            return None
        t = self.text
        rows: list[list[Cell]] = []
        for row in self.c["penalty_rows"]:
            invoice = row.item.invoice
            currency = invoice.currency
            for segment in row.segments:
                cells = (
                    invoice.number,
                    f"{self.day(segment.start)} {DASH} {self.day(segment.end)}",
                    str(segment.days),
                    format_rate(segment.rate, self.locale),
                    self.money(segment.interest, currency),
                )
                rows.append([(text, 1) for text in cells])
            for label, amount, in_currency in (
                ("interest", row.interest, currency),
                ("indemnity", row.indemnity, row.indemnity_currency),
            ):
                if not amount:
                    continue
                total = self.money(amount, in_currency)
                rows.append([(invoice.number, 1), (t[f"label_{label}"], 3), (total, 1)])
        headings = ("invoice", "period", "days", "rate", "interest")
        table = self.table(BREAKDOWN_WIDTHS, BREAKDOWN_ALIGNS, headings, rows)
        return {"title": t["label_breakdown"], **table}

    def payment(self) -> dict[str, Any] | None:
        iban = self.c["iban"]
        if not iban:
            return None
        company, t = self.c["company"], self.text
        references = ", ".join(self.c["remittance"])
        rows = [
            _line(t["label_payment"], bold=True),
            _line(self.label("label_beneficiary") + company.name),
            _line(f"IBAN{t['colon']} {iban}"),
            *([_line(f"BIC{t['colon']} {self.c['bic']}")] if self.c["bic"] else []),
            _line(self.label("label_reference") + references),
        ]
        amount = _qr_amount(self.c)
        qr = None
        if amount is not None:
            qr = epc_qr_svg(
                name=company.name,
                iban=str(company.iban),
                bic=company.bic,
                amount=amount,
                text=" ".join(self.c["remittance"]),
            )
        return {"lines": rows, "qr": qr, "qr_label": t["label_qr"]}

    def previous(self) -> dict[str, Any] | None:
        previous = self.c["previous"]
        if not previous:
            return None
        t = self.text
        # A _common.j2 copied from an earlier release has no channel labels: the
        # channels' own names then stand in.
        by = t.get("label_sent_by", "")
        entries = []
        for entry in previous:
            channels = ", ".join(t.get(f"label_channel_{c}", c) for c in entry.channels)
            entries.append(
                f"{DASH} {self.day(entry.day)}, {' '.join(filter(None, (by, channels)))}"
            )
        return {"title": t["label_previous"], "entries": entries}


def country_line(code: str, language: str) -> str:
    """The destination country as the address's last line: its name in capitals, in the
    language of the country the letter is posted from ("ALLEMAGNE" from France), as
    postal rules ask; the code itself if the name is not known."""
    name = Locale.parse(language).territories.get(code.upper())
    return name.upper() if name else code.upper()


def _line(text: str, bold: bool = False) -> dict[str, Any]:
    return {"text": text, "bold": bold}


def _address(address: Any) -> list[str]:
    if address is None:
        return []
    city = " ".join(p for p in (address.postal_code, address.city) if p)
    return [*address.lines, *([city] if city else [])]


def _legal_line(company: Any) -> str:
    parts = [company.name]
    parts += [p for p in (company.legal_form,) if p]
    if company.registration_number:
        parts.append(f"SIREN/SIRET {company.registration_number}")
    if company.vat_number:
        parts.append(f"TVA/VAT {company.vat_number}")
    if company.website:
        parts.append(str(company.website))
    return f" {DASH} ".join(parts)


def _qr_amount(context: Mapping[str, Any]) -> Decimal | None:
    """The amount a payment QR code asks for: euros only, one currency, an amount the
    code may ask (0.01 to 999,999,999.99)."""
    totals = context["grand_totals"] if context["quotes_penalties"] else context["totals"]
    if set(totals) != {"EUR"} or not payable(totals["EUR"]):
        return None
    amount: Decimal = totals["EUR"]
    return amount
