"""Every benchmark runs at a tiny size and prints its JSON line (no timing is checked:
figures come from the scripts themselves, see bench/README.md)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
LEDGER = ["--invoices", "300", "--customers", "30"]


def run(script: str, *args: str, tmp_path: Path) -> dict[str, object]:
    results = tmp_path / "results.jsonl"
    command = [sys.executable, str(BENCH / script), *args, "--results", str(results)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert json.loads(results.read_text(encoding="utf-8").splitlines()[-1]) == line
    assert line["bench"] == script.removesuffix(".py")
    return line


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("ledgers"))


@pytest.mark.slow
def test_csv_read_compares_the_connector_with_csv_reader(data: str, tmp_path: Path) -> None:
    line = run("csv_read.py", *LEDGER, "--data", data, tmp_path=tmp_path)
    assert line["rows"] == 330  # 300 invoice rows and 30 customer rows
    assert 0 < int(line["records"]) <= 300  # paid rows are not records
    assert float(line["ratio"]) > 0


@pytest.mark.slow
def test_plan_cli_plans_every_level(data: str, tmp_path: Path) -> None:
    line = run("plan_cli.py", *LEDGER, "--data", data, tmp_path=tmp_path)
    assert line["invoices"] == 300
    assert int(line["reminders"]) > 0
    assert float(line["peak_rss_mb"]) > 0


@pytest.mark.slow
def test_render_all_renders_each_channel(data: str, tmp_path: Path) -> None:
    line = run("render_all.py", *LEDGER, "--data", data, tmp_path=tmp_path)
    by_channel = line["by_channel"]
    assert isinstance(by_channel, dict)
    assert sum(by_channel.values()) == line["messages"]
    assert by_channel.get("email", 0) > 0
    assert float(line["tree_peak_rss_mb"]) > 0


@pytest.mark.slow
def test_run_cli_sends_and_records_on_a_copy_of_the_ledger(data: str, tmp_path: Path) -> None:
    line = run("run_cli.py", *LEDGER, "--data", data, tmp_path=tmp_path)
    deliveries = line["deliveries"]
    assert isinstance(deliveries, dict)
    assert deliveries["email sent"] > 0
    assert not [key for key in deliveries if not key.endswith(" sent")]
    assert float(line["peak_rss_mb"]) > 0
    assert float(line["tree_peak_rss_mb"]) > 0
    ledger = Path(data) / "300-30-42"
    assert (ledger / "history.sqlite3").exists()
    assert not (ledger / "var").exists()  # the run wrote to its copy only


@pytest.mark.slow
def test_history_growth_folds_from_every_event_and_from_the_checkpoint(
    data: str, tmp_path: Path
) -> None:
    line = run(
        "history_growth.py", *LEDGER, "--days", "2", "--at", "0,2", "--save-after", "0",
        "--data", data, tmp_path=tmp_path,
    )  # fmt: skip
    growth = line["growth"]
    assert isinstance(growth, list)
    assert [row["day"] for row in growth] == [0, 2]
    assert growth[0]["checkpoint_mb"] == 0  # no run yet, no checkpoint
    assert growth[1]["events"] == growth[0]["events"] + 2 * line["events_per_day"]
    assert growth[1]["replayed"] == line["events_per_day"]  # the day-2 run saved one


@pytest.mark.slow
def test_report_cli_runs_every_report(data: str, tmp_path: Path) -> None:
    line = run("report_cli.py", *LEDGER, "--data", data, tmp_path=tmp_path)
    for name in ("aging", "dso", "scores", "activity", "html"):
        assert float(line[f"{name}_s"]) > 0
        assert int(line[f"{name}_output_bytes"]) > 100
        assert float(line[f"{name}_peak_rss_mb"]) > 0


def test_penalties_quotes_the_late_invoices(data: str, tmp_path: Path) -> None:
    line = run("penalties.py", *LEDGER, "--data", data, tmp_path=tmp_path)
    assert 0 < int(line["late"]) <= int(line["invoices_quoted"])


@pytest.mark.slow
def test_smtp_send_compares_the_email_channel_with_smtplib(tmp_path: Path) -> None:
    line = run("smtp_send.py", "-k", "20", tmp_path=tmp_path)
    assert line["messages"] == 20
    assert float(line["ratio"]) > 0


@pytest.mark.slow
def test_history_store_writes_and_reads_back(tmp_path: Path) -> None:
    line = run("history_store.py", "--invoices", "40", "--customers", "4", tmp_path=tmp_path)
    assert line["events"] == 40
    assert line["customers"] == 4


def test_the_ledger_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    command = [sys.executable, str(BENCH / "ledger.py"), "--invoices", "200", "--seed", "7"]
    for name in ("a", "b"):
        subprocess.run([*command, "--out", str(tmp_path / name)], check=True, timeout=300)
    for file in ("factures.csv", "clients.csv", "relance.toml"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    header = (tmp_path / "a" / "factures.csv").read_text(encoding="cp1252").splitlines()[0]
    assert header.startswith("N° facture;Type;Code client;")


@pytest.mark.slow
def test_ledgers_generated_at_once_do_not_spoil_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two benchmarks asking for the same missing ledger, beside a run's leftover."""
    spec = importlib.util.spec_from_file_location("bench_ledger", BENCH / "ledger.py")
    assert spec is not None
    assert spec.loader is not None
    ledger = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, ledger)
    spec.loader.exec_module(ledger)
    leftover = tmp_path / "300-30-5"
    leftover.mkdir()
    (leftover / "factures.csv").write_text("cut short", encoding="cp1252")
    with ThreadPoolExecutor(2) as pool:
        made = list(pool.map(lambda _: ledger.ensure_ledger(300, 30, 5, tmp_path), range(2)))
    assert [entry.name for entry in tmp_path.iterdir()] == ["300-30-5"]
    assert made[0].folder == made[1].folder == leftover
    assert (leftover / "complete").exists()
    rows = (leftover / "factures.csv").read_text(encoding="cp1252").splitlines()
    assert len(rows) > 300


@pytest.mark.slow
def test_plan_phases_times_each_step(data: str, tmp_path: Path) -> None:
    line = run("plan_phases.py", *LEDGER, "--data", data, tmp_path=tmp_path)
    for phase in ("fetch", "history", "plan", "json"):
        assert float(line[f"{phase}_s"]) >= 0
    assert float(line["json_mb"]) > 0
