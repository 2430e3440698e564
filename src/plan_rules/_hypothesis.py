"""Registers plan_rules' strategies with Hypothesis, so that ``st.from_type`` knows its types.

Hypothesis calls :func:`_register_strategies` when it is imported, through the ``hypothesis``
entry point declared in plan_rules' packaging. Only the types are imported then (they are the
registry's keys); :mod:`plan_rules.strategies` is imported the first time Hypothesis resolves
one of them, so importing Hypothesis stays cheap for a test suite that never asks. Set
``HYPOTHESIS_NO_PLUGINS=1`` to turn all such registrations off.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: Each type, by where it is defined, and the strategy of :mod:`plan_rules.strategies` that
#: generates it. A type that is not there (renamed, not yet written) is skipped: importing
#: Hypothesis must never fail because of plan_rules.
STRATEGIES: dict[str, str] = {
    "plan_rules.checks.CheckPart": "check_parts",
    "plan_rules.engine.CheckContext": "check_contexts",
    "plan_rules.model.Area": "areas",
    "plan_rules.model.Check": "checks",
    "plan_rules.model.Clause": "clauses",
    "plan_rules.model.Coverage": "coverages",
    "plan_rules.model.DataIssue": "data_issues",
    "plan_rules.model.Entity": "entities",
    "plan_rules.model.EntityResult": "entity_results",
    "plan_rules.model.Finding": "findings",
    "plan_rules.model.InParts": "in_parts",
    "plan_rules.model.Indicator": "indicators",
    "plan_rules.model.MissingUnit": "missing_units",
    "plan_rules.model.MissingUnits": "missing_rules",
    "plan_rules.model.Observation": "observations",
    "plan_rules.model.Plan": "plans",
    "plan_rules.model.Point": "points",
    "plan_rules.model.ProgressAssessment": "progress_assessments",
    "plan_rules.model.ProgressInput": "progress_inputs",
    "plan_rules.model.ProgressMethod": "progress_methods",
    "plan_rules.model.Scope": "scopes",
    "plan_rules.model.Statistics": "statistics",
    "plan_rules.model.Target": "targets",
    "plan_rules.model.Text": "texts",
    "plan_rules.periods.Period": "periods",
    "plan_rules.readers.ReadResult": "read_results",
    "plan_rules.registry.LoadProblem": "load_problems",
    "plan_rules.registry.PluginInfo": "plugin_infos",
    "plan_rules.registry.Registry": "registries",
    "plan_rules.report.Report": "reports",
    "plan_rules.report.Summary": "summaries",
    "plan_rules.schedule.Schedule": "schedules",
    "plan_rules.writers.Writer": "writers",
}


def resolve(path: str) -> type[Any] | None:
    """The type at ``module.Name``, or None when there is none."""
    module_name, _, name = path.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), name, None)
    except ImportError:
        return None
    return found if isinstance(found, type) else None


def _deferred(name: str) -> Callable[[type[Any]], Any]:
    def resolve_strategy(_type: type[Any]) -> Any:
        strategies = importlib.import_module("plan_rules.strategies")
        return getattr(strategies, name)()

    return resolve_strategy


def _register_strategies() -> None:
    """Register a strategy for every public plan_rules type (the entry point's target)."""
    from hypothesis import strategies as st

    for path, strategy_name in STRATEGIES.items():
        found = resolve(path)
        if found is not None:
            st.register_type_strategy(found, _deferred(strategy_name))
