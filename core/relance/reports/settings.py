"""``[reports]``: the knobs of ``relance report`` and ``relance export-case``.

See ``docs/reports.md`` for what each report computes with them.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["ReportSettings"]


class ReportSettings(BaseModel):
    """``[reports]``: aged-balance buckets, DSO period, recovery window, rating thresholds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    buckets: tuple[int, ...] = Field(
        (30, 60, 90),
        description="last day late of each aged-balance bucket; (30, 60, 90) gives "
        "not due, 1-30, 31-60, 61-90 and >90",
    )
    dso_period_days: int = Field(90, ge=1, le=3660, description="period of the DSO")
    dso_trend_months: int = Field(6, ge=1, le=60, description="month ends in the DSO trend")
    recovery_days: int = Field(
        15, ge=1, le=365, description="a payment within N days of a reminder is its recovery"
    )
    score_months: int = Field(12, ge=1, le=120, description="history the score looks at")
    score_a_max_days: int = Field(5, ge=0, description="rating A up to this weighted lateness")
    score_b_max_days: int = Field(15, ge=0, description="rating B up to this weighted lateness")
    score_c_max_days: int = Field(30, ge=0, description="rating C up to this weighted lateness")

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        if not self.buckets or any(day < 1 for day in self.buckets):
            raise ValueError("buckets must list at least one number of days, each 1 or more")
        if list(self.buckets) != sorted(set(self.buckets)):
            raise ValueError("buckets must be in increasing order, without repeats")
        if not self.score_a_max_days <= self.score_b_max_days <= self.score_c_max_days:
            raise ValueError("score_a_max_days <= score_b_max_days <= score_c_max_days is required")
        return self
