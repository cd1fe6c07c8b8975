"""Build the RFC 5322 email of a message: what the SMTP channel sends and the outbox keeps."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from relance.model import Message

__all__ = ["to_email"]


def to_email(
    message: Message,
    *,
    sender: str,
    sender_name: str | None = None,
    reply_to: str | None = None,
    bcc: tuple[str, ...] = (),
    domain: str | None = None,
) -> EmailMessage:
    """The email for ``message``, with a fresh Message-ID and a Date header.

    Subjects and bodies are UTF-8; headers are encoded as RFC 2047 where needed.
    """
    email = EmailMessage()
    email["From"] = formataddr((sender_name, sender)) if sender_name else sender
    email["To"] = ", ".join(message.to) if message.to else "undisclosed-recipients:;"
    if message.cc:
        email["Cc"] = ", ".join(message.cc)
    all_bcc = (*message.bcc, *bcc)
    if all_bcc:
        email["Bcc"] = ", ".join(all_bcc)
    if reply_to or message.reply_to:
        email["Reply-To"] = reply_to or message.reply_to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=True)
    # The key's ':' would end the id's left part; keep letters, digits and dots.
    idstring = re.sub(r"[^A-Za-z0-9]+", ".", message.message_key)
    email["Message-ID"] = make_msgid(idstring=idstring, domain=domain)
    for name, value in message.headers:
        email[name] = value
    email["X-Relance-Message-Key"] = message.message_key
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.media_type.partition("/")
        email.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return email
