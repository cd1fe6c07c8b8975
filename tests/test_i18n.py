"""relance speaks English and French: every message in the code has a French translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

import relance
from relance.i18n import catalog

PACKAGE = Path(relance.__file__).parent


def messages_in_code() -> set[str]:
    return {
        message
        for _, _, message, *_ in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        )
        if isinstance(message, str)
    }


def test_every_message_has_a_french_translation() -> None:
    messages = messages_in_code()
    assert len(messages) > 20
    missing = sorted(messages - set(catalog("fr")))
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for english, french in catalog("fr").items():
        assert fields(english) == fields(french), english


def test_the_command_line_speaks_french(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("--lang", "fr", "plugins")
    assert result.code == 0
    assert "Plugins installés" in result.out
    assert "chargé" in result.out
    assert "aucun fichier de configuration trouvé" in result.out


def test_the_language_comes_from_the_environment(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RELANCE_LANG")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert "Plugins installés" in cli("plugins").out
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert "Installed plugins" in cli("plugins").out


def test_configuration_errors_speak_french(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = cli("--lang", "fr", "plan")
    (tmp_path / "relance.toml").write_text(
        '[company]\nname = "X"\niban = "FR00"\n[history]\npaht = "h.sqlite3"\n', encoding="utf-8"
    )
    invalid = cli("--lang", "fr", "plan")

    assert missing.code == 1
    assert "Fichier de configuration relance.toml introuvable." in missing.err
    assert "créez-le (voir docs/configuration.md) ou passez --config FICHIER" in missing.err
    assert invalid.code == 1
    assert "relance.toml est invalide (2 problèmes)." in invalid.err
    assert "history.paht: clé inconnue (vouliez-vous dire 'path' ?)" in invalid.err
    assert "company.iban: IBAN invalide" in invalid.err
