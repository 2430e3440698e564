"""Hypothesis strategies for every public type of plan_rules, valid by construction.

Every strategy here generates objects that pass the model's validators, and the scenario
strategies generate whole evaluations: a registry whose targets name its indicators with
thresholds that fit their kinds, entities whose levels the targets' scopes name, and
observations for them. They are also registered with Hypothesis (through its ``hypothesis``
entry point), so ``st.from_type(plan_rules.Observation)`` and ``@given(report=...)`` with a
type annotation work without importing this module.

Two strategies draw what a property suite written from the outside needs most:
:func:`decided_scenarios` (in :mod:`.decided`), figures of a registry whose target verdicts
are met or not met rather than ``no_data``, and :func:`csv_files` (in :mod:`.files`), the CSV
text people really send, which reads back to the figures it was drawn from. Formulas,
derived indicators and composite indices valid by construction, and a unit's figures for
them, are in :mod:`.composites`. The other strategies are in :mod:`.core`.

Shrinking goes toward simple values: the shortest code (``A``), the text ``a``, the year
``min_year``, the first level (``province``), a threshold of 0 (a rate) or 0 (a count), the
figure exactly on a target's threshold, no optional fields, and as few entities and
observations as the property still fails with. Import it as ``from plan_rules import
strategies as prs`` (it needs the ``testing`` extra: ``pip install "plan-rules[testing]"``).
"""

from __future__ import annotations

from .composites import (
    UnitFigures,
    composite_registries,
    derived_indicators,
    formulas,
    indices,
    scoring_formulas,
    unit_figures,
)
from .core import (
    LEVELS,
    Scenario,
    areas,
    check_contexts,
    check_parts,
    checks,
    clauses,
    codes,
    coverages,
    data_issues,
    entities,
    entity_results,
    entity_sets,
    findings,
    in_parts,
    indicators,
    load_problems,
    missing_rules,
    missing_units,
    near_threshold,
    observations,
    observations_for,
    panels,
    periods,
    periods_within,
    plans,
    plugin_infos,
    points,
    progress_assessments,
    progress_inputs,
    progress_methods,
    read_results,
    registries,
    reports,
    scenarios,
    schedules,
    scopes,
    statistics,
    summaries,
    targets,
    texts,
    thresholds,
    writers,
)
from .decided import decided_scenarios
from .files import CsvFile, csv_files

__all__ = [
    "LEVELS",
    "CsvFile",
    "Scenario",
    "UnitFigures",
    "areas",
    "check_contexts",
    "check_parts",
    "checks",
    "clauses",
    "codes",
    "composite_registries",
    "coverages",
    "csv_files",
    "data_issues",
    "decided_scenarios",
    "derived_indicators",
    "entities",
    "entity_results",
    "entity_sets",
    "findings",
    "formulas",
    "in_parts",
    "indicators",
    "indices",
    "load_problems",
    "missing_rules",
    "missing_units",
    "near_threshold",
    "observations",
    "observations_for",
    "panels",
    "periods",
    "periods_within",
    "plans",
    "plugin_infos",
    "points",
    "progress_assessments",
    "progress_inputs",
    "progress_methods",
    "read_results",
    "registries",
    "reports",
    "scenarios",
    "schedules",
    "scopes",
    "scoring_formulas",
    "statistics",
    "summaries",
    "targets",
    "texts",
    "thresholds",
    "unit_figures",
    "writers",
]
