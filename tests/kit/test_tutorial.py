"""The tutorial's connector is a real package: installed, discovered, green; the page quotes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import install

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "connector-tutorial"
TUTORIAL = ROOT / "docs" / "plugins" / "tutorial.md"
QUOTE = re.compile(r"<!-- from (?P<path>\S+) -->\n```\w+\n(?P<code>.*?)```", re.S)


@pytest.mark.slow
def test_the_tutorial_connector_installs_is_discovered_and_passes_its_tests(
    tmp_path: Path,
) -> None:
    installed = install(EXAMPLE, tmp_path)

    plugin = installed.plugins(cwd=tmp_path)["facturo"]
    assert (plugin["status"], plugin["distribution"], plugin["module"]) == (
        "loaded",
        "relance-facturo",
        "relance_facturo",
    )
    tests = installed.pytest()
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "17 passed" in tests.stdout


def test_every_code_excerpt_of_the_tutorial_is_in_the_example() -> None:
    quotes = QUOTE.findall(TUTORIAL.read_text(encoding="utf-8"))
    assert len(quotes) >= 8
    for path, code in quotes:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert code in source, f"the tutorial quotes {path} as it no longer is:\n{code}"
