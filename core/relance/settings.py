"""What a plugin declares about its configuration table.

A plugin's table in ``relance.toml`` (``[sources.<name>]``, ``[channels.<name>]`` or
``[plugins.<name>]``) is validated by the pydantic model the plugin returns from the
``relance_settings_model`` hook. Base your model on :class:`SourceSettings`,
:class:`ChannelSettings` or :class:`PluginSettings`, and use:

* :class:`~relance.secrets.SecretEnv` for secrets (the table holds the variable name);
* :data:`ConfigPath` for file and folder paths (relative to the configuration file).

Example::

    from relance import SourceSettings, SecretEnv

    class OdooSettings(SourceSettings):
        url: HttpUrl
        database: str
        login: str
        api_key_env: SecretEnv = SecretEnv("ODOO_API_KEY")
        page_size: int = Field(500, ge=1, le=10_000)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo

from relance.model import ChannelKind
from relance.secrets import SecretEnv

__all__ = ["ChannelSettings", "ConfigPath", "PluginSettings", "SourceSettings", "secret_fields"]


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    value = value.expanduser()
    base = (info.context or {}).get("base_dir")
    if base is not None and not value.is_absolute():
        return Path(base) / value
    return value


ConfigPath = Annotated[Path, AfterValidator(_resolve_path)]
"""A path; relative paths are relative to the folder of the configuration file."""


class PluginSettings(BaseModel):
    """Base of every plugin's settings: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceSettings(PluginSettings):
    """Base of a source plugin's settings (a ``[sources.<name>]`` table)."""


class ChannelSettings(PluginSettings):
    """Base of a channel plugin's settings (a ``[channels.<name>]`` table).

    ``kinds`` lists the channel kinds this channel delivers. Each subclass gives a
    default (``("email",)`` for an SMTP channel); users may narrow or widen it, e.g. to
    let the ``outbox`` channel write letters as well as emails.
    """

    kinds: tuple[ChannelKind, ...] = ()


def secret_fields(settings: BaseModel) -> list[tuple[str, SecretEnv]]:
    """Every :class:`SecretEnv` in ``settings`` with its dotted field path."""
    found: list[tuple[str, SecretEnv]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, SecretEnv):
            found.append((path, value))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(item, f"{path}.{index}")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")

    walk(settings, "")
    return found
