"""Each contract check fails, with its message for authors, when its rule is broken.

``relance_ledgerfile`` (``data/contract-dist``) is a correct file-based connector whose
``flaw`` setting breaks one rule at a time; the contract runs against it in a pytest
run of its own (pytester), and the test reads which checks failed and what they said.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

DIST = Path(__file__).parent / "data" / "contract-dist"
CHECKS = 14

SUITE = """
import pytest
from relance.testing import ConnectorContract, ConnectorSetup
from relance_ledgerfile_fake import TOKEN, VARIABLE, FakeLedgerFile


class TestLedgerFile(ConnectorContract):
    plugin = "ledgerfile"
{extra}
    @pytest.fixture
    def connector(self, tmp_path):
        fake = FakeLedgerFile(tmp_path / "ledger.json")
        return ConnectorSetup(
            table={{"path": str(fake.path), "token_env": VARIABLE, "flaw": {flaw!r}}},
            fake=fake,
            secrets={{VARIABLE: TOKEN}},
            credit_note_ids=["AV-1"],
        )
"""


@pytest.fixture
def contract_dist(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(DIST))
    yield DIST
    for name in [m for m in sys.modules if m.startswith("relance_ledgerfile")]:
        del sys.modules[name]


def run_contract(pytester: pytest.Pytester, flaw: str, extra: str = "") -> pytest.RunResult:
    pytester.makepyfile(test_ledgerfile=SUITE.format(flaw=flaw, extra=extra))
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rfs")


def failed_checks(result: pytest.RunResult) -> set[str]:
    prefix = "FAILED test_ledgerfile.py::TestLedgerFile::"
    return {
        line.removeprefix(prefix).split(" ")[0]
        for line in result.outlines
        if line.startswith(prefix)
    }


@pytest.mark.usefixtures("contract_dist")
def test_a_correct_connector_passes_every_check(pytester: pytest.Pytester) -> None:
    result = run_contract(pytester, "none")
    result.assert_outcomes(passed=CHECKS)


@pytest.mark.usefixtures("contract_dist")
@pytest.mark.parametrize(
    ("flaw", "check", "message"),
    [
        (
            "plugin_name_source",
            "test_records_carry_the_instance_name_as_source",
            "a record has source='ledgerfile'; this instance is named 'ledgerfile-contract'.",
        ),
        (
            "float_decimal",
            "test_records_are_typed_and_valid",
            "with more decimals than EUR has (2).",
        ),
        (
            "unstable_ids",
            "test_ids_are_unique_and_stable_across_fetches",
            "a second run returned other ids",
        ),
        (
            "credit_as_invoice",
            "test_credit_notes_are_marked",
            "records marked credit_note: []; declared: ['AV-1'].",
        ),
        (
            "extra_balances",
            "test_refresh_returns_exactly_the_ids_asked",
            "relance_refresh_balances answered for ['101', '102', '99', 'AV-1']",
        ),
        (
            "cached_refresh",
            "test_refresh_reads_current_residuals",
            "invoice 'N-101' was paid after the fetch, but the re-check still says 700.10 EUR is owed",
        ),
        (
            "paid_open",
            "test_paid_invoices_are_the_invoices_paid_in_the_period",
            "invoice 'N-101' was paid and 'N-102' was not, but the paid invoices are",
        ),
        (
            "history_raises",
            "test_history_accepts_every_event_type",
            "recording a 'planned' event of source 'ledgerfile-contract' failed",
        ),
        (
            "dry_run_writes",
            "test_history_writes_nothing_in_a_dry_run",
            "a dry run wrote into the system: ['sent first for 101']",
        ),
        (
            "swallow_errors",
            "test_an_unreachable_system_raises_a_connector_error",
            "when the system is down, relance_fetch_invoices returned [] instead of raising.",
        ),
        (
            "crash",
            "test_an_unreachable_system_raises_a_connector_error",
            "when the system is down, relance_fetch_invoices raised PluginError caused by OSError",
        ),
        (
            "terse_error",
            "test_an_unreachable_system_raises_a_connector_error",
            "raised ConnectorError('down'), shown as '[ledgerfile-contract (ledgerfile)] down': too short to act on.",
        ),
        (
            "secret_in_error",
            "test_refused_credentials_raise_a_connector_error_without_the_secret",
            "the value of LEDGERFILE_TOKEN appears in the error message",
        ),
        (
            "logs_secret",
            "test_secrets_never_appear_in_reprs_or_logs",
            "the value of LEDGERFILE_TOKEN appears in the logs",
        ),
    ],
)
def test_each_broken_rule_fails_its_check_with_a_fix(
    pytester: pytest.Pytester, flaw: str, check: str, message: str
) -> None:
    result = run_contract(pytester, flaw)
    assert check in failed_checks(result)
    output = result.stdout.str()
    assert message in output
    assert "How to fix it:" in output


@pytest.mark.usefixtures("contract_dist")
def test_checks_are_skipped_with_a_reason_never_overridden(pytester: pytest.Pytester) -> None:
    extra = """
    skip_reasons = {"test_credit_notes_are_marked": "no credit notes", "test_typo": "x"}

    def test_records_are_typed_and_valid(self):
        pass
"""
    result = run_contract(pytester, "none", extra)
    assert failed_checks(result) == {"test_no_check_is_overridden_or_skipped_without_reason"}
    result.stdout.fnmatch_lines(
        ["*TestLedgerFile overrides the contract check test_records_are_typed_and_valid.*"]
    )
    result.stdout.fnmatch_lines(["SKIPPED * no credit notes"])
