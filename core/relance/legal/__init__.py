"""Late-payment law: statutory interest, fixed indemnities and deadlines, to the cent.

The engine and the CLI call :func:`compute_penalty` (or :meth:`LegalRules.quote` for an
invoice) with a :class:`LegalRules` built from the ``[legal]`` settings and the
jurisdictions that plugins contribute through the ``relance_jurisdictions`` hook.
See ``docs/legal.md``.
"""

from relance.legal.base import (
    Claim,
    Jurisdiction,
    Penalty,
    PenaltySegment,
    accrue,
    round_half_up,
    segment_interest,
    settle,
)
from relance.legal.periods import HalfYear
from relance.legal.rates import MissingRateError, RateBook, RateSeries
from relance.legal.rules import (
    LegalRules,
    builtin_jurisdictions,
    compute_penalty,
    default_jurisdiction,
    jurisdiction_for,
)
from relance.legal.settings import LegalSettings

__all__ = [
    "Claim",
    "HalfYear",
    "Jurisdiction",
    "LegalRules",
    "LegalSettings",
    "MissingRateError",
    "Penalty",
    "PenaltySegment",
    "RateBook",
    "RateSeries",
    "accrue",
    "builtin_jurisdictions",
    "compute_penalty",
    "default_jurisdiction",
    "jurisdiction_for",
    "round_half_up",
    "segment_interest",
    "settle",
]
