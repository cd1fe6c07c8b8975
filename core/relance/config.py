"""``relance.toml``: reading it, validating it, and enabling the plugins it names.

The file is validated in one pass and every problem is reported at once, each with its
TOML key path (``company.iban: ...``, ``sources.odoo.page_size: ...``). Core sections are
validated by the models here; each plugin table (``[sources.<name>]``,
``[channels.<name>]``, ``[plugins.<name>]``) by the model its plugin declares through the
``relance_settings_model`` hook.

Secrets never live in the file: a plugin setting of type :class:`~relance.secrets.SecretEnv`
names an environment variable. Whether the variables are set is checked for the
instances a command is about to use (``relance plan`` needs the sources' secrets,
``relance run`` all of them), so that a dry run does not demand an SMTP password.

See ``docs/configuration.md`` for every key.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Self, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from relance.context import PluginContext, Role
from relance.engine.policy import (
    CustomerOverride,
    Policy,
    PolicyBook,
    Scenario,
    default_policies,
)
from relance.engine.settings import CalendarSettings, EngineSettings
from relance.errors import EXIT_PLUGIN_ERROR, ConfigError, Problem, RelanceError
from relance.i18n import N_, _
from relance.legal.settings import LegalSettings
from relance.model import Address, CountryCode, CurrencyCode, LanguageCode, NonBlank
from relance.plugins import PluginHost, PluginRegistry, PluginStatus, settings_model_of
from relance.render.settings import TemplateSettings
from relance.reports.settings import ReportSettings
from relance.secrets import remember_secret
from relance.settings import ChannelSettings, ConfigPath, PluginSettings, secret_fields

CONFIG_ENV = "RELANCE_CONFIG"
DEFAULT_CONFIG = Path("relance.toml")
PLUGIN_KEY = "plugin"
_INSTANCE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")

__all__ = [
    "CompanySettings",
    "Configuration",
    "HistorySettings",
    "InstanceConfig",
    "Settings",
    "find_config_path",
    "load_config",
]


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            _("{value!r} is not a timezone name such as 'Europe/Paris'").format(value=value)
        ) from None
    return value


def _check_iban(value: str) -> str:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        return str(IBAN(value).compact)
    except SchwiftyException as exc:
        raise ValueError(_("invalid IBAN: {error}").format(error=exc)) from None


def _check_bic(value: str) -> str:
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        return str(BIC(value).compact)
    except SchwiftyException as exc:
        raise ValueError(_("invalid BIC: {error}").format(error=exc)) from None


class Section(BaseModel):
    """Base of the core configuration sections: immutable, unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CompanySettings(Section):
    """``[company]``: the creditor, as it appears in every message and letter."""

    name: NonBlank
    legal_form: str | None = Field(None, description="e.g. 'SARL au capital de 8 000 €'")
    address: Address = Address()
    registration_number: str | None = Field(None, description="SIREN/SIRET, HRB...")
    vat_number: str | None = None
    email: EmailStr | None = None
    reply_to: EmailStr | None = None
    phone: str | None = None
    website: str | None = None
    iban: Annotated[str, AfterValidator(_check_iban)] | None = None
    bic: Annotated[str, AfterValidator(_check_bic)] | None = None
    bank_name: str | None = None
    signatory: str | None = Field(None, description="name and title signing letters")
    language: LanguageCode = "fr"
    country: CountryCode = "FR"
    currency: CurrencyCode = "EUR"
    timezone: Annotated[str, AfterValidator(_check_timezone)] = "Europe/Paris"

    @property
    def zoneinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        """Today's date in the company's timezone (not the machine's)."""
        return datetime.now(self.zoneinfo).date()


class HistorySettings(Section):
    """``[history]``: where the authoritative log of every reminder is kept."""

    path: ConfigPath = Path("relance-history.sqlite3")
    checkpoint: bool = Field(
        True,
        description="keep the folded history in the file, so that a plan replays only the "
        "events since the last run; false: every plan folds every event, none is written",
    )


