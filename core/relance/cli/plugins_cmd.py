"""``relance plugins``: what is installed, what is enabled, what failed to load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table

from relance.cli.common import Output, config_option, json_option, output, strict_option
from relance.config import find_config_path, load_config
from relance.errors import EXIT_PLUGIN_ERROR, ConfigError
from relance.i18n import _
from relance.plugins import PluginRegistry, PluginStatus


def register(app: click.Group) -> None:
    app.add_command(plugins)


@click.command("plugins")
@config_option
@json_option
@strict_option
def plugins(config_path: Path | None, as_json: bool, strict: bool) -> None:
    """List installed plugins: name, distribution, version, hooks and status.

    A plugin is enabled when the configuration has a table for it: [sources.NAME],
    [channels.NAME] or [plugins.NAME].
    """
    out = output()
    registry = PluginRegistry(strict=strict)
    enabled, config_note = _enabled(registry, config_path)
    rows: list[dict[str, Any]] = [
        {
            "name": info.name,
            "distribution": info.distribution,
            "version": info.version,
            "module": info.module,
            "hooks": list(info.hooks),
            "status": info.status.value,
            "builtin": info.builtin,
            "enabled_as": sorted(enabled.get(info.name, [])) if enabled is not None else None,
            "error": info.error,
        }
        for info in registry.plugins()
    ]
    if as_json:
        out.json({"config": config_note, "plugins": rows})
    else:
        _table(out, rows, config_note)
    if any(row["status"] == PluginStatus.FAILED for row in rows) and strict:
        raise click.exceptions.Exit(EXIT_PLUGIN_ERROR)


def _enabled(
    registry: PluginRegistry, explicit: Path | None
) -> tuple[dict[str, list[str]] | None, str]:
    """Which instances enable each plugin, according to the configuration if it loads.

    An explicitly given configuration must be valid; the default one is optional here,
    since listing plugins is how one finds out what to configure.
    """
    path = find_config_path(explicit)
    if explicit is None and not path.exists():
        return None, _("no configuration file found")
    try:
        loaded = load_config(path, registry)
    except ConfigError as exc:
        if explicit is not None:
            raise
        return None, _("configuration not usable: {summary}").format(summary=exc.summary)
    enabled: dict[str, list[str]] = {}
    for instance in loaded.instances:
        enabled.setdefault(instance.plugin, []).append(instance.key_path)
    return enabled, str(loaded.path)


def _table(out: Output, rows: list[dict[str, Any]], config_note: str) -> None:
    caption = _("Configuration: {note}").format(note=config_note)
    table = Table(title=_("Installed plugins"), caption=caption)
    for header in (_("Name"), _("Distribution"), _("Status"), _("Enabled as"), _("Hooks")):
        table.add_column(header)
    for row in rows:
        origin = f"{row['distribution'] or _('local code')} {row['version'] or ''}".strip()
        status = _status_label(row["status"])
        if row["status"] != PluginStatus.LOADED:
            status = f"[red]{status}[/red]"
        enabled = "?" if row["enabled_as"] is None else "\n".join(row["enabled_as"]) or "—"
        hooks = "\n".join(hook.removeprefix("relance_") for hook in row["hooks"])
        table.add_row(row["name"], origin, status, enabled, hooks)
    out.console.print(table)
    for row in rows:
        if row["error"]:
            out.console.print(f"[red]{_status_label(row['status'])}[/red] {row['name']}: ", end="")
            out.console.print(row["error"], markup=False)


def _status_label(status: str) -> str:
    labels = {"loaded": _("loaded"), "failed": _("failed"), "blocked": _("blocked")}
    return labels.get(status, status)
