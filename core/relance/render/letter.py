"""The letter as a PDF, laid out as a French business letter.

Built with fpdf2: pure Python, no system libraries (WeasyPrint needs Pango and Cairo),
exact positioning in millimetres (what a window envelope demands), and Unicode text
with an embedded font (DejaVu Sans, shipped in ``fonts/`` with its licence).

Layout on A4 (millimetres from the top-left corner): sender block at the top left;
the recipient block at x=110, y=45, 85 x 38, which shows through the window of a
French DL envelope (window on the right) when the sheet is folded in three; for a
registered letter, "Lettre recommandée avec accusé de réception" just above it; then
place and date, subject ("Objet"), the customer reference, the body, the statement,
the penalty breakdown per invoice and per rate segment, the payment details with an
EPC QR code ("GiroCode") when an IBAN is configured, the previous reminders, and the
signature block. The footer carries the company's legal mentions and page numbers.

The wording comes from the templates (``text`` in the context); this module only
places it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from relance.render.fontbook import add_shared_font, embed_shared_fonts
from relance.render.formatting import format_day, format_money, format_rate
from relance.render.grid import Cell, grid
from relance.render.qr import epc_qr_png

__all__ = ["WINDOW", "letter_pdf"]

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
LEFT, RIGHT, WIDTH = 20.0, 20.0, 170.0
WINDOW = (110.0, 45.0, 85.0, 38.0)
"""The recipient block: x, y, width, height in millimetres."""
LINE = 5.0
DASH = "\u2013"


class _Letter(FPDF):
    footer_text: str = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=7)
        self.set_text_color(90)
        self.multi_cell(0, 3.5, self.footer_text, align="C")
        self.set_y(-8)
        self.cell(0, 3.5, f"{self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


def letter_pdf(context: Mapping[str, Any]) -> bytes:
    """Render the letter of ``context`` (see :func:`relance.render.context.template_context`
    plus ``text``, the rendered wording sections) to PDF bytes."""
    pdf = _Letter(format="A4", unit="mm")
    add_shared_font(pdf, FONT, "", FONTS / "DejaVuSans.ttf")
    add_shared_font(pdf, FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_margins(LEFT, 15, RIGHT)
    pdf.set_auto_page_break(auto=True, margin=20)
    today: date = context["today"]
    pdf.set_creation_date(datetime.combine(today, time(), tzinfo=UTC))
    pdf.set_title(context["text"]["subject"])
    pdf.set_author(context["company"].name)
    pdf.footer_text = _legal_line(context["company"])
    pdf.add_page()
    page = _Page(pdf, context)
    page.header()
    page.body()
    embed_shared_fonts(pdf)
    return bytes(pdf.output())


class _Page:
    def __init__(self, pdf: _Letter, context: Mapping[str, Any]) -> None:
        self.pdf = pdf
        self.c = context
        self.text: Mapping[str, str] = context["text"]
        self.locale: str = context["locale"]

    # -- helpers -----------------------------------------------------------------------

    def money(self, amount: Decimal, currency: str) -> str:
        return format_money(amount, currency, self.locale)

    def day(self, value: date) -> str:
        return format_day(value, self.locale)

    def label(self, name: str) -> str:
        return f"{self.text[name]}{self.text['colon']} "

    def font(self, size: float = 10, bold: bool = False) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)

    def paragraphs(self, *sections: str) -> None:
        for section in sections:
            for paragraph in [p for p in self.text[section].split("\n\n") if p]:
                self.font()
                self.pdf.multi_cell(WIDTH, LINE, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.pdf.ln(2.5)

    def lines(self, x: float, y: float, width: float, rows: Sequence[tuple[str, bool]]) -> None:
        self.pdf.set_xy(x, y)
        for text, bold in rows:
            self.font(10 if bold else 9, bold)
            self.pdf.set_x(x)
            self.pdf.multi_cell(width, 4.2, text, new_x=XPos.LEFT, new_y=YPos.NEXT)

    # -- blocks ------------------------------------------------------------------------

    def header(self) -> None:
        company, customer = self.c["company"], self.c["customer"]
        sender = [(company.name, True), *[(line, False) for line in _address(company.address)]]
        sender += [(v, False) for v in (company.phone, company.email and str(company.email)) if v]
        self.lines(LEFT, 15, 80, sender)
        x, y, w, _h = WINDOW
        if self.c["registered"]:
            self.font(9, bold=True)
            self.pdf.set_xy(x, y - 7)
            self.pdf.cell(w, 4, self.text["registered_mention"])
        recipient = [(customer.name, True)]
        if self.c["contact_name"]:
            recipient.append((self.c["contact_name"], False))
        recipient += [(line, False) for line in _address(customer.address)]
        if customer.address and customer.address.country not in (None, company.country):
            recipient.append((str(customer.address.country), False))
        self.lines(x, y, w, recipient)
        self.font()
        self.pdf.set_xy(x, 92)
        self.pdf.cell(w, LINE, self.text["place_date"])
        self.pdf.set_xy(LEFT, 104)
        self.font(10, bold=True)
        self.pdf.multi_cell(
            WIDTH,
            LINE,
            self.label("label_subject") + self.text["subject"],
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.font(9)
        self.pdf.cell(0, LINE, self.label("label_customer_ref") + customer.id)
        self.pdf.ln(LINE * 2)

    def body(self) -> None:
        self.paragraphs("greeting", "opening")
        self.statement()
        if self.c["quotes_penalties"] and self.c["penalty_rows"]:
            self.breakdown()
        self.paragraphs("legal", "request", "payment_text")
        self.payment()
        self.previous()
        self.paragraphs("contact_text", "already_paid", "closing")
        self.signature()

    def statement(self) -> None:
        t = self.text
        self.font(8.5)
        headings = (
            t["label_invoice"],
            t["label_issue_date"],
            t["label_due_date"],
            t["label_days_late"],
            t["label_amount"],
            t["label_residual"],
        )
        rows: list[list[Cell]] = [[(heading, 1) for heading in headings]]
        for item in self.c["invoices"]:
            invoice = item.invoice
            cells = (
                invoice.number,
                self.day(invoice.issue_date) if invoice.issue_date else "",
                self.day(invoice.due_date),
                str(item.days_late) if item.days_late > 0 else t["not_yet_due"],
                self.money(invoice.total, invoice.currency),
                self.money(invoice.residual, invoice.currency),
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
        grid(
            self.pdf,
            (26, 30, 30, 20, 32, 32),
            ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
            rows,
            line_height=4.5,
        )
        self.totals()

    def totals(self) -> None:
        rows: list[tuple[str, str, bool]] = [
            (self.text["label_total_due"], self.money(a, c), True)
            for c, a in self.c["totals"].items()
        ]
        if self.c["quotes_penalties"] and self.c["penalties"]:
            rows += [
                (self.text["label_penalties"], self.money(a, c), False)
                for c, a in self.c["penalties"].items()
            ]
            rows += [
                (self.text["label_grand_total"], self.money(a, c), True)
                for c, a in self.c["grand_totals"].items()
            ]
        self.pdf.ln(1)
        for label, amount, bold in rows:
            self.font(9, bold)
            self.pdf.set_x(LEFT)
            self.pdf.cell(WIDTH - 35, 5, label, align="R")
            self.pdf.cell(35, 5, amount, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(3)

    def breakdown(self) -> None:
        t = self.text
        self.font(9.5, bold=True)
        self.pdf.cell(0, LINE, t["label_breakdown"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(8.5)
        headings = (
            t["label_invoice"],
            t["label_period"],
            t["label_days"],
            t["label_rate"],
            t["label_interest"],
        )
        rows: list[list[Cell]] = [[(heading, 1) for heading in headings]]
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
            rows.append(
                [
                    (invoice.number, 1),
                    (t["label_interest"], 3),
                    (self.money(row.interest, currency), 1),
                ]
            )
            rows.append(
                [
                    (invoice.number, 1),
                    (t["label_indemnity"], 3),
                    (self.money(row.indemnity, currency), 1),
                ]
            )
        grid(
            self.pdf,
            (26, 56, 16, 24, 48),
            ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
            rows,
            line_height=4.5,
        )
        self.pdf.ln(4)

    def payment(self) -> None:
        iban = self.c["iban"]
        if not iban:
            return
        company, t = self.c["company"], self.text
        top = self.pdf.get_y()
        qr = _qr_amount(self.c)
        if top > self.pdf.h - 75:
            self.pdf.add_page()
            top = self.pdf.get_y()
        rows = [
            (t["label_payment"], True),
            (self.label("label_beneficiary") + company.name, False),
            (f"IBAN{t['colon']} {iban}", False),
        ]
        if self.c["bic"]:
            rows.append((f"BIC{t['colon']} {self.c['bic']}", False))
        references = ", ".join(self.c["payment_references"])
        rows.append((self.label("label_reference") + references, False))
        self.lines(LEFT, top, 120, rows)
        bottom = self.pdf.get_y()
        if qr is not None:
            png = epc_qr_png(
                name=company.name,
                iban=str(company.iban),
                bic=company.bic,
                amount=qr,
                text=" ".join(self.c["payment_references"]),
            )
            self.pdf.image(png, x=LEFT + WIDTH - 32, y=top, w=32, h=32)
            self.font(7)
            self.pdf.set_xy(LEFT + 95, top + 2)
            self.pdf.multi_cell(WIDTH - 95 - 34, 3.2, t["label_qr"])
            bottom = max(bottom, top + 33)
        self.pdf.set_xy(LEFT, bottom + 4)

    def previous(self) -> None:
        previous = self.c["previous"]
        if not previous:
            return
        self.font(9, bold=True)
        self.pdf.cell(0, LINE, self.text["label_previous"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(9)
        for entry in previous:
            channels = ", ".join(entry.channels)
            self.pdf.cell(
                0,
                4.5,
                f"{DASH} {self.day(entry.day)}{self.text['colon']} {entry.level} ({channels})",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        self.pdf.ln(3)

    def signature(self) -> None:
        company = self.c["company"]
        if self.pdf.get_y() > self.pdf.h - 45:
            self.pdf.add_page()
        self.pdf.ln(4)
        self.lines(110, self.pdf.get_y(), 80, [(self.c["signatory"] or self.text["team"], True)])
        self.lines(110, self.pdf.get_y(), 80, [(company.name, False)])


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
    """The amount a payment QR code asks for: euros only, one currency, positive."""
    totals = context["grand_totals"] if context["quotes_penalties"] else context["totals"]
    if set(totals) != {"EUR"} or totals["EUR"] <= 0:
        return None
    amount: Decimal = totals["EUR"]
    return amount
