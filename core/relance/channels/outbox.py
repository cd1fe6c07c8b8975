"""The ``outbox`` channel: every message written to a folder instead of being delivered.

Emails become ``.eml`` files any mail client opens; letters, SMS and phone tasks become
``.txt`` files (the ``letter`` channel writes letters as PDF). It is the demo's channel
and a safe first setup: review the folder, then switch to real channels. Files are named
after the message key, written atomically, and never overwritten, so a message is never
"sent" twice to the outbox either.
"""

from __future__ import annotations

import re

from pydantic import EmailStr, Field

from relance import hookimpl
from relance.channels.files import write_once
from relance.channels.mime import to_email
from relance.context import PluginContext
from relance.errors import ChannelError
from relance.i18n import _
from relance.model import ChannelKind, CheckResult, Message, Receipt
from relance.settings import ChannelSettings, ConfigPath

__all__ = ["OutboxSettings"]


class OutboxSettings(ChannelSettings):
    """``[channels.outbox]``."""

    kinds: tuple[ChannelKind, ...] = tuple(ChannelKind)
    path: ConfigPath = Field(description="folder receiving one file per message")
    sender: EmailStr = Field("relance@localhost", description="From: of the .eml files")


@hookimpl
def relance_settings_model() -> type[OutboxSettings]:
    return OutboxSettings


def _settings(context: PluginContext) -> OutboxSettings:
    settings = context.settings
    assert isinstance(settings, OutboxSettings)
    return settings


@hookimpl
def relance_check_connection(context: PluginContext) -> list[CheckResult]:
    folder = _settings(context).path
    if folder.exists() and not folder.is_dir():
        raise ChannelError(_("outbox {path} is not a folder").format(path=folder))
    return [CheckResult(summary=_("messages will be written to {path}").format(path=folder))]


def _filename(message: Message, day: str) -> str:
    customer = re.sub(r"[^A-Za-z0-9_-]+", "-", message.customer_id).strip("-") or "customer"
    suffix = ".eml" if message.kind is ChannelKind.EMAIL else ".txt"
    return (
        f"{day}_{customer}_{message.level}_{message.kind.value}_{message.message_key[:12]}{suffix}"
    )


def _content(message: Message, settings: OutboxSettings) -> tuple[bytes, str | None]:
    """The file's bytes, and the Message-ID of an email (kept in its receipt, so the
    history and a case file name the message the .eml holds)."""
    if message.kind is ChannelKind.EMAIL:
        email = to_email(message, sender=str(settings.sender), domain="relance.invalid")
        return bytes(email), str(email["Message-ID"]).strip()
    lines = [f"{message.kind.value}: {message.recipient_name or message.customer_id}"]
    if message.postal_address is not None:
        lines += [*message.postal_address.lines]
        lines.append(
            " ".join(
                p for p in (message.postal_address.postal_code, message.postal_address.city) if p
            )
        )
    lines += ["", message.subject, "", message.text]
    return "\n".join(lines).encode("utf-8"), None


@hookimpl
def relance_send_reminder(channel: PluginContext, message: Message) -> Receipt | None:
    settings = _settings(channel)
    if message.kind not in settings.kinds:
        return None
    target = settings.path / _filename(message, channel.today.isoformat())
    content, message_id = _content(message, settings)
    write_once(target, content, message.message_key)
    return Receipt(channel=channel.name, message_id=message_id, provider_reference=str(target))
