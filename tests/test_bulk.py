"""The paused collector: state restored as it was."""

from __future__ import annotations

import gc

import pytest

from plan_rules import _bulk


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_restored_as_it_was_even_after_an_error(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError), _bulk.collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("inside")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
