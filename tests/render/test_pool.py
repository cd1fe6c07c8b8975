"""Rendering on worker processes gives the messages rendering here gives."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import pytest

import relance.render.pool
from relance.i18n import current_language, set_language
from relance.model import Document
from relance.render import RenderError, TemplateEnvironment
from relance.render.context import LETTER_KINDS
from relance.render.documents import InvoiceCopies
from relance.render.pool import Rendering, compose_all, workers_for

START = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
"""How compose_all starts its workers here."""

CASES = [
    ("fr", "courtesy"),
    ("fr", "final"),
    ("fr", "formal_notice"),
    ("en", "first"),
    ("de", "formal_notice"),
]


class RecordingPool(ProcessPoolExecutor):
    """A real process pool that notes how it was started."""

    started: ClassVar[list[tuple[int, str]]] = []

    def __init__(self, *, max_workers: int, mp_context: Any, **kwargs: Any) -> None:
        RecordingPool.started.append((max_workers, mp_context.get_start_method()))
        super().__init__(max_workers=max_workers, mp_context=mp_context, **kwargs)


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    RecordingPool.started = []
    monkeypatch.setattr(relance.render.pool, "ProcessPoolExecutor", RecordingPool)
    return RecordingPool.started


def renderings(sample: Any) -> list[Rendering]:
    found = []
    for language, level in CASES:
        reminder, history = sample.planned(level, language)
        pdf = Document(filename=f"{level}.pdf", content=f"%PDF {level}".encode())
        found.append(Rendering(reminder, history=history, copies=InvoiceCopies((pdf,))))
    return found


def render(sample: Any, jobs: list[Rendering], templates: TemplateEnvironment, workers: int | None):
    return list(
        compose_all(
            jobs,
            company=sample.company,
            today=sample.today,
            templates=templates,
            workers=workers_for([job.reminder for job in jobs], workers),
        )
    )


def test_workers_render_the_very_messages_rendered_here(
    sample: Any, templates: TemplateEnvironment, pools: list[tuple[int, str]]
) -> None:
    jobs = renderings(sample)
    here = render(sample, jobs, templates, workers=1)
    assert pools == []
    there = render(sample, jobs, templates, workers=2)
    assert pools == [(2, START)]
    assert there == here
    assert [[m.kind.value for m in messages] for messages in there] == [
        ["email"],
        ["email", "letter"],
        ["registered_letter"],
        ["email"],
        ["registered_letter"],
    ]


def test_a_template_error_in_a_worker_is_raised_here_in_the_operator_s_language(
    sample: Any, tmp_path: Path, pools: list[tuple[int, str]]
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "first.j2").write_text(
        "{% block subject %}Hi{% endblock %}\n{% block opening %}{{ oops( }}{% endblock %}\n",
        encoding="utf-8",
    )
    before = current_language()
    set_language("fr")
    try:
        with pytest.raises(RenderError, match=r"modèle .*en/first\.j2, ligne 2"):
            render(sample, renderings(sample), TemplateEnvironment(user=tmp_path), workers=2)
    finally:
        set_language(before)
    assert pools == [(2, START)]


def test_by_default_workers_start_only_for_enough_letters(
    sample: Any,
    templates: TemplateEnvironment,
    pools: list[tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(relance.render.pool, "WORTH_A_POOL", 4)
    monkeypatch.setattr(relance.render.pool, "default_workers", lambda: 2)
    jobs = renderings(sample)
    assert sum(kind in LETTER_KINDS for job in jobs for kind in job.reminder.channels) == 3
    render(sample, jobs, templates, workers=None)
    assert pools == []
    render(sample, [*jobs, jobs[1]], templates, workers=None)
    assert pools == [(2, START)]


def test_a_single_reminder_is_rendered_here(
    sample: Any, templates: TemplateEnvironment, pools: list[tuple[int, str]]
) -> None:
    (messages,) = render(sample, renderings(sample)[:1], templates, workers=4)
    assert pools == []
    assert messages[0].subject


@pytest.mark.parametrize(("workers", "taken_first"), [(1, 1), (2, 3)])
def test_reminders_are_taken_as_their_messages_are_wanted(
    sample: Any,
    templates: TemplateEnvironment,
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
    taken_first: int,
) -> None:
    """A run holds a few reminders (and their PDFs) at a time, in the order given."""
    monkeypatch.setattr(relance.render.pool, "CHUNK", 1)
    monkeypatch.setattr(relance.render.pool, "AHEAD", 1)
    jobs = renderings(sample) * 3
    taken: list[int] = []

    def given() -> Iterator[Rendering]:
        for index, job in enumerate(jobs):
            taken.append(index)
            yield job

    rendered = compose_all(
        given(), company=sample.company, today=sample.today, templates=templates, workers=workers
    )
    first = next(rendered)
    assert len(taken) == taken_first
    everything = [first, *rendered]
    assert taken == list(range(len(jobs)))
    assert everything == render(sample, jobs, templates, workers=1)


ORPHAN = """
import os, signal, sys, time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
import multiprocessing
from relance.config import CompanySettings
from relance.render import TemplateEnvironment
from relance.render.pool import _start_worker
methods = multiprocessing.get_all_start_methods()
context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
company = CompanySettings.model_validate({"name": "Atelier"})
pool = ProcessPoolExecutor(1, mp_context=context, initializer=_start_worker,
                           initargs=(company, date(2025, 7, 10), TemplateEnvironment(), "en"))
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 120)
time.sleep(0.5)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL here")
def test_a_worker_exits_when_the_relance_process_is_killed() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ORPHAN], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    worker = int(done.stdout.split()[0])
    for _ in range(100):
        if not _alive(worker):
            break
        time.sleep(0.1)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail(f"worker {worker} outlived the relance process")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
