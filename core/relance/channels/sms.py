"""The ``sms`` channel: text messages through any SMS provider's HTTP API.

Providers differ only in the shape of one HTTP request, so the channel is configured by
that shape: URL, method, headers (``${VARIABLE}`` for secrets), and a Jinja2 body
template that receives ``to`` (E.164), ``sender`` and ``text``. The answer's status
decides the outcome: 2xx delivered (the provider's message id read from
``message_id_field``), 4xx a permanent failure with the provider's explanation (408 and
429 excepted), 5xx and timeouts a failure the next run retries. A provider whose API is
not one request is another channel plugin delivering the ``sms`` kind (it can reuse
:func:`relance.channels.numbers.e164`).

The text comes from the templates ``<lang>/sms.j2`` (see docs/templates.md).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import jinja2
import requests
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import Field, field_validator

from relance import hookimpl
from relance.channels.interpolate import Interpolated
from relance.channels.numbers import e164
from relance.context import PluginContext
from relance.errors import ChannelError
from relance.i18n import _
from relance.model import ChannelKind, CheckResult, CountryCode, Message, Receipt
from relance.secrets import redact
from relance.settings import ChannelSettings

__all__ = ["BodyFormat", "Method", "SmsSettings"]

DEFAULT_BODY = (
    '{"to": {{ to | tojson }}, "from": {{ sender | tojson }}, "text": {{ text | tojson }}}'
)
MAX_DETAIL = 300
RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})


class Method(StrEnum):
    POST = "POST"
    PUT = "PUT"


class BodyFormat(StrEnum):
    JSON = "json"
    FORM = "form"

    @property
    def content_type(self) -> str:
        if self is BodyFormat.JSON:
            return "application/json"
        return "application/x-www-form-urlencoded"


def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


class SmsSettings(ChannelSettings):
    """``[channels.sms]``."""

    kinds: tuple[ChannelKind, ...] = (ChannelKind.SMS,)
    url: Interpolated = Field(description="the provider's endpoint; ${VARIABLE} for secrets")
    method: Method = Method.POST
    headers: dict[str, Interpolated] = Field(
        default_factory=dict, description='e.g. Authorization = "Bearer ${SMS_TOKEN}"'
    )
    body_format: BodyFormat = BodyFormat.JSON
    body: Interpolated = Field(
        Interpolated(text=DEFAULT_BODY),
        description="Jinja2 template of the request body; variables to, sender, text",
    )
    sender: str = Field("", description="sender name or number, as the provider allows it")
    message_id_field: str | None = Field(
        "id", description="dotted path of the message id in the answer, e.g. 'messages.0.id'"
    )
    timeout: float = Field(30, gt=0)
    default_region: CountryCode | None = Field(
        None, description="country of national numbers (default: the company's)"
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: Interpolated) -> Interpolated:
        parts = urlsplit(value.text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("body")
    @classmethod
    def _compiles(cls, value: Interpolated) -> Interpolated:
        try:
            _environment().parse(value.as_template())
        except jinja2.TemplateSyntaxError as exc:
            raise ValueError(f"line {exc.lineno}: {exc.message}") from None
        return value


@hookimpl
def relance_settings_model() -> type[SmsSettings]:
    return SmsSettings


def _settings(context: PluginContext) -> SmsSettings:
    settings = context.settings
    assert isinstance(settings, SmsSettings)
    return settings


def _host(settings: SmsSettings) -> str:
    return urlsplit(settings.url.text).netloc


@hookimpl
def relance_check_connection(context: PluginContext) -> list[CheckResult]:
    settings = _settings(context)
    settings.url.expand()
    for value in (*settings.headers.values(), settings.body):
        value.secrets()
    return [
        CheckResult(
            summary=_("SMS will be sent through {host} (nothing sent to check it)").format(
                host=_host(settings)
            )
        )
    ]


def _body(settings: SmsSettings, to: str, text: str, key: str) -> bytes:
    variables = {
        "to": to,
        "sender": settings.sender,
        "text": text,
        "message_key": key,
        "secrets": settings.body.secrets(),
    }
    try:
        body = _environment().from_string(settings.body.as_template()).render(variables)
    except jinja2.TemplateError as exc:
        raise ChannelError(
            _("the body template of the SMS channel failed: {error}").format(error=exc.message),
            permanent=True,
        ) from None
    if settings.body_format is BodyFormat.JSON:
        try:
            json.loads(body)
        except ValueError as exc:
            raise ChannelError(
                _("the body template of the SMS channel does not give JSON: {error}").format(
                    error=exc
                ),
                permanent=True,
            ) from None
    return body.encode("utf-8")


def _explanation(response: requests.Response) -> str:
    """What the provider said about a refusal, short, and without any secret."""
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if isinstance(answer, dict):
        for key in ("message", "error_description", "error", "detail", "errors", "description"):
            if answer.get(key):
                found = answer[key]
                text = found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)
                break
        else:
            text = json.dumps(answer, ensure_ascii=False)
    else:
        text = response.text.strip() or str(response.reason or "")
    text = " ".join(text.split())
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 1] + "…"
    return redact(text)


def _message_id(settings: SmsSettings, response: requests.Response) -> str | None:
    if settings.message_id_field is None:
        return None
    try:
        found: Any = response.json()
    except ValueError:
        return None
    for part in settings.message_id_field.split("."):
        if isinstance(found, dict):
            found = found.get(part)
        elif isinstance(found, list) and part.isdigit() and int(part) < len(found):
            found = found[int(part)]
        else:
            return None
    return str(found) if isinstance(found, str | int) and not isinstance(found, bool) else None


@hookimpl
def relance_send_reminder(channel: PluginContext, message: Message) -> Receipt | None:
    settings = _settings(channel)
    if message.kind not in settings.kinds:
        return None
    to = e164(message, settings.default_region or channel.company.country, mobile=True)
    body = _body(settings, to, message.text, message.message_key)
    headers = {"Content-Type": settings.body_format.content_type}
    headers.update({name: value.expand() for name, value in settings.headers.items()})
    session = channel.resource("http", requests.Session)
    host = _host(settings)
    try:
        response = session.request(
            settings.method.value,
            settings.url.expand(),
            data=body,
            headers=headers,
            timeout=settings.timeout,
            allow_redirects=False,  # a redirected POST becomes a GET: no SMS, "sent"
        )
    except requests.Timeout as exc:
        # A read timeout: the request went out, and the provider may have taken the SMS
        # without answering. A connect timeout: nothing went out.
        raise ChannelError(
            _("SMS provider {host} did not answer within {seconds} s").format(
                host=host, seconds=settings.timeout
            ),
            unknown=isinstance(exc, requests.ReadTimeout),
        ) from None
    except requests.RequestException as exc:
        raise ChannelError(
            _("cannot reach SMS provider {host}: {error}").format(host=host, error=redact(str(exc)))
        ) from None
    status = response.status_code
    if 300 <= status < 400:
        raise ChannelError(
            _(
                "SMS provider {host} redirected the message (HTTP {status}) to {location}: "
                "nothing was sent; set url to the address it gives"
            ).format(host=host, status=status, location=response.headers.get("Location", "?")),
            permanent=True,
        )
    if 400 <= status < 500:
        raise ChannelError(
            _("SMS provider {host} refused the message to {to} (HTTP {status}): {reason}").format(
                host=host, to=to, status=status, reason=_explanation(response)
            ),
            permanent=status not in RETRYABLE_CLIENT_ERRORS,
        )
    if not 200 <= status < 300:
        raise ChannelError(
            _("SMS provider {host} failed (HTTP {status}): {reason}").format(
                host=host, status=status, reason=_explanation(response)
            )
        )
    reference = _message_id(settings, response)
    detail = None
    if reference is None and settings.message_id_field is not None:
        detail = _("accepted, but the answer has no {field}").format(
            field=settings.message_id_field
        )
    return Receipt(channel=channel.name, provider_reference=reference, detail=detail)
