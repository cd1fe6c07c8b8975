"""A plugin that misspells a hook name."""

from relance import hookimpl


@hookimpl
def relance_fetch_invoice(source, since):
    return []
