"""A run killed with SIGKILL at every step of sending never delivers a message twice.

``relance run`` runs in a subprocess and sends N reminders through a real SMTP server
on loopback. The server kills the process (a real ``kill -9``) at one point of the
exchange: after it accepted a recipient (the message is not delivered), or after it
received a message's content but before it answered (delivered, and the client never
learns it). A person then looks at the unsettled send (``relance history --unsettled``),
checks the mailbox and resolves it (``relance resolve``); the next run finishes the job.
Whatever the kill point, every message ends delivered exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from relance.testing.ledgers import customer, invoice

from .conftest import LEDGER_DIST, Workspace

TODAY = date(2026, 3, 16)
N = 3
RELANCE = Path(sys.executable).with_name("relance")


@dataclass
class Mailbox:
    """An SMTP server that kills the client at a chosen point of the n-th message."""

    port: int
    kill_on: str | None = None  # "rcpt" or "data"
    kill_at: int = 0  # 0-based index of the message during which to kill
    pid: int | None = None
    received: list[str] = field(default_factory=list)
    recipients_seen: int = 0

    def _kill(self) -> None:
        assert self.pid is not None
        os.kill(self.pid, signal.SIGKILL)
        self.kill_on = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        index = self.recipients_seen
        self.recipients_seen += 1
        if self.kill_on == "rcpt" and index == self.kill_at:
            self._kill()
            return "451 going down"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        self.received.append(str(message["X-Relance-Message-Key"]))
        if self.kill_on == "data" and len(self.received) - 1 == self.kill_at:
            self._kill()
        return "250 Message accepted"


def relance(
    workspace: Workspace, mailbox: Mailbox | None, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(LEDGER_DIST), "RELANCE_LANG": "en", "COLUMNS": "200"}
    process = subprocess.Popen(
        [str(RELANCE), *args, "--config", str(workspace.config)],
        cwd=workspace.folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if mailbox is not None:
        mailbox.pid = process.pid
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Any:
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", range(N))
@pytest.mark.parametrize("kill_on", ["rcpt", "data"])
def test_a_killed_run_never_sends_twice(
    workspace: Workspace, mailbox: Mailbox, kill_on: str, kill_at: int
) -> None:
    workspace.configure(
        f'\n[channels.email]\nhost = "127.0.0.1"\nport = {mailbox.port}\nsecurity = "none"\n'
        'sender = "relances@atelier-test.fr"\n'
    )
    due = TODAY - timedelta(days=6)
    workspace.write_ledger(
        [
            invoice(f"F{i}", due=due, who=customer(f"C{i}", email=f"c{i}@client.fr"))
            for i in range(N)
        ]
    )
    today = ("--today", TODAY.isoformat())
    mailbox.kill_on, mailbox.kill_at = kill_on, kill_at

    killed = relance(workspace, mailbox, "run", "--yes", *today)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    unsettled = json.loads(relance(workspace, None, "history", "--unsettled", "--json").stdout)
    (intent,) = unsettled["events"]
    key = intent["message_key"]
    delivered = key in mailbox.received
    assert delivered is (kill_on == "data")

    # Until a person resolves it, the customer is held: the next run does not resend.
    held = relance(workspace, None, "run", "--yes", *today)
    assert held.returncode == 0, held.stderr
    assert mailbox.received.count(key) == int(delivered)

    outcome = "--sent" if delivered else "--not-sent"
    resolved = relance(workspace, None, "resolve", key[:16], outcome, "--note", "checked")
    assert resolved.returncode == 0, resolved.stderr

    final = relance(workspace, None, "run", "--yes", *today)
    assert final.returncode == 0, final.stderr
    counts = Counter(mailbox.received)
    assert len(counts) == N
    assert set(counts.values()) == {1}
    assert json.loads(relance(workspace, None, "history", "--unsettled", "--json").stdout) == {
        "events": []
    }
