"""Rendering reminders into messages: Jinja2 templates, locale-aware money and dates,
letters as PDF. See docs/templates.md."""

from relance.render.compose import compose, compose_reminder
from relance.render.documents import invoice_documents
from relance.render.environment import RenderError, TemplateEnvironment
from relance.render.settings import TemplateSettings

__all__ = [
    "RenderError",
    "TemplateEnvironment",
    "TemplateSettings",
    "compose",
    "compose_reminder",
    "invoice_documents",
]
