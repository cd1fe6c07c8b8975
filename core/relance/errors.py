"""The errors relance raises, and the exit code each one maps to.

Every error a user can see is a :class:`RelanceError`. Its message is written for the
person running relance: it names the file, line, field, TOML key or plugin at fault.

Exit codes of the ``relance`` command (see :mod:`relance.cli`):

* ``0`` everything went well;
* ``1`` a user error: bad configuration, bad input data, bad command-line arguments;
* ``2`` a plugin or a remote system failed (a connector could not reach its server, an
  SMTP server refused a message, a plugin crashed).
* ``143`` relance was stopped by SIGTERM (see :mod:`relance.cli.app`).

Connector authors raise :class:`ConnectorError` (or a subclass) from their hook
implementations, chained with ``from`` the client library's exception, so that the engine
never has to know about ``requests`` or ``smtplib`` errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_PLUGIN_ERROR = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the user's input, and where it is.

    ``where`` is whatever locates the problem best for a person: ``"relance.toml:
    sources.csv.path"``, ``"invoices.csv, line 12, column 'Échéance'"``...
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class RelanceError(Exception):
    """Base class of every error raised by relance or its plugins."""

    exit_code: int = EXIT_USER_ERROR

    #: The plugin instance (configuration name) the error came from, filled in by the
    #: plugin host when the error crosses the plugin boundary.
    plugin: str | None = None

    def __str__(self) -> str:
        message = super().__str__()
        if self.plugin and not message.startswith(f"[{self.plugin}]"):
            return f"[{self.plugin}] {message}"
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as it stands, whatever its ``__init__`` asks for: an error raised in a
        worker process (rendering, :mod:`relance.render.pool`) reaches the user intact."""
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(kind: type[RelanceError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class ProblemsError(RelanceError):
    """An error that carries every problem found, not just the first one."""

    def __init__(self, summary: str, problems: Iterable[Problem]) -> None:
        self.summary = summary
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._format())

    def _format(self) -> str:
        lines = [self.summary]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)


class ConfigError(ProblemsError):
    """The configuration file is missing, unreadable or invalid (exit code 1)."""


class InputError(ProblemsError):
    """Input data (a CSV export, a command-line value) is invalid (exit code 1).

    Connectors raise it for data the user must fix, such as a malformed row in an
    export; each :class:`Problem` names the file, line, column and raw value.
    """


class PluginError(RelanceError):
    """A plugin failed to load, broke the plugin contract or crashed (exit code 2).

    The message always names the plugin and the distribution that provides it.
    """

    exit_code = EXIT_PLUGIN_ERROR

    def __init__(self, message: str, *, plugin: str, distribution: str | None = None) -> None:
        self.plugin_name = plugin
        self.distribution = distribution
        origin = f"plugin {plugin!r} from {distribution or 'local code'}"
        super().__init__(f"{message} ({origin})")


class ConnectorError(RelanceError):
    """A source could not deliver what the engine asked for (exit code 2).

    The message is shown to the user as is: say what failed and what to do about it,
    and never include a secret.
    """

    exit_code = EXIT_PLUGIN_ERROR


class ConnectorAuthError(ConnectorError):
    """The remote system refused the credentials (wrong login, API key or database)."""


class ConnectorUnavailable(ConnectorError):
    """The remote system could not be reached or answered with a server error."""


class ChannelError(RelanceError):
    """A channel could not deliver a message (exit code 2).

    ``permanent`` says whether retrying on a later run can help (a refused recipient
    address will not get better; a server that is down may). ``unknown`` says the
    message may have gone out all the same: the connection was lost, or no answer came,
    after it was handed over. relance then leaves the send unsettled for a person to
    resolve (``relance resolve``), as after a crash, and never retries it by itself.
    """

    exit_code = EXIT_PLUGIN_ERROR

    def __init__(self, message: str, *, permanent: bool = False, unknown: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.unknown = unknown


class UnknownNameError(RelanceError, LookupError):
    """A name (plugin, jurisdiction, template, customer...) that nothing provides."""

    def __init__(self, kind: str, name: str, known: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        choices = ", ".join(sorted(self.known)) or "none"
        super().__init__(f"unknown {kind} {name!r} (known: {choices})")
