"""Records read for a command are kept out of the cyclic garbage collector's way."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from relance.cli.session import long_lived


@pytest.fixture(autouse=True)
def _restore_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_while_building_then_what_was_built_is_frozen() -> None:
    gc.unfreeze()
    gc.enable()
    with long_lived():
        assert not gc.isenabled()
        records = [{"id": n} for n in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(records)


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    with long_lived():
        pass
    assert not gc.isenabled()


def test_the_collector_comes_back_when_reading_fails() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), long_lived():
        raise RuntimeError("source unreachable")
    assert gc.isenabled()
