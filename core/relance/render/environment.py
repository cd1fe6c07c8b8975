"""The template environment: where templates are found, and how they fail.

Templates are looked up by relative name (``fr/first.j2``) first in the user's folder
(``[templates] path``), then in folders contributed by plugins, then in relance's own.
Every template runs in Jinja2's immutable sandbox with ``StrictUndefined``: a missing
variable is an error naming the template, the line and the variable, never a message
with a blank amount. Templates whose name ends in ``.html.j2`` are autoescaped.

A *wording* template (``fr/first.j2``) holds only ``{% block %}`` sections (subject,
opening, request...); :meth:`TemplateEnvironment.sections` renders each block to plain
text, and the *layouts* (``email.txt.j2``, ``email.html.j2``, ``letter.txt.j2`` and the
PDF letter) place those sections. So one wording serves every format, and the HTML layout
escapes it like any other value.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from relance.errors import RelanceError
from relance.i18n import _
from relance.render.formatting import format_day, format_money, format_rate

__all__ = ["BUILTIN_TEMPLATES", "Origin", "RenderError", "TemplateEnvironment", "TemplateInfo"]

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, remembering which attributes it found safe.

    Jinja's verdict on ``obj.attr`` depends only on the type of ``obj`` and the name
    (private names, internals of functions, frames and generators, methods that modify
    lists, dicts and sets), yet it is worked out again for every access: hundreds per
    message. Here it is worked out once per type and name.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe


class RenderError(RelanceError):
    """A template is missing, broken, or uses a variable the context does not have."""


class Origin(StrEnum):
    """Where a template comes from, in lookup order."""

    USER = "user"
    PLUGIN = "plugin"
    BUILTIN = "builtin"


@dataclass(frozen=True)
class TemplateInfo:
    """One template name and the file that wins for it."""

    name: str
    origin: Origin
    path: Path
    shadows: tuple[Path, ...] = ()
    """Files with the same name further down the lookup order, which this one overrides."""


class TemplateEnvironment:
    """Find and render templates.

    :param folders: plugin template folders, in lookup order.
    :param user: the user's folder (``[templates] path``), looked up first.
    :param informal_tag: customers with this tag get the informal wording (``.tu``)
        where one exists.
    """

    def __init__(
        self,
        folders: Iterable[Path] = (),
        *,
        user: Path | None = None,
        informal_tag: str | None = None,
    ) -> None:
        self.user = user
        self.plugin_folders = list(folders)
        self.informal_tag = informal_tag
        self.folders = [
            *([user] if user is not None else []),
            *self.plugin_folders,
            BUILTIN_TEMPLATES,
        ]
        self._env = _Sandbox(
            loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False),
            keep_trailing_newline=True,
            # A run renders thousands of messages from templates that do not change
            # meanwhile: do not look at each file's date again for every message.
            auto_reload=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters.update(money=_money, day=_day, rate=_rate, paragraphs=paragraphs)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its folders and informal tag, for the rendering workers
        (:mod:`relance.render.pool`): each parses the templates again."""
        rebuild = partial(TemplateEnvironment, user=self.user, informal_tag=self.informal_tag)
        return (rebuild, (self.plugin_folders,))

    # -- lookup ------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        try:
            self._env.get_template(name)
        except jinja2.TemplateNotFound:
            return False
        except jinja2.TemplateError:
            return True
        return True

    def language_for(self, template: str, wanted: Iterable[str | None]) -> str:
        """The first of ``wanted`` languages that has the wording ``template``.

        ``fr_BE`` is tried as ``fr_BE``, then ``fr``.
        """
        tried: list[str] = []
        for tag in wanted:
            if not tag:
                continue
            for language in (tag, tag.split("_")[0]):
                if language not in tried:
                    tried.append(language)
        for language in tried:
            if self.has(f"{language}/{template}.j2"):
                return language
        raise RenderError(
            _(
                "no template {name} in any of the languages {languages} (looked in {folders})"
            ).format(
                name=f"{template}.j2",
                languages=", ".join(tried),
                folders=", ".join(str(f) for f in self.folders),
            )
        )

    def wording_names(self, language: str, template: str, informal: bool) -> list[str]:
        """The wording templates of a message, the later overriding the earlier's blocks.

        ``<lang>/_common.j2`` holds what every level shares (greeting, labels, closing);
        ``<lang>/<template>.j2`` what the level says. With ``informal``, the ``.tu``
        variants of both are used where they exist.
        """
        names = [f"{language}/_common.j2"]
        if informal and self.has(f"{language}/_common.tu.j2"):
            names.append(f"{language}/_common.tu.j2")
        level = f"{language}/{template}.tu.j2"
        names.append(level if informal and self.has(level) else f"{language}/{template}.j2")
        return names

    def is_informal(self, tags: Iterable[str]) -> bool:
        return self.informal_tag is not None and self.informal_tag in set(tags)

    def templates(self) -> list[TemplateInfo]:
        """Every template name, with the file that wins and the ones it overrides."""
        found: dict[str, list[tuple[Origin, Path]]] = {}
        for folder in self.folders:
            origin = (
                Origin.USER
                if folder == self.user
                else Origin.BUILTIN
                if folder == BUILTIN_TEMPLATES
                else Origin.PLUGIN
            )
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*.j2")):
                name = path.relative_to(folder).as_posix()
                found.setdefault(name, []).append((origin, path))
        return [
            TemplateInfo(
                name=name,
                origin=files[0][0],
                path=files[0][1],
                shadows=tuple(p for _o, p in files[1:]),
            )
            for name, files in sorted(found.items())
        ]

    # -- rendering ---------------------------------------------------------------------

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render ``name``; the context's ``locale`` sets how filters format values."""
        with _explained(name):
            return self._env.get_template(name).render(context)

    def sections(self, names: Sequence[str], context: Mapping[str, Any]) -> dict[str, str]:
        """Render every block of the wording templates ``names`` to plain text.

        A block of a later template replaces the block of the same name of an earlier
        one. Whitespace is normalised: lines are joined, blank lines separate paragraphs.
        """
        result: dict[str, str] = {}
        for name in names:
            with _explained(name):
                template = self._env.get_template(name)
                blocks = template.new_context(dict(context), shared=False)
                for block, render in template.blocks.items():
                    result[block] = _normalise("".join(render(blocks)))
        return result


