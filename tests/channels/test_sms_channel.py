"""The ``sms`` channel against a provider's HTTP API faked with ``responses``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import responses

from relance.config import load_config
from relance.context import Role
from relance.errors import ChannelError, ConfigError
from relance.model import Address, ChannelKind, Message
from relance.plugins import PluginHost, PluginRegistry
from relance.testing import ledgers

TOKEN = "tok-9f8e7d6c5b4a"
URL = "https://sms.example.com/v1/messages"
TEXT = "Atelier Test : sauf erreur, la facture n°F1 (1 200,00 €) reste impayée."


def sms_host(tmp_path: Path, extra: str = "") -> PluginHost:
    config = tmp_path / "relance.toml"
    config.write_text(
        '[company]\nname = "Atelier Test"\ncountry = "FR"\n'
        f'[channels.sms]\nurl = "{URL}"\nsender = "AtelierTest"\n'
        'message_id_field = "messages.0.id"\n'
        '[channels.sms.headers]\nAuthorization = "Bearer ${SMS_TOKEN}"\n' + extra,
        encoding="utf-8",
    )
    loaded = load_config(config, PluginRegistry())
    loaded.require_secrets(Role.CHANNEL)
    return loaded.host(today=loaded.company.today(), dry_run=False, roles=[Role.CHANNEL])


def message(phone: str | None = "06 12 34 56 78", country: str | None = None) -> Message:
    return ledgers.message(
        ChannelKind.SMS,
        to=(phone,) if phone else (),
        postal_address=Address(country=country) if country else None,
        recipient_name="Client Un",
        text=TEXT,
    )


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMS_TOKEN", TOKEN)


@responses.activate
def test_the_request_sent_is_exactly_the_configured_one(tmp_path: Path) -> None:
    responses.post(URL, json={"messages": [{"id": "msg-42", "status": "queued"}]}, status=201)
    with sms_host(tmp_path) as host:
        receipt = host.send(host.instance("sms", Role.CHANNEL), message())
    assert receipt.provider_reference == "msg-42"
    assert receipt.channel == "sms"
    assert len(responses.calls) == 1
    sent = responses.calls[0].request
    assert sent.method == "POST"
    assert sent.url == URL
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.body) == {"to": "+33612345678", "from": "AtelierTest", "text": TEXT}


@responses.activate
def test_a_form_body_with_the_secret_in_it(tmp_path: Path) -> None:
    responses.put(URL, body="OK 7781", status=200)
    config = (
        'method = "PUT"\nbody_format = "form"\nmessage_id_field = ""\n'
        'body = "key=${SMS_TOKEN}&dest={{ to | urlencode }}&msg={{ text | urlencode }}"\n'
    )
    path = tmp_path / "relance.toml"
    path.write_text(
        f'[company]\nname = "Atelier Test"\n[channels.sms]\nurl = "{URL}"\n' + config,
        encoding="utf-8",
    )
    loaded = load_config(path, PluginRegistry())
    with loaded.host(today=loaded.company.today(), dry_run=False, roles=[Role.CHANNEL]) as host:
        receipt = host.send(host.instance("sms", Role.CHANNEL), message("+32 470 12 34 56"))
    sent = responses.calls[0].request
    assert sent.method == "PUT"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert (
        sent.body
        == (f"key={TOKEN}&dest=%2B32470123456&msg=" + requests.utils.quote(TEXT, safe="/")).encode()
    )
    assert receipt.provider_reference is None


@responses.activate
def test_a_refusal_is_permanent_and_quotes_the_provider_without_the_secret(
    tmp_path: Path,
) -> None:
    responses.post(URL, json={"error": f"invalid token {TOKEN} for sender AtelierTest"}, status=401)
    with sms_host(tmp_path) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("sms", Role.CHANNEL), message())
    assert caught.value.permanent
    assert str(caught.value) == (
        "[sms] SMS provider sms.example.com refused the message to +33612345678 "
        "(HTTP 401): invalid token *** for sender AtelierTest"
    )
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("status", [429, 500, 503])
@responses.activate
def test_server_errors_and_throttling_are_retried_on_a_later_run(
    tmp_path: Path, status: int
) -> None:
    responses.post(URL, body="upstream unavailable", status=status)
    with sms_host(tmp_path) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("sms", Role.CHANNEL), message())
    assert not caught.value.permanent
    assert f"(HTTP {status}): upstream unavailable" in str(caught.value)


@responses.activate
def test_a_timeout_to_connect_is_retried_and_never_shows_the_secret(tmp_path: Path) -> None:
    responses.post(URL, body=requests.ConnectTimeout(f"connect timed out, token={TOKEN}"))
    with sms_host(tmp_path) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("sms", Role.CHANNEL), message())
    assert not caught.value.permanent
    assert not caught.value.unknown
    assert str(caught.value) == "[sms] SMS provider sms.example.com did not answer within 30 s"


@responses.activate
def test_no_answer_to_a_request_sent_leaves_the_outcome_unknown(tmp_path: Path) -> None:
    """The provider may have taken the SMS: retried, the customer could get it twice."""
    responses.post(URL, body=requests.ReadTimeout(f"read timed out, token={TOKEN}"))
    with sms_host(tmp_path) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("sms", Role.CHANNEL), message())
    assert caught.value.unknown
    assert TOKEN not in str(caught.value)


@responses.activate
def test_a_redirect_is_not_followed_and_nothing_is_taken_as_sent(tmp_path: Path) -> None:
    """A redirected POST becomes a GET: following it would record an SMS never sent."""
    responses.post(URL, status=302, headers={"Location": "https://sms.example.com/v2/send"})
    with sms_host(tmp_path) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("sms", Role.CHANNEL), message())
    assert caught.value.permanent
    assert "redirected the message (HTTP 302) to https://sms.example.com/v2/send" in str(
        caught.value
    )
    assert [call.request.method for call in responses.calls] == ["POST"]


@responses.activate
@pytest.mark.parametrize(
    ("phone", "country", "expected"),
    [
        (None, None, "[sms] no phone number for customer Client Un"),
        ("06 12", None, "[sms] phone number '06 12' of customer Client Un is not a valid number"),
        (
            "04 78 00 12 34",
            None,
            "[sms] phone number '04 78 00 12 34' of customer Client Un is a landline (no SMS)",
        ),
    ],
)
def test_a_missing_or_invalid_number_fails_that_message_only(
    tmp_path: Path, phone: str | None, country: str | None, expected: str
) -> None:
    with sms_host(tmp_path) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("sms", Role.CHANNEL), message(phone, country))
    assert caught.value.permanent
    assert str(caught.value) == expected
    assert len(responses.calls) == 0


@responses.activate
def test_a_national_number_is_read_in_the_customers_country(tmp_path: Path) -> None:
    responses.post(URL, json={"messages": [{"id": "m1"}]})
    with sms_host(tmp_path) as host:
        host.send(host.instance("sms", Role.CHANNEL), message("0470 12 34 56", country="BE"))
    assert json.loads(responses.calls[0].request.body)["to"] == "+32470123456"


def test_a_missing_secret_is_named_with_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMS_TOKEN")
    with pytest.raises(ConfigError) as caught:
        sms_host(tmp_path)
    assert "channels.sms.headers.Authorization" in str(caught.value)
    assert "SMS_TOKEN is not set" in str(caught.value)


def test_a_secret_pasted_into_the_settings_is_refused_without_echoing_it(tmp_path: Path) -> None:
    config = tmp_path / "relance.toml"
    config.write_text(
        f'[company]\nname = "A"\n[channels.sms]\nurl = "{URL}"\n'
        '[channels.sms.headers]\nAuthorization = "Bearer ${sk-live-123}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config, PluginRegistry())
    assert "sk-live-123" not in str(caught.value)
    assert "channels.sms.headers.Authorization" in str(caught.value)


def test_a_broken_body_template_is_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "relance.toml"
    config.write_text(
        f'[company]\nname = "A"\n[channels.sms]\nurl = "{URL}"\nbody = "{{{{ text "\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config, PluginRegistry())
    assert "channels.sms.body" in str(caught.value)
    assert "line 1" in str(caught.value)
