"""The hooks a plan_rules plugin implements, with their exact signatures.

Each hook is called once when a registry is loaded and returns the plugin's contributions; none
is called per observation. Implementations may accept fewer arguments than the specification
(pluggy passes only the ones they name), so hooks only ever gain arguments and old plugins keep
working. Plugin authors decorate their functions with :data:`plan_rules.hookimpl`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .model import Check, Indicator, Plan, ProgressMethod, Target
    from .writers import Writer

PROJECT = "plan_rules"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def plan_rules_plans() -> Sequence[Plan]:
    """Contribute the plans this plugin defines.

    :return: the plans, each with a unique code. Return an empty sequence to contribute none.
    """
    raise NotImplementedError


@hookspec
def plan_rules_indicators() -> Sequence[Indicator]:
    """Contribute indicators: what is measured, how, and which clause of a plan asks for it.

    :return: indicators with unique codes; each names a plan contributed by some plugin.
    """
    raise NotImplementedError


@hookspec
def plan_rules_targets() -> Sequence[Target]:
    """Contribute targets: comparator, exact threshold, scope, aggregation, validity.

    :return: targets with unique codes; each must name a known indicator, or loading rejects it.
    """
    raise NotImplementedError


@hookspec
def plan_rules_checks() -> Sequence[Check]:
    """Contribute checks: rules run over the observations of the indicators they name.

    :return: checks with unique codes. A check that raises while running becomes an ``error``
        finding naming this plugin and the check; the rest of the evaluation goes on.
    """
    raise NotImplementedError


@hookspec
def plan_rules_writers() -> Sequence[Writer]:
    """Contribute report writers (text, JSON, HTML, …), selected by their ``name``.

    :return: writers with unique names; each turns a report into text or bytes.
    """
    raise NotImplementedError


@hookspec
def plan_rules_progress_methods() -> Sequence[ProgressMethod]:
    """Contribute progress methods: ways of judging whether a target will be met in time.

    Each method is called once per target with a :class:`plan_rules.ProgressInput` (the
    target's figures at the end of each reporting period, its baseline and deadline) and
    returns a :class:`plan_rules.ProgressAssessment`: a status (``achieved``, ``on_track``,
    ``needs_acceleration``, ``regressing``, ``insufficient_data``, ``not_yet_due``), the
    projected value at the deadline, the paces and the projected date the target is met.

    :return: progress methods with unique codes, each with a version and its parameters; the
        engine records all three in every assessment the method makes. A method that raises
        gives an assessment naming this plugin and the error; the rest of the evaluation goes
        on.
    """
    raise NotImplementedError
