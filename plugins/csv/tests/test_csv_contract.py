"""The CSV connector passes relance's connector contract, on a French export it rewrites.

The fake is the file itself: an export in the format of the demo (``;``, decimal comma,
dd/mm/yyyy, Windows-1252), written again when an invoice gets paid, as the user's next
export would be. The history journal is enabled, so the contract's write-back checks
run against the file the connector really appends to.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import ClassVar

import pytest

from relance.errors import InputError
from relance.testing import ConnectorContract, ConnectorSetup
from relance_csv.reader import Source, fetch_invoices
from relance_csv.settings import CsvSettings

HEADER = ("N° facture", "Code client", "Client", "Email", "Date", "Échéance", "Montant TTC", "Reste dû")  # fmt: skip
ROWS = (
    ("FA-2026-0101", "C001", "Boulangerie Égée", "compta@egee.fr", "02/01/2026", "01/02/2026", "2 430,50", "2 430,50"),
    ("FA-2026-0102", "C002", "Café Müller", "factures@muller.de", "10/01/2026", "09/02/2026", "1 200,00", "450,00"),
    ("AV-2026-0007", "C001", "Boulangerie Égée", "compta@egee.fr", "12/01/2026", "", "-120,00", "-120,00"),
    ("FA-2026-0103", "C003", "Atelier Ôde", "ode@atelier.fr", "20/01/2026", "19/02/2026", "300,00", "300,00"),
)  # fmt: skip


class ExportFile:
    """An export of open invoices on disk, and the journal the connector appends to."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "factures.csv"
        self.journal = folder / "journal.csv"
        self.rows = [list(row) for row in ROWS]
        self._write()

    def _write(self) -> None:
        with self.path.open("w", encoding="cp1252", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(self.rows)

    def mark_paid(self, invoice_id: str) -> None:
        """The next export shows the invoice with nothing left to pay."""
        for row in self.rows:
            if row[0] == invoice_id:
                row[-1] = "0,00"
        self._write()

    def go_down(self) -> None:
        """The share holding the export is gone (skipped check: see skip_reasons)."""
        self.path.unlink()

    def reject_credentials(self) -> None:
        raise NotImplementedError("a file has no credentials (see skip_reasons)")

    def writes(self) -> list[str]:
        """The rows of the history journal."""
        if not self.journal.exists():
            return []
        return self.journal.read_text(encoding="utf-8-sig").splitlines()[1:]


@pytest.fixture
def export(tmp_path: Path) -> ExportFile:
    return ExportFile(tmp_path)


class TestCsvConnector(ConnectorContract):
    plugin = "csv"
    skip_reasons: ClassVar[dict[str, str]] = {
        "test_an_unreachable_system_raises_a_connector_error": (
            "a file has no server to go down: a missing or unreadable export is an "
            "InputError naming the file and the setting to fix (test_csv_corpus.py)"
        ),
        "test_refused_credentials_raise_a_connector_error_without_the_secret": (
            "a CSV export has no credentials"
        ),
    }

    @pytest.fixture
    def connector(self, export: ExportFile) -> ConnectorSetup:
        return ConnectorSetup(
            table={"path": str(export.path), "journal": str(export.journal)},
            fake=export,
            credit_note_ids=["AV-2026-0007"],
        )


def test_a_missing_export_names_the_file_and_the_setting(export: ExportFile) -> None:
    """What the skipped 'unreachable' check becomes for a file: a clear InputError."""
    export.go_down()
    source = Source(name="ledger", key_path="sources.ledger", currency="EUR")
    with pytest.raises(InputError) as caught:
        list(fetch_invoices(CsvSettings(path=export.path), source))
    assert str(caught.value) == (
        f"factures.csv cannot be read.\n  - {export.path}: no such file (check sources.ledger.path)"
    )
