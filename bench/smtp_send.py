"""Benchmark (e): sending K emails through relance's email channel vs raw ``smtplib``.

A local SMTP server (aiosmtpd, in its own process, accepting and dropping everything)
receives the same K reminders twice: once written and sent by hand with the standard
library over one connection (``EmailMessage`` + ``smtplib.SMTP.send_message``: the
floor), once through relance's ``email`` channel (``PluginHost.send``: MIME building with
its headers, one reused connection, refusals checked). Prints messages per second and
the ratio relance / raw (1.0 is as fast as raw; the target is at least 0.8).

    .venv/bin/python bench/smtp_send.py -k 5000
"""

from __future__ import annotations

import argparse
import multiprocessing
import smtplib
import socket
import tempfile
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from common import RESULTS, Report

from relance.config import load_config
from relance.context import Role
from relance.model import ChannelKind, Message
from relance.plugins import PluginRegistry

SENDER = "relances@banc-essai.fr"
BODY = (
    "Bonjour,\n\nSauf erreur de notre part, la facture n°{n} de 1\u202f200,00\xa0€, échue le "
    "5 février 2026, reste impayée à ce jour.\n\n" + "Merci de procéder au règlement. " * 20
)


class Sink:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def serve(port: int, ready: Any, stop: Any) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def message(n: int) -> Message:
    return Message(
        reminder_key=f"r{n}",
        message_key=f"r{n}:email",
        kind=ChannelKind.EMAIL,
        customer_id=f"CL{n:07d}",
        source="csv",
        level="first",
        language="fr",
        to=(f"compta{n}@client.fr",),
        reply_to="compta@banc-essai.fr",
        subject=f"Relance \u2013 facture n°FA-{n:08d} en attente",
        text=BODY.format(n=n),
        html=f"<p>{BODY.format(n=n)}</p>",
        headers=(("Auto-Submitted", "auto-generated"),),
    )


def raw(port: int, messages: list[Message]) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for item in messages:
            email = EmailMessage()
            email["From"] = SENDER
            email["To"] = ", ".join(item.to)
            email["Reply-To"] = item.reply_to
            email["Subject"] = item.subject
            email["Date"] = formatdate(localtime=True)
            email["Message-ID"] = make_msgid(domain="banc-essai.fr")
            email["Auto-Submitted"] = "auto-generated"
            email.set_content(item.text)
            email.add_alternative(item.html or "", subtype="html")
            smtp.send_message(email)
    return time.perf_counter() - start


def through_relance(port: int, messages: list[Message], folder: Path) -> float:
    config = folder / "relance.toml"
    config.write_text(
        f'[company]\nname = "Banc d\'Essai"\n[channels.email]\nhost = "127.0.0.1"\n'
        f'port = {port}\nsecurity = "none"\nsender = "{SENDER}"\n',
        encoding="utf-8",
    )
    loaded = load_config(config, PluginRegistry())
    start = time.perf_counter()
    with loaded.host(today=loaded.company.today(), dry_run=False, roles=[Role.CHANNEL]) as host:
        channel = host.instance("email", Role.CHANNEL)
        for item in messages:
            host.send(channel, item)
    return time.perf_counter() - start


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("-k", "--messages", type=int, default=2000)
    options.add_argument("--results", type=Path, default=RESULTS)
    options.add_argument("--no-save", action="store_true")
    args = options.parse_args()
    messages = [message(n) for n in range(args.messages)]
    port = free_port()
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, ready, stop), daemon=True)
    server.start()
    try:
        ready.wait(30)
        raw(port, messages[:50])  # warm up both paths: imports, first connection
        with tempfile.TemporaryDirectory() as folder:
            through_relance(port, messages[:50], Path(folder))
            raw_s = raw(port, messages)
            relance_s = through_relance(port, messages, Path(folder))
    finally:
        stop.set()
        server.join(30)
    report = Report("smtp_send", {"messages": args.messages})
    report.figures.update(
        raw_s=round(raw_s, 3),
        relance_s=round(relance_s, 3),
        raw_per_s=round(args.messages / raw_s),
        relance_per_s=round(args.messages / relance_s),
        ratio=round(raw_s / relance_s, 2),
    )
    report.per_item("relance_per_message", relance_s, args.messages)
    report.finish(args)


if __name__ == "__main__":
    main()
