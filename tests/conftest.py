"""Shared fixtures: a registry built from the sample plan, without entry points."""

from __future__ import annotations

import pytest
from hypothesis import settings

import plan_rules as pr
import sample_plugin

# The machines that run this suite are shared and noisy: a property's verdict must not depend
# on how long one example took, so Hypothesis' per-example deadline is off.
settings.register_profile("plan_rules", deadline=None)
settings.load_profile("plan_rules")


@pytest.fixture(scope="session")
def registry() -> pr.Registry:
    from plan_rules import builtin

    return pr.load_registry(plugins=[sample_plugin, builtin], entry_points=False)
