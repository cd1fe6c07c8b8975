"""The EPC QR code ("GiroCode") that lets a banking app fill in a SEPA transfer."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache

import segno.helpers

__all__ = ["epc_qr_png"]

MAX_NAME = 70
MAX_TEXT = 140


def epc_qr_png(*, name: str, iban: str, bic: str | None, amount: Decimal, text: str) -> io.BytesIO:
    """A PNG of the EPC069-12 payload for a transfer of ``amount`` euros to ``iban``.

    The beneficiary name and the remittance text are cut to the standard's limits
    (70 and 140 characters).
    """
    return io.BytesIO(_png(name[:MAX_NAME], iban, bic, amount, text[:MAX_TEXT]))


@lru_cache(maxsize=64)
def _png(name: str, iban: str, bic: str | None, amount: Decimal, text: str) -> bytes:
    """Kept for a while: a reminder that goes by letter and by email renders its letter,
    so its code, once for each (and choosing the code's mask is most of the cost)."""
    code = segno.helpers.make_epc_qr(
        name=name, iban=iban, amount=amount, text=text or None, bic=bic
    )
    image = io.BytesIO()
    code.save(image, kind="png", scale=6, border=2)
    return image.getvalue()
