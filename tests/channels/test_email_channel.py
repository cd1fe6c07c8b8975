"""The SMTP channel against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from relance.config import load_config
from relance.context import Role
from relance.errors import ChannelError
from relance.i18n import current_language, set_language
from relance.model import Document, Message
from relance.plugins import PluginRegistry
from relance.testing import ledgers

PASSWORD = "s3cret-smtp-pass"


@dataclass
class Server:
    port: int
    messages: list[tuple[Any, Any]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if any(address.startswith("full@") for address in envelope.rcpt_tos):
            return "552 5.2.2 Mailbox full"
        self.messages.append((session.peer, envelope))
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append(data.login.decode())
        return AuthResult(success=data.password.decode() == PASSWORD, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(**options: Any) -> Iterator[Server]:
    """A local SMTP server taking logins without TLS, with aiosmtpd's ``options``."""
    smtp = Server(port=free_port())
    controller = Controller(
        smtp,
        hostname="127.0.0.1",
        port=smtp.port,
        authenticator=smtp.authenticate,
        auth_require_tls=False,
        **options,
    )
    controller.start()
    try:
        yield smtp
    finally:
        controller.stop()


@pytest.fixture(params=[False], ids=["ascii"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """A local SMTP server; ``True`` as the parameter announces SMTPUTF8."""
    with serving(enable_SMTPUTF8=request.param) as smtp:
        yield smtp


def channel_host(tmp_path: Path, port: int, extra: str = "", *, login: bool = True):
    config = tmp_path / "relance.toml"
    config.write_text(
        '[company]\nname = "Atelier Test"\n'
        f'[channels.email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        + ('username = "relance"\npassword_env = "RELANCE_SMTP_PASSWORD"\n' if login else "")
        + 'sender = "relances@atelier-test.fr"\nsender_name = "Atelier Test"\n'
        'bcc = ["archive@atelier-test.fr"]\n' + extra,
        encoding="utf-8",
    )
    loaded = load_config(config, PluginRegistry())
    loaded.require_secrets(Role.CHANNEL)
    return loaded.host(today=loaded.company.today(), dry_run=False, roles=[Role.CHANNEL])


def message(number: int, to: str = "compta@client.fr") -> Message:
    return ledgers.message(
        reminder=f"r{number}",
        customer_id=f"C{number}",
        to=(to,),
        reply_to="compta@atelier-test.fr",
        subject=f"Relance \u2013 facture n°F{number} en attente, échéance dépassée",
        text="Sauf erreur de notre part, la facture reste impayée : 1\u202f200,00\xa0€.",
        headers=(("Auto-Submitted", "auto-generated"),),
    )


def test_messages_share_one_authenticated_connection(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    with channel_host(tmp_path, server.port) as host:
        email = host.instance("email", Role.CHANNEL)
        receipts = [host.send(email, message(n)) for n in range(3)]
    assert server.logins == ["relance"]
    assert len({peer for peer, _ in server.messages}) == 1
    assert len({r.message_id for r in receipts}) == 3
    _peer, envelope = server.messages[0]
    assert envelope.mail_from == "relances@atelier-test.fr"
    assert envelope.rcpt_tos == ["compta@client.fr", "archive@atelier-test.fr"]
    received = message_from_bytes(envelope.content, policy=email_policy)
    assert received["Bcc"] is None
    assert received["Subject"] == "Relance \u2013 facture n°F0 en attente, échéance dépassée"
    assert received["From"] == "Atelier Test <relances@atelier-test.fr>"
    assert received["Reply-To"] == "compta@atelier-test.fr"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Message-ID"] == receipts[0].message_id
    assert received["Message-ID"].endswith("@atelier-test.fr>")
    assert received.get_content().strip().endswith("1\u202f200,00\xa0€.")


@pytest.mark.parametrize("server", [True], ids=["smtputf8"], indirect=True)
def test_an_internationalised_address_goes_out_with_smtputf8(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    with channel_host(tmp_path, server.port) as host:
        host.send(host.instance("email", Role.CHANNEL), message(0, to="josé@exemple.fr"))
    (_peer, envelope), *_others = server.messages
    assert envelope.rcpt_tos == ["josé@exemple.fr", "archive@atelier-test.fr"]
    assert "SMTPUTF8" in envelope.mail_options
    received = message_from_bytes(envelope.content, policy=email_policy)
    assert received["Subject"] == "Relance \u2013 facture n°F0 en attente, échéance dépassée"
    assert received.get_content().strip().endswith("1\u202f200,00\xa0€.")


def test_an_internationalised_address_without_smtputf8_is_a_permanent_failure(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    with channel_host(tmp_path, server.port) as host:
        channel = host.instance("email", Role.CHANNEL)
        with pytest.raises(ChannelError, match="does not announce SMTPUTF8") as caught:
            host.send(channel, message(0, to="josé@exemple.fr"))
        host.send(channel, message(1))
    assert caught.value.permanent
    assert len(server.messages) == 1


def test_a_message_over_the_servers_size_limit_says_what_to_lower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    copy = Document(filename="F1.pdf", content=b"%PDF-" + b"x" * 300_000)
    large = message(1).model_copy(update={"attachments": (copy,)})
    with serving(data_size_limit=200_000) as server, channel_host(tmp_path, server.port) as host:
        channel = host.instance("email", Role.CHANNEL)
        (check,) = host.check_connection(channel)
        assert check.summary.endswith("; messages up to 0.2 MB")
        with pytest.raises(ChannelError) as caught:
            host.send(channel, large)
        host.send(channel, message(2))  # the connection still serves
    assert caught.value.permanent
    assert str(caught.value).startswith(
        "[email] SMTP server refused the message as too large (552 "
    )
    assert str(caught.value).endswith(
        "): it is 0.4 MB and the server takes at most 0.2 MB; lower [templates] attachments_max_mb, "
        "the room given to the invoices' copies"
    )
    assert len(server.messages) == 1


def test_a_full_mailbox_is_not_taken_for_a_message_too_large(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server also answers 552 for a mailbox over its quota: lowering the attachments
    would not help, and the message does not say it would."""
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    with (
        channel_host(tmp_path, server.port) as host,
        pytest.raises(
            ChannelError, match=r"rejected the message: 552 5\.2\.2 Mailbox full"
        ) as caught,
    ):
        host.send(host.instance("email", Role.CHANNEL), message(1, to="full@client.fr"))
    assert caught.value.permanent
    assert "attachments_max_mb" not in str(caught.value)


def test_the_check_gives_the_servers_size_limit_in_the_operators_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    previous = current_language()
    set_language("fr")
    try:
        with (
            serving(data_size_limit=10_485_760) as server,
            channel_host(tmp_path, server.port, login=False) as host,
        ):
            (check,) = host.check_connection(host.instance("email", Role.CHANNEL))
    finally:
        set_language(previous)
    assert check.summary == (
        f"le serveur SMTP 127.0.0.1:{server.port} répond (250) ; messages jusqu'à 10,5 Mo"
    )


def test_a_wrong_password_is_a_permanent_failure_that_never_shows_it(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", "wrong-" + PASSWORD)
    with channel_host(tmp_path, server.port) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("email", Role.CHANNEL), message(1))
    assert caught.value.permanent
    assert "refused the login of relance" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert server.messages == []


def test_a_refused_recipient_is_a_permanent_failure(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    with (
        channel_host(tmp_path, server.port) as host,
        pytest.raises(ChannelError, match="refused every recipient") as caught,
    ):
        host.send(host.instance("email", Role.CHANNEL), message(1, to="nobody@client.fr"))
    assert caught.value.permanent
    assert "nobody@client.fr" in str(caught.value)


def test_an_unreachable_server_is_a_transient_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    with channel_host(tmp_path, free_port()) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("email", Role.CHANNEL), message(1))
    assert not caught.value.permanent
    assert "cannot connect to SMTP server 127.0.0.1" in str(caught.value)


@pytest.fixture
def authority(tmp_path: Path) -> tuple[trustme.CA, Path]:
    ca = trustme.CA()
    path = tmp_path / "relay-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, path


def tls_server(ca: trustme.CA, *, implicit: bool) -> tuple[Server, Controller]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    smtp = Server(port=free_port())
    options: dict[str, Any] = (
        {"ssl_context": context} if implicit else {"tls_context": context, "require_starttls": True}
    )
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port, **options)
    controller.start()
    return smtp, controller


def tls_host(tmp_path: Path, port: int, security: str, ca_file: Path | None):
    config = tmp_path / "relance.toml"
    trust = f'ca_file = "{ca_file}"\n' if ca_file else ""
    config.write_text(
        '[company]\nname = "Atelier Test"\n'
        f'[channels.email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\n'
        f'sender = "relances@atelier-test.fr"\ntimeout = 5\n{trust}',
        encoding="utf-8",
    )
    loaded = load_config(config, PluginRegistry())
    return loaded.host(today=loaded.company.today(), dry_run=False, roles=[Role.CHANNEL])


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_tls_to_a_relay_whose_certificate_is_trusted(
    authority: tuple[trustme.CA, Path], tmp_path: Path, security: str
) -> None:
    ca, ca_file = authority
    smtp, controller = tls_server(ca, implicit=security == "tls")
    try:
        with tls_host(tmp_path, smtp.port, security, ca_file) as host:
            host.send(host.instance("email", Role.CHANNEL), message(1))
    finally:
        controller.stop()
    (_peer, envelope), *_ = smtp.messages
    assert envelope.rcpt_tos == ["compta@client.fr"]


def test_an_untrusted_certificate_is_refused_before_anything_is_sent(
    authority: tuple[trustme.CA, Path], tmp_path: Path
) -> None:
    ca, _ca_file = authority
    smtp, controller = tls_server(ca, implicit=False)
    try:
        with (
            tls_host(tmp_path, smtp.port, "starttls", None) as host,
            pytest.raises(ChannelError, match="certificate is not trusted") as caught,
        ):
            host.send(host.instance("email", Role.CHANNEL), message(1))
    finally:
        controller.stop()
    assert caught.value.permanent
    assert "set ca_file" in str(caught.value)
    assert smtp.messages == []


class Quitting(Server):
    """A server that counts the QUITs it is sent."""

    quits: int = 0

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        self.quits += 1
        return "221 Bye"


@pytest.mark.parametrize("ended_by", [None, KeyboardInterrupt])
def test_a_run_ended_early_drops_the_connection_without_waiting_on_quit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ended_by: type[BaseException] | None
) -> None:
    """After Ctrl-C or SIGTERM the server may be what hangs: relance closes the socket
    instead of sending QUIT and waiting up to its timeout for the answer."""
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    smtp = Quitting(port=free_port())
    controller = Controller(
        smtp,
        hostname="127.0.0.1",
        port=smtp.port,
        authenticator=smtp.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        with contextlib.suppress(KeyboardInterrupt), channel_host(tmp_path, smtp.port) as host:
            host.send(host.instance("email", Role.CHANNEL), message(1))
            if ended_by is not None:
                raise ended_by
    finally:
        controller.stop()

    assert len(smtp.messages) == 1
    assert smtp.quits == (1 if ended_by is None else 0)


class Silent(Server):
    """A server that takes the message and does not answer in time."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((session.peer, envelope))
        await asyncio.sleep(3)
        return "250 OK"


class SlowAtMail(Server):
    """A server that does not answer the sender's address in time: nothing handed over."""

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        await asyncio.sleep(3)
        envelope.mail_from = address
        return "250 OK"


@pytest.mark.parametrize(("kind", "unknown"), [(Silent, True), (SlowAtMail, False)])
def test_no_answer_once_the_message_was_handed_over_leaves_the_outcome_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: type[Server], unknown: bool
) -> None:
    """The server has the message and may deliver it: sent again by the next run, the
    customer could get it twice. No answer before the message went over is a plain
    failure, retried by the next run."""
    monkeypatch.setenv("RELANCE_SMTP_PASSWORD", PASSWORD)
    smtp = kind(port=free_port())
    controller = Controller(
        smtp,
        hostname="127.0.0.1",
        port=smtp.port,
        authenticator=smtp.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        with (
            channel_host(tmp_path, smtp.port, "timeout = 1\n") as host,
            pytest.raises(ChannelError) as lost,
        ):
            host.send(host.instance("email", Role.CHANNEL), message(1))
    finally:
        controller.stop()

    assert lost.value.unknown is unknown
    assert ("while the message was handed over" in str(lost.value)) is unknown
