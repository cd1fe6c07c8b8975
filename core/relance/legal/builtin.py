"""relance's own jurisdictions, contributed through the same hook as a third party's.

This module is a plugin exactly like one a third party would write: it implements
``relance_jurisdictions`` with :data:`relance.hookimpl`. Like pytest's built-in plugins
it is registered by the core itself rather than through an entry point, because the
built-in jurisdictions must be available without any configuration (``relance
penalties`` works with no relance.toml at all), whereas entry-point plugins only take
part when a table of the configuration enables them.
"""

from __future__ import annotations

from relance.hookspecs import hookimpl
from relance.legal.base import Jurisdiction
from relance.legal.france import FranceB2B, FranceB2C
from relance.legal.germany import GermanyB2B, GermanyB2C
from relance.legal.uk import UnitedKingdomB2B


@hookimpl
def relance_jurisdictions() -> list[Jurisdiction]:
    return [FranceB2B(), FranceB2C(), GermanyB2B(), GermanyB2C(), UnitedKingdomB2B()]
