"""Build the RFC 5322 email of a message: what the SMTP channel sends and the outbox keeps.

The email is built with the email package's classic classes (``email.mime``, policy
``compat32``), which keep header values as given and fold them simply. The modern
``EmailMessage`` parses every header it is given, MIME parts' included, and parses and
refolds each again when written: 2.6 ms an email, most of what the outbox spends on one
and half of what the SMTP channel does. The classic classes write the same email (the
same headers, bodies and attachments once read back) in 1.2 ms.

Text parts are UTF-8, quoted-printable (readable, and what filters expect of mostly
ASCII text); the classic classes write header text that is not ASCII as RFC 2047
encoded words, and an attachment name that is not ASCII as an RFC 2231 parameter. An
address that is not ASCII (an internationalised mailbox, which only SMTPUTF8 carries)
is beyond them: such an email is built under the modern ``SMTPUTF8`` policy.
"""

from __future__ import annotations

import re
from email import policy as policies
from email.charset import BASE64, QP, Charset
from email.encoders import encode_base64
from email.header import Header
from email.message import Message as Email
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr, formatdate, make_msgid

from relance.model import Attachment, Message

__all__ = ["to_email"]

_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
_UTF8_WORDS = Charset("utf-8")
_UTF8_WORDS.header_encoding = BASE64
"""Header text that is not ASCII, as base64 encoded words: the default weighs the
quoted-printable and base64 forms of every line it folds to pick the shorter, which
took a tenth of an email's building."""


def to_email(
    message: Message,
    *,
    sender: str,
    sender_name: str | None = None,
    reply_to: str | None = None,
    bcc: tuple[str, ...] = (),
    domain: str | None = None,
) -> Email:
    """The email for ``message``, with a fresh Message-ID and a Date header.

    A header value with a line break raises ``ValueError``: written as it is, it would
    end the header and start another.
    """
    all_bcc = (*message.bcc, *bcc)
    reply = reply_to or message.reply_to
    addresses = (sender, *message.to, *message.cc, *all_bcc, *([reply] if reply else []))
    international = not all(address.isascii() for address in addresses)
    policy = policies.SMTPUTF8 if international else policies.compat32

    email = _body(message, policy)
    headers = [
        ("From", _mailbox(sender_name, sender)),
        ("To", ", ".join(message.to) if message.to else "undisclosed-recipients:;"),
        *([("Cc", ", ".join(message.cc))] if message.cc else []),
        *([("Bcc", ", ".join(all_bcc))] if all_bcc else []),
        *([("Reply-To", reply)] if reply else []),
        ("Subject", message.subject),
        ("Date", formatdate(localtime=True)),
        # The key's ':' would end the id's left part; keep letters, digits and dots.
        ("Message-ID", make_msgid(re.sub(r"[^A-Za-z0-9]+", ".", message.message_key), domain)),
        *message.headers,
        ("X-Relance-Message-Key", message.message_key),
    ]
    for name, value in headers:
        if "\n" in value or "\r" in value:
            raise ValueError(f"the {name} header may not contain a line break: {value!r}")
        email[name] = value if value.isascii() or international else _words(value, name)
    return email


def _body(message: Message, policy: policies.Policy) -> Email:
    """The MIME tree: the text, its HTML alternative, the attachments."""
    body = _text(message.text, "plain", policy)
    if message.html:
        html = _text(message.html, "html", policy)
        body = _part(MIMEMultipart("alternative", _subparts=[body, html], policy=policy))
    if message.attachments:
        attached = [_attachment(attachment, policy) for attachment in message.attachments]
        body = _part(MIMEMultipart("mixed", _subparts=[body, *attached], policy=policy))
    body["MIME-Version"] = "1.0"
    return body


def _text(text: str, subtype: str, policy: policies.Policy) -> Email:
    part = MIMENonMultipart("text", subtype, policy=policy, charset="utf-8")
    part.set_payload(text, _UTF8)
    return _part(part)


def _attachment(attachment: Attachment, policy: policies.Policy) -> Email:
    maintype, _, subtype = attachment.media_type.partition("/")
    part = MIMEBase(maintype, subtype, policy=policy)
    part.set_payload(attachment.content)
    encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return _part(part)


def _part(part: Email) -> Email:
    """A MIME part without the MIME-Version header the classic classes give every part
    (:func:`_body` gives it to the top of the email only)."""
    del part["MIME-Version"]
    return part


def _mailbox(name: str | None, address: str) -> str:
    """``name <address>``, the name's runs of spaces written as one space: a display
    name is a phrase of words, and readers fold the spaces between them so."""
    words = " ".join(name.split()) if name else ""
    return formataddr((words, address)) if words else address


def _words(value: str, name: str) -> str:
    """``value`` as RFC 2047 encoded words in base64, folded for the header ``name``."""
    return Header(value, _UTF8_WORDS, header_name=name).encode()
