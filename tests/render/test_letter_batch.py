"""``relance letters``: a day's letters in one PDF to print, from the letter channel's folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typst
from pypdf import PdfReader


def pdf(path: Path, pages: int, label: str) -> None:
    source = "#pagebreak()".join(f"{label} page {number + 1}" for number in range(pages))
    path.write_bytes(typst.compile(f'#set page("a4")\n{source}'.encode()))


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A configuration whose letter channel writes to ``tmp_path / "letters"``."""
    path = tmp_path / "relance.toml"
    path.write_text(
        '[company]\nname = "Atelier Test"\n[channels.letter]\npath = "letters"\n',
        encoding="utf-8",
    )
    (tmp_path / "letters").mkdir()
    return path


def page_texts(path: Path) -> list[str]:
    return [page.extract_text().strip() for page in PdfReader(path).pages]


def test_the_days_letters_in_file_order_each_on_its_own_sheet(
    cli: Any, config: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "letters"
    pdf(folder / "2026-03-16_CL2_final_letter_bbbb.pdf", 2, "B")
    pdf(folder / "2026-03-16_CL1_formal_notice_registered_letter_aaaa.pdf", 3, "A")
    pdf(folder / "2026-03-15_CL9_first_letter_cccc.pdf", 1, "C")

    result = cli("letters", "--config", str(config), "--today", "2026-03-16", "--duplex", "--json")

    assert result.code == 0, result.err
    batch = folder / "letters-2026-03-16.pdf"
    assert json.loads(result.out) == [
        {
            "path": str(batch),
            "letters": [
                str(folder / "2026-03-16_CL1_formal_notice_registered_letter_aaaa.pdf"),
                str(folder / "2026-03-16_CL2_final_letter_bbbb.pdf"),
            ],
            "pages": 6,
        }
    ]
    assert page_texts(batch) == ["A page 1", "A page 2", "A page 3", "", "B page 1", "B page 2"]
    # Rebuilt, not appended to, and never taken for a letter itself.
    again = cli("letters", "--config", str(config), "--today", "2026-03-16")
    assert again.code == 0
    assert "2 letters, 5 pages" in again.out.replace("\n", " ")
    assert len(PdfReader(batch).pages) == 5


def test_no_letter_that_day_is_a_clear_failure(cli: Any, config: Path, tmp_path: Path) -> None:
    result = cli("letters", "--config", str(config), "--today", "2026-03-16")
    assert result.code == 1
    assert f"no letter of 2026-03-16 in {tmp_path / 'letters'}" in result.err.replace("\n", "")


def test_a_busy_day_is_split_into_volumes_and_earlier_volumes_are_replaced(
    cli: Any, config: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "letters"
    for n, label in enumerate("ABCDE"):
        pdf(folder / f"2026-03-16_CL{n}_final_letter_{label}.pdf", 1, label)
    mine = folder / "letters-2026-03-16-notes.pdf"
    mine.write_bytes(b"not relance's")

    result = cli(
        "letters", "--config", str(config), "--today", "2026-03-16", "--per-file", "2", "--json"
    )

    assert result.code == 0, result.err
    volumes = [folder / f"letters-2026-03-16-{n}.pdf" for n in (1, 2, 3)]
    assert [(b["path"], b["pages"]) for b in json.loads(result.out)] == [
        (str(volumes[0]), 2),
        (str(volumes[1]), 2),
        (str(volumes[2]), 1),
    ]
    assert [page_texts(v) for v in volumes] == [
        ["A page 1", "B page 1"],
        ["C page 1", "D page 1"],
        ["E page 1"],
    ]
    assert not (folder / "letters-2026-03-16.pdf").exists()

    # Fewer volumes, then one file: what the earlier run wrote does not linger.
    assert (
        cli("letters", "--config", str(config), "--today", "2026-03-16", "--per-file", "3").code
        == 0
    )
    assert [p.name for p in sorted(folder.glob("letters-*"))] == [
        "letters-2026-03-16-1.pdf",
        "letters-2026-03-16-2.pdf",
        "letters-2026-03-16-notes.pdf",
    ]
    assert cli("letters", "--config", str(config), "--today", "2026-03-16").code == 0
    assert [p.name for p in sorted(folder.glob("letters-*"))] == [
        "letters-2026-03-16-notes.pdf",
        "letters-2026-03-16.pdf",
    ]
    assert page_texts(folder / "letters-2026-03-16.pdf") == [f"{c} page 1" for c in "ABCDE"]
    assert mine.read_bytes() == b"not relance's"


def test_volumes_elsewhere_are_named_after_the_output_file(
    cli: Any, config: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "letters"
    for n in range(3):
        pdf(folder / f"2026-03-16_CL{n}_final_letter.pdf", 1, str(n))
    target = tmp_path / "print" / "today.pdf"
    result = cli(
        "letters",
        "--config",
        str(config),
        "--today",
        "2026-03-16",
        "--per-file",
        "2",
        "--output",
        str(target),
    )
    assert result.code == 0, result.err
    assert sorted(p.name for p in target.parent.iterdir()) == ["today-1.pdf", "today-2.pdf"]


def test_per_file_must_be_a_positive_number(cli: Any) -> None:
    result = cli("letters", "--per-file", "0")
    assert result.code == 1  # a usage error is a user error
    assert "--per-file" in result.err
