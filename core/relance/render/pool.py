"""Rendering a run's messages on every core.

A letter is a PDF typeset by Typst: 10 to 25 ms by its length, ten to twenty times an
email. A day with thousands of letters is bound by one core, so a run that renders many of
them hands its reminders to worker processes, a few at a time, which render them
while the relance process gathers what the next ones need (their invoices' PDFs).

The workers start fresh (``forkserver`` where the platform has it, else ``spawn``;
never ``fork``, which would copy the run's open history database and threads): they
receive the company, the day, the template folders and the operator's language once,
then reminders with their customer's history and their invoices' PDFs, and send back
the messages. Nothing else of the relance process reaches them, and they send nothing:
delivering, recording and every plugin call stay in the relance process. A template
error in a worker is raised here, as rendering in process would have raised it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import wait
from typing import TYPE_CHECKING

from relance.batches import batches
from relance.i18n import current_language, set_language
from relance.model import HistoryEvent, Message
from relance.render.compose import compose_reminder
from relance.render.context import LETTER_KINDS
from relance.render.documents import InvoiceCopies

if TYPE_CHECKING:
    from relance.config import CompanySettings
    from relance.engine.planner import Reminder
    from relance.render.environment import TemplateEnvironment

__all__ = ["Rendering", "compose_all", "default_workers", "workers_for"]

WORTH_A_POOL = 100
"""Letters in a run from which workers pay for their start (about a second each)."""


@dataclass(frozen=True)
class Rendering:
    """One reminder to render, with what its messages show beside it."""

    reminder: Reminder
    history: Sequence[HistoryEvent] = ()
    """Its customer's history: the formal notice lists the reminders delivered."""
    copies: InvoiceCopies = field(default_factory=InvoiceCopies)
    """Its invoices' PDFs, attached to its email, and whether some were left out."""


def default_workers() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers_for(reminders: Sequence[Reminder], workers: int | None = None) -> int:
    """The processes to render ``reminders`` on (1: the relance process).

    :param workers: as asked (``[templates] workers``); ``None`` uses every core once the
        reminders have :data:`WORTH_A_POOL` letters, and the relance process below that.
    """
    if workers is None:
        letters = sum(kind in LETTER_KINDS for reminder in reminders for kind in reminder.channels)
        workers = default_workers() if letters >= WORTH_A_POOL else 1
    return max(1, min(workers, len(reminders)))


CHUNK = 8
"""Reminders a worker receives at a time: a round trip costs about an email's rendering."""

AHEAD = 4
"""Chunks given to each worker ahead of the one whose messages are awaited."""


def compose_all(
    renderings: Iterable[Rendering],
    *,
    company: CompanySettings,
    today: date,
    templates: TemplateEnvironment,
    workers: int = 1,
) -> Iterator[list[Message]]:
    """The messages of each reminder (:func:`compose_reminder`), in the order given.

    ``renderings`` are taken as the messages are wanted, a few chunks ahead of them, so
    that a run holds only those in memory, however many reminders it renders (their
    invoices' PDFs included). ``workers`` (see :func:`workers_for`) above 1 renders on
    that many worker processes.
    """
    if workers <= 1:
        for rendering in renderings:
            yield _compose(rendering, company, today, templates)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(company, today, templates, current_language()),
    ) as pool:
        pending: deque[Future[list[list[Message]]]] = deque()
        try:
            for chunk in batches(renderings, CHUNK):
                pending.append(pool.submit(_compose_in_worker, chunk))
                if len(pending) > workers * AHEAD:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            # On an error (or when the caller stops early), what was not started is dropped.
            pool.shutdown(cancel_futures=True)


def _compose(
    rendering: Rendering,
    company: CompanySettings,
    today: date,
    templates: TemplateEnvironment,
) -> list[Message]:
    return compose_reminder(
        rendering.reminder,
        company=company,
        today=today,
        templates=templates,
        history=rendering.history,
        copies=rendering.copies,
    )


@dataclass(frozen=True)
class _Run:
    company: CompanySettings
    today: date
    templates: TemplateEnvironment


_run: _Run | None = None
"""In a worker: what every reminder of the run shares, received when it started."""


def _start_worker(
    company: CompanySettings, today: date, templates: TemplateEnvironment, language: str
) -> None:
    global _run  # noqa: PLW0603 - one worker process, one run
    _run = _Run(company, today, templates)
    set_language(language)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    """Exit once the relance process is gone, however it went (killed, out of memory):
    a worker never outlives the run it renders for."""
    wait([sentinel])
    os._exit(1)


def _compose_in_worker(chunk: list[Rendering]) -> list[list[Message]]:
    assert _run is not None, "the worker was not started by compose_all"
    return [_compose(rendering, _run.company, _run.today, _run.templates) for rendering in chunk]
