"""A ledger on disk, read by a real source plugin, for the runner and CLI tests."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from relance.engine.state import CustomerKey, DunningState
from relance.history import SQLiteStore
from relance.model import HistoryEvent, Invoice

LEDGER_DIST = Path(__file__).parent.parent / "data" / "ledger-dist"

CONFIG = """\
[company]
name = "Atelier Test"
iban = "FR7630006000011234567890189"
bic = "BNPAFRPPXXX"
email = "compta@atelier-test.fr"
phone = "+33 4 78 00 00 00"

[history]
path = "history.sqlite3"

[sources.jsonledger]
path = "ledger.json"
"""

OUTBOX = """
[channels.outbox]
path = "outbox"
"""


@dataclass
class Workspace:
    folder: Path

    @property
    def config(self) -> Path:
        return self.folder / "relance.toml"

    @property
    def outbox(self) -> Path:
        return self.folder / "outbox"

    def configure(self, extra: str = OUTBOX) -> Path:
        self.config.write_text(CONFIG + extra, encoding="utf-8")
        return self.config

    def write_ledger(self, invoices: Sequence[Invoice]) -> None:
        rows = [i.model_dump(mode="json", exclude={"source"}) for i in invoices]
        (self.folder / "ledger.json").write_text(json.dumps(rows), encoding="utf-8")

    def history(self) -> list[HistoryEvent]:
        path = self.folder / "history.sqlite3"
        if not path.exists():
            return []
        with SQLiteStore(path, readonly=True) as store:
            return list(store.events())

    def sent_files(self) -> list[str]:
        if not self.outbox.exists():
            return []
        return sorted(p.name for p in self.outbox.iterdir() if not p.name.startswith("."))


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A folder with relance.toml, a JSON ledger source and an outbox channel."""
    monkeypatch.syspath_prepend(str(LEDGER_DIST))
    monkeypatch.chdir(tmp_path)
    space = Workspace(tmp_path)
    space.configure()
    yield space
    for name in [m for m in sys.modules if m in ("relance_jsonledger", "relance_failbox")]:
        del sys.modules[name]


def state_views(state: DunningState, customers: Iterable[CustomerKey]) -> tuple[object, ...]:
    """What the planner reads of a state, in the order it reads it: the per-customer
    indexes for ``customers`` and those the state knows (the dataclass's equality leaves
    the indexes out) and the order of every mapping."""
    known = {*customers, *(r.customer for r in state.reminders.values()), *state.customers}
    return (
        state,
        [(k, list(m.levels.items())) for k, m in state.invoices.items()],
        list(state.customers.items()),
        [(k, list(m.failed.items())) for k, m in state.reminders.items()],
        {c: [key for key, _ in state.reminders_of(c)] for c in known},
        {c: [e.id for e in state.unsettled_for(c)] for c in known},
        state.unsettled_by_customer(),
        [(k, e.id) for k, e in state.unsettled.items()],
    )