class Settings(Section):
    """The whole validated ``relance.toml``."""

    company: CompanySettings
    history: HistorySettings = HistorySettings()
    engine: EngineSettings = EngineSettings()
    calendar: CalendarSettings = CalendarSettings()
    templates: TemplateSettings = TemplateSettings()
    legal: LegalSettings = LegalSettings()
    reports: ReportSettings = ReportSettings()
    policies: dict[str, Policy] = {}
    scenarios: tuple[Scenario, ...] = ()
    customers: dict[str, CustomerOverride] = {}
    sources: dict[str, dict[str, Any]] = {}
    channels: dict[str, dict[str, Any]] = {}
    plugins: dict[str, dict[str, Any]] = {}

    @field_validator("sources", "channels", "plugins")
    @classmethod
    def _check_names(cls, tables: dict[str, Any]) -> dict[str, Any]:
        for name in tables:
            if not _INSTANCE_NAME.fullmatch(name):
                raise ValueError(
                    _(
                        "{name!r} is not a valid name: use lower-case letters, digits, '-' and '_'"
                    ).format(name=name)
                )
        return tables

    @model_validator(mode="before")
    @classmethod
    def _inherit_shipped_levels(cls, data: Any) -> Any:
        """``[policies.standard]`` without ``levels`` changes only the keys it gives."""
        policies = data.get("policies") if isinstance(data, dict) else None
        if not isinstance(policies, dict):
            return data
        shipped = default_policies()
        completed = {
            name: {**table, "levels": shipped[name].levels}
            if name in shipped and isinstance(table, dict) and "levels" not in table
            else table
            for name, table in policies.items()
        }
        return {**data, "policies": completed}

    @model_validator(mode="after")
    def _check_policy_names(self) -> Self:
        self.policy_book()
        return self

    def policy_book(self) -> PolicyBook:
        """The shipped policies with the configured ones, scenarios and overrides."""
        return PolicyBook.build(
            self.policies,
            default=self.engine.default_policy,
            scenarios=self.scenarios,
            customers=self.customers,
        )


@dataclass(frozen=True)
class InstanceConfig:
    """One enabled plugin instance: a table of the configuration and its plugin."""

    name: str
    plugin: str
    role: Role
    settings: PluginSettings

    @property
    def key_path(self) -> str:
        return f"{self.role.table}.{self.name}"


@dataclass(frozen=True)
class Configuration:
    """A loaded configuration: core settings and the enabled plugin instances."""

    path: Path
    settings: Settings
    instances: tuple[InstanceConfig, ...]
    registry: PluginRegistry

    @property
    def company(self) -> CompanySettings:
        return self.settings.company

    @cached_property
    def base_dir(self) -> Path:
        return self.path.parent

    def instances_of(self, *roles: Role) -> list[InstanceConfig]:
        return [inst for inst in self.instances if not roles or inst.role in roles]

    def require_secrets(self, *roles: Role) -> None:
        """Check that every secret the given roles' instances name is set.

        Raises :class:`ConfigError` listing every missing variable with its key path.
        The values found are registered for redaction from any output.
        """
        problems = []
        for inst in self.instances_of(*roles):
            for field_path, secret in secret_fields(inst.settings):
                if secret.is_set:
                    remember_secret(os.environ[secret.variable])
                else:
                    where = f"{self.path.name}: {inst.key_path}.{field_path}"
                    problems.append(Problem(where, secret.missing_message()))
        if problems:
            raise ConfigError(_("Secrets are missing from the environment."), problems)

    def host(
        self, *, today: date, dry_run: bool, roles: Iterable[Role] | None = None
    ) -> PluginHost:
        """Build the plugin host of one run, with a fresh context per instance."""
        wanted = set(roles) if roles is not None else set(Role)
        contexts = [
            PluginContext(
                name=inst.name,
                plugin=inst.plugin,
                role=inst.role,
                settings=inst.settings,
                company=self.company,
                today=today,
                dry_run=dry_run,
            )
            for inst in self.instances
            if inst.role in wanted
        ]
        return PluginHost(self.registry, contexts)


