"""Running the ``relance`` command in-process, as a user would, and capturing what it says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from relance.cli import main
from relance.i18n import set_language

__all__ = ["CliResult", "CliRunner", "cli_runner"]


@dataclass(frozen=True)
class CliResult:
    """The exit code and the output of one ``relance`` command."""

    code: int
    out: str
    err: str


CliRunner = Callable[..., CliResult]
"""Call it with the command's arguments: ``relance_cli("check", "--config", path)``."""


def cli_runner(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner of ``relance`` in this process, in English, its output a pipe's.

    Output that is not a terminal's keeps every character of its tables, as a user
    piping relance to a file or a cron email sees it: ``COLUMNS`` and the variables that
    make Rich write colours or fit a width are unset for that.
    """
    for variable in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("RELANCE_LANG", "en")

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main(list(args))
        finally:
            set_language(None)  # a --lang of this run does not outlive it
        captured = capsys.readouterr()
        return CliResult(code=code, out=captured.out, err=captured.err)

    return run
