"""The ``relance`` application: global options, commands, and exit codes.

Exit codes: ``0`` success; ``1`` a user error (bad configuration, input or arguments);
``2`` a plugin, a remote system or relance itself failed. Errors are printed on stderr,
with every known secret scrubbed; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from relance import __version__
from relance.cli import (
    approve_cmd,
    check_cmd,
    export_cmd,
    history_cmd,
    holds_cmd,
    letters_cmd,
    new_connector_cmd,
    penalties_cmd,
    plan_cmd,
    plugins_cmd,
    preview_cmd,
    report_cmd,
    templates_cmd,
)
from relance.cli.common import output
from relance.errors import EXIT_OK, EXIT_PLUGIN_ERROR, EXIT_USER_ERROR, RelanceError
from relance.i18n import SUPPORTED, _, set_language
from relance.secrets import RedactingFormatter, redact

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="relance", message="%(prog)s %(version)s")
@click.option(
    "--lang",
    type=click.Choice(SUPPORTED),
    default=None,
    help="Language of relance's messages (default: from $RELANCE_LANG or $LANG).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and plugin logs on errors.")
@click.pass_context
def app(ctx: click.Context, lang: str | None, debug: bool) -> None:
    """Follow up unpaid invoices with method: plan, send and record reminders."""
    ctx.obj = {"debug": debug}
    if lang is not None:
        set_language(lang)
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler])


plugins_cmd.register(app)
check_cmd.register(app)
plan_cmd.register(app)
approve_cmd.register(app)
holds_cmd.register(app)
history_cmd.register(app)
preview_cmd.register(app)
letters_cmd.register(app)
templates_cmd.register(app)
penalties_cmd.register(app)
new_connector_cmd.register(app)
report_cmd.register(app)
export_cmd.register(app)


EXIT_TERMINATED = 128 + signal.SIGTERM
"""The exit code after SIGTERM, as the shell reports a process it killed."""


class _Terminated(BaseException):
    """SIGTERM (a service manager or a timeout stopping relance), raised where relance
    is, so that it stops as after Ctrl-C: the history's transaction rolled back, the
    rendering processes stopped, the temporary files removed."""


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0911 - one return per exit path
    """Run the command line and return its exit code (the console script exits with it)."""
    set_language(None)
    err = output().errors
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        # Without standalone mode, click returns the code of a ctx.exit()/Exit instead of
        # exiting; a command's own return value is never an int here.
        with _stop_on_sigterm():
            code = app.main(args=argv, prog_name="relance", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        err.print(_("Aborted."))
        return EXIT_USER_ERROR
    except click.ClickException as exc:
        # Usage errors (unknown option, bad value) are user errors: exit code 1.
        exc.show(file=sys.stderr)
        return EXIT_USER_ERROR
    except RelanceError as exc:
        err.print(redact(str(exc)), markup=False, highlight=False)
        if debug:
            err.print(redact(traceback.format_exc()), markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print(_("Interrupted."))
        return EXIT_USER_ERROR
    except _Terminated:
        err.print(_("Stopped (SIGTERM)."))
        return EXIT_TERMINATED
    except Exception:
        err.print(_("relance failed unexpectedly; please report this with the traceback below."))
        err.print(redact(traceback.format_exc()), markup=False)
        return EXIT_PLUGIN_ERROR
    return code if isinstance(code, int) else EXIT_OK
