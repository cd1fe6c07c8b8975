"""Benchmark (d): the late-payment penalties of every open invoice of the ledger.

Reads the generated ledger's invoices through the CSV connector, then quotes each one
with :meth:`relance.legal.LegalRules.quote` for the benchmark day, as the engine does for
the levels that show penalties (French, German and British rules; businesses and
consumers; rate tables segment by segment).

    .venv/bin/python bench/penalties.py -n 1M
"""

from __future__ import annotations

import time

from common import Report, ledger_for, ledger_params, parser
from ledger import TODAY

from relance.legal import LegalRules
from relance.model import DocumentKind, Invoice
from relance_csv.reader import Source, fetch_invoices
from relance_csv.settings import CsvSettings


def governed(invoice: Invoice) -> Invoice:
    """The ledger's GBP contracts chose English law, as ``[customers.<id>] jurisdiction``
    would say; the others follow the default (the seller's law, or the consumer's)."""
    if invoice.currency == "GBP":
        return invoice.model_copy(update={"jurisdiction": "uk-b2b"})
    return invoice


def main() -> None:
    args = parser(__doc__.splitlines()[0], default="1M").parse_args()
    ledger = ledger_for(args)
    report = Report("penalties", ledger_params(ledger))
    settings = CsvSettings(
        path=ledger.invoices_path,
        customers_path=ledger.customers_path,
        encoding="cp1252",
        delimiter=";",
    )
    with report.phase("fetch"):
        invoices = [
            governed(invoice)
            for invoice in fetch_invoices(settings, Source("csv", "sources.csv", "EUR"))
            if invoice.kind is DocumentKind.INVOICE
        ]
    rules = LegalRules.from_settings()
    start = time.perf_counter()
    late = 0
    for invoice in invoices:
        if rules.quote(invoice, TODAY, company_country="FR") is not None:
            late += 1
    seconds = time.perf_counter() - start
    report.figures.update(quote_s=round(seconds, 3), invoices_quoted=len(invoices), late=late)
    report.per_item("quote_per_invoice", seconds, len(invoices))
    report.finish(args)


if __name__ == "__main__":
    main()
