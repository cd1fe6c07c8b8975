"""The EPC QR code ("GiroCode") that lets a banking app fill in a SEPA transfer.

The payload follows the European Payments Council's guidelines EPC069-12, version 002:
one field per line (service tag ``BCD``, version, character set, ``SCT``, BIC, name,
IBAN, ``EUR`` and the amount, purpose, structured reference, unstructured text), at
most 331 bytes, which QR version 13 holds at error correction level M, the level the
guidelines set. The symbol is encoded by zxing-cpp (its writer is Zint, in C), which
picks the mask the QR standard's penalty rules choose, and drawn as an SVG, vector
modules with the standard's four-module quiet zone.
"""

from __future__ import annotations

from decimal import Decimal

import zxingcpp

__all__ = ["epc_payload", "epc_qr_svg", "payable"]

MAX_NAME = 70
MAX_TEXT = 140
MAX_PAYLOAD = 331
"""Bytes: what QR version 13 holds at level M, the guidelines' largest symbol."""
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
"""The smallest and largest amounts the guidelines allow in a payment QR code."""


def payable(amount: Decimal) -> bool:
    """Whether a payment QR code may ask for ``amount`` euros."""
    return MIN_AMOUNT <= amount <= MAX_AMOUNT


def epc_payload(*, name: str, iban: str, bic: str | None, amount: Decimal, text: str) -> bytes:
    """The EPC069-12 payload of a transfer of ``amount`` euros to ``iban``.

    The beneficiary name and the remittance text are cut to the guidelines' limits
    (70 and 140 characters), then the text (and, with no text left, the name) further
    while the payload passes 331 bytes (outside ISO 8859-1, UTF-8 takes several bytes a
    character). The text is cut between words where it can: half a reference would
    match no invoice, or the wrong one. ``amount`` must lie between 0.01 and
    999,999,999.99.
    """
    if not payable(amount):
        raise ValueError(f"a payment QR code takes 0.01 to 999999999.99 euros, not {amount}")
    beneficiary = " ".join(name.split())[:MAX_NAME]
    remittance = _cut(" ".join(text.split()), MAX_TEXT)
    account, euros = iban.replace(" ", ""), f"EUR{amount:.2f}"
    while True:
        # Purpose and structured reference are left empty: the text carries the references.
        payload = _encoded(["SCT", bic or "", beneficiary, account, euros, "", "", remittance])
        if len(payload) <= MAX_PAYLOAD:
            return payload
        if remittance:
            remittance = _cut(remittance, len(remittance) - 1)
        else:
            beneficiary = beneficiary[:-1]


def _cut(text: str, length: int) -> str:
    """``text`` in at most ``length`` characters: whole words when one fits, else cut."""
    if len(text) <= length:
        return text
    words = text[: length + 1].rpartition(" ")[0]
    return words or text[:length]


def _encoded(fields: list[str]) -> bytes:
    """Service tag, version, character set, then ``fields``, one a line: in ISO 8859-1
    (the guidelines' set 2, one byte a character) when the text fits in it, else in
    UTF-8 (set 1)."""
    try:
        return "\n".join(["BCD", "002", "2", *fields]).encode("iso-8859-1")
    except UnicodeEncodeError:
        return "\n".join(["BCD", "002", "1", *fields]).encode("utf-8")


def epc_qr_svg(*, name: str, iban: str, bic: str | None, amount: Decimal, text: str) -> str:
    """The EPC QR code of :func:`epc_payload`, as an SVG document."""
    payload = epc_payload(name=name, iban=iban, bic=bic, amount=amount, text=text)
    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    svg: str = symbol.to_svg(add_quiet_zones=True)
    return svg
