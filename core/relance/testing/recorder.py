"""Recording the hook calls a plugin manager makes (pytest's ``HookRecorder`` idea)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pluggy

__all__ = ["HookCall", "HookRecorder"]


@dataclass(frozen=True)
class HookCall:
    """One call of a hook: its name, the plugins it reached and its arguments."""

    hook: str
    plugins: tuple[str, ...]
    kwargs: Mapping[str, Any]
    raised: BaseException | None = None


@dataclass
class HookRecorder:
    """Every hook call made through ``pm`` from creation until :meth:`close`.

    ``PluginHost`` calls hooks one plugin at a time, so ``plugins`` usually holds one
    name: the plugin the call was for.
    """

    pm: pluggy.PluginManager
    calls: list[HookCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._undo = self.pm.add_hookcall_monitoring(self._before, self._after)

    def _before(
        self, hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
    ) -> None:
        plugins = tuple(impl.plugin_name for impl in hook_impls)
        self.calls.append(HookCall(hook_name, plugins, dict(kwargs)))

    def _after(
        self,
        outcome: pluggy.Result[Any],
        hook_name: str,
        hook_impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        if outcome.exception is not None:
            last = self.calls[-1]
            self.calls[-1] = HookCall(last.hook, last.plugins, last.kwargs, outcome.exception)

    def of(self, hook: str) -> list[HookCall]:
        """The calls of one hook, in order."""
        return [call for call in self.calls if call.hook == hook]

    def hooks(self) -> list[str]:
        """The names of the hooks called, in order (repeats included)."""
        return [call.hook for call in self.calls]

    def close(self) -> None:
        """Stop recording."""
        self._undo()
