"""The ``email`` channel: reminders sent over SMTP.

One connection is opened on the first message and reused for the whole run (STARTTLS,
implicit TLS, or plain on a trusted local relay); the password comes from an
environment variable. Failures are raised as :class:`~relance.errors.ChannelError`,
permanent when retrying cannot help (a refused recipient, a bad login), so that the
engine records them and retries the others on a later run.
"""

from __future__ import annotations

import io
import smtplib
import ssl
from decimal import Decimal
from email.generator import BytesGenerator
from email.message import Message as Email
from enum import StrEnum
from typing import Any, cast

from babel.numbers import format_decimal
from pydantic import EmailStr, Field

from relance import hookimpl
from relance.channels.mime import to_email
from relance.context import PluginContext
from relance.errors import ChannelError
from relance.i18n import _, current_language
from relance.model import ChannelKind, CheckResult, Message, Receipt
from relance.secrets import SecretEnv
from relance.settings import ChannelSettings, ConfigPath

__all__ = ["EmailSettings", "Security"]


class Security(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


class EmailSettings(ChannelSettings):
    """``[channels.email]``."""

    kinds: tuple[ChannelKind, ...] = (ChannelKind.EMAIL,)
    host: str
    port: int | None = Field(None, description="default: 587 (starttls), 465 (tls), 25 (none)")
    security: Security = Security.STARTTLS
    username: str | None = None
    password_env: SecretEnv | None = Field(None, description="variable holding the password")
    sender: EmailStr = Field(description="From: address")
    sender_name: str | None = None
    reply_to: EmailStr | None = None
    bcc: tuple[EmailStr, ...] = Field((), description="e.g. an archive mailbox")
    timeout: float = Field(30, gt=0)
    ca_file: ConfigPath | None = Field(
        None, description="trust this CA certificate too (a relay with a private CA)"
    )

    @property
    def effective_port(self) -> int:
        default = {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}
        return self.port or default[self.security]


@hookimpl
def relance_settings_model() -> type[EmailSettings]:
    return EmailSettings


def _settings(context: PluginContext) -> EmailSettings:
    settings = context.settings
    assert isinstance(settings, EmailSettings)
    return settings


class _Handing:
    """Notes when a message is being handed over (the DATA command and after): a
    connection lost from then on may have delivered it, one lost before did not."""

    handing_over = False

    def data(self, msg: Any) -> Any:  # smtplib.SMTP.data's, which follows in the MRO
        self.handing_over = True
        return super().data(msg)  # type: ignore[misc]


class _SMTP(_Handing, smtplib.SMTP):
    pass


class _SMTPSSL(_Handing, smtplib.SMTP_SSL):
    pass


def _connect(settings: EmailSettings) -> smtplib.SMTP:
    host, port = settings.host, settings.effective_port
    cafile = str(settings.ca_file) if settings.ca_file else None
    try:
        smtp: smtplib.SMTP
        if settings.security is Security.TLS:
            smtp = _SMTPSSL(
                host,
                port,
                timeout=settings.timeout,
                context=ssl.create_default_context(cafile=cafile),
            )
        else:
            smtp = _SMTP(host, port, timeout=settings.timeout)
            if settings.security is Security.STARTTLS:
                smtp.starttls(context=ssl.create_default_context(cafile=cafile))
        if settings.username:
            password = settings.password_env.reveal() if settings.password_env else ""
            smtp.login(settings.username, password)
    except smtplib.SMTPAuthenticationError as exc:
        raise ChannelError(
            _("SMTP server {host}:{port} refused the login of {user}: {error}").format(
                host=host, port=port, user=settings.username, error=_smtp_text(exc)
            ),
            permanent=True,
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise ChannelError(
            _(
                "SMTP server {host}:{port}: its certificate is not trusted ({error}); "
                "set ca_file if the relay uses a private CA"
            ).format(host=host, port=port, error=exc.verify_message),
            permanent=True,
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise ChannelError(
            _("cannot connect to SMTP server {host}:{port}: {error}").format(
                host=host, port=port, error=exc
            )
        ) from None
    return smtp


class _Session:
    """The run's SMTP connection as a resource: said goodbye to (QUIT) when the run ends
    normally, only dropped when it ends early. After Ctrl-C or SIGTERM the server may be
    what hangs: waiting for its answer to QUIT would keep relance running until the
    timeout (ten minutes with ``timeout = 600``)."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def __enter__(self) -> smtplib.SMTP:
        return self.smtp

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            self.smtp.__exit__(None, None, None)
        else:
            self.smtp.close()


def _connection(context: PluginContext) -> smtplib.SMTP:
    """The run's SMTP connection: opened once, reused, closed when the run ends."""
    entered = context.resource("smtp", lambda: _Session(_connect(_settings(context))))
    # The resource is what entering the session gives: the SMTP connection itself.
    return cast(smtplib.SMTP, entered)


def _smtp_text(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
    return f"{exc.smtp_code} {text}"


SIZE_EXCEEDED = 552
"""What a server answers to a message over its size limit (RFC 1870), and also, with
another meaning, to a mailbox over its quota (RFC 5321)."""
SIZE_STATUSES = ("5.3.4", "5.2.3")
"""The enhanced status codes (RFC 3463) of a message too large."""


def _size_limit(smtp: smtplib.SMTP) -> int | None:
    """The largest message the server takes, in bytes, if it says (``SIZE`` in EHLO)."""
    announced = smtp.esmtp_features.get("size", "")
    return int(announced) if announced.isdigit() and int(announced) > 0 else None


def _megabytes(size: int) -> str:
    """``size`` bytes in megabytes, one decimal, as the operator's language writes it."""
    return format_decimal(Decimal(size).scaleb(-6), "0.0", locale=current_language())


def _wire_size(email: Email) -> int:
    """The bytes ``email`` takes on the wire, lines ended by CRLF as smtplib sends them."""
    with io.BytesIO() as buffer:
        BytesGenerator(buffer).flatten(email, linesep="\r\n")
        return buffer.tell()


def _too_large(
    smtp: smtplib.SMTP, email: Email, exc: smtplib.SMTPResponseException
) -> ChannelError | None:
    """The refusal of a message too large, with its size, the server's limit and what
    to change (most of a large reminder is its invoices' copies); ``None`` when the
    refusal is about something else (a full mailbox also answers 552)."""
    size, limit = _wire_size(email), _size_limit(smtp)
    said = _smtp_text(exc)
    if not ((limit is not None and size > limit) or any(s in said for s in SIZE_STATUSES)):
        return None
    where = (
        _("it is {size} MB and the server takes at most {limit} MB").format(
            size=_megabytes(size), limit=_megabytes(limit)
        )
        if limit is not None
        else _("it is {size} MB").format(size=_megabytes(size))
    )
    return ChannelError(
        _(
            "SMTP server refused the message as too large ({error}): {where}; lower "
            "[templates] attachments_max_mb, the room given to the invoices' copies"
        ).format(error=said, where=where),
        permanent=True,
    )


@hookimpl
def relance_check_connection(context: PluginContext) -> list[CheckResult]:
    settings = _settings(context)
    smtp = _connection(context)
    code, _banner = smtp.noop()
    smtp.ehlo_or_helo_if_needed()  # without a login, nothing asked for the extensions yet
    summary = _("SMTP server {host}:{port} answers ({code})").format(
        host=settings.host, port=settings.effective_port, code=code
    )
    limit = _size_limit(smtp)
    if limit is not None:
        summary += _("; messages up to {size} MB").format(size=_megabytes(limit))
    return [CheckResult(summary=summary)]


@hookimpl
def relance_send_reminder(channel: PluginContext, message: Message) -> Receipt | None:
    if message.kind is not ChannelKind.EMAIL:
        return None
    settings = _settings(channel)
    if not message.to:
        raise ChannelError(
            _("no email address for customer {customer}").format(customer=message.customer_id),
            permanent=True,
        )
    email = to_email(
        message,
        sender=str(settings.sender),
        sender_name=settings.sender_name,
        reply_to=str(settings.reply_to) if settings.reply_to else None,
        bcc=tuple(str(b) for b in settings.bcc),
        domain=str(settings.sender).rpartition("@")[2],
    )
    smtp = _connection(channel)
    smtp.handing_over = False  # type: ignore[attr-defined]
    try:
        refused = smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        raise ChannelError(
            _("SMTP server refused every recipient: {recipients}").format(
                recipients=", ".join(exc.recipients)
            ),
            permanent=True,
        ) from None
    except smtplib.SMTPResponseException as exc:
        too_large = _too_large(smtp, email, exc) if exc.smtp_code == SIZE_EXCEEDED else None
        if too_large is not None:
            raise too_large from None
        raise ChannelError(
            _("SMTP server rejected the message: {error}").format(error=_smtp_text(exc)),
            permanent=500 <= exc.smtp_code < 600,
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise ChannelError(
            _(
                "SMTP server cannot take the address {recipients}: it does not announce "
                "SMTPUTF8, which addresses that are not ASCII need"
            ).format(recipients=", ".join(message.to)),
            permanent=True,
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        channel.drop_resource("smtp")
        if getattr(smtp, "handing_over", False):
            # The server had the message, or part of it, and gave no answer: it may
            # deliver it. Sending it again on the next run could send it twice.
            raise ChannelError(
                _("SMTP connection lost while the message was handed over: {error}").format(
                    error=exc
                ),
                unknown=True,
            ) from None
        raise ChannelError(_("SMTP connection lost: {error}").format(error=exc)) from None
    if refused and all(address in refused for address in message.to):
        # Only copies (bcc) went out: the customer did not get the reminder.
        raise ChannelError(
            _("SMTP server refused every recipient: {recipients}").format(
                recipients=", ".join(message.to)
            ),
            permanent=True,
        )
    detail = _("refused: {recipients}").format(recipients=", ".join(refused)) if refused else None
    return Receipt(channel=channel.name, message_id=email["Message-ID"], detail=detail)