def paragraphs(text: str) -> list[str]:
    """Split a section into its paragraphs (separated by blank lines)."""
    return [p for p in text.split("\n\n") if p]


def _normalise(text: str) -> str:
    """Join lines, keep blank lines between paragraphs; no-break spaces are kept."""
    parts = re.split(r"\n[ \t\r]*\n", text.strip(" \t\r\n"))
    joined = (re.sub(r"[ \t\r\n]+", " ", p).strip(" ") for p in parts)
    return "\n\n".join(p for p in joined if p)


@contextlib.contextmanager
def _explained(name: str) -> Iterator[None]:
    """Turn any Jinja2 error into a RenderError naming the template, line and cause."""
    try:
        yield
    except jinja2.TemplateNotFound as exc:
        raise RenderError(_("template {name} not found").format(name=exc.name)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(
            _("template {name}, line {line}: {error}").format(
                name=exc.name or name, line=exc.lineno, error=exc.message
            )
        ) from None
    except jinja2.TemplateError as exc:
        where, line = _template_line(exc, name)
        raise RenderError(
            _("template {name}, line {line}: {error}").format(
                name=where, line=line, error=exc.message
            )
        ) from None


@jinja2.pass_context
def _money(ctx: jinja2.runtime.Context, amount: object, currency: str) -> str:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        # Such as `row.total`, None when an indemnity is in another currency: a clear
        # error naming the template and line, not a traceback from Babel.
        message = _("money needs an amount, not {value!r}").format(value=amount)
        raise jinja2.TemplateRuntimeError(message)
    return format_money(Decimal(amount), currency, ctx["locale"])


@jinja2.pass_context
def _day(ctx: jinja2.runtime.Context, value: date | None) -> str:
    if not isinstance(value, date):
        # Babel would write today's date for none: a deadline no level gave.
        message = _("the day filter needs a date, got {value!r}").format(value=value)
        raise jinja2.TemplateRuntimeError(message)
    return format_day(value, ctx["locale"])


@jinja2.pass_context
def _rate(ctx: jinja2.runtime.Context, value: Decimal) -> str:
    return format_rate(value, ctx["locale"])


def _template_line(exc: BaseException, name: str) -> tuple[str, str]:
    """The template and line where a rendering error happened, from the traceback.

    Jinja2 compiles templates to code whose frames carry the template's file name; the
    innermost template frame is where the error is (an included partial). Its line is
    the compiled code's, which the template maps back to its own: blocks rendered one by
    one (:meth:`TemplateEnvironment.sections`) get no rewritten traceback.
    """
    where, line = name, "?"
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        if filename.endswith(".j2"):
            template = frame.f_globals.get("__jinja_template__")
            number = tb.tb_lineno
            if isinstance(template, jinja2.Template):
                number = template.get_corresponding_lineno(number)
            where, line = _short_name(filename, name), str(number)
        tb = tb.tb_next
    return where, line


def _short_name(filename: str, fallback: str) -> str:
    """A built-in template by its name; a user's or plugin's by its full path."""
    path = Path(filename)
    if path.is_relative_to(BUILTIN_TEMPLATES):
        return path.relative_to(BUILTIN_TEMPLATES).as_posix()
    return filename or fallback
