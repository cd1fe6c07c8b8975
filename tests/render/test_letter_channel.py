"""The ``letter`` channel writes each letter's PDF once, through the real plugin manager."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from relance.config import load_config
from relance.context import Role
from relance.errors import ChannelError, PluginError
from relance.model import ChannelKind
from relance.plugins import PluginRegistry
from relance.render import TemplateEnvironment, compose


def test_a_registered_letter_is_written_as_a_pdf_once(sample: Any, tmp_path: Path) -> None:
    config = tmp_path / "relance.toml"
    config.write_text(
        '[company]\nname = "Atelier Dupré SARL"\n[channels.letter]\npath = "letters"\n',
        encoding="utf-8",
    )
    reminder, history = sample.planned("formal_notice", "fr")
    message = compose(
        reminder,
        ChannelKind.REGISTERED_LETTER,
        company=sample.company,
        today=sample.today,
        templates=TemplateEnvironment(),
        history=history,
    )
    loaded = load_config(config, PluginRegistry())
    with loaded.host(today=sample.today, dry_run=False, roles=[Role.CHANNEL]) as host:
        channel = host.instance("letter", Role.CHANNEL)
        receipt = host.send(channel, message)
        written = Path(str(receipt.provider_reference))
        assert written.parent == tmp_path / "letters"
        assert written.name.startswith(
            "2025-07-10_FR-formal_notice_formal_notice_registered_letter_"
        )
        assert written.read_bytes() == message.attachments[0].content
        with pytest.raises(ChannelError, match="already exists") as caught:
            host.send(channel, message)
        assert caught.value.permanent
        email = message.model_copy(update={"kind": ChannelKind.EMAIL})
        with pytest.raises(PluginError, match="does not deliver email"):
            host.send(channel, email)
