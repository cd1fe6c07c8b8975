"""What the conformance kit asks of a connector author's fake system.

The contract drives the fake the way life drives the real system: an invoice gets
paid, the server goes down, the credentials are revoked. A fake is any object with the
four methods of :class:`FakeSource`; :class:`ResponsesFake` implements the two generic
ones for HTTP APIs faked with ``responses``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import responses

__all__ = ["FakeSource", "ResponsesFake"]

_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_ANY_URL = re.compile(r".*")
_METHODS = (responses.GET, responses.POST, responses.PUT, responses.PATCH, responses.DELETE)


@runtime_checkable
class FakeSource(Protocol):
    """The author's fake of the system their connector reads (an API, a file...)."""

    def mark_paid(self, invoice_id: str) -> None:
        """From now on, the invoice with this ``Invoice.id`` is fully paid.

        Answer as the real system does for a paid invoice: leave it out of the open
        list, and show it with nothing left to pay (or not at all) when asked by id;
        if the connector gives paid invoices, list it among them, paid on the run's day
        (``ConnectorSetup.today``).
        """

    def go_down(self) -> None:
        """From now on, every request fails as when the system is down (HTTP 503...)."""

    def reject_credentials(self) -> None:
        """From now on, every request is refused as with a wrong or revoked API key.

        Answer exactly as the real system does, echoing what it echoes (some APIs
        quote the key they refused): the contract checks the secret never reaches a
        message.
        """

    def writes(self) -> Sequence[object]:
        """Everything the connector changed in the system so far (requests, rows...).

        The contract only compares its length before and after a dry run.
        """


class ResponsesFake:
    """A base for fakes of HTTP APIs built on a ``responses.RequestsMock``.

    Subclasses add ``mark_paid`` and ``reject_credentials``; serve answers from state
    kept on the object (``add_callback``), so that changing the state changes the
    answers.
    """

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.mock = mock

    def writes(self) -> list[str]:
        """The requests that could change something (any method but GET, HEAD, OPTIONS)."""
        return [
            f"{call.request.method} {call.request.url}"
            for call in self.mock.calls
            if call.request.method not in _READS
        ]

    def go_down(self) -> None:
        """Answer every request, to any URL, with ``503 Service Unavailable``.

        Which of these answers the connector asks for is its own business, so they are
        not required to be used.
        """
        self.mock.reset()
        self.mock.assert_all_requests_are_fired = False
        for method in _METHODS:
            self.mock.add(method, _ANY_URL, status=503, body="Service Unavailable")
