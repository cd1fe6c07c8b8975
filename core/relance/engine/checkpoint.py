"""The folded history, saved so that a day replays only the events recorded since.

Every plan folds the history into a :class:`~relance.engine.state.DunningState`, and
the history only grows: a ledger of a million invoices adds some 180,000 events a day
(its planned reminders, an intent and a settlement a message), and folding them all
took longer every day. A *checkpoint* is the state folded up to one event (its
``seq``), kept in the history file beside the events; the next fold starts from it and
replays what came after.

A checkpoint is a cache, never the record: the events stay the only truth. It is used
only when it was written by a fold that works exactly as this one (:func:`fingerprint`:
a digest of the fold's source), so that upgrading relance never carries a state that its
rules would not have built; a checkpoint that is missing, stale or unreadable is ignored
(and logged) and the whole history replayed, as before checkpoints existed.

The format is JSON, written and read here field by field: plain data, nothing that
loading could execute.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from contextlib import suppress
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from relance import __version__ as relance_version
from relance import model as model_module
from relance.batches import batches
from relance.engine import state as state_module
from relance.engine.state import (
    CustomerMemory,
    DunningState,
    InvoiceMemory,
    Pause,
    ReminderMemory,
)
from relance.history.store import Checkpoint, HistoryError
from relance.model import ChannelKind, HistoryEvent

if TYPE_CHECKING:
    from relance.history.store import HistoryStore

__all__ = ["FOLD_SOURCES", "SAVE_AFTER", "digest", "dump", "fingerprint", "fold", "load"]

log = logging.getLogger("relance.history")

SAVE_AFTER = 20_000
"""Events replayed on top of the last checkpoint from which a run saves a new one: below
that, replaying them costs less than writing the state (about 0.3 s)."""


FOLD_SOURCES: tuple[str | None, ...] = (
    getattr(state_module, "__file__", None),
    globals().get("__file__"),
    getattr(model_module, "__file__", None),
)
"""What a state is built from: the fold's rules, this format, the events' model."""


@cache
def fingerprint() -> str:
    """The fold that this relance runs, as :func:`digest` of :data:`FOLD_SOURCES`: a
    checkpoint written by any other is not used. Installed without its sources, relance
    is told apart by its version."""
    sources = [source for source in FOLD_SOURCES if source is not None]
    if len(sources) == len(FOLD_SOURCES):
        with suppress(OSError):
            return digest(sources)
    return f"relance {relance_version}"


def digest(files: Iterable[str | Path]) -> str:
    """A digest of the contents of ``files``."""
    hashed = hashlib.sha256()
    for file in files:
        hashed.update(Path(file).read_bytes())
    return hashed.hexdigest()[:32]


# Read as the modules are imported, not when a run first saves: relance upgraded during a
# long run must not label the old fold's checkpoint with the new sources' digest.
fingerprint()


def fold(store: HistoryStore, *, save_after: int | None = None) -> DunningState:
    """The history of ``store`` folded: from its checkpoint when this fold wrote it,
    replaying the events recorded after it; else from the first event.

    :param save_after: write a new checkpoint when the events replayed number more than
        this (counted by their numbers; a run passes :data:`SAVE_AFTER`); ``None`` writes
        none (a read-only ``plan``). One that cannot be written is logged, not raised.
    """
    state: DunningState | None = None
    after = 0
    saved = store.checkpoint()
    if saved is not None:
        if saved.fingerprint != fingerprint():
            log.info("history checkpoint written by another version of relance: not used")
        else:
            try:
                state = load(saved.payload)
                after = saved.seq
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                log.warning(
                    "history checkpoint unreadable (%s): the whole history is replayed", exc
                )
    if state is None:
        state = DunningState()
    last, last_id = after, ""
    for last, event in store.replay(after):  # noqa: B007 - the last event is what is kept
        state.apply(event)
        last_id = event.id
    if save_after is not None and last - after > save_after:
        try:
            store.save_checkpoint(Checkpoint(last, last_id, fingerprint(), dump(state)))
        except HistoryError as exc:  # a cache: the run goes on without it
            log.warning("%s", exc)
    return state


_CHANNELS = {kind.value: kind for kind in ChannelKind}


def dump(state: DunningState) -> bytes:
    """``state`` as JSON, encoded a few thousand entries at a time: at a million
    invoices, building the whole document as Python lists first took some 400 MB more
    than its 85 MB of text, at the moment of a run when memory matters."""
    sections: dict[str, Iterable[Any]] = {
        "invoices": (
            [
                source,
                invoice_id,
                _days(m.levels),
                _pause(m.pause),
                _day(m.promise),
                _days(m.again) if m.again is not None else None,
            ]
            for (source, invoice_id), m in state.invoices.items()
        ),
        "customers": (
            [source, customer_id, _day(m.last_message), _pause(m.pause), _day(m.handed_off)]
            for (source, customer_id), m in state.customers.items()
        ),
        "reminders": (
            [
                key,
                *m.customer,
                m.level,
                [list(pair) for pair in m.invoice_levels],
                sorted(channel.value for channel in m.sent),
                [[c.value, day.isoformat(), permanent] for c, (day, permanent) in m.failed.items()],
                _day(m.sent_on),
            ]
            for key, m in state.reminders.items()
        ),
        "unsettled": (
            [key, event.model_dump_json(exclude_defaults=True)]
            for key, event in state.unsettled.items()
        ),
        "unsettled_by_customer": (
            [source, customer_id, list(keys)]
            for (source, customer_id), keys in state.unsettled_by_customer().items()
        ),
        "sent_messages": sorted(state.sent_messages),
        "planned": sorted(state.planned),
        "approved": sorted(state.approved),
        "rejected": sorted(state.rejected),
    }
    parts = [b"{"]
    for name, entries in sections.items():
        if len(parts) > 1:
            parts.append(b",")
        parts += [orjson.dumps(name), b":", _array(entries)]
    parts.append(b"}")
    return b"".join(parts)


_CHUNK = 10_000
"""Entries encoded at a time by :func:`_array`."""


def _array(entries: Iterable[Any]) -> bytes:
    """``entries`` as a JSON array, encoded :data:`_CHUNK` at a time."""
    chunks = (orjson.dumps(chunk)[1:-1] for chunk in batches(entries, _CHUNK))
    return b"[" + b",".join(chunks) + b"]"


def load(payload: bytes) -> DunningState:
    """The state :func:`dump` wrote; ``ValueError``, ``TypeError``, ``KeyError``,
    ``IndexError`` or ``AttributeError`` when ``payload`` is not one."""
    document: dict[str, Any] = orjson.loads(payload)
    day = _Days()
    state = DunningState(
        invoices={
            (source, invoice_id): InvoiceMemory(
                {level: day(text) for level, text in levels},
                day.pause(pause),
                day.maybe(promise),
                None if again is None else {level: day(text) for level, text in again},
            )
            for source, invoice_id, levels, pause, promise, again in document["invoices"]
        },
        customers={
            (source, customer_id): CustomerMemory(
                day.maybe(last), day.pause(pause), day.maybe(handed)
            )
            for source, customer_id, last, pause, handed in document["customers"]
        },
        reminders={
            key: ReminderMemory(
                (source, customer_id),
                level,
                tuple((invoice_id, lvl) for invoice_id, lvl in invoice_levels),
                {_CHANNELS[channel] for channel in sent},
                {_CHANNELS[c]: (day(text), bool(permanent)) for c, text, permanent in failed},
                day.maybe(sent_on),
            )
            for key, source, customer_id, level, invoice_levels, sent, failed, sent_on in document[
                "reminders"
            ]
        },
        unsettled={
            key: HistoryEvent.model_validate_json(event) for key, event in document["unsettled"]
        },
        sent_messages=set(document["sent_messages"]),
        planned=set(document["planned"]),
        approved=set(document["approved"]),
        rejected=set(document["rejected"]),
    )
    state.reindex(
        {
            (source, customer_id): keys
            for source, customer_id, keys in document["unsettled_by_customer"]
        }
    )
    return state


class _Days:
    """Days read from text, each text once: a history names few distinct days, and its
    memories then share them."""

    def __init__(self) -> None:
        self.seen: dict[str, date] = {}

    def __call__(self, text: str) -> date:
        day = self.seen.get(text)
        if day is None:
            day = self.seen[text] = date.fromisoformat(text)
        return day

    def maybe(self, text: str | None) -> date | None:
        return None if text is None else self(text)

    def pause(self, pause: list[str | None] | None) -> Pause | None:
        if pause is None:
            return None
        reason, until = pause
        return Pause(reason=str(reason), until=self.maybe(until))


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _days(levels: dict[str, date]) -> list[list[str]]:
    return [[level, day.isoformat()] for level, day in levels.items()]


def _pause(pause: Pause | None) -> list[str | None] | None:
    return None if pause is None else [pause.reason, _day(pause.until)]
