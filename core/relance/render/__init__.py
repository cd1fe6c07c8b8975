"""Rendering reminders into messages: Jinja2 templates, locale-aware money and dates."""

from relance.render.compose import compose
from relance.render.environment import RenderError, TemplateEnvironment

__all__ = ["RenderError", "TemplateEnvironment", "compose"]
