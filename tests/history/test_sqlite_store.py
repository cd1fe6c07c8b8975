"""The SQLite history store keeps its promises: append-only, one claim, one settlement."""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from relance.history import AlreadyClaimed, HistoryError, SettleError, SQLiteStore
from relance.history.sqlite import SCHEMA_VERSION
from relance.history.store import Checkpoint
from relance.model import ChannelKind, EventType, HistoryEvent, Money


def intent(key: str = "r1:email") -> HistoryEvent:
    return HistoryEvent(
        type=EventType.INTENT,
        source="csv",
        customer_id="C1",
        reminder_key=key.split(":", maxsplit=1)[0],
        message_key=key,
        level="first",
        channel=ChannelKind.EMAIL,
        invoice_ids=("F1",),
        invoice_levels=(("F1", "first"),),
        amounts=(Money(amount=Decimal("120.50"), currency="EUR"),),
        run_date=date(2026, 3, 16),
    )


def settlement(of: HistoryEvent, kind: EventType = EventType.SENT, **extra: object) -> HistoryEvent:
    return HistoryEvent(
        type=kind,
        settles=of.id,
        source=of.source,
        customer_id=of.customer_id,
        reminder_key=of.reminder_key,
        message_key=of.message_key,
        channel=of.channel,
        invoice_levels=of.invoice_levels,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "history.sqlite3")


def test_events_round_trip_exactly(store: SQLiteStore) -> None:
    event = intent()
    store.claim(event)
    assert list(store.events()) == [event]
    assert store.schema_version == SCHEMA_VERSION


def test_the_file_is_in_wal_mode(store: SQLiteStore) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_message_cannot_be_claimed_twice_while_unsettled(store: SQLiteStore) -> None:
    store.claim(intent())
    with pytest.raises(AlreadyClaimed, match="r1:email"):
        store.claim(intent())
    assert [e.message_key for e in store.unsettled()] == ["r1:email"]


def test_a_sent_message_cannot_be_claimed_again(store: SQLiteStore) -> None:
    first = intent()
    store.claim(first)
    store.settle(settlement(first))
    with pytest.raises(AlreadyClaimed):
        store.claim(intent())
    assert store.unsettled() == []


def test_a_failed_message_can_be_claimed_again(store: SQLiteStore) -> None:
    first = intent()
    store.claim(first)
    store.settle(settlement(first, EventType.FAILED, reason="SMTP 451"))
    store.claim(intent())
    assert len(store.unsettled()) == 1


def test_a_message_resolved_as_sent_cannot_be_claimed_again(store: SQLiteStore) -> None:
    first = intent()
    store.claim(first)
    store.settle(settlement(first, EventType.RESOLVED, reason="sent: seen in the mailbox"))
    with pytest.raises(AlreadyClaimed):
        store.claim(intent())


def test_an_intent_is_settled_once(store: SQLiteStore) -> None:
    first = intent()
    store.claim(first)
    store.settle(settlement(first))
    with pytest.raises(SettleError, match="already settled"):
        store.settle(settlement(first, EventType.FAILED))


def test_a_settlement_must_name_a_known_intent_of_the_same_message(store: SQLiteStore) -> None:
    first = intent()
    store.claim(first)
    ghost = HistoryEvent(type=EventType.SENT, settles="nope", message_key="r1:email")
    with pytest.raises(SettleError, match="no intent nope"):
        store.settle(ghost)
    other = HistoryEvent(type=EventType.SENT, settles=first.id, message_key="r2:email")
    with pytest.raises(SettleError, match="is for message r1:email"):
        store.settle(other)


def test_the_history_is_append_only(store: SQLiteStore) -> None:
    store.append(HistoryEvent(type=EventType.NOTE, reason="called the customer"))
    db = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET type = 'sent'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM events")


def test_intents_and_settlements_go_through_their_own_methods(store: SQLiteStore) -> None:
    with pytest.raises(ValueError, match="claim"):
        store.append(intent())


def test_events_appended_together_are_recorded_all_or_none(store: SQLiteStore) -> None:
    paused = HistoryEvent(type=EventType.PAUSED, source="csv", customer_id="C1")
    note = HistoryEvent(type=EventType.NOTE, reason="called the customer")
    with pytest.raises(ValueError, match="claim"):
        store.append_all([paused, intent()])
    with pytest.raises(sqlite3.IntegrityError):
        store.append_all([paused, note, paused])  # the same event twice: its id is taken
    assert list(store.events()) == []
    store.append_all([paused, note])
    store.append_all([])
    assert list(store.events()) == [paused, note]


