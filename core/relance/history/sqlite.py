"""The default history store: one SQLite file in WAL mode.

Each event is one row: a few indexed columns for the questions the engine asks, and the
whole event as JSON. The database itself enforces the rules of
:mod:`relance.history.store`: triggers refuse updates and deletes, a unique index allows
one settlement per intent, another one delivery per message key, and :meth:`claim` runs
in an immediate (write-locking) transaction so that two overlapping runs cannot both
claim a message.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` lists the steps
from a new file to the current version, applied in order when a store is opened. A file
that exists but holds no history (empty, or another database) is refused, never
started afresh: that would remind every customer again.

A claim is flushed to disk before it returns (``synchronous = FULL``): the channel is
called only once the intent is safe. Every other write (a settlement, a planned
reminder, a hand-off, a pause) is committed without a flush of its own and made durable
by the next one, which is the next claim's (the write-ahead log is flushed in order:
flushing a later transaction flushes every earlier one) or :meth:`SQLiteStore.close`'s.
A sent message thus costs the history one flush, not two. A power cut before that flush
loses the writes since the last claim, none of which can make a message go twice: a
lost settlement leaves its intent unsettled, which blocks a second send until
``relance resolve`` says what happened (as a crash between the delivery and its
settlement does), and the next run plans again what was planned.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType

from relance.disk import flush_to_disk
from relance.history.store import (
    SETTLEMENTS,
    AlreadyClaimed,
    Checkpoint,
    HistoryError,
    SettleError,
)
from relance.i18n import _
from relance.model import EventType, HistoryEvent

__all__ = ["MIGRATIONS", "SQLiteStore"]

log = logging.getLogger("relance.history")

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        source TEXT,
        customer_id TEXT,
        reminder_key TEXT,
        message_key TEXT,
        settles TEXT,
        payload TEXT NOT NULL
    );
    CREATE INDEX events_customer ON events (source, customer_id);
    CREATE INDEX events_message ON events (message_key);
    CREATE INDEX events_type ON events (type);
    CREATE UNIQUE INDEX events_one_settlement ON events (settles) WHERE settles IS NOT NULL;
    CREATE UNIQUE INDEX events_sent_once ON events (message_key) WHERE type = 'sent';
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_CHECKPOINT_TABLE = """
    CREATE TABLE IF NOT EXISTS checkpoint (
        slot INTEGER PRIMARY KEY CHECK (slot = 1),
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        payload BLOB NOT NULL
    )
