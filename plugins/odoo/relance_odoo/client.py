"""One Odoo database for one run: its version, its transport, its fields, its companies.

Every read goes through :meth:`OdooClient.call` so that the multi-company context
(``allowed_company_ids``) is sent with it; :meth:`OdooClient.pages` pages a
``search_read`` by id (keyset paging, never an offset).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from relance.i18n import _
from relance_odoo.errors import Call, Target, unexpected
from relance_odoo.fields import FieldCatalog
from relance_odoo.settings import OdooSettings
from relance_odoo.transport import ServerVersion, Transport, open_transport
from relance_odoo.web import Sleep, Web

Domain = list[Any]
Row = dict[str, Any]


@dataclass
class OdooClient:
    """The connection to one database; build it with :meth:`connect`."""

    web: Web
    version: ServerVersion
    transport: Transport
    company_ids: tuple[int, ...] = ()
    catalog: FieldCatalog = field(init=False)

    def __post_init__(self) -> None:
        self.catalog = FieldCatalog(self._fields_get, self.web.target)

    @classmethod
    def connect(
        cls, settings: OdooSettings, session: requests.Session, sleep: Sleep = time.sleep
    ) -> OdooClient:
        """Detect the version and pick the transport; the key is read from the environment."""
        target = Target(
            url=settings.url,
            database=settings.database,
            login=settings.login,
            key_variable=settings.api_key_env.variable,
        )
        web = Web(
            session=session,
            target=target,
            timeout=(settings.connect_timeout, settings.read_timeout),
            retries=settings.retries,
            backoff=settings.backoff,
            sleep=sleep,
        )
        version, transport = open_transport(web, settings.api_key_env.reveal(), settings.protocol)
        return cls(web=web, version=version, transport=transport, company_ids=settings.company_ids)

    @property
    def target(self) -> Target:
        return self.web.target

    def context(self, **extra: Any) -> dict[str, Any]:
        context: dict[str, Any] = dict(extra)
        if self.company_ids:
            context["allowed_company_ids"] = list(self.company_ids)
        return context

    def call(
        self,
        model: str,
        method: str,
        *,
        ids: Sequence[int] | None = None,
        context: Mapping[str, Any] | None = None,
        write: bool = False,
        **params: Any,
    ) -> Any:
        merged = self.context(**(context or {}))
        return self.transport.call(
            model, method, ids=ids, context=merged or None, write=write, **params
        )

    def search_read(
        self,
        model: str,
        domain: Domain,
        fields: Sequence[str],
        *,
        order: str = "id asc",
        limit: int,
        context: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        rows = self.call(
            model,
            "search_read",
            context=context,
            domain=domain,
            fields=list(fields),
            order=order,
            limit=limit,
        )
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise unexpected(self.target, Call(model, "search_read"), _("a list of records"))
        return rows

    def read(self, model: str, ids: Sequence[int], fields: Sequence[str]) -> list[Row]:
        """``read`` of these records: a list of records with their ids (anything else is
        an unexpected answer, not a crash)."""
        rows = self.call(model, "read", ids=list(ids), fields=list(fields))
        call = Call(model, "read")
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise unexpected(self.target, call, _("a list of records"))
        if not all(isinstance(row.get("id"), int) for row in rows):
            raise unexpected(self.target, call, _("records with ids"))
        return rows

    def pages(
        self,
        model: str,
        domain: Domain,
        fields: Sequence[str],
        *,
        page_size: int,
        context: Mapping[str, Any] | None = None,
    ) -> Iterator[Row]:
        """Every matching record, ``page_size`` at a time in ``id`` order.

        Each page asks for the ids above the last one read, not for an offset: a record
        that leaves the domain between two pages (an invoice paid during the fetch)
        would shift every later record one place back, and an offset would skip one.
        A page shorter than ``page_size`` is the last: no empty page is asked for.
        """
        after: int | None = None
        while True:
            keyset = domain if after is None else [*domain, ["id", ">", after]]
            rows = self.search_read(model, keyset, fields, limit=page_size, context=context)
            yield from rows
            if len(rows) < page_size:
                return
            after = rows[-1].get("id")
            if not isinstance(after, int):
                raise unexpected(self.target, Call(model, "search_read"), _("records with ids"))

    def _fields_get(self, model: str) -> Any:
        return self.call(model, "fields_get", attributes=["type"])
