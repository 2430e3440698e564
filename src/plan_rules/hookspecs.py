"""The hooks a plan_rules plugin implements, with their exact signatures.

Each hook is called once when a registry is loaded and returns the plugin's contributions; none
is called per observation. Implementations may accept fewer arguments than the specification
(pluggy passes only the ones they name), so hooks only ever gain arguments and old plugins keep
working. Plugin authors decorate their functions with :data:`plan_rules.hookimpl`.

Every hook returns a sequence (a list or a tuple) of its type. Anything else — a string, a
dict, ``None``, an item of another type — is a load problem naming the plugin, and only the
unusable part is skipped (fatal in strict mode); so is an exception or ``SystemExit`` raised by
the hook. A code claimed by two plugins is used for neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .derive import Composite
    from .model import Check, Indicator, Plan, ProgressMethod, Target
    from .writers import Writer

PROJECT = "plan_rules"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def plan_rules_plans() -> Sequence[Plan]:
    """Contribute the plans this plugin defines.

    :return: the plans, each with a unique code. Return an empty sequence to contribute none.
        Only plugins of the same distribution may add indicators and targets to a plan,
        unless it is declared ``open_to_others=True``.
    """
    raise NotImplementedError


@hookspec
def plan_rules_indicators() -> Sequence[Indicator]:
    """Contribute indicators: what is measured, how, and which clause of a plan asks for it.

    :return: indicators with unique codes; each names a plan contributed by this
        plugin's distribution, or one open to others, or loading rejects it.
    """
    raise NotImplementedError


@hookspec
def plan_rules_targets() -> Sequence[Target]:
    """Contribute targets: comparator, exact threshold, scope, aggregation, validity.

    :return: targets with unique codes; each must name a known indicator of a plan of this
        plugin's distribution (or one open to others), or loading rejects it.
    """
    raise NotImplementedError


@hookspec
def plan_rules_checks() -> Sequence[Check]:
    """Contribute checks: rules run over the observations of the indicators they name.

    :return: checks with unique codes. A check that raises (or calls ``sys.exit``) while
        running, yields something that is not a ``Finding``, or cites an observation that is
        not in the input, becomes an ``error`` finding naming this plugin and the check; the
        rest of the evaluation goes on. A check sees read-only views, and its duration is
        recorded in the report's run metadata.
    """
    raise NotImplementedError


@hookspec
def plan_rules_writers() -> Sequence[Writer]:
    """Contribute report writers (text, JSON, HTML, …), selected by their ``name``.

    :return: writers with unique names; each turns a report into ``str`` or ``bytes``
        (anything else is a write error naming the writer and this plugin).
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


@hookspec
def plan_rules_composites() -> Sequence[Composite]:
    """Contribute composites: derived indicators (:class:`plan_rules.derive.Derived`), score
    indices (:class:`plan_rules.composite.Index`), and targets on a score or a rank
    (:class:`plan_rules.composite.ScoreTarget`, :class:`plan_rules.composite.RankTarget`).

    Each is declared as data: a formula is a tree of the nodes of :mod:`plan_rules.derive`,
    never a text to evaluate. Their codes share one namespace, and a derived indicator's code
    must not be a reported indicator's.

    :return: composites with unique codes. Loading rejects, naming this plugin, one that
        reads an unknown indicator, a derived indicator whose formula refers to itself, an
        index whose components' points do not add up to its maximum (or whose component's
        formula cannot give exactly its points), a target naming an unknown index, and
        whatever reads a rejected composite; a derived indicator or index must name a plan
        of this plugin's distribution, or one open to others.
    """
    raise NotImplementedError
