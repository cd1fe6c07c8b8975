"""Every level x language rendered by ``relance preview`` on the demo ledger, against goldens.

The demo (``examples/demo/``) is what a newcomer runs first: its French, English and
German customers are previewed at each level their language has templates for, on the
Makefile's fixed day, and every text and HTML file is compared with its golden file in
``tests/render/golden/demo/``. After a deliberate wording change, rewrite them with
``RELANCE_UPDATE_GOLDEN=1 pytest tests/render/test_demo_messages.py`` and review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .test_templates import check_golden

DEMO = Path(__file__).parents[2] / "examples" / "demo"
DEMO_TODAY = "2026-03-16"
LEVELS = ("courtesy", "first", "second", "final", "formal_notice")
#: A customer of the demo per language, each with a reminder due on DEMO_TODAY.
CASES = [("CL005", "fr", level) for level in LEVELS]
CASES += [("CL016", "en", level) for level in LEVELS]
CASES += [("CL017", "de", level) for level in ("final", "formal_notice")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo, so that nothing is written into the checkout."""
    folder = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("var"))
    return folder


@pytest.mark.parametrize(("customer", "language", "level"), CASES)
def test_demo_messages_render_like_their_golden_files(
    demo: Path, relance_cli: Any, tmp_path: Path, customer: str, language: str, level: str
) -> None:
    out = tmp_path / "preview"
    result = relance_cli(
        "preview",
        "--customer",
        customer,
        "--level",
        level,
        "--today",
        DEMO_TODAY,
        "--config",
        str(demo / "relance.toml"),
        "--format",
        "text",
        "--format",
        "html",
        "-o",
        str(out),
    )
    assert result.code == 0, result.err
    written = sorted(out.iterdir())
    expected_kinds = {
        "formal_notice": {"registered_letter"},
        "final": {"email", "letter"},
    }.get(level, {"email"})
    assert {path.stem.split(f"{level}_", 1)[1] for path in written} == expected_kinds
    for path in written:
        check_golden(f"demo/{language}/{path.name}", path.read_text(encoding="utf-8"))


def test_the_customer_is_given_once(demo: Path, relance_cli: Any) -> None:
    config = str(demo / "relance.toml")
    twice = relance_cli("preview", "CL005", "--customer", "CL016", "--config", config)
    assert twice.code == 1
    assert "give the customer once: 'CL005' or 'CL016'" in twice.err
    never = relance_cli("preview", "--config", config)
    assert never.code == 1
    assert "name the customer: relance preview CUSTOMER" in never.err
