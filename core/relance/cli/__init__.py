"""The ``relance`` command. Each command group lives in its own module."""

from relance.cli.app import app, main

__all__ = ["app", "main"]