def test_events_are_filtered_by_customer_and_type(store: SQLiteStore) -> None:
    at = datetime(2026, 3, 16, 9, tzinfo=UTC)
    store.append(HistoryEvent(type=EventType.PAUSED, at=at, source="csv", customer_id="C1"))
    store.append(HistoryEvent(type=EventType.PAUSED, at=at, source="csv", customer_id="C2"))
    store.append(HistoryEvent(type=EventType.NOTE, at=at, source="csv", customer_id="C1"))
    assert [e.customer_id for e in store.events(customer_id="C1")] == ["C1", "C1"]
    assert [e.type for e in store.events(types=[EventType.PAUSED])] == ["paused", "paused"]


def test_a_file_from_a_newer_relance_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError, match="newer than this relance knows"):
        SQLiteStore(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_text("this is not sqlite\n" * 200)
    with pytest.raises(HistoryError, match=r"h\.sqlite3: cannot be opened"):
        SQLiteStore(path)


@pytest.mark.parametrize("readonly", [False, True])
@pytest.mark.parametrize("content", ["empty", "another database"])
def test_a_file_without_a_history_is_refused_never_started_afresh(
    tmp_path: Path, readonly: bool, content: str
) -> None:
    """A truncated history started afresh would remind every customer again."""
    path = tmp_path / "h.sqlite3"
    if content == "empty":
        path.write_bytes(b"")
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE notes (text)")
        db.close()

    with pytest.raises(HistoryError, match=r"h\.sqlite3 holds no relance history .*backup"):
        SQLiteStore(path, readonly=readonly)
    if content == "empty":
        assert path.stat().st_size == 0  # nothing written into it
    else:
        db = sqlite3.connect(path)
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
        db.close()


def test_a_read_only_file_is_a_clear_error_before_anything_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.sqlite3"
    SQLiteStore(path).close()
    path.chmod(0o444)
    if os.geteuid() == 0:  # root may write anyway: ask as a user would be answered
        monkeypatch.setattr("relance.history.sqlite.os.access", lambda _path, _mode: False)

    with pytest.raises(HistoryError, match=r"h\.sqlite3 is read-only"):
        SQLiteStore(path)
    SQLiteStore(path, readonly=True).close()  # plan, report: reading is enough


def test_reopening_keeps_events_and_does_not_migrate_twice(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with SQLiteStore(path) as first:
        first.claim(intent())
    with SQLiteStore(path) as second:
        assert len(second.unsettled()) == 1
        assert second.schema_version == SCHEMA_VERSION


def test_a_read_only_store_never_creates_or_writes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with SQLiteStore(path, readonly=True) as empty:
        assert list(empty.events()) == []
    assert not path.exists()
    with SQLiteStore(path) as store:
        store.claim(intent())
    with SQLiteStore(path, readonly=True) as reader:
        assert [e.message_key for e in reader.unsettled()] == ["r1:email"]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.claim(intent("r2:email"))


def _commits_by_sync_level(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sync level (``FULL``, ``NORMAL``) each commit of the stores opened from now on
    runs under, in order, read off the statements their connections execute."""
    commits: list[str] = []
    level = ["FULL"]  # SQLite's default, until the store sets its own
    connect = sqlite3.connect

    def on_statement(statement: str) -> None:
        words = statement.upper().replace("=", " = ").split()
        if words[:3] == ["PRAGMA", "SYNCHRONOUS", "="]:
            level[0] = words[3]
        elif words == ["COMMIT"]:
            commits.append(level[0])

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        db = connect(*args, **kwargs)  # type: ignore[arg-type]
        db.set_trace_callback(on_statement)
        return db

    monkeypatch.setattr(sqlite3, "connect", traced)
    return commits


def test_only_claims_commit_with_a_flush_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = _commits_by_sync_level(monkeypatch)
    with SQLiteStore(tmp_path / "history.sqlite3") as store:
        # The schema's creation, a commit a step, then the checkpoint's table.
        created = ["NORMAL"] * (SCHEMA_VERSION + 1)
        assert commits == created
        first, second = intent("r1:email"), intent("r2:email")
        store.claim(first)
        store.settle(settlement(first))
        with pytest.raises(SettleError):
            store.settle(settlement(first))
        with pytest.raises(AlreadyClaimed):
            store.claim(intent("r1:email"))
        store.claim(second)
        store.append(HistoryEvent(type=EventType.PAUSED, source="csv", customer_id="C1"))
        store.save_checkpoint(Checkpoint(1, first.id, "fold", b"{}"))
    assert commits == [*created, "FULL", "NORMAL", "FULL", "NORMAL", "NORMAL"]


def _flushed_inodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The inodes of the files relance flushes with ``os.fsync`` from now on."""
    inodes: list[int] = []
    fsync = os.fsync

    def record(descriptor: int) -> None:
        inodes.append(os.fstat(descriptor).st_ino)
        fsync(descriptor)

    monkeypatch.setattr(os, "fsync", record)
    return inodes


@pytest.mark.parametrize("last", ["settlement", "pause"])
def test_closing_flushes_what_no_claim_flushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last: str
) -> None:
    path = tmp_path / "history.sqlite3"
    SQLiteStore(path).close()
    flushed = _flushed_inodes(monkeypatch)
    reader = sqlite3.connect(path)  # another process reading keeps the log in place
    store = SQLiteStore(path)
    reader.execute("SELECT 1 FROM events").fetchall()
    event = intent()
    store.claim(event)
    if last == "settlement":
        store.settle(settlement(event))
    else:
        store.append(HistoryEvent(type=EventType.PAUSED, source="csv", customer_id="C1"))
    assert flushed == []
    wal = Path(f"{path}-wal").stat().st_ino
    store.close()
    assert flushed == [wal]
    reader.close()
    assert len(list(SQLiteStore(path, readonly=True).events())) == 2


def test_closing_after_a_claim_flushes_nothing_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed = _flushed_inodes(monkeypatch)
    with SQLiteStore(tmp_path / "history.sqlite3") as store:
        first, second = intent("r1:email"), intent("r2:email")
        store.claim(first)
        store.settle(settlement(first))
        store.claim(second)
    assert flushed == []


def test_a_flush_that_fails_on_closing_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.sqlite3"
    store = SQLiteStore(path)
    event = intent()
    store.claim(event)
    store.settle(settlement(event))

    def failing(_descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    message = f"history file {path}: cannot be written: [Errno 5] Input/output error"
    with pytest.raises(HistoryError, match=re.escape(message)):
        store.close()
    with pytest.raises(sqlite3.ProgrammingError):  # closed all the same
        store.schema_version  # noqa: B018


def test_a_store_opened_through_a_link_flushes_the_log_beside_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite keeps the log beside the real file: that is the one to flush."""
    (tmp_path / "real").mkdir()
    link = tmp_path / "history.sqlite3"
    link.symlink_to(tmp_path / "real" / "history.sqlite3")
    flushed = _flushed_inodes(monkeypatch)
    store = SQLiteStore(link)
    event = intent()
    store.claim(event)
    store.settle(settlement(event))
    wal = (tmp_path / "real" / "history.sqlite3-wal").stat().st_ino
    store.close()
    assert flushed == [wal]


def test_a_failed_flush_does_not_hide_the_error_on_its_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def failing(_descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    with (  # noqa: PT012 - the error must leave the store's block
        pytest.raises(KeyError, match="the run's own error"),
        SQLiteStore(tmp_path / "history.sqlite3") as store,
    ):
        event = intent()
        store.claim(event)
        store.settle(settlement(event))
        monkeypatch.setattr(os, "fsync", failing)
        raise KeyError("the run's own error")
    assert "cannot be written: [Errno 5] Input/output error" in caplog.text


class _NoWal:
    """A connection on a filesystem where SQLite cannot use WAL (some network shares):
    asking for it leaves the rollback journal."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, statement: str, *args: object) -> sqlite3.Cursor:
        if statement == "PRAGMA journal_mode = WAL":
            statement = "PRAGMA journal_mode"
        return self._db.execute(statement, *args)  # type: ignore[arg-type]

    def close(self) -> None:
        self._db.close()


def test_without_wal_every_write_is_flushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rollback journal under NORMAL can be corrupted by a power cut: every commit is
    then FULL, and closing has no log to flush."""
    commits = _commits_by_sync_level(monkeypatch)
    traced = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: _NoWal(traced(*a, **k)))
    flushed = _flushed_inodes(monkeypatch)
    with SQLiteStore(tmp_path / "history.sqlite3") as store:
        event = intent()
        store.claim(event)
        store.settle(settlement(event))
        store.append(HistoryEvent(type=EventType.PAUSED, source="csv", customer_id="C1"))
    assert commits == ["FULL"] * (SCHEMA_VERSION + 1 + 3)
    assert flushed == []
    assert not Path(f"{tmp_path / 'history.sqlite3'}-wal").exists()


def test_a_full_disk_is_reported_as_such(tmp_path: Path) -> None:
    """SQLite rolls a transaction back itself when the disk is full: the error said is
    the full disk's, not that of a second rollback."""
    with SQLiteStore(tmp_path / "history.sqlite3") as store:
        store.append(HistoryEvent(type=EventType.PAUSED, source="csv", customer_id="C1"))
        (pages,) = store._db.execute("PRAGMA page_count").fetchone()
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        big = "x" * 100_000
        with pytest.raises(sqlite3.OperationalError, match="full"):
            store.append(HistoryEvent(type=EventType.PAUSED, source="csv", reason=big))
        with pytest.raises(HistoryError, match="cannot keep the checkpoint: database or disk"):
            store.save_checkpoint(Checkpoint(1, "id", "fold", big.encode()))
        store._db.execute(f"PRAGMA max_page_count = {pages * 100}")
        store.append(HistoryEvent(type=EventType.PAUSED, source="csv", customer_id="C2"))
        assert [e.customer_id for e in store.events()] == ["C1", "C2"]
