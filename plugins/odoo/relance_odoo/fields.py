"""Which fields this database has, asked once per model with ``fields_get``.

Asking ``search_read`` for a field the server lacks fails the whole call
(``ValueError: Invalid field 'mobile' on model 'res.partner'``), and the fields differ by
version: ``mobile`` is gone in 19, ``invoice_pdf_report_id`` arrived in 17, the
follow-up exclusion is ``blocked`` on lines in 16-17 and ``no_followup`` in 19 (and in
18 with Enterprise). So every field list goes through :meth:`FieldCatalog.keep`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from relance.i18n import _
from relance_odoo.errors import Call, Target, unexpected

FieldsGet = Callable[[str], object]


class FieldCatalog:
    """The field names of each model, read on first use and kept for the run."""

    def __init__(self, fields_get: FieldsGet, target: Target) -> None:
        self._fields_get = fields_get
        self._target = target
        self._known: dict[str, frozenset[str]] = {}

    def names(self, model: str) -> frozenset[str]:
        if model not in self._known:
            answer = self._fields_get(model)
            if not isinstance(answer, dict):
                raise unexpected(self._target, Call(model, "fields_get"), _("a field list"))
            self._known[model] = frozenset(answer)
        return self._known[model]

    def has(self, model: str, name: str) -> bool:
        return name in self.names(model)

    def keep(self, model: str, wanted: Iterable[str]) -> list[str]:
        """``wanted`` without the fields this server's ``model`` does not have."""
        names = self.names(model)
        return [name for name in wanted if name in names]
