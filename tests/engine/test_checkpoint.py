"""The folded history saved in the history file: a fold from a checkpoint is the fold
of every event, and a checkpoint that does not fit is ignored, never trusted."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.engine import checkpoint
from relance.engine import runner as runner_module
from relance.engine.checkpoint import digest, dump, fingerprint, fold, load
from relance.engine.state import DunningState
from relance.history import SQLiteStore
from relance.history.sqlite import SCHEMA_VERSION
from relance.history.store import Checkpoint
from relance.model import ChannelKind, EventType, HistoryEvent
from relance.testing.ledgers import invoice

from .conftest import CONFIG, OUTBOX, Workspace, state_views

START = date(2026, 1, 5)
TODAY = date(2026, 3, 16)
CUSTOMERS = ["C1", "C2", "C3"]
MESSAGES = ["m1", "m2", "m3", "m4"]
REMINDERS = ["r1", "r2", "r3"]


@st.composite
def events(draw: st.DrawFn) -> HistoryEvent:
    """Any event the fold may meet, consistent or not: the same few customers, reminders
    and message keys, so that events meet each other's."""
    kind = draw(st.sampled_from(list(EventType)))
    day = START + timedelta(days=draw(st.integers(0, 30)))
    customer = draw(st.sampled_from([*CUSTOMERS, None]))
    invoices = draw(st.lists(st.sampled_from(["F1", "F2", "F3", "F4"]), max_size=3, unique=True))
    return HistoryEvent(
        type=kind,
        at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        run_date=draw(st.none() | st.just(day)),
        source=draw(st.sampled_from(["csv", "csv", "odoo", None])),
        customer_id=customer,
        invoice_ids=tuple(invoices),
        invoice_levels=tuple((i, draw(st.sampled_from(["first", "final"]))) for i in invoices),
        level=draw(st.sampled_from(["first", "final", None])),
        channel=draw(st.none() | st.sampled_from(list(ChannelKind))),
        reminder_key=draw(st.sampled_from([*REMINDERS, None])),
        message_key=draw(st.sampled_from([*MESSAGES, None])),
        until=draw(st.none() | st.just(day + timedelta(days=7))),
        reason=draw(st.sampled_from([None, "sent", "sent by hand", "not_sent", "dispute"])),
        details=draw(st.sampled_from([(), (("permanent", "true"),), (("permanent", "false"),)])),
    )


def views(state: DunningState) -> tuple[object, ...]:
    return state_views(
        state, [(source, c) for source in ("csv", "odoo", "") for c in [*CUSTOMERS, ""]]
    )


@given(st.lists(events(), max_size=40), st.integers(0, 40))
def test_a_fold_resumed_from_a_checkpoint_is_the_fold_of_every_event(
    history: list[HistoryEvent], cut: int
) -> None:
    cut = min(cut, len(history))
    resumed = load(dump(DunningState.from_events(history[:cut])))
    for event in history[cut:]:
        resumed.apply(event)
    assert views(resumed) == views(DunningState.from_events(history))


@given(st.lists(events(), max_size=40), st.sampled_from([1, 2, 3, checkpoint._CHUNK]))
def test_dump_then_load_gives_the_same_state(history: list[HistoryEvent], chunk: int) -> None:
    """Whatever the entries encoded at a time, the same document (and empty sections)."""
    state = DunningState.from_events(history)
    whole = dump(state)
    original, checkpoint._CHUNK = checkpoint._CHUNK, chunk
    try:
        assert dump(state) == whole
    finally:
        checkpoint._CHUNK = original
    assert views(load(whole)) == views(state)


def planned(reminder: str, customer: str = "C1") -> HistoryEvent:
    return HistoryEvent(
        type=EventType.PLANNED,
        at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        source="csv",
        customer_id=customer,
        reminder_key=reminder,
    )


def event_id(store: SQLiteStore, seq: int) -> str:
    """The id of the event numbered ``seq``."""
    return {n: event.id for n, event in store.replay()}[seq]


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "history.sqlite3")


class Replays:
    """A store whose replays are counted: where each started, how many events each gave."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self.calls: list[tuple[int, int]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def replay(self, after: int = 0):  # type: ignore[no-untyped-def]
        given = list(self.store.replay(after))
        self.calls.append((after, len(given)))
        return iter(given)


def test_a_run_saves_a_checkpoint_and_the_next_fold_replays_only_what_came_after(
    store: SQLiteStore,
) -> None:
    store.append_all(planned(f"r{n}") for n in range(5))
    assert store.checkpoint() is None
    folded = fold(store, save_after=3)
    saved = store.checkpoint()
    assert saved is not None
    assert (saved.seq, saved.event_id, saved.fingerprint) == (5, event_id(store, 5), fingerprint())
    assert views(load(saved.payload)) == views(folded)

    store.append_all(planned(f"r{n}", customer="C2") for n in range(5, 7))
    counted = Replays(store)
    again = fold(counted, save_after=3)  # type: ignore[arg-type]
    assert counted.calls == [(5, 2)]
    assert views(again) == views(DunningState.from_events(store.events()))
    assert store.checkpoint() == saved  # two events: not worth a new one


def test_no_checkpoint_is_saved_below_the_threshold_or_without_asking(store: SQLiteStore) -> None:
    store.append_all(planned(f"r{n}") for n in range(5))
    fold(store, save_after=5)
    fold(store)
    assert store.checkpoint() is None


def test_a_checkpoint_of_another_fold_is_not_used(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    """A checkpoint written by another version of relance's fold would carry a state its
    rules did not build: the whole history is replayed instead."""
    store.append_all(planned(f"r{n}") for n in range(3))
    store.save_checkpoint(Checkpoint(3, event_id(store, 3), "another fold", dump(DunningState())))
    counted = Replays(store)
    with caplog.at_level(logging.INFO, logger="relance.history"):
        state = fold(counted)  # type: ignore[arg-type]
    assert counted.calls == [(0, 3)]
    assert state.planned == {"r0", "r1", "r2"}
    assert "another version of relance" in caplog.text


def test_an_unreadable_checkpoint_is_replaced_by_the_whole_history(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.append_all(planned(f"r{n}") for n in range(3))
    store.save_checkpoint(Checkpoint(3, event_id(store, 3), fingerprint(), b'{"invoices": [1]}'))
    with caplog.at_level(logging.WARNING, logger="relance.history"):
        state = fold(store, save_after=0)
    assert state.planned == {"r0", "r1", "r2"}
    assert "history checkpoint unreadable" in caplog.text
    saved = store.checkpoint()
    assert saved is not None  # replaced by a good one
    assert load(saved.payload) == state


def test_a_checkpoint_of_another_history_is_never_used_nor_kept(store: SQLiteStore) -> None:
    """A checkpoint whose event this file does not hold (a file restored from a backup
    under a later checkpoint, its numbers handed out again): not used, replaced at the
    next save, and not trusted once the numbers catch up with it."""
    store.append_all(planned(f"r{n}") for n in range(3))
    ghost = dump(DunningState.from_events([planned("ghost")]))
    store.save_checkpoint(Checkpoint(6, "elsewhere", fingerprint(), ghost))
    assert store.checkpoint() is None
    assert fold(store, save_after=0).planned == {"r0", "r1", "r2"}
    saved = store.checkpoint()
    assert saved is not None
    assert (saved.seq, saved.event_id) == (3, event_id(store, 3))
    # The same number, another event: the id tells them apart.
    store.save_checkpoint(Checkpoint(3, "elsewhere", fingerprint(), ghost))
    assert store.checkpoint() is None
    store.append_all(planned(f"r{n}") for n in range(3, 7))
    assert fold(store).planned == {f"r{n}" for n in range(7)}
    assert views(fold(store, save_after=0)) == views(DunningState.from_events(store.events()))


def test_a_history_without_the_checkpoint_table_gets_it_and_keeps_its_version(
    tmp_path: Path,
) -> None:
    """A file an earlier relance wrote has no checkpoint table: read-only (``relance
    plan``) it folds from the first event; opened to write, it gets the table and keeps
    its schema version, so that the earlier relance still opens it."""
    path = tmp_path / "history.sqlite3"
    with SQLiteStore(path) as store:
        store.append_all(planned(f"r{n}") for n in range(2))
    db = sqlite3.connect(path)
    db.execute("DROP TABLE checkpoint")
    db.close()
    with SQLiteStore(path, readonly=True) as earlier:
        assert earlier.checkpoint() is None
        assert fold(earlier).planned == {"r0", "r1"}
    with SQLiteStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        fold(store, save_after=0)
        assert store.checkpoint() is not None


def test_a_checkpoint_whose_index_disagrees_is_not_trusted(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    """A message in doubt holds its customer: a checkpoint whose per-customer index
    leaves one out would let the customer be reminded. It is refused, and the whole
    history replayed."""
    intent = HistoryEvent(
        type=EventType.INTENT, source="csv", customer_id="C1", reminder_key="r1",
        message_key="r1:email", channel=ChannelKind.EMAIL,
    )  # fmt: skip
    store.claim(intent)
    good = DunningState.from_events([intent])
    assert [e.id for e in good.unsettled_for(("csv", "C1"))] == [intent.id]
    document = orjson.loads(dump(good))
    document["unsettled_by_customer"] = []
    with pytest.raises(ValueError, match="missing from their index"):
        load(orjson.dumps(document))
    document["unsettled_by_customer"] = [["csv", "C2", ["r1:email"]]]
    with pytest.raises(ValueError, match="misplaced"):
        load(orjson.dumps(document))
    store.save_checkpoint(Checkpoint(1, intent.id, fingerprint(), orjson.dumps(document)))
    with caplog.at_level(logging.WARNING, logger="relance.history"):
        state = fold(store)
    assert [e.id for e in state.unsettled_for(("csv", "C1"))] == [intent.id]
    assert "history checkpoint unreadable" in caplog.text


def test_a_checkpoint_that_cannot_be_written_is_reported_and_the_fold_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "history.sqlite3"
    with SQLiteStore(path) as store:
        store.append_all(planned(f"r{n}") for n in range(3))
    with SQLiteStore(path, readonly=True) as readonly:
        with caplog.at_level(logging.WARNING, logger="relance.history"):
            state = fold(readonly, save_after=0)
        assert state.planned == {"r0", "r1", "r2"}
        assert readonly.checkpoint() is None
    assert "cannot keep the checkpoint" in caplog.text
    assert str(path) in caplog.text


def test_an_earlier_checkpoint_does_not_replace_a_later_one(store: SQLiteStore) -> None:
    """Two runs at once: the one that folded fewer events saves last, and the later
    checkpoint stays; one written by another fold is replaced whatever its event."""
    store.append_all(planned(f"r{n}") for n in range(3))
    state = dump(DunningState.from_events(store.events()))
    later = Checkpoint(3, event_id(store, 3), fingerprint(), state)
    store.save_checkpoint(later)
    store.save_checkpoint(Checkpoint(2, event_id(store, 2), fingerprint(), b"{}"))
    assert store.checkpoint() == later
    store.save_checkpoint(Checkpoint(3, event_id(store, 3), "another fold", b"{}"))
    store.save_checkpoint(Checkpoint(2, event_id(store, 2), fingerprint(), state))
    saved = store.checkpoint()
    assert saved is not None
    assert (saved.seq, saved.fingerprint) == (2, fingerprint())


def test_relance_run_saves_a_checkpoint_and_relance_plan_does_not(
    workspace: Workspace, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below 20,000 events replayed, a run saves none; here the threshold is 0."""
    monkeypatch.setattr(runner_module, "SAVE_AFTER", 0)
    workspace.write_ledger([invoice("F1", due=TODAY - timedelta(days=40))])
    workspace.configure(OUTBOX)
    with SQLiteStore(workspace.folder / "history.sqlite3") as store:
        store.append(planned("earlier"))
    assert cli("plan", "--today", TODAY.isoformat()).code == 0
    with SQLiteStore(workspace.folder / "history.sqlite3") as store:
        assert store.checkpoint() is None
    result = cli("run", "--yes", "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    with SQLiteStore(workspace.folder / "history.sqlite3") as store:
        saved = store.checkpoint()
        assert saved is not None
        assert saved.seq == 1  # the history as the run found it, before its own events
        assert len(list(store.replay(saved.seq))) > 0
        assert views(fold(store)) == views(DunningState.from_events(store.events()))


def test_the_fingerprint_follows_the_fold_source(tmp_path: Path) -> None:
    """Any change to the fold's module, this format's or the event model's gives another
    fingerprint, so a checkpoint from before an upgrade is never used after it."""
    from relance import model
    from relance.engine import state as state_module

    assert [Path(p).name for p in checkpoint.FOLD_SOURCES] == [
        Path(m.__file__).name for m in (state_module, checkpoint, model)
    ]
    assert fingerprint() == digest(checkpoint.FOLD_SOURCES)
    copies = []
    for source in checkpoint.FOLD_SOURCES:
        copy = tmp_path / Path(source).name
        copy.write_bytes(Path(source).read_bytes())
        copies.append(copy)
    assert digest(copies) == fingerprint()
    for copy in copies:
        original = copy.read_bytes()
        copy.write_bytes(original + b"\n")
        assert digest(copies) != fingerprint()
        copy.write_bytes(original)


def test_without_its_sources_relance_is_told_apart_by_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed from compiled files only, the fold's sources cannot be read: the
    version stands for them, and folding works as before."""
    from relance import __version__

    monkeypatch.setattr(checkpoint, "FOLD_SOURCES", (str(tmp_path / "state.py"),))
    fingerprint.cache_clear()
    try:
        assert fingerprint() == f"relance {__version__}"
        with SQLiteStore(tmp_path / "history.sqlite3") as store:
            store.append_all(planned(f"r{n}") for n in range(2))
            fold(store, save_after=0)
            saved = store.checkpoint()
            assert saved is not None
            assert saved.fingerprint == f"relance {__version__}"
            assert fold(store).planned == {"r0", "r1"}
    finally:
        fingerprint.cache_clear()


def test_without_checkpoints_a_run_folds_every_event_and_writes_none(
    workspace: Workspace, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``[history] checkpoint = false``: the same decisions, every event folded, and a
    checkpoint already in the file left unread."""
    monkeypatch.setattr(runner_module, "SAVE_AFTER", 0)
    workspace.write_ledger([invoice("F1", due=TODAY - timedelta(days=40))])
    history = '[history]\npath = "history.sqlite3"\n'
    assert history in CONFIG
    workspace.config.write_text(
        CONFIG.replace(history, history + "checkpoint = false\n") + OUTBOX, encoding="utf-8"
    )
    with SQLiteStore(workspace.folder / "history.sqlite3") as store:
        store.append(planned("earlier"))
        # A checkpoint that would hide the event above, were it read.
        store.save_checkpoint(
            Checkpoint(1, event_id(store, 1), fingerprint(), dump(DunningState()))
        )
    counted: list[int] = []
    replay = SQLiteStore.replay

    def spy(self: SQLiteStore, after: int = 0):  # type: ignore[no-untyped-def]
        counted.append(after)
        return replay(self, after)

    monkeypatch.setattr(SQLiteStore, "replay", spy)
    result = cli("run", "--yes", "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    assert counted == []
    with SQLiteStore(workspace.folder / "history.sqlite3") as store:
        saved = store.checkpoint()
        assert saved is not None
        assert saved.seq == 1  # the one written above, not a new one


def test_a_checkpoint_table_without_the_event_id_is_replaced(tmp_path: Path) -> None:
    """A table left by a development version, without the event's id: ignored
    read-only, replaced (it is only a cache) when the file is opened to write."""
    path = tmp_path / "history.sqlite3"
    with SQLiteStore(path) as store:
        store.append_all(planned(f"r{n}") for n in range(2))
    db = sqlite3.connect(path)
    db.executescript(
        "DROP TABLE checkpoint;"
        "CREATE TABLE checkpoint (slot INTEGER PRIMARY KEY CHECK (slot = 1),"
        " seq INTEGER NOT NULL, fingerprint TEXT NOT NULL, payload BLOB NOT NULL);"
        "INSERT INTO checkpoint VALUES (1, 2, 'fold', x'7b7d');"
    )
    db.close()
    with SQLiteStore(path, readonly=True) as readonly:
        assert readonly.checkpoint() is None
        assert fold(readonly).planned == {"r0", "r1"}
    with SQLiteStore(path) as store:
        assert store.checkpoint() is None
        fold(store, save_after=0)
        saved = store.checkpoint()
        assert saved is not None
        assert (saved.seq, saved.event_id) == (2, event_id(store, 2))
