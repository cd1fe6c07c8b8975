"""A channel that fails for the customers it is told to fail for."""

from __future__ import annotations

from relance import ChannelError, ChannelSettings, Receipt, hookimpl


class FailboxSettings(ChannelSettings):
    kinds: tuple[str, ...] = ("letter",)
    fail_for: tuple[str, ...] = ()
    permanent: bool = False
    unknown: bool = False
    detail: str | None = None


@hookimpl
def relance_settings_model():
    return FailboxSettings


@hookimpl
def relance_send_reminder(channel, message):
    if message.customer_id in channel.settings.fail_for:
        raise ChannelError(
            "the printer is on fire",
            permanent=channel.settings.permanent,
            unknown=channel.settings.unknown,
        )
    return Receipt(
        channel=channel.name,
        provider_reference=f"printed-{message.message_key}",
        detail=channel.settings.detail,
    )
