"""The history store: the authoritative, append-only log of everything relance did.

:class:`HistoryStore` is the small interface the engine uses; :class:`SQLiteStore` is the
default implementation (one file, WAL). A PostgreSQL store for shared deployments can
implement the same interface.
"""

from relance.history.sqlite import SQLiteStore
from relance.history.store import (
    AlreadyClaimed,
    Checkpoint,
    HistoryError,
    HistoryStore,
    SettleError,
)

__all__ = [
    "AlreadyClaimed",
    "Checkpoint",
    "HistoryError",
    "HistoryStore",
    "SQLiteStore",
    "SettleError",
]
