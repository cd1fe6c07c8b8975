"""``relance check`` for Axonaut: the key works, the invoices are readable, and a warning.

``GET /me`` answers with the key's user *and the key itself* (``user_api_key``): the key
is dropped from the answer before anything else looks at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from relance import CheckResult, CheckStatus
from relance.i18n import _
from relance_axonaut.client import AxonautClient, JsonObject
from relance_axonaut.reader import count_unpaid

DOCS = "docs/connectors/axonaut.md"


def check_connection(
    client: AxonautClient, timezone: ZoneInfo, default_currency: str
) -> Iterator[CheckResult]:
    """The results ``relance check`` shows for one Axonaut instance."""
    me = client.get_object("/me")
    me.pop("user_api_key", None)
    account = account_name(me.get("account"))
    yield CheckResult(
        summary=_("API key accepted for {user}").format(user=_user(me)),
        detail=_("account {account}").format(account=account) if account else None,
    )
    count = count_unpaid(client, timezone, default_currency)
    yield CheckResult(summary=_("{count} unpaid invoices readable").format(count=count))
    yield CheckResult(
        status=CheckStatus.WARNING,
        summary=_(
            "Axonaut's own automatic reminders must be switched off for the customers "
            "relance reminds, or they will be reminded twice"
        ),
        detail=_("see {docs}").format(docs=DOCS),
    )


def _user(me: JsonObject) -> str:
    for key in ("fullname", "email", "id"):
        if me.get(key):
            return str(me[key])
    return "?"


def account_name(account: Any) -> str | None:
    """The account's name from ``/me``'s ``account`` (an object or a list of them)."""
    candidates = account if isinstance(account, list) else [account]
    for item in candidates:
        if isinstance(item, dict):
            for key in ("name", "company_name"):
                if item.get(key):
                    return str(item[key])
    return None
