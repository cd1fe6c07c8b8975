"""relance: open dunning for the invoicing system you already have.

The names plugin authors need are importable from here::

    from relance import hookimpl, Invoice, Customer, SourceSettings, ConnectorError

See ``docs/plugins/`` for the plugin contract (``relance.hookspecs``).
"""

from relance.context import PluginContext, Role
from relance.errors import (
    ChannelError,
    ConfigError,
    ConnectorAuthError,
    ConnectorError,
    ConnectorUnavailable,
    InputError,
    PluginError,
    Problem,
    RelanceError,
)
from relance.hookspecs import hookimpl
from relance.model import (
    Address,
    Attachment,
    Balance,
    ChannelKind,
    CheckResult,
    CheckStatus,
    Contact,
    Customer,
    CustomerKind,
    Document,
    DocumentKind,
    EventType,
    HistoryEvent,
    Instalment,
    Invoice,
    InvoiceStatus,
    Message,
    Money,
    Receipt,
)
from relance.secrets import SecretEnv
from relance.settings import ChannelSettings, ConfigPath, PluginSettings, SourceSettings

__version__ = "0.1.0"

__all__ = [
    "Address",
    "Attachment",
    "Balance",
    "ChannelError",
    "ChannelKind",
    "ChannelSettings",
    "CheckResult",
    "CheckStatus",
    "ConfigError",
    "ConfigPath",
    "ConnectorAuthError",
    "ConnectorError",
    "ConnectorUnavailable",
    "Contact",
    "Customer",
    "CustomerKind",
    "Document",
    "DocumentKind",
    "EventType",
    "HistoryEvent",
    "InputError",
    "Instalment",
    "Invoice",
    "InvoiceStatus",
    "Message",
    "Money",
    "PluginContext",
    "PluginError",
    "PluginSettings",
    "Problem",
    "Receipt",
    "RelanceError",
    "Role",
    "SecretEnv",
    "SourceSettings",
    "__version__",
    "hookimpl",
]
