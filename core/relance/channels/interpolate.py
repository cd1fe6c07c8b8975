"""Settings text that names secrets: ``Authorization = "Bearer ${SMS_TOKEN}"``.

The ``${VARIABLE}`` parts are environment variables, read through
:class:`~relance.secrets.SecretEnv` only when a request is built: the configuration and
every repr keep the variable's name, the value is registered for redaction as soon as it
is read, so an error that echoes a URL or a header never shows it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from relance.secrets import SecretEnv

__all__ = ["Interpolated"]

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class Interpolated(BaseModel):
    """A text whose ``${VARIABLE}`` parts come from the environment; given as a string."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    variables: tuple[SecretEnv, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        names = dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(value))
        # SecretEnv refuses anything but an upper-case variable name, without echoing it.
        return {"text": value, "variables": tuple(SecretEnv(name) for name in names)}

    def expand(self) -> str:
        """The text with every ``${VARIABLE}`` replaced by its value from the environment."""
        values = self.secrets()
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], self.text)

    def as_template(self) -> str:
        """The text for Jinja2, ``${VARIABLE}`` turned into ``{{ secrets.VARIABLE }}``.

        The values are then given to the template as data, never parsed as template
        code, and a ``${...}`` inside a rendered value (a customer's name) stays as is.
        """
        return PLACEHOLDER.sub(lambda m: "{{ secrets." + m.group(1) + " }}", self.text)

    def secrets(self) -> dict[str, str]:
        """The value of each variable named, read from the environment now."""
        return {secret.variable: secret.reveal() for secret in self.variables}
