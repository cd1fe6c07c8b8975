"""The HTTP client: headers, pages, retries with backoff, and every error of the reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from responses import matchers

from relance import ConnectorAuthError, ConnectorError, ConnectorUnavailable
from relance_axonaut.client import AxonautClient, new_session
from relance_axonaut.errors import AxonautNotFound
from relance_axonaut.settings import AxonautSettings

BASE = "https://axonaut.com/api/v2"


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(api_key: str, sleeps: list[float]) -> AxonautClient:
    settings = AxonautSettings(max_pages=5)
    return AxonautClient.from_settings(settings, new_session(settings), sleep=sleeps.append)


def test_every_request_carries_the_key_and_asks_for_json(
    api: responses.RequestsMock, client: AxonautClient, api_key: str
) -> None:
    api.get(
        f"{BASE}/companies/28100457",
        json={"id": 28100457},
        match=[matchers.header_matcher({"userApiKey": api_key, "Accept": "application/json"})],
    )
    assert client.get_object("/companies/28100457") == {"id": 28100457}
    assert "page" not in api.calls[0].request.headers


def test_lists_are_read_page_by_page_until_an_empty_page(
    api: responses.RequestsMock, client: AxonautClient, api_key: str, fixture: Callable[..., Any]
) -> None:
    page_1 = fixture("invoices_page_1")
    for page, body in (("1", page_1[:1]), ("2", page_1[1:]), ("3", [])):
        api.get(
            f"{BASE}/invoices",
            json=body,
            match=[
                matchers.header_matcher({"userApiKey": api_key, "page": page}),
                matchers.query_param_matcher({"is_paid": "false"}),
            ],
        )
    ids = [item["id"] for item in client.iter_list("/invoices", {"is_paid": "false"})]
    assert ids == [4812345, 4812377]
    assert [call.request.headers["page"] for call in api.calls] == ["1", "2", "3"]


def test_a_repeated_last_page_ends_the_list(
    api: responses.RequestsMock, client: AxonautClient, fixture: Callable[..., Any]
) -> None:
    page_1 = fixture("invoices_page_1")
    api.get(f"{BASE}/invoices", json=page_1, match=[matchers.header_matcher({"page": "1"})])
    api.get(f"{BASE}/invoices", json=page_1, match=[matchers.header_matcher({"page": "2"})])
    assert [item["id"] for item in client.iter_list("/invoices")] == [4812345, 4812377]
    assert len(api.calls) == 2


def test_more_pages_than_max_pages_is_an_error_not_a_truncation(
    api: responses.RequestsMock, client: AxonautClient
) -> None:
    for page in range(1, 6):
        api.get(
            f"{BASE}/invoices",
            json=[{"id": page}],
            match=[matchers.header_matcher({"page": str(page)})],
        )
    with pytest.raises(ConnectorError) as caught:
        list(client.iter_list("/invoices"))
    assert str(caught.value) == (
        "Axonaut's list /invoices has more than 5 pages; raise max_pages if that is expected."
    )


def test_server_errors_are_retried_with_exponential_backoff(
    api: responses.RequestsMock, client: AxonautClient, sleeps: list[float]
) -> None:
    api.get(f"{BASE}/me", status=502, body="<html>Bad gateway</html>")
    api.get(f"{BASE}/me", status=503, body="<html>Unavailable</html>")
    api.get(
        f"{BASE}/me", status=429, json={"error": {"message": "slow down", "status_code": "429"}}
    )
    api.get(f"{BASE}/me", json={"id": 1})
    assert client.get_object("/me") == {"id": 1}
    assert sleeps == [1.0, 2.0, 4.0]
    assert len(api.calls) == 4


def test_retry_after_is_honoured(
    api: responses.RequestsMock, client: AxonautClient, sleeps: list[float]
) -> None:
    api.get(f"{BASE}/me", status=429, headers={"Retry-After": "7"})
    api.get(f"{BASE}/me", json={"id": 1})
    client.get_object("/me")
    assert sleeps == [7.0]


def test_connection_errors_are_retried_then_reported(
    api: responses.RequestsMock, client: AxonautClient, sleeps: list[float]
) -> None:
    for _ in range(4):
        api.get(f"{BASE}/me", body=requests.ConnectionError("refused"))
    with pytest.raises(ConnectorUnavailable) as caught:
        client.get_object("/me")
    assert str(caught.value) == (
        "Cannot reach Axonaut at https://axonaut.com/api/v2 (GET /me) after 4 attempts: "
        "ConnectionError."
    )
    assert sleeps == [1.0, 2.0, 4.0]


def test_server_errors_that_persist_are_reported(
    api: responses.RequestsMock, client: AxonautClient
) -> None:
    for _ in range(4):
        api.get(f"{BASE}/invoices", status=500, body="<html>oops</html>")
    with pytest.raises(ConnectorUnavailable) as caught:
        client.get_page("/invoices", 1)
    assert str(caught.value) == (
        "Axonaut had a server error on GET /invoices (HTTP 500, no error message) after "
        "4 attempts; try again later."
    )


def test_retries_can_be_switched_off(api_key: str, api: responses.RequestsMock) -> None:
    settings = AxonautSettings(retries=0)
    sleeps: list[float] = []
    client = AxonautClient.from_settings(settings, new_session(settings), sleep=sleeps.append)
    api.get(f"{BASE}/me", status=503)
    with pytest.raises(ConnectorUnavailable, match="after 1 attempts"):
        client.get_object("/me")
    assert sleeps == []


def test_a_post_is_not_retried_on_a_server_error(
    api: responses.RequestsMock, client: AxonautClient, sleeps: list[float]
) -> None:
    api.post(f"{BASE}/events", status=500, body="<html>oops</html>")
    with pytest.raises(ConnectorUnavailable, match="POST /events"):
        client.post("/events", {"title": "x"})
    assert len(api.calls) == 1
    assert sleeps == []


def test_a_post_is_retried_on_429_which_means_not_processed(
    api: responses.RequestsMock, client: AxonautClient, sleeps: list[float]
) -> None:
    api.post(f"{BASE}/events", status=429)
    api.post(
        f"{BASE}/events", json={"id": 88120456}, match=[matchers.json_params_matcher({"a": 1})]
    )
    assert client.post("/events", {"a": 1}) == {"id": 88120456}
    assert sleeps == [1.0]


# -- every error of the reference (§6.1, §9.5): its message, and nothing more was asked


def test_wrong_key_403_forbidden_access(
    api: responses.RequestsMock, client: AxonautClient, sleeps: list[float], fixture: Any
) -> None:
    api.get(f"{BASE}/invoices", status=403, json=fixture("error_403_forbidden"))
    api.get(f"{BASE}/me", status=403, json=fixture("error_403_forbidden"))
    with pytest.raises(ConnectorAuthError) as caught:
        client.get_page("/invoices", 1, {"is_paid": "false"})
    assert str(caught.value) == (
        "Axonaut refused the API key from AXONAUT_API_KEY (Forbidden access). Copy the key "
        "again from Axonaut (Settings > API > Show your API key) into AXONAUT_API_KEY."
    )
    # The same 403 answers a right the user lacks: /me, which any key reads, tells.
    assert [(call.request.method, call.request.url) for call in api.calls] == [
        ("GET", f"{BASE}/invoices?is_paid=false"),
        ("GET", f"{BASE}/me"),
    ]
    assert sleeps == []


def test_a_403_on_me_is_the_key_without_asking_again(
    api: responses.RequestsMock, client: AxonautClient, fixture: Any
) -> None:
    api.get(f"{BASE}/me", status=403, json=fixture("error_403_forbidden"))
    with pytest.raises(ConnectorAuthError):
        client.get_object("/me")
    assert len(api.calls) == 1


def test_a_403_after_the_key_was_accepted_is_a_missing_right_not_a_wrong_key(
    api: responses.RequestsMock, client: AxonautClient, fixture: Any, api_key: str
) -> None:
    api.get(f"{BASE}/companies/28100457", json=fixture("company_28100457"))
    api.post(f"{BASE}/events", status=403, json=fixture("error_403_forbidden"))
    client.get_object("/companies/28100457")

    with pytest.raises(ConnectorError) as caught:
        client.post("/events", {"company_id": 28100457, "nature": 2})

    assert not isinstance(caught.value, ConnectorAuthError)
    assert str(caught.value) == (
        "Axonaut refused POST /events (HTTP 403: Forbidden access) although it accepts the "
        "API key from AXONAUT_API_KEY: the Axonaut user the key belongs to lacks the right "
        "to do this. Give that user the right in Axonaut (its role), or use the key of a "
        "user who has it."
    )
    assert [call.request.method for call in api.calls] == ["GET", "POST"]  # nothing more asked


def test_a_first_403_is_told_apart_by_asking_me(
    api: responses.RequestsMock, client: AxonautClient, fixture: Any, api_key: str
) -> None:
    me = fixture("me")
    me["user_api_key"] = api_key  # Axonaut echoes the key
    api.post(f"{BASE}/events", status=403, json=fixture("error_403_forbidden"))
    api.get(
        f"{BASE}/me",
        json=me,
        match=[matchers.header_matcher({"userApiKey": api_key})],
    )

    with pytest.raises(ConnectorError) as caught:
        client.post("/events", {"company_id": 28100457, "nature": 2})

    assert not isinstance(caught.value, ConnectorAuthError)
    assert str(caught.value).startswith(
        "Axonaut refused POST /events (HTTP 403: Forbidden access) although it accepts"
    )
    assert api_key not in str(caught.value)
    assert [(call.request.method, call.request.url) for call in api.calls] == [
        ("POST", f"{BASE}/events"),
        ("GET", f"{BASE}/me"),
    ]


def test_missing_key_400_bad_request(
    api: responses.RequestsMock, client: AxonautClient, fixture: Any
) -> None:
    api.get(f"{BASE}/me", status=400, json=fixture("error_400_missing_header"))
    with pytest.raises(ConnectorAuthError) as caught:
        client.get_object("/me")
    assert str(caught.value) == (
        "Axonaut refused GET /me: the userApiKey header is missing (Bad request - Missing "
        'header : "userApiKey"). Check that the environment variable AXONAUT_API_KEY holds '
        "your API key."
    )
    assert len(api.calls) == 1


def test_too_many_results_403_is_not_taken_for_a_bad_key(
    api: responses.RequestsMock, client: AxonautClient, fixture: Any
) -> None:
    api.get(f"{BASE}/invoices", status=403, json=fixture("error_403_too_many_results"))
    with pytest.raises(ConnectorError) as caught:
        client.get_page("/invoices", 1)
    assert not isinstance(caught.value, ConnectorAuthError)
    assert str(caught.value) == (
        "Axonaut refused GET /invoices without the page header (Too many results. Use page "
        "header; 3 pages). This is a bug in the Axonaut connector: please report it."
    )
    assert len(api.calls) == 1


def test_unknown_id_404(api: responses.RequestsMock, client: AxonautClient, fixture: Any) -> None:
    api.get(f"{BASE}/invoices/999", status=404, json=fixture("error_404_invoice"))
    with pytest.raises(AxonautNotFound) as caught:
        client.get_object("/invoices/999")
    assert str(caught.value) == (
        "Axonaut has no such object: GET /invoices/999 answered 404 (Invoice not found)."
    )
    assert len(api.calls) == 1


def test_other_client_errors_quote_the_server(
    api: responses.RequestsMock, client: AxonautClient
) -> None:
    body = {"error": {"message": "Invalid parameter quantity", "status_code": "400"}}
    api.post(f"{BASE}/tasks", status=400, json=body)
    with pytest.raises(ConnectorError) as caught:
        client.post("/tasks", {"title": "x"})
    assert str(caught.value) == (
        "Axonaut refused POST /tasks (HTTP 400: Invalid parameter quantity)."
    )


def test_an_echoed_key_is_scrubbed_from_error_messages(
    api: responses.RequestsMock, client: AxonautClient, api_key: str
) -> None:
    body = {"error": {"message": f"Unknown key {api_key}", "status_code": "403"}}
    api.get(f"{BASE}/me", status=403, json=body)
    with pytest.raises(ConnectorAuthError) as caught:
        client.get_object("/me")
    assert api_key not in str(caught.value)
    assert "Unknown key ***" in str(caught.value)


def test_an_answer_that_is_not_json_names_the_base_url(
    api: responses.RequestsMock, client: AxonautClient
) -> None:
    api.get(f"{BASE}/me", body="<html>login</html>", content_type="text/html")
    with pytest.raises(ConnectorError) as caught:
        client.get_object("/me")
    assert str(caught.value) == (
        "Axonaut answered GET /me with something that is not JSON (text/html); check "
        "base_url (https://axonaut.com/api/v2)."
    )


def test_a_list_that_is_not_an_array_is_reported(
    api: responses.RequestsMock, client: AxonautClient
) -> None:
    api.get(f"{BASE}/invoices", json={"data": []})
    with pytest.raises(ConnectorError, match="expected a list of objects"):
        client.get_page("/invoices", 1)


def test_downloads_do_not_send_the_api_key(
    api: responses.RequestsMock, client: AxonautClient
) -> None:
    url = "https://axonaut.com/public/invoice/pdf/abc"
    api.get(url, body=b"%PDF-1.4", content_type="application/pdf")
    assert client.download(url, label="the PDF").content == b"%PDF-1.4"
    assert "userApiKey" not in api.calls[0].request.headers


def test_the_client_repr_shows_no_key(client: AxonautClient, api_key: str) -> None:
    assert api_key not in repr(client)
    assert "AXONAUT_API_KEY" in repr(client)
