"""``relance check`` for Odoo: version, login, read rights, open invoices, and warnings.

Only reads: ``common.version``, the login (JSON-RPC; JSON-2 has none, and
``res.users.context_get`` gives the id of the user the key belongs to), ``search_count``
of the open invoices (read access to ``account.move``), one ``search_read`` of
``res.partner`` (read access to customers), of ``account.partial.reconcile`` and, on
18+, of ``account.payment`` (they date the paid invoices), and ``fields_get`` of
``res.partner`` (to spot Odoo's own follow-up).
"""

from __future__ import annotations

from collections.abc import Iterator

from relance import CheckResult, CheckStatus
from relance.i18n import _
from relance_odoo.client import OdooClient
from relance_odoo.customers import PARTNER
from relance_odoo.errors import DOCS, OdooAccessError
from relance_odoo.payments import PARTIAL, PAYMENT
from relance_odoo.reader import count_open
from relance_odoo.transport import JSON2_SINCE

ENTERPRISE_FOLLOWUP_FIELD = "followup_status"
PAYMENTS_SINCE = 18
"""From 18 the payments registered for an invoice date it too (``matched_payment_ids``)."""
JSON2 = "json2"


def check_connection(client: OdooClient) -> Iterator[CheckResult]:
    """The results ``relance check`` shows for one Odoo instance."""
    target = client.target
    yield CheckResult(
        summary=_("Odoo {version} at {url}").format(version=client.version.text, url=target.url),
        detail=_("protocol {protocol}").format(protocol=client.transport.name),
    )
    uid = client.transport.whoami()
    if client.transport.name == JSON2:
        # JSON-2 has no login: the key's owner is the user, whatever login says
        # (reference §1.3); res.users.context_get gave its id.
        yield CheckResult(
            summary=_("API key from {variable} accepted on database {database}").format(
                variable=target.key_variable, database=target.database
            ),
            detail=_(
                "it belongs to the Odoo user with id {uid} (JSON-2 ignores the login setting)"
            ).format(uid=uid),
        )
    else:
        yield CheckResult(
            summary=_("logged in as {login} on database {database}").format(
                login=target.login, database=target.database
            ),
            detail=_("user id {uid}").format(uid=uid),
        )
    count = count_open(client)
    yield CheckResult(
        summary=_("{count} open customer invoices and credit notes readable").format(count=count)
    )
    client.search_read(PARTNER, [], ["name"], limit=1)
    yield CheckResult(summary=_("customers readable (res.partner)"))
    yield _dating_model(
        client,
        PARTIAL,
        "max_date",
        _("payment matchings readable (account.partial.reconcile)"),
        _(
            "payment matchings not readable (account.partial.reconcile): the paid "
            "invoices' payment days will be unknown to the reports and the scores"
        ),
    )
    if client.version.major >= PAYMENTS_SINCE:
        yield _dating_model(
            client,
            PAYMENT,
            "date",
            _("registered payments readable (account.payment)"),
            _(
                "registered payments not readable (account.payment): the payment days of "
                "invoices paid without a journal entry will be unknown to the reports"
            ),
        )
    if client.transport.name == "jsonrpc" and client.version.major >= JSON2_SINCE:
        yield CheckResult(
            status=CheckStatus.WARNING,
            summary=_(
                "/jsonrpc is deprecated from Odoo 19 and will be removed; use protocol "
                '"auto" or "json2"'
            ),
        )
    if count == 0:
        yield CheckResult(
            status=CheckStatus.WARNING,
            summary=_("no open customer invoice found"),
            detail=_("check company_ids and the companies of the Odoo user"),
        )
    if client.catalog.has(PARTNER, ENTERPRISE_FOLLOWUP_FIELD):
        yield CheckResult(
            status=CheckStatus.WARNING,
            summary=_(
                "Odoo's own follow-up (Enterprise) is installed: switch its automatic "
                "reminders off for the customers relance reminds, or they will be reminded twice"
            ),
            detail=_("see {docs}").format(docs=DOCS),
        )


def _dating_model(
    client: OdooClient, model: str, field: str, readable: str, refused: str
) -> CheckResult:
    """Can the user read ``model``, which dates the paid invoices? A warning if not: the
    reminders do not need it, the reports and score scenarios do without it."""
    try:
        client.search_read(model, [], [field], limit=1)
    except OdooAccessError as exc:
        return CheckResult(status=CheckStatus.WARNING, summary=refused, detail=str(exc))
    return CheckResult(summary=readable, detail=_("the reports date the paid invoices by them"))