def find_config_path(explicit: Path | None) -> Path:
    """The configuration to use: ``--config``, else ``$RELANCE_CONFIG``, else ``./relance.toml``."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env) if from_env else DEFAULT_CONFIG


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a :class:`ConfigError` naming it."""
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        hint = _("create it (see docs/configuration.md) or pass --config FILE")
        raise ConfigError(
            _("Configuration file {path} not found.").format(path=path),
            [Problem(str(path), hint)],
        ) from None
    except OSError as exc:
        raise ConfigError(
            _("Cannot read {path}.").format(path=path),
            [Problem(str(path), exc.strerror or str(exc))],
        ) from None
    try:
        return tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problem = _("not UTF-8 text (byte {offset}); save it as UTF-8").format(offset=exc.start)
        raise ConfigError(
            _("{path} is not valid TOML.").format(path=path), [Problem(str(path), problem)]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("{path} is not valid TOML.").format(path=path), [Problem(str(path), str(exc))]
        ) from None


def load_config(path: Path, registry: PluginRegistry) -> Configuration:
    """Read and validate ``path``; raise :class:`ConfigError` listing every problem."""
    path = path.resolve() if path.exists() else path
    raw = read_toml(path)
    context = {"base_dir": path.parent}
    problems: list[Problem] = []
    try:
        settings = Settings.model_validate(raw, context=context)
    except ValidationError as exc:
        problems.extend(_problems(path, exc, Settings))
        settings = None
    instances: list[InstanceConfig] = []
    for role in Role:
        tables = raw.get(role.table, {})
        if not isinstance(tables, Mapping):
            continue  # reported by the Settings validation above
        for name, table in tables.items():
            if not isinstance(table, Mapping) or not _INSTANCE_NAME.fullmatch(str(name)):
                continue  # reported above
            instance, found = _instance(path, registry, role, name, table, context)
            problems.extend(found)
            if instance is not None:
                instances.append(instance)
    if problems or settings is None:
        if len(problems) == 1:
            title = _("{name} is invalid (1 problem).")
        else:
            title = _("{name} is invalid ({count} problems).")
        error = ConfigError(title.format(name=path.name, count=len(problems)), problems)
        if _enables_a_failed_plugin(raw, registry):
            error.exit_code = EXIT_PLUGIN_ERROR  # the plugin is broken, not the file
        raise error
    return Configuration(
        path=path, settings=settings, instances=tuple(instances), registry=registry
    )


#: The hook a plugin must implement to be configured in each role's table.
_ROLE_HOOKS = {Role.SOURCE: "relance_fetch_invoices", Role.CHANNEL: "relance_send_reminder"}


def _enables_a_failed_plugin(raw: Mapping[str, Any], registry: PluginRegistry) -> bool:
    """Whether the file enables an installed plugin that failed to load."""
    for role in Role:
        tables = raw.get(role.table, {})
        if not isinstance(tables, Mapping):
            continue
        for name, table in tables.items():
            plugin = table.get(PLUGIN_KEY, name) if isinstance(table, Mapping) else name
            info = registry.infos.get(plugin) if isinstance(plugin, str) else None
            if info is not None and info.status is not PluginStatus.LOADED:
                return True
    return False


class _TableError(Exception):
    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)


def _instance(
    path: Path,
    registry: PluginRegistry,
    role: Role,
    name: str,
    table: Mapping[str, Any],
    context: dict[str, Any],
) -> tuple[InstanceConfig | None, list[Problem]]:
    try:
        return _validate_instance(path, registry, role, name, table, context), []
    except _TableError as exc:
        return None, exc.problems


