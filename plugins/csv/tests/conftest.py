"""Fixtures of the CSV connector's tests: the corpus of exports, a reader, the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from relance import Invoice
from relance.cli import main
from relance_csv.reader import Source, read_invoices
from relance_csv.report import ReadReport
from relance_csv.settings import CsvSettings

DATA = Path(__file__).parent / "data"
SOURCE = Source(name="csv", key_path="sources.csv", currency="EUR")

COMPANY = """\
[company]
name = "Atelier Test"
iban = "FR7630006000011234567890189"
bic = "BNPAFRPPXXX"
email = "compta@atelier-test.fr"
"""


@dataclass
class Read:
    invoices: list[Invoice]
    report: ReadReport

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(problem.where, problem.message) for problem in self.report.problems]


def read(name: str | Path, **settings: Any) -> Read:
    report = ReadReport()
    path = name if isinstance(name, Path) else DATA / name
    invoices = list(read_invoices(CsvSettings(path=path, **settings), SOURCE, report))
    return Read(invoices, report)


@pytest.fixture
def read_csv() -> Callable[..., Read]:
    """Read a file of the corpus (or any path) with the given settings, collecting problems:
    ``read_csv("sage_cp1252.csv", day_first=False)``."""
    return read


@pytest.fixture
def data() -> Path:
    return DATA


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "relance.toml"
        path.write_text(COMPANY + text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run the ``relance`` command in-process, as ``tests/conftest.py`` does."""
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("RELANCE_LANG", "en")

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code=code, out=captured.out, err=captured.err)

    return run
