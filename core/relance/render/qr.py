"""The EPC QR code ("GiroCode") that lets a banking app fill in a SEPA transfer."""

from __future__ import annotations

import io
from decimal import Decimal

import segno.helpers

__all__ = ["epc_qr_png"]

MAX_NAME = 70
MAX_TEXT = 140


def epc_qr_png(*, name: str, iban: str, bic: str | None, amount: Decimal, text: str) -> io.BytesIO:
    """A PNG of the EPC069-12 payload for a transfer of ``amount`` euros to ``iban``.

    The beneficiary name and the remittance text are cut to the standard's limits
    (70 and 140 characters).
    """
    code = segno.helpers.make_epc_qr(
        name=name[:MAX_NAME], iban=iban, amount=amount, text=text[:MAX_TEXT] or None, bic=bic
    )
    image = io.BytesIO()
    code.save(image, kind="png", scale=6, border=2)
    image.seek(0)
    return image
