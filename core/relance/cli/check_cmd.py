"""``relance check``: is the configuration valid, and can every enabled plugin work?"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from relance.cli.common import (
    Output,
    config_option,
    json_option,
    load,
    output,
    strict_option,
)
from relance.cli.session import template_environment
from relance.config import Configuration
from relance.engine.preflight import check_levels
from relance.errors import EXIT_PLUGIN_ERROR, EXIT_USER_ERROR, ProblemsError, RelanceError
from relance.i18n import _
from relance.legal import LegalRules, compute_penalty, default_jurisdiction
from relance.model import ChannelKind, CheckStatus
from relance.plugins import PluginHost
from relance.secrets import redact

_COLOURS = {CheckStatus.OK: "green", CheckStatus.WARNING: "yellow", CheckStatus.ERROR: "red"}
SAMPLE_DEBT = Decimal("1000.00")


def register(app: click.Group) -> None:
    app.add_command(check)


@click.command("check")
@config_option
@json_option
@strict_option
def check(config_path: Path | None, as_json: bool, strict: bool) -> None:
    """Validate the configuration, then ask each enabled plugin to test its connection.

    With a channel enabled, then check every level of every policy: an enabled channel
    delivers each of its channels, and its wording renders, in each language it exists
    in, for a sample customer. Nothing is sent and nothing is written. Exit code 1 when
    the configuration is invalid, a secret is missing, a level cannot be sent or a
    source's data is bad (a row of an export), 2 when a plugin cannot work.
    """
    out = output()
    try:
        loaded = load(config_path, strict=strict)
        config = loaded.config
        config.require_secrets()
    except ProblemsError as exc:
        if as_json:  # a script reads the verdict on stdout; the person, on stderr
            problems = [{"where": p.where, "message": redact(p.message)} for p in exc.problems]
            out.json({"ok": False, "error": redact(exc.summary), "problems": problems})
        raise
    today = config.company.today()
    with config.host(today=today, dry_run=True) as host:
        results = _plugins(host)
        if host.channels:  # without one, a configuration plans and reports, and sends nothing
            legal = LegalRules.from_settings(config.settings.legal, extra=host.jurisdictions())
            results += _levels(config, host, legal, today) + _rates(config, legal, today)
    errors = [row for row in results if row["status"] == CheckStatus.ERROR]
    if as_json:
        out.json({"config": str(config.path), "ok": not errors, "results": results})
    else:
        _print(out, config.path, results)
    if any(not row["input_error"] for row in errors):
        raise click.exceptions.Exit(EXIT_PLUGIN_ERROR)
    if errors:
        raise click.exceptions.Exit(EXIT_USER_ERROR)


def _plugins(host: PluginHost) -> list[dict[str, Any]]:
    """The rows of every enabled plugin's own check of its connection."""
    results = []
    for ctx in host.instances:
        try:
            checks = host.check_connection(ctx)
        except RelanceError as exc:
            # A file the settings name that is missing or unreadable is bad input.
            bad_input = isinstance(exc, ProblemsError)
            results.append(_row(ctx.key_path, ctx.plugin, CheckStatus.ERROR, str(exc), bad_input))
            continue
        if not checks:
            results.append(_row(ctx.key_path, ctx.plugin, CheckStatus.OK, _("configured")))
        for item in checks:
            summary = item.summary + (f" — {item.detail}" if item.detail else "")
            results.append(_row(ctx.key_path, ctx.plugin, item.status, summary, item.input_error))
    return results


def _print(out: Output, path: Path, results: list[dict[str, Any]]) -> None:
    if not results:
        out.console.print(_("The configuration is valid; no plugin is enabled."))
        return
    table = Table(title=_("relance check — {path}").format(path=path))
    for header in (_("Instance"), _("Plugin"), _("Status"), _("Result")):
        table.add_column(header)
    for row in results:
        colour = _COLOURS[CheckStatus(row["status"])]
        status = f"[{colour}]{_status_label(row['status'])}[/{colour}]"
        # Text, not markup: "(e.g. [channels.outbox])" is advice, not a style.
        instance, plugin, summary = (Text(row[k]) for k in ("instance", "plugin", "summary"))
        table.add_row(instance, plugin, status, summary)
    out.console.print(table)


def _levels(
    config: Configuration, host: PluginHost, legal: LegalRules, today: date
) -> list[dict[str, Any]]:
    """A row per message level: can ``relance run`` send it?"""
    settings = config.settings
    found = check_levels(
        settings.policy_book(),
        company=config.company,
        today=today,
        templates=template_environment(settings, host),
        delivered={kind for kind in ChannelKind if host.channel_for(kind) is not None},
        quote=partial(legal.quote, company_country=config.company.country),
    )
    rows = []
    for level in found:
        if level.problem is not None:
            rows.append(_row(level.where, "relance", CheckStatus.ERROR, level.problem, True))
        elif level.warning is not None:
            rows.append(_row(level.where, "relance", CheckStatus.WARNING, level.warning))
        else:
            summary = _("renders in {languages}").format(languages=", ".join(level.languages))
            rows.append(_row(level.where, "relance", CheckStatus.OK, summary))
    return rows


def _rates(config: Configuration, legal: LegalRules, today: date) -> list[dict[str, Any]]:
    """A row per jurisdiction in use (the company's country, B2B and consumers, and those
    ``[customers.<id>]`` set): are the rates of a debt late today known, and are there
    rules at all? Either missing holds every reminder quoting penalties. None when no
    level quotes penalties."""
    book = config.settings.policy_book()
    if not any(level.penalties for policy in book.policies.values() for level in policy.levels):
        return []
    country = config.company.country
    names = [default_jurisdiction(country), default_jurisdiction(country, consumer=True)]
    names += [o.jurisdiction for o in book.customers.values() if o.jurisdiction]
    rows = []
    for name in dict.fromkeys(n.strip().lower() for n in names):
        where = f"legal.{name}"
        try:
            found = legal.jurisdiction(name)
            compute_penalty(
                SAMPLE_DEBT, found.currency, today - timedelta(days=1), today, name,
                rules=legal, notice_date=today - timedelta(days=1),
            )  # fmt: skip
        except RelanceError as exc:
            summary = _(
                "penalties cannot be computed today, and the reminders quoting them are held: "
                "{error}"
            ).format(error=exc)
            rows.append(_row(where, "relance", CheckStatus.WARNING, summary))
        except Exception as exc:  # a plugin's jurisdiction that crashes: what check is for
            message = _("the jurisdiction's computation failed: {error}").format(
                error=f"{type(exc).__name__}: {exc}"
            )
            rows.append(_row(where, "relance", CheckStatus.ERROR, message))
        else:
            summary = _("rates known for a debt late today")
            rows.append(_row(where, "relance", CheckStatus.OK, summary))
    return rows


def _row(
    instance: str, plugin: str, status: CheckStatus, summary: str, input_error: bool = False
) -> dict[str, Any]:
    return {
        "instance": instance,
        "plugin": plugin,
        "status": status.value,
        "summary": redact(summary),
        "input_error": input_error and status is CheckStatus.ERROR,
    }


def _status_label(status: str) -> str:
    labels = {"ok": _("ok"), "warning": _("warning"), "error": _("error")}
    return labels.get(status, status)
