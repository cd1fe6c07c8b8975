"""Test helpers for relance and for plugin authors (install the ``relance[testing]`` extra).

:mod:`relance.testing.ledgers` builds customers, invoices and history events tersely.
"""
