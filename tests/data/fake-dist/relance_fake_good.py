"""A well-behaved third-party source plugin, as a connector author would write it."""

from __future__ import annotations

from relance import (
    CheckResult,
    ConnectorError,
    Customer,
    Invoice,
    SecretEnv,
    SourceSettings,
    hookimpl,
)

CALLS: list[str] = []


class FakeSettings(SourceSettings):
    greeting: str = "bonjour"
    token_env: SecretEnv = SecretEnv("FAKE_TOKEN")
    fail: bool = False


@hookimpl
def relance_settings_model():
    return FakeSettings


@hookimpl
def relance_check_connection(context):
    CALLS.append(f"check:{context.name}")
    token = context.settings.token_env.reveal()
    if context.settings.fail:
        # A careless server echoes the token back: relance must scrub it from output.
        raise ConnectorError(f"server refused token {token}")
    yield CheckResult(summary=f"{context.settings.greeting} from {context.name}")


@hookimpl
def relance_fetch_invoices(source, since):
    CALLS.append(f"fetch:{source.name}")
    customer = Customer(id="C1", name="Client Un")
    for number in ("F1", "F2"):
        yield Invoice(
            source=source.name,
            id=number,
            number=number,
            customer=customer,
            due_date="2025-06-05",
            currency="EUR",
            total="100.00",
            residual="100.00",
        )
