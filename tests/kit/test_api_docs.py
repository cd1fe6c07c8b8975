"""The plugin API reference describes every public name, and the kit's page every kit name."""

from __future__ import annotations

from pathlib import Path

import relance
import relance.testing
from relance.plugins import ENTRY_POINT_GROUP

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins"


def described(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def test_every_public_name_of_relance_is_in_the_api_reference() -> None:
    text = described("api.md")
    missing = [name for name in relance.__all__ if f"| `{name}` |" not in text]
    assert missing == []


def test_the_api_reference_describes_no_name_relance_does_not_export() -> None:
    text = described("api.md")
    rows = [line.split("`")[1] for line in text.splitlines() if line.startswith("| `")]
    assert sorted(set(rows) - set(relance.__all__)) == []


def test_every_enum_member_is_listed_with_its_enum() -> None:
    text = described("api.md")
    for enum in (relance.EventType, relance.DocumentKind, relance.ChannelKind):
        (row,) = [line for line in text.splitlines() if line.startswith(f"| `{enum.__name__}` |")]
        assert [m.value for m in enum if f"`{m.value}`" not in row] == []


def test_every_name_of_the_kit_and_every_contract_check_is_in_the_testing_page() -> None:
    text = described("testing.md")
    checks = [n for n in dir(relance.testing.ConnectorContract) if n.startswith("test_")]
    missing = [n for n in [*relance.testing.__all__, *checks] if f"`{n}`" not in text]
    assert missing == []


def test_the_entry_point_group_is_documented_as_the_code_reads_it() -> None:
    assert f"| entry-point group `{ENTRY_POINT_GROUP}` |" in described("api.md")
