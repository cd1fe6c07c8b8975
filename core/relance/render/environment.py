"""The template environment: where templates are found, and how they fail.

Templates are looked up by relative name (``fr/first.txt.j2``) first in the user's
folder (``[templates] path``), then in folders contributed by plugins, then in relance's
own. Every template runs in Jinja2's sandbox with ``StrictUndefined``: a missing
variable is an error naming the template, the line and the variable, never a message
with a blank amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from relance.errors import RelanceError
from relance.i18n import _
from relance.render.formatting import format_day, format_money, format_rate

__all__ = ["BUILTIN_TEMPLATES", "RenderError", "TemplateEnvironment"]

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"


class RenderError(RelanceError):
    """A template is missing, broken, or uses a variable the context does not have."""


class TemplateEnvironment:
    """Find and render templates; languages fall back to the company's."""

    def __init__(self, folders: Iterable[Path] = ()) -> None:
        self.folders = [*folders, BUILTIN_TEMPLATES]
        self._env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(["html", "html.j2"]),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters.update(money=_money, day=_day, rate=_rate)

    def has(self, name: str) -> bool:
        try:
            self._env.get_template(name)
        except jinja2.TemplateNotFound:
            return False
        except jinja2.TemplateError:
            return True
        return True

    def language_for(self, template: str, wanted: Iterable[str | None]) -> str:
        """The first of ``wanted`` languages that has ``template``."""
        tried = [lang for lang in wanted if lang]
        for language in tried:
            if self.has(f"{language}/{template}.txt.j2"):
                return language
        raise RenderError(
            _(
                "no template {name} in any of the languages {languages} (looked in {folders})"
            ).format(
                name=f"{template}.txt.j2",
                languages=", ".join(tried),
                folders=", ".join(str(f) for f in self.folders),
            )
        )

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render ``name``; the context's ``language`` sets how filters format values."""
        try:
            return self._env.get_template(name).render(context)
        except jinja2.TemplateNotFound as exc:
            raise RenderError(_("template {name} not found").format(name=exc.name)) from None
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(
                _("template {name}, line {line}: {error}").format(
                    name=exc.filename or name, line=exc.lineno, error=exc.message
                )
            ) from None
        except jinja2.UndefinedError as exc:
            raise RenderError(
                _("template {name}, line {line}: {error}").format(
                    name=name, line=_template_line(exc, name), error=exc.message
                )
            ) from None
        except jinja2.TemplateError as exc:
            raise RenderError(
                _("template {name}: {error}").format(name=name, error=exc.message)
            ) from None


@jinja2.pass_context
def _money(ctx: jinja2.runtime.Context, amount: Decimal, currency: str) -> str:
    return format_money(amount, currency, ctx["language"])


@jinja2.pass_context
def _day(ctx: jinja2.runtime.Context, value: date) -> str:
    return format_day(value, ctx["language"])


@jinja2.pass_context
def _rate(ctx: jinja2.runtime.Context, value: Decimal) -> str:
    return format_rate(value, ctx["language"])


def _template_line(exc: BaseException, name: str) -> str:
    """The template line where a rendering error happened, from the traceback."""
    line = "?"
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line
