"""The fake system of ``relance_ledgerfile``: a JSON file the contract can change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TOKEN = "ledger-key-7d1f0c2e9b"
VARIABLE = "LEDGERFILE_TOKEN"


def _row(id: str, kind: str, total: str, residual: str, customer: str) -> dict[str, str]:
    return {
        "id": id,
        "number": f"N-{id}",
        "kind": kind,
        "customer": customer,
        "due": "2026-02-01",
        "total": total,
        "residual": residual,
    }


class FakeLedgerFile:
    """Two open invoices, a credit note and a paid invoice, in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._save(
            {
                "token": TOKEN,
                "down": False,
                "journal": [],
                "invoices": [
                    _row("101", "invoice", "1200.10", "700.10", "C1"),
                    _row("102", "invoice", "540.00", "540.00", "C2"),
                    _row("AV-1", "credit_note", "100.00", "100.00", "C1"),
                    _row("99", "invoice", "80.00", "0.00", "C2"),
                ],
            }
        )

    def _load(self) -> dict[str, Any]:
        return json.loads(self.path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def _save(self, ledger: dict[str, Any]) -> None:
        self.path.write_text(json.dumps(ledger), encoding="utf-8")

    def mark_paid(self, invoice_id: str) -> None:
        ledger = self._load()
        for row in ledger["invoices"]:
            if row["id"] == invoice_id:
                row["residual"] = "0.00"
        self._save(ledger)

    def go_down(self) -> None:
        self._save({**self._load(), "down": True})

    def reject_credentials(self) -> None:
        self._save({**self._load(), "token": "another-key"})

    def writes(self) -> list[str]:
        return list(self._load()["journal"])
