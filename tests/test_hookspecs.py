"""The plugin contract is documented, typed, and the docs cannot drift from it."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from relance import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

HOOKS = sorted(
    name
    for name, value in vars(hookspecs).items()
    if name.startswith("relance_") and inspect.isfunction(value)
)


def test_the_contract_has_the_hooks_the_engine_is_built_around() -> None:
    assert {
        "relance_fetch_invoices",
        "relance_send_reminder",
        "relance_record_history",
        "relance_refresh_balances",
        "relance_fetch_document",
        "relance_settings_model",
        "relance_check_connection",
        "relance_template_dirs",
    } <= set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_a_spec_with_typed_arguments_and_return(name: str) -> None:
    function = getattr(hookspecs, name)
    assert hasattr(function, "relance_spec"), f"{name} is not marked with the hookspec marker"
    signature = inspect.signature(function)
    for parameter in signature.parameters.values():
        assert parameter.annotation is not inspect.Parameter.empty, (
            f"{name}: {parameter.name} has no type"
        )
    assert signature.return_annotation is not inspect.Signature.empty, f"{name} has no return type"


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_docstring_says_when_what_and_shows_an_example(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert re.search(r"\bCalled\b", doc), f"{name}: say when the hook is called"
    for parameter in inspect.signature(getattr(hookspecs, name)).parameters:
        assert f":param {parameter}:" in doc, f"{name}: document argument {parameter!r}"
    assert ":returns:" in doc, f"{name}: document the return contract"
    assert "Example::" in doc, f"{name}: give an example implementation"
    assert "@hookimpl" in doc, f"{name}: the example must show the hookimpl marker"


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_in_the_plugin_author_docs_with_its_exact_arguments(name: str) -> None:
    arguments = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
    reference = (DOCS / "plugins" / "hooks.md").read_text(encoding="utf-8")
    guide = (DOCS / "plugins" / "writing-plugins.md").read_text(encoding="utf-8")
    assert f"`{name}({arguments})`" in reference
    assert f"`{name}`" in guide, f"the plugin guide does not mention {name}"


def test_the_hook_reference_is_generated_from_the_docstrings() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "hookdocs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_plugins_import_the_marker_from_relance_not_from_pluggy() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "plugins").rglob("*.py")
        if re.search(
            r"HookimplMarker|from pluggy import|import pluggy", path.read_text(encoding="utf-8")
        )
    ]
    assert offenders == []
