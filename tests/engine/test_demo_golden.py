"""``relance plan --json`` on the shipped demo ledger, checked against a reviewed golden file.

The demo is copied to a temporary folder first, so a ``make demo`` run (which writes a
history next to it) never changes the result. After a deliberate change of the demo data
or of the planner, review the difference and rewrite the file with
``RELANCE_UPDATE_GOLDEN=1 pytest tests/engine/test_demo_golden.py``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

DEMO = Path(__file__).parents[2] / "examples" / "demo"
GOLDEN = Path(__file__).parent / "golden" / "demo-plan.json"


def test_the_demo_plan_matches_the_golden_file(tmp_path: Path, cli) -> None:
    for name in ("relance.toml", "factures.csv", "clients.csv"):
        shutil.copy(DEMO / name, tmp_path / name)
    result = cli(
        "plan", "--json", "--config", str(tmp_path / "relance.toml"), "--today", "2026-03-16"
    )
    assert result.code == 0, result.err
    document = json.loads(result.out)
    if os.environ.get("RELANCE_UPDATE_GOLDEN"):
        GOLDEN.write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert document == expected


def test_the_demo_shows_every_case_the_readme_promises() -> None:
    document = json.loads(GOLDEN.read_text(encoding="utf-8"))
    levels = {r["level"] for r in document["reminders"]}
    assert levels == {"courtesy", "first", "second", "final", "formal_notice"}
    reasons = {s["reason"] for s in document["skipped"]}
    assert {"disputed", "promised", "credits_cover", "below_minimum"} <= reasons
    assert any(r["requires_approval"] for r in document["reminders"])
    assert any(
        "letter" in r["channels"] and "email" not in r["channels"] for r in document["reminders"]
    )
    assert any(r["language"] == "en" for r in document["reminders"])