"""
"""The fold of the events up to one of them (:mod:`relance.engine.checkpoint`): one row,
replaced as the history grows. A cache beside the append-only events, not part of the
schema's versions: a relance that does not know it leaves it alone, and the events it
appends are replayed after it."""

_INSERT = (
    "INSERT INTO events (id, type, at, source, customer_id, reminder_key, message_key,"
    " settles, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_OF_THIS_HISTORY = "EXISTS (SELECT 1 FROM events AS e WHERE e.seq = c.seq AND e.id = c.event_id)"
"""Whether the checkpoint ``c`` names an event of this file, by number and id."""
_CHECKPOINT = (
    "SELECT c.seq, c.event_id, c.fingerprint, c.payload FROM checkpoint AS c WHERE "  # noqa: S608 - fixed fragments
    + _OF_THIS_HISTORY
)
_SAVE_CHECKPOINT = (
    "INSERT INTO checkpoint AS c (slot, seq, event_id, fingerprint, payload)"  # noqa: S608 - fixed fragments
    " VALUES (1, ?, ?, ?, ?) ON CONFLICT (slot) DO UPDATE SET"
    " seq = excluded.seq, event_id = excluded.event_id,"
    " fingerprint = excluded.fingerprint, payload = excluded.payload"
    " WHERE excluded.seq >= c.seq OR excluded.fingerprint != c.fingerprint"
    " OR NOT " + _OF_THIS_HISTORY
)
"""Two runs at once: the later fold's checkpoint stays, if it is of this history and by
this fold."""
_UNSETTLED = (
    "SELECT payload FROM events AS i WHERE i.type = 'intent'"
    " AND NOT EXISTS (SELECT 1 FROM events AS s WHERE s.settles = i.id)"
)


class SQLiteStore:
    """A :class:`~relance.history.store.HistoryStore` in one SQLite file."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """Open (and create or migrate) the store; ``readonly`` never writes anything.

        A read-only store on a missing file reads as empty, and creates nothing.
        """
        self.path = path
        self._unflushed = False
        self._between_claims = "FULL"
        """The sync level of every write but a claim: NORMAL once the file is in WAL mode."""
        try:
            if readonly and not path.exists():
                self._db = sqlite3.connect(":memory:", isolation_level=None)
                self._migrate()
                return
            if readonly:
                uri = f"{path.resolve().as_uri()}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
                self._check_existing()
                return
            existed = path.exists()
            if existed and not os.access(path, os.R_OK | os.W_OK):
                raise HistoryError(
                    _(
                        "history file {path} is read-only: relance records every message "
                        "there before sending it; make the file writable"
                    ).format(path=path)
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            if existed:
                self._check_existing()
            (mode,) = self._db.execute("PRAGMA journal_mode = WAL").fetchone()
            if str(mode).lower() == "wal":
                # Without WAL (a filesystem that cannot share memory), every write is
                # flushed: a rollback journal under NORMAL can be corrupted by a power cut.
                self._between_claims = "NORMAL"
            self._db.execute(f"PRAGMA synchronous = {self._between_claims}")
            self._migrate()
            if not self._has_checkpoints():
                with self._transaction():
                    # Made without the event's id by development versions: only a cache.
                    self._db.execute("DROP TABLE IF EXISTS checkpoint")
                    self._db.execute(_CHECKPOINT_TABLE)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise HistoryError(
                _("history file {path}: cannot be opened: {error}").format(path=path, error=exc)
            ) from exc

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        self._check_version(version)
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._transaction():
                for statement in script.split(";\n"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write-locking transaction around the block: committed when it ends, rolled
        back when it raises. Flushed to disk only under ``synchronous = FULL``."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # a full disk has rolled it back already
                self._db.execute("ROLLBACK")
            raise
        self._unflushed = True

    def _check_existing(self) -> None:
        """Refuse a file that exists but holds no relance history: starting it afresh
        would remind every customer again, as if nothing had ever been sent."""
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        self._check_version(version)
        if version == 0:
            raise HistoryError(
                _(
                    "history file {path} holds no relance history (it is empty, or "
                    "another database): if the history was lost, restore it from a "
                    "backup, as relance would otherwise remind everyone again; to start "
                    "a new history, delete the file"
                ).format(path=self.path)
            )

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise HistoryError(
                _(
                    "history file {path} has schema version {found}, newer than this "
                    "relance knows ({known}): upgrade relance"
                ).format(path=self.path, found=version, known=SCHEMA_VERSION)
            )

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- writing ------------------------------------------------------------------------

    def _insert(self, event: HistoryEvent) -> None:
        self._db.execute(
            _INSERT,
            (
                event.id,
                event.type.value,
                event.at.isoformat(),
                event.source,
                event.customer_id,
                event.reminder_key,
                event.message_key,
                event.settles,
                event.model_dump_json(exclude_defaults=True),
            ),
        )

    def append(self, event: HistoryEvent) -> None:
        self.append_all((event,))

    def append_all(self, events: Iterable[HistoryEvent]) -> None:
        events = tuple(events)
        if not events:
            return
        for event in events:
            if event.type is EventType.INTENT or event.type in SETTLEMENTS:
                raise ValueError(f"{event.type.value} events are recorded with claim() or settle()")
        with self._transaction():
            for event in events:
                self._insert(event)

    def claim(self, intent: HistoryEvent) -> None:
        if intent.type is not EventType.INTENT or intent.message_key is None:
            raise ValueError("claim() takes an intent event with a message key")
        self._db.execute("PRAGMA synchronous = FULL")  # the only flushed write: see the module
        try:
            self._claim(intent)
        finally:
            self._db.execute(f"PRAGMA synchronous = {self._between_claims}")
        self._unflushed = False

    def _claim(self, intent: HistoryEvent) -> None:
        with self._transaction():
            blocking = self._db.execute(
                "SELECT type FROM events AS e WHERE e.message_key = ? AND ("
                " e.type = 'sent'"
                " OR (e.type = 'resolved' AND json_extract(e.payload, '$.reason') LIKE 'sent%')"
                " OR (e.type = 'intent' AND NOT EXISTS"
                "     (SELECT 1 FROM events AS s WHERE s.settles = e.id)))"
                " LIMIT 1",
                (intent.message_key,),
            ).fetchone()
            if blocking is not None:
                raise AlreadyClaimed(
                    _("message {key} was already sent or is awaiting resolution").format(
                        key=intent.message_key
                    )
                )
            self._insert(intent)

    def settle(self, event: HistoryEvent) -> None:
        if event.type not in SETTLEMENTS or event.settles is None:
            raise ValueError("settle() takes a sent, failed or resolved event naming its intent")
        with self._transaction():
            row = self._db.execute(
                "SELECT message_key FROM events WHERE id = ? AND type = 'intent'",
                (event.settles,),
            ).fetchone()
            if row is None:
                raise SettleError(_("no intent {id} in the history").format(id=event.settles))
            if row[0] != event.message_key:
                raise SettleError(
                    _("intent {id} is for message {key}").format(id=event.settles, key=row[0])
                )
            try:
                self._insert(event)
            except sqlite3.IntegrityError as exc:
                raise SettleError(
                    _("intent {id} is already settled").format(id=event.settles)
                ) from exc

    # -- reading ------------------------------------------------------------------------

    def events(
        self,
        *,
        source: str | None = None,
        customer_id: str | None = None,
        types: Iterable[EventType] | None = None,
    ) -> Iterator[HistoryEvent]:
        clauses: list[str] = []
        params: list[str] = []
        if source is not None:
            clauses.append("source = ?")
            params.append(source)
        if customer_id is not None:
            clauses.append("customer_id = ?")
            params.append(customer_id)
        if types is not None:
            wanted = [t.value for t in types]
            clauses.append(f"type IN ({', '.join('?' for _ in wanted)})")
            params.extend(wanted)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        query = f"SELECT payload FROM events{where} ORDER BY seq"  # noqa: S608 - fixed fragments
        for (payload,) in self._db.execute(query, params):
            yield HistoryEvent.model_validate_json(payload)

    def replay(self, after: int = 0) -> Iterator[tuple[int, HistoryEvent]]:
        rows = self._db.execute(
            "SELECT seq, payload FROM events WHERE seq > ? ORDER BY seq", (after,)
        )
        for seq, payload in rows:
            yield seq, HistoryEvent.model_validate_json(payload)

    def _has_checkpoints(self) -> bool:
        """Whether the file has the checkpoint table as this relance writes it."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(checkpoint)")}
        return "event_id" in columns

    def checkpoint(self) -> Checkpoint | None:
        if not self._has_checkpoints():
            return None  # a file no relance has written one to yet, opened read-only
        row = self._db.execute(_CHECKPOINT).fetchone()
        if row is None:
            return None
        seq, event_id, fingerprint, payload = row
        return Checkpoint(int(seq), str(event_id), str(fingerprint), bytes(payload))

    def save_checkpoint(self, checkpoint: Checkpoint) -> None:
        try:
            with self._transaction():
                self._db.execute(
                    _SAVE_CHECKPOINT,
                    (
                        checkpoint.seq,
                        checkpoint.event_id,
                        checkpoint.fingerprint,
                        checkpoint.payload,
                    ),
                )
        except sqlite3.Error as exc:
            raise HistoryError(
                _("history file {path}: cannot keep the checkpoint: {error}").format(
                    path=self.path, error=exc
                )
            ) from exc

    def unsettled(self) -> list[HistoryEvent]:
        rows = self._db.execute(_UNSETTLED + " ORDER BY seq").fetchall()
        return [HistoryEvent.model_validate_json(payload) for (payload,) in rows]

    def close(self) -> None:
        """Flush what no claim flushed (see the module), and close."""
        try:
            if self._unflushed and self._between_claims == "NORMAL":
                (_seq, _name, database) = self._db.execute("PRAGMA database_list").fetchone()
                with suppress(FileNotFoundError):  # copied into the file already, and removed
                    flush_to_disk(Path(f"{database}-wal"))  # beside the file a link leads to
            self._unflushed = False
        except OSError as exc:
            raise HistoryError(
                _("history file {path}: cannot be written: {error}").format(
                    path=self.path, error=exc
                )
            ) from exc
        finally:
            self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
            return
        try:
            self.close()
        except HistoryError as exc:
            # The error already on its way out says more; this one is told, not raised.
            log.warning("%s", exc)
