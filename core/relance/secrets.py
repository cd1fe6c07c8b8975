"""Secrets: read from environment variables, never from files, never printed.

A configuration names the *variable* that holds a secret (``api_key_env =
"ODOO_API_KEY"``); the value is read from the environment only when a plugin asks for it
with :meth:`SecretEnv.reveal`. Every revealed value is remembered so that
:func:`redact` can scrub it from any text relance is about to show (an error message
that echoes a URL or a server's answer, for instance).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from relance.errors import ConfigError, Problem
from relance.i18n import _

_VARIABLE = re.compile(r"[A-Z_][A-Z0-9_]*")
_REDACTED = "***"
_MIN_SECRET_LENGTH = 4  # shorter values would scrub innocent text; they are not secrets

_revealed: set[str] = set()
_lock = threading.Lock()


class SecretEnv:
    """The name of an environment variable that holds a secret.

    In ``relance.toml`` a plugin setting of this type takes the variable's *name*::

        [channels.email]
        password_env = "RELANCE_SMTP_PASSWORD"

    Its ``repr`` and ``str`` show only the variable name. Call :meth:`reveal` at the
    moment the secret is needed.
    """

    __slots__ = ("key_path", "variable")

    def __init__(self, variable: str, *, key_path: str | None = None) -> None:
        if not _VARIABLE.fullmatch(variable):
            # Never echo the value: it may be the secret itself, pasted in the wrong place.
            raise ValueError(
                "must be the name of an environment variable in upper case "
                "(such as MY_API_KEY), not the secret itself"
            )
        self.variable = variable
        self.key_path = key_path

    @property
    def is_set(self) -> bool:
        """True when the variable exists and is not empty."""
        return bool(os.environ.get(self.variable))

    def reveal(self) -> str:
        """Return the secret, or raise :class:`ConfigError` naming the variable."""
        value = os.environ.get(self.variable)
        if not value:
            raise ConfigError(
                "A secret is missing from the environment.",
                [Problem(self.key_path or "", self.missing_message())],
            )
        remember_secret(value)
        return value

    def missing_message(self) -> str:
        return _("environment variable {variable} is not set (it must hold the secret)").format(
            variable=self.variable
        )

    def __repr__(self) -> str:
        return f"SecretEnv({self.variable!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretEnv) and other.variable == self.variable

    def __hash__(self) -> int:
        return hash(self.variable)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls._from_config,
            core_schema.union_schema(
                [core_schema.is_instance_schema(cls), core_schema.str_schema()]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda s: s.variable),
        )

    @classmethod
    def _from_config(cls, value: SecretEnv | str) -> SecretEnv:
        if isinstance(value, SecretEnv):
            return value
        return cls(value.strip())


def remember_secret(value: str) -> None:
    """Register a secret value so that :func:`redact` scrubs it from output."""
    if len(value) >= _MIN_SECRET_LENGTH:
        with _lock:
            _revealed.add(value)


def redact(text: str) -> str:
    """Replace every secret relance has seen in ``text`` with ``***``."""
    with _lock:
        secrets = sorted(_revealed, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, _REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    """A log formatter that scrubs every known secret from the finished line: libraries
    log what they send (urllib3 writes each request's URL, query string included, at
    debug level), and ``--debug`` output ends up pasted into bug reports."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
