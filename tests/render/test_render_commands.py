"""``relance preview`` and ``relance templates``, on a JSON ledger read by a real source."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

LEDGER_DIST = Path(__file__).parent.parent / "data" / "ledger-dist"
CONFIG = """\
[company]
name = "Atelier Dupré SARL"
address = { lines = ["12 quai Saint-Vincent"], postal_code = "69001", city = "Lyon" }
iban = "FR7630006000011234567890189"
bic = "BNPAFRPPXXX"
email = "compta@atelier-dupre.fr"

[history]
path = "history.sqlite3"

[templates]
path = "my-templates"

[sources.jsonledger]
path = "ledger.json"
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: Any) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(LEDGER_DIST))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "relance.toml").write_text(CONFIG, encoding="utf-8")
    invoices = [i for level in ("first", "final") for i in sample_ledger(sample, level)]
    rows = [i.model_dump(mode="json", exclude={"source"}) for i in invoices]
    (tmp_path / "ledger.json").write_text(json.dumps(rows), encoding="utf-8")
    yield tmp_path
    sys.modules.pop("relance_jsonledger", None)


def sample_ledger(sample: Any, level: str) -> list[Any]:
    reminder, _history = sample.planned(level, "fr")
    return [item.invoice.model_copy(update={"source": "jsonledger"}) for item in reminder.items]


def test_preview_writes_what_would_be_sent(folder: Path, cli: Any) -> None:
    result = cli("preview", "FR-first", "--today", "2025-07-10", "-o", "out")
    assert result.code == 0, result.err
    names = sorted(p.name for p in (folder / "out").iterdir())
    assert names == [
        "FR-first_first_email.eml",
        "FR-first_first_email.html",
        "FR-first_first_email.txt",
    ]
    text = (folder / "out" / "FR-first_first_email.txt").read_text(encoding="utf-8")
    assert text.startswith("Relance \u2013 facture n°F4567 en attente de règlement\n")
    email = message_from_bytes(
        (folder / "out" / "FR-first_first_email.eml").read_bytes(), policy=email_policy
    )
    assert email["To"] == "compta@maison-etienne.fr"
    assert not (folder / "history.sqlite3").exists()


def test_preview_at_another_level_renders_the_letter_pdf(folder: Path, cli: Any) -> None:
    result = cli(
        "preview",
        "FR-first",
        "--today",
        "2025-07-10",
        "--level",
        "formal_notice",
        "--format",
        "pdf",
        "-o",
        "out",
    )
    assert result.code == 0, result.err
    (pdf,) = (folder / "out").iterdir()
    assert pdf.name == "FR-first_formal_notice_registered_letter_letter_formal_notice_FR-first.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Lettre recommandée avec accusé de réception" in text
    assert "mise en demeure" in " ".join(text.split()).lower()


def test_preview_explains_a_customer_with_nothing_due(folder: Path, cli: Any) -> None:
    result = cli("preview", "FR-first", "--today", "2025-06-20")
    assert result.code == 1
    assert "FR-first gets no reminder on 2025-06-20" in result.err


def test_preview_rejects_an_unknown_level(folder: Path, cli: Any) -> None:
    result = cli("preview", "FR-first", "--today", "2025-07-10", "--level", "urgent")
    assert result.code == 1
    assert "--level: no level 'urgent' sends a message; known: courtesy, first" in result.err


def test_templates_list_and_copy_then_the_copy_wins(folder: Path, cli: Any) -> None:
    listed = cli("templates", "list", "--json")
    assert listed.code == 0, listed.err
    origins = {t["name"]: t["origin"] for t in json.loads(listed.out)}
    assert origins["fr/first.j2"] == "builtin"
    assert origins["email.html.j2"] == "builtin"
    copied = cli("templates", "copy", "fr/first.j2")
    assert copied.code == 0, copied.err
    mine = folder / "my-templates" / "fr" / "first.j2"
    assert mine.exists()
    mine.write_text(
        mine.read_text(encoding="utf-8").replace("Relance \u2013", "Rappel amical \u2013"),
        encoding="utf-8",
    )
    again = json.loads(cli("templates", "list", "--json").out)
    (entry,) = [t for t in again if t["name"] == "fr/first.j2"]
    assert entry["origin"] == "user"
    assert entry["overrides"][0].endswith("render/templates/fr/first.j2")
    kept = cli("templates", "copy", "fr/first.j2")
    assert "exists, kept" in kept.out
    result = cli("preview", "FR-first", "--today", "2025-07-10", "--format", "text", "-o", "out")
    assert result.code == 0, result.err
    text = (folder / "out" / "FR-first_first_email.txt").read_text(encoding="utf-8")
    assert text.startswith("Rappel amical \u2013 facture n°F4567")


def test_templates_copy_names_what_matched_nothing(folder: Path, cli: Any) -> None:
    result = cli("templates", "copy", "xx/*")
    assert result.code == 1
    assert "no template matches xx/*" in result.err
