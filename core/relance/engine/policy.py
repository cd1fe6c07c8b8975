"""Policies: the escalation ladder, which customer follows which, and per-customer overrides.

A *policy* is an ordered list of *levels*. Each level fires a number of days after the due
date (``offset_days``, negative before it), through one or more channels, with a template,
and says whether penalties are quoted, whether a person must approve it and which
deadline the message gives. The last level of the shipped policy is the hand-off to
collection: it sends nothing, it flags the case.

*Scenarios* pick a policy per customer (by tag, segment, B2B/consumer or score), first
match wins; ``[customers.<id>]`` overrides win over scenarios.

Everything here is configuration and pure decisions: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from relance.model import ChannelKind, Customer, CustomerKind, NonBlank

__all__ = [
    "CustomerOverride",
    "Level",
    "LevelKind",
    "Policy",
    "PolicyBook",
    "Scenario",
    "StartLevel",
    "default_policies",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LevelKind(StrEnum):
    """What reaching a level does."""

    MESSAGE = "message"
    """Send a reminder through the level's channels."""
    HANDOFF = "handoff"
    """Send nothing; flag the case for collection (``relance export-case``)."""


class Level(_Frozen):
    """One step of the escalation ladder."""

    name: NonBlank = Field(description="stable identifier, recorded in the history")
    offset_days: int = Field(description="days after the due date (negative: before it)")
    kind: LevelKind = LevelKind.MESSAGE
    channels: tuple[ChannelKind, ...] = Field(
        (), description="default: email for a message level, none for a hand-off"
    )
    template: str | None = Field(None, description="template name (default: the level name)")
    penalties: bool = Field(False, description="quote late-payment interest and indemnity")
    approval: bool = Field(False, description="a person must approve before it is sent")
    deadline_business_days: int | None = Field(
        None, ge=1, description="the message asks for payment within N business days"
    )
    formal_notice: bool = Field(
        False,
        description="this level is the formal notice: consumers' interest runs from it",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_channels(cls, data: Any) -> Any:
        if isinstance(data, dict) and "channels" not in data:
            handoff = data.get("kind") in (LevelKind.HANDOFF, LevelKind.HANDOFF.value)
            return {**data, "channels": () if handoff else (ChannelKind.EMAIL,)}
        return data

    @model_validator(mode="after")
    def _check_channels(self) -> Self:
        if self.kind is LevelKind.MESSAGE and not self.channels:
            raise ValueError(f"level {self.name!r} sends a message but names no channel")
        if self.kind is LevelKind.HANDOFF and self.channels:
            raise ValueError(f"level {self.name!r} is a hand-off: it takes no channels")
        if len(set(self.channels)) != len(self.channels):
            raise ValueError(f"level {self.name!r} names a channel twice")
        return self

    @property
    def template_name(self) -> str:
        return self.template or self.name


class StartLevel(StrEnum):
    """Where an invoice that was never reminded starts when it is already late.

    The question arises for invoices imported late (a new source, a back-dated invoice)
    and after a long interruption of the daily runs.
    """

    FIRST = "first"
    """The very first level, even a courtesy reminder before the due date."""
    OVERDUE = "overdue"
    """The first level at or after the due date: a courtesy "your invoice falls due in
    three days" makes no sense for an invoice already 40 days late (the default)."""
    REACHED = "reached"
    """The highest message level whose offset is reached: a hand-off is never the first
    step, and a level that needs approval still waits for it."""


class Policy(_Frozen):
    """An escalation ladder and the rules that keep it polite."""

    levels: tuple[Level, ...]
    start_late_invoices_at: StartLevel = StartLevel.OVERDUE
    min_gap_days: int = Field(7, ge=0, description="calendar days between two messages")
    min_amount: Decimal = Field(
        Decimal("5.00"), ge=0, description="no message when the net amount due is below this"
    )

    @model_validator(mode="after")
    def _check_levels(self) -> Self:
        if not self.levels:
            raise ValueError("a policy needs at least one level")
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError("level names must be unique within a policy")
        offsets = [level.offset_days for level in self.levels]
        if offsets != sorted(offsets) or len(set(offsets)) != len(offsets):
            raise ValueError("levels must be in strictly increasing order of offset_days")
        if any(level.kind is LevelKind.HANDOFF for level in self.levels[:-1]):
            raise ValueError("only the last level may be a hand-off")
        return self

    def index(self, name: str) -> int | None:
        for position, level in enumerate(self.levels):
            if level.name == name:
                return position
        return None


class Scenario(_Frozen):
    """``[[scenarios]]``: customers matching every given criterion follow ``policy``."""

    policy: NonBlank
    tags: frozenset[str] = Field(frozenset(), description="customer has any of these tags")
    segments: frozenset[str] = frozenset()
    kind: CustomerKind | None = None
    scores: frozenset[str] = Field(frozenset(), description="customer rating A-D")

    def matches(self, customer: Customer, score: str | None) -> bool:
        return (
            (not self.tags or bool(self.tags & customer.tags))
            and (not self.segments or customer.segment in self.segments)
            and (self.kind is None or customer.kind is self.kind)
            and (not self.scores or score in self.scores)
        )


class CustomerOverride(_Frozen):
    """``[customers.<id>]``: exceptions for one customer (the id in its source)."""

    policy: str | None = None
    do_not_remind: bool = False
    do_not_remind_reason: str | None = None
    channel: ChannelKind | None = Field(
        None, description="deliver every message of this customer through this channel"
    )
    emails: tuple[EmailStr, ...] = Field((), description="send to these addresses instead")
    language: str | None = None
    jurisdiction: str | None = Field(
        None, description="late-payment rules to apply, e.g. 'fr-b2c' (default: from the customer)"
    )


def default_policies() -> dict[str, Policy]:
    """The shipped policy, following the "relance client" method of the seeds.

    J-3 courtesy email, J+5 first reminder, J+15 firmer reminder asking for payment within
    5 business days, J+30 last reminder before formal notice by email and letter quoting
    the penalties, J+45 formal notice by registered letter (approval required), J+60
    hand-off to collection.
    """
    email, letter = ChannelKind.EMAIL, ChannelKind.LETTER
    return {
        "standard": Policy(
            levels=(
                Level(name="courtesy", offset_days=-3, channels=(email,)),
                Level(name="first", offset_days=5, channels=(email,)),
                Level(name="second", offset_days=15, channels=(email,), deadline_business_days=5),
                Level(
                    name="final",
                    offset_days=30,
                    channels=(email, letter),
                    penalties=True,
                    deadline_business_days=8,
                ),
                Level(
                    name="formal_notice",
                    offset_days=45,
                    channels=(ChannelKind.REGISTERED_LETTER,),
                    penalties=True,
                    approval=True,
                    deadline_business_days=8,
                    formal_notice=True,
                ),
                Level(name="collection", offset_days=60, kind=LevelKind.HANDOFF),
            )
        )
    }


class PolicyBook(_Frozen):
    """Every policy, the scenarios choosing among them, and per-customer overrides."""

    policies: dict[str, Policy]
    default: str = "standard"
    scenarios: tuple[Scenario, ...] = ()
    customers: dict[str, CustomerOverride] = {}

    @model_validator(mode="after")
    def _check_names(self) -> Self:
        known = set(self.policies)
        wanted = [("default_policy", self.default)]
        wanted += [(f"scenarios.{i}.policy", s.policy) for i, s in enumerate(self.scenarios)]
        wanted += [
            (f"customers.{key}.policy", o.policy)
            for key, o in self.customers.items()
            if o.policy is not None
        ]
        for where, name in wanted:
            if name not in known:
                raise ValueError(
                    f"{where}: unknown policy {name!r} (known: {', '.join(sorted(known))})"
                )
        return self

    @classmethod
    def build(
        cls,
        policies: Mapping[str, Policy],
        *,
        default: str = "standard",
        scenarios: tuple[Scenario, ...] = (),
        customers: Mapping[str, CustomerOverride] | None = None,
    ) -> PolicyBook:
        """The shipped policies, replaced or extended by the configured ones."""
        return cls(
            policies={**default_policies(), **policies},
            default=default,
            scenarios=scenarios,
            customers=dict(customers or {}),
        )

    def override_for(self, customer: Customer) -> CustomerOverride:
        return self.customers.get(customer.id, _NO_OVERRIDE)

    def policy_name_for(self, customer: Customer, score: str | None = None) -> str:
        override = self.override_for(customer)
        if override.policy is not None:
            return override.policy
        for scenario in self.scenarios:
            if scenario.matches(customer, score):
                return scenario.policy
        return self.default

    def policy_for(self, customer: Customer, score: str | None = None) -> Policy:
        return self.policies[self.policy_name_for(customer, score)]

    def notice_levels(self) -> frozenset[str]:
        """The names of the formal-notice levels of every policy."""
        return frozenset(
            level.name for p in self.policies.values() for level in p.levels if level.formal_notice
        )


_NO_OVERRIDE = CustomerOverride()
