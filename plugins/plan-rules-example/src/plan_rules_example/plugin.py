"""The plugin: hands the plan, indicators, targets, score index, check, writer and progress
method to plan_rules.

This module is what the ``plan_rules`` entry point names. Each function is a hook
implementation, marked with :data:`plan_rules.hookimpl` and named exactly like the hook it
implements; plan_rules calls each once, when it loads its registry.
"""

from __future__ import annotations

from collections.abc import Sequence

from plan_rules import Check, Indicator, Plan, ProgressMethod, Target, Writer, hookimpl
from plan_rules.derive import Composite

from .checks import CHECKS
from .plan import INDICATORS, PLAN, TARGETS
from .progress import PROGRESS_METHODS
from .service_index import COMPOSITES, INDEX_INDICATORS
from .writers import WRITERS

__all__ = [
    "plan_rules_checks",
    "plan_rules_composites",
    "plan_rules_indicators",
    "plan_rules_plans",
    "plan_rules_progress_methods",
    "plan_rules_targets",
    "plan_rules_writers",
]


@hookimpl
def plan_rules_plans() -> Sequence[Plan]:
    """The Example Province plan for 2026 (code ``EX26``)."""
    return (PLAN,)


@hookimpl
def plan_rules_indicators() -> Sequence[Indicator]:
    """Its seven indicators: EX26.PS.1, EX26.DATA.1, EX26.GOV.1 and EX26.GOV.2, and the
    three the service-quality index reads besides EX26.PS.1 (EX26.PS.2 to EX26.PS.4)."""
    return (*INDICATORS, *INDEX_INDICATORS)


@hookimpl
def plan_rules_targets() -> Sequence[Target]:
    """Its five targets."""
    return TARGETS


@hookimpl
def plan_rules_composites() -> Sequence[Composite]:
    """The service-quality index EX26.SQI, its score target and its rank target."""
    return COMPOSITES


@hookimpl
def plan_rules_checks() -> Sequence[Check]:
    """EX26.DATA.C1: open datasets never decrease."""
    return CHECKS


@hookimpl
def plan_rules_writers() -> Sequence[Writer]:
    """The ``markdown`` report writer."""
    return WRITERS


@hookimpl
def plan_rules_progress_methods() -> Sequence[ProgressMethod]:
    """``example.momentum``: the latest change, projected to the deadline."""
    return PROGRESS_METHODS
