"""The ``letter`` channel: letters and registered letters written as PDF files.

Each letter's PDF (rendered by :mod:`relance.render.letter`, the recipient's address in
the envelope window) is written to a folder, ready to print and post, or to hand to a
postal service; a postal provider's API can be another channel plugin. Files are named
after the run's day, the customer, the level and the message key, written atomically
and never overwritten, so a letter is never "sent" twice either.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field

from relance import hookimpl
from relance.channels.files import write_once
from relance.context import PluginContext
from relance.errors import ChannelError
from relance.i18n import _
from relance.model import ChannelKind, CheckResult, Message, Receipt
from relance.settings import ChannelSettings, ConfigPath

__all__ = ["LetterSettings"]


class LetterSettings(ChannelSettings):
    """``[channels.letter]``."""

    kinds: tuple[ChannelKind, ...] = (ChannelKind.LETTER, ChannelKind.REGISTERED_LETTER)
    path: ConfigPath = Field(description="folder receiving one PDF per letter")


@hookimpl
def relance_settings_model() -> type[LetterSettings]:
    return LetterSettings


def _settings(context: PluginContext) -> LetterSettings:
    settings = context.settings
    assert isinstance(settings, LetterSettings)
    return settings


@hookimpl
def relance_check_connection(context: PluginContext) -> list[CheckResult]:
    folder = _settings(context).path
    if folder.exists() and not folder.is_dir():
        raise ChannelError(_("letter folder {path} is not a folder").format(path=folder))
    return [CheckResult(summary=_("letters will be written to {path}").format(path=folder))]


def letter_path(folder: Path, message: Message, day: str) -> Path:
    customer = re.sub(r"[^A-Za-z0-9_-]+", "-", message.customer_id).strip("-") or "customer"
    name = f"{day}_{customer}_{message.level}_{message.kind.value}_{message.message_key[:12]}"
    return folder / f"{name}.pdf"


@hookimpl
def relance_send_reminder(channel: PluginContext, message: Message) -> Receipt | None:
    settings = _settings(channel)
    if message.kind not in settings.kinds:
        return None
    pdf = next((a for a in message.attachments if a.media_type == "application/pdf"), None)
    if pdf is None:
        raise ChannelError(
            _("message {key} has no letter PDF to write").format(key=message.message_key),
            permanent=True,
        )
    target = letter_path(settings.path, message, channel.today.isoformat())
    write_once(target, pdf.content, message.message_key)
    return Receipt(channel=channel.name, provider_reference=str(target))
