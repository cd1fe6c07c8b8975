"""The interface of a history store, and the rules every implementation keeps.

* **Append-only**: events are never changed or deleted; a correction is a new event.
* **Claim before sending**: :meth:`HistoryStore.claim` writes a message's *intent*
  atomically, and refuses when that message was already delivered or another intent for
  it is still unsettled. This is what makes "never send twice" hold even when two runs
  overlap or a run is killed between the intent and the delivery.
* **Exactly one settlement per intent**: :meth:`HistoryStore.settle` records the
  ``sent``, ``failed`` or ``resolved`` event of one intent, and refuses a second one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from relance.errors import RelanceError
from relance.model import EventType, HistoryEvent

__all__ = [
    "SETTLEMENTS",
    "AlreadyClaimed",
    "Checkpoint",
    "HistoryError",
    "HistoryStore",
    "SettleError",
]

SETTLEMENTS = frozenset({EventType.SENT, EventType.FAILED, EventType.RESOLVED})


class HistoryError(RelanceError):
    """The history file cannot be used (unreadable, corrupt, from a newer relance)."""


class AlreadyClaimed(RelanceError):
    """The message was already delivered, or another intent for it is unsettled."""


class SettleError(RelanceError):
    """A settlement names no unsettled intent (unknown, or already settled)."""


@dataclass(frozen=True)
class Checkpoint:
    """The history folded up to the event numbered ``seq``, as
    :mod:`relance.engine.checkpoint` wrote it: a cache of the fold, never the record."""

    seq: int
    event_id: str
    """The id of the event numbered ``seq``: in another history (a file restored from a
    backup, whose numbers are handed out again) the same number names another event."""
    fingerprint: str
    """Which fold wrote it (:func:`relance.engine.checkpoint.fingerprint`)."""
    payload: bytes


class HistoryStore(Protocol):
    """What the engine needs from a history store."""

    def append(self, event: HistoryEvent) -> None:
        """Record an event that is neither an intent nor a settlement."""

    def append_all(self, events: Iterable[HistoryEvent]) -> None:
        """Record such events together, all or none: one durable write for a run's
        planned reminders, where one each would cost a disk flush apiece."""

    def claim(self, intent: HistoryEvent) -> None:
        """Record the intent to send ``intent.message_key``, or raise :class:`AlreadyClaimed`."""

    def settle(self, event: HistoryEvent) -> None:
        """Record the settlement of the intent ``event.settles``, or raise :class:`SettleError`."""

    def events(
        self,
        *,
        source: str | None = None,
        customer_id: str | None = None,
        types: Iterable[EventType] | None = None,
    ) -> Iterator[HistoryEvent]:
        """Events in the order they were recorded, optionally filtered."""

    def replay(self, after: int = 0) -> Iterator[tuple[int, HistoryEvent]]:
        """Every event recorded after the one numbered ``after``, in order, with its
        number (increasing, never reused).

        Numbers follow the order in which events are committed: once an event can be
        read, no event with a lower number may appear later. A checkpoint relies on it
        (the events up to its number are all in it); a store whose numbers are handed
        out before commit (a database sequence, with concurrent writers) must not offer
        checkpoints.
        """

    def checkpoint(self) -> Checkpoint | None:
        """The last checkpoint saved, if it is one of this history (its event, number
        and id, is here)."""

    def save_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Keep ``checkpoint`` in place of the last one, unless that one is of a later
        event of this history by the same fold (not flushed: it is a cache);
        :class:`HistoryError` if it cannot be written."""

    def unsettled(self) -> list[HistoryEvent]:
        """Intents that no event settles yet, oldest first."""

    def close(self) -> None:
        """Release the store's resources."""
