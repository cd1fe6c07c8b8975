"""``relance check``: is the configuration valid, and can every enabled plugin work?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table

from relance.cli.common import config_option, json_option, load, output, strict_option
from relance.errors import EXIT_PLUGIN_ERROR, RelanceError
from relance.i18n import _
from relance.model import CheckStatus
from relance.secrets import redact

_COLOURS = {CheckStatus.OK: "green", CheckStatus.WARNING: "yellow", CheckStatus.ERROR: "red"}


def register(app: click.Group) -> None:
    app.add_command(check)


@click.command("check")
@config_option
@json_option
@strict_option
def check(config_path: Path | None, as_json: bool, strict: bool) -> None:
    """Validate the configuration, then ask each enabled plugin to test its connection.

    Nothing is sent and nothing is written. Exit code 1 when the configuration is
    invalid or a secret is missing, 2 when a plugin cannot work.
    """
    out = output()
    loaded = load(config_path, strict=strict)
    loaded.config.require_secrets()
    results: list[dict[str, Any]] = []
    with loaded.config.host(today=loaded.config.company.today(), dry_run=True) as host:
        for ctx in host.instances:
            try:
                checks = host.check_connection(ctx)
            except RelanceError as exc:
                results.append(_row(ctx.key_path, ctx.plugin, CheckStatus.ERROR, str(exc)))
                continue
            if not checks:
                results.append(_row(ctx.key_path, ctx.plugin, CheckStatus.OK, _("configured")))
            for item in checks:
                summary = item.summary + (f" — {item.detail}" if item.detail else "")
                results.append(_row(ctx.key_path, ctx.plugin, item.status, summary))
    failed = any(row["status"] == CheckStatus.ERROR for row in results)
    if as_json:
        out.json({"config": str(loaded.config.path), "ok": not failed, "results": results})
    elif not results:
        out.console.print(_("The configuration is valid; no plugin is enabled."))
    else:
        table = Table(title=_("relance check — {path}").format(path=loaded.config.path))
        for header in (_("Instance"), _("Plugin"), _("Status"), _("Result")):
            table.add_column(header)
        for row in results:
            colour = _COLOURS[CheckStatus(row["status"])]
            status = f"[{colour}]{_status_label(row['status'])}[/{colour}]"
            table.add_row(row["instance"], row["plugin"], status, row["summary"])
        out.console.print(table)
    if failed:
        raise click.exceptions.Exit(EXIT_PLUGIN_ERROR)


def _row(instance: str, plugin: str, status: CheckStatus, summary: str) -> dict[str, Any]:
    return {
        "instance": instance,
        "plugin": plugin,
        "status": status.value,
        "summary": redact(summary),
    }


def _status_label(status: str) -> str:
    labels = {"ok": _("ok"), "warning": _("warning"), "error": _("error")}
    return labels.get(status, status)
