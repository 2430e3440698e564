"""Shared fixtures: a registry built from the sample plan, without entry points."""

from __future__ import annotations

import pytest

import plan_rules as pr
import sample_plugin


@pytest.fixture(scope="session")
def registry() -> pr.Registry:
    from plan_rules import builtin

    return pr.load_registry(plugins=[sample_plugin, builtin], entry_points=False)