def _validate_instance(
    path: Path,
    registry: PluginRegistry,
    role: Role,
    name: str,
    table: Mapping[str, Any],
    context: dict[str, Any],
) -> InstanceConfig:
    key = f"{role.table}.{name}"
    where = f"{path.name}: {key}"
    options = dict(table)
    plugin = options.pop(PLUGIN_KEY, name)
    if not isinstance(plugin, str):
        message = _("must be a plugin name (a string)")
        raise _TableError(Problem(f"{where}.{PLUGIN_KEY}", message))
    info = registry.infos.get(plugin)
    if info is None:
        installed = [i.name for i in registry.plugins() if i.status is PluginStatus.LOADED]
        close = difflib.get_close_matches(plugin, installed, n=1)
        hint = _(" (did you mean {name!r}?)").format(name=close[0]) if close else ""
        listing = ", ".join(installed) or _("none")
        message = _("no installed plugin is named {plugin!r}{hint}; installed: {listing}").format(
            plugin=plugin, hint=hint, listing=listing
        )
        raise _TableError(Problem(where, message))
    if info.status is not PluginStatus.LOADED:
        message = _("plugin {plugin!r} is {status}: {error}").format(
            plugin=plugin, status=info.status.value, error=info.error
        )
        raise _TableError(Problem(where, message))
    required_hook = _ROLE_HOOKS.get(role)
    if required_hook and not registry.implements(plugin, required_hook):
        message = _("plugin {plugin!r} cannot be a {role}: it does not implement {hook}").format(
            plugin=plugin, role=role.value, hook=required_hook
        )
        raise _TableError(Problem(where, message))
    try:
        model = settings_model_of(registry, plugin)
    except RelanceError as exc:
        raise _TableError(Problem(where, str(exc))) from exc
    if model is None:
        if options:
            unknown = ", ".join(sorted(options))
            message = _("plugin {plugin!r} takes no settings (got: {unknown})")
            raise _TableError(Problem(where, message.format(plugin=plugin, unknown=unknown)))
        return InstanceConfig(name, plugin, role, PluginSettings())
    if role is Role.CHANNEL and not issubclass(model, ChannelSettings):
        message = _("plugin {plugin!r} declares settings that are not ChannelSettings").format(
            plugin=plugin
        )
        raise _TableError(Problem(where, message))
    try:
        settings = model.model_validate(options, context=context)
    except ValidationError as exc:
        raise _TableError(*_problems(path, exc, model, prefix=key)) from exc
    return InstanceConfig(name, plugin, role, settings)


#: pydantic's wording for the common mistakes, rephrased for people editing a TOML file.
_PLAIN_MESSAGES = {
    "missing": N_("required key is missing"),
    "path_type": N_("must be a path, as text in quotes"),
    "string_type": N_("must be text in quotes"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "decimal_parsing": N_("must be a decimal number such as 12.50"),
    "decimal_type": N_("must be a decimal number such as 12.50"),
    "date_from_datetime_parsing": N_("must be a date such as 2025-06-05"),
    "date_parsing": N_("must be a date such as 2025-06-05"),
    "date_type": N_("must be a date such as 2025-06-05"),
    "dict_type": N_("must be a table"),
    "list_type": N_("must be a list in brackets"),
    "tuple_type": N_("must be a list in brackets"),
}


def _problems(
    path: Path, exc: ValidationError, model: type[BaseModel], prefix: str = ""
) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        key = ".".join([prefix, *loc] if prefix else loc)
        if error["type"] == "extra_forbidden":
            known = _field_names(model, error["loc"][:-1])
            close = difflib.get_close_matches(loc[-1], known, n=1) if loc else []
            hint = _(" (did you mean {name!r}?)").format(name=close[0]) if close else ""
            message = _("unknown key") + hint
        elif error["type"] in _PLAIN_MESSAGES:
            message = _(_PLAIN_MESSAGES[error["type"]])
        else:
            # The input is never echoed: a secret pasted into the wrong key must not be printed.
            message = error["msg"].removeprefix("Value error, ")
        problems.append(Problem(f"{path.name}: {key}" if key else path.name, message))
    return problems


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``loc`` inside ``model``, to suggest a fix for a typo."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = field.annotation
        for arg in (current, *get_args(current)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                current = arg
                break
        else:
            if get_origin(current) is not None:
                return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []
