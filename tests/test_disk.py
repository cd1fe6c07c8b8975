"""Files written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from relance.disk import replaced


def test_a_file_is_replaced_only_once_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "new" / "report.csv"

    with replaced(target, "w", encoding="utf-8") as handle:
        handle.write("today\n")

    def fail_midway() -> None:
        with replaced(target, "w", encoding="utf-8") as handle:
            handle.write("half of tomor")
            raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        fail_midway()

    assert target.read_text(encoding="utf-8") == "today\n"
    assert [p.name for p in target.parent.iterdir()] == ["report.csv"]
