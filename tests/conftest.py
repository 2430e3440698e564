"""Shared fixtures: a registry built from the sample plan, without entry points, and the
command line set to use it."""

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


@pytest.fixture
def cli_on_sample_plan(monkeypatch: pytest.MonkeyPatch, registry: pr.Registry) -> pr.Registry:
    """The command line sees the sample plan instead of the installed plugins, in a locale
    that picks no language of its own."""
    from plan_rules import cli

    monkeypatch.setattr(cli, "load_registry", lambda strict=None: registry)
    monkeypatch.delenv("PLAN_RULES_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return registry

