"""Progress: a target's statistic at the end of each earlier reporting period, and what every
progress method makes of that history.

The history is read from the same series of figures as the finding itself: at each earlier
cut-off (the end of a reporting period of the target's schedule in which a figure ended) the
figures a unit had by then are a prefix of its series, combined and aggregated again; and each
year before the target's window that holds figures of its indicator (2023 and 2024 for a 2025
target) gives a point too, the target's statistic over that year, so that reported earlier
years are the baseline and history of its progress rather than ``unused``. Nothing
else of the target is computed twice: an earlier point needs its statistic, not a message,
gaps or unit results.

A progress method is a plugin's code: one that raises, or returns something else than an
assessment, becomes an ``error`` assessment naming it (strict mode re-raises).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

import attrs

from .aggregate import Measured, TargetData, earlier, measure
from .compare import absent_text
from .errors import CheckError, UnknownReferenceError
from .model import (
    Finding,
    Indicator,
    Point,
    Progress,
    ProgressAssessment,
    ProgressInput,
    ProgressMethod,
    Target,
    Text,
    Verdict,
)
from .periods import Period
from .progress import DEFAULT_METHOD, closed, incomplete
from .registry import PLUGIN_FAILURES, PLUGIN_STOPS, Registry
from .schedule import DEFAULT_SCHEDULE
from .window import closure, earlier_years, opening

__all__ = ["History", "assess", "history", "methods_of"]

_JUDGED = (Verdict.MET, Verdict.NOT_MET)


def methods_of(registry: Registry, chosen: Sequence[str] | None) -> list[ProgressMethod]:
    """The progress methods to run, in order: those chosen, or all with the default first."""
    if chosen is None:
        return sorted(registry.progress_methods.values(), key=lambda m: m.code != DEFAULT_METHOD)
    unknown = [c for c in chosen if c not in registry.progress_methods]
    if unknown:
        raise UnknownReferenceError(
            f"no progress method {', '.join(map(repr, unknown))} is loaded; loaded: "
            f"{', '.join(registry.progress_methods) or 'none'}", code=unknown[0])
    return [registry.progress_methods[c] for c in chosen]


@attrs.frozen
class History:
    """A target's history: its latest point (the finding's own figure), the earlier points
    (oldest first: a point a year for the years before its window, then one at the end of
    each earlier reporting period in it), and the positions of the figures of the years
    before the window that those points were made of (``cited``: the finding names them as
    history, so that they are not ``unused``)."""

    latest: Point | None
    earlier: list[Point]
    cited: tuple[int, ...] = ()
    #: The date the target's window starts: points before it are of the years before.
    opens: date | None = None

    def before_window(self) -> list[Point]:
        """The points of the years before the target's window."""
        return [p for p in self.earlier if self.opens is not None and p.on < self.opens]


def history(data: TargetData, finding: Finding, measured: Measured | None, as_of: date,
            methods: Sequence[ProgressMethod]) -> History | None:
    """The latest figure (the finding's own), a point for each year before the target's
    window that has its figures, and the statistic at the end of each earlier reporting
    period of the target's schedule in which its figures ended; None when there is no
    progress to assess (no method, or a target that does not apply).

    ``measured`` is what the finding was made of (None when the target had no window yet).
    """
    if not methods or finding.verdict is Verdict.NOT_APPLICABLE:
        return None
    table, target = data.table, data.target
    if measured is None:
        return History(latest=None, earlier=[])
    latest = None
    on = measured.last_end(table)
    if finding.verdict in _JUDGED and finding.observed is not None and on is not None:
        latest = Point(on=on, value=finding.observed)
    schedule = target.schedule or DEFAULT_SCHEDULE
    limit = latest.on if latest is not None else as_of
    boundaries = {schedule.period_end(e) for e in measured.ends(table)}
    points, cited = _years_before(data)
    for boundary in sorted(b for b in boundaries if b < limit):
        window = opening(target, boundary)
        if not isinstance(window, Period):
            continue  # not yet applicable, or not yet measured: no point
        verdict, observed, on = earlier(data, window, boundary)
        if verdict in _JUDGED and observed is not None and on is not None:
            points[on] = observed
    return History(latest=latest,
                   earlier=[Point(on=on, value=value) for on, value in sorted(points.items())],
                   cited=cited, opens=target.measurement.start)


def _years_before(data: TargetData) -> tuple[dict[date, Fraction], tuple[int, ...]]:
    """The target's statistic over each year before its window that holds figures of its
    indicator, by the date of the last figure used, and the positions of every figure those
    statistics were made of (used, or set aside as an older snapshot)."""
    target = data.target
    opens = target.measurement.start
    first = min((s.first_start for s in data.series), default=None)
    points: dict[date, Fraction] = {}
    cited: set[int] = set()
    if first is None or first >= opens:
        return points, ()
    for window in earlier_years(target, first):
        past = measure(data, window, window.end, None)
        on = past.last_end(data.table)
        if past.verdict in _JUDGED and past.observed is not None and on is not None:
            points[on] = past.observed
            for c in past.figures.combined.values():
                cited.update(c.used)
                cited.update(c.history)
    return points, tuple(sorted(cited))


def assess(target: Target, indicator: Indicator, finding: Finding, past: History | None,
           methods: Sequence[ProgressMethod], as_of: date, strict: bool) -> Finding:
    """``finding`` with the target's history ``past`` (None: the finding has no progress)
    and every progress method's assessment of it.

    The baseline is the one the target states, when it states one: the plan set its target
    against it, and the figures reported for the years before may cover another territory
    or have been revised since. Else it is the last point of a year before the window (where
    things stood when the window opened), else the earliest point of the history.

    A target closed as of ``as_of`` (:func:`~plan_rules.window.closure`) has no pace to
    judge: no method runs on it, and each method's assessment is
    :func:`~plan_rules.progress.closed`'s, stamped with the method. So does an
    ``incomplete`` one: each assessment is :func:`~plan_rules.progress.incomplete`'s, naming
    the units missing.
    """
    if past is None:
        return finding
    latest = past.latest
    points = (*past.earlier, *(() if latest is None else (latest,)))
    before = past.before_window()
    schedule = target.schedule or DEFAULT_SCHEDULE
    measure_period = target.measurement
    dues = schedule.due_dates(measure_period.start, measure_period.end)
    ended = closure(target, as_of)
    baseline = target.baseline or (before[-1] if before else points[0] if points else None)
    inp = ProgressInput(
        target=target, indicator=indicator, as_of=as_of, history=points, latest=latest,
        baseline=baseline, baseline_stated=target.baseline is not None,
        first_due=dues[0] if dues else None,
        next_due=None if ended else next((d for d in dues if d > as_of), None),
    )
    # An incomplete target's figure is the reporters', not the scope's: no pace is taken
    # from it, and its assessment names who is missing.
    missing = (absent_text(finding.coverage) if finding.verdict is Verdict.INCOMPLETE
               and finding.coverage is not None else None)
    if ended is not None:
        assessments = tuple(
            attrs.evolve(closed(inp, m.name, ended.on, ended.reason, missing),
                         method=m.code, method_version=m.version, parameters=m.parameters,
                         plugin=m.plugin)
            for m in methods)
    elif missing is not None:
        assessments = tuple(
            attrs.evolve(incomplete(inp, m.name, missing), method=m.code,
                         method_version=m.version, parameters=m.parameters, plugin=m.plugin)
            for m in methods)
    else:
        assessments = tuple(_assess(m, target, inp, strict) for m in methods)
    headline = next((a.status for a in assessments if a.grade != "error"), None)
    details = finding.details
    if past.cited:
        details = {**details, "history": tuple(sorted({*details.get("history", ()),
                                                       *past.cited}))}
    return attrs.evolve(finding, progress=headline, assessments=assessments, history=points,
                        details=details)


def _assess(method: ProgressMethod, target: Target, inp: ProgressInput,
            strict: bool) -> ProgressAssessment:
    try:
        result = method.assess(attrs.evolve(inp, parameters=method.parameters))
        if not isinstance(result, ProgressAssessment):
            raise TypeError(f"a progress method must return a ProgressAssessment, got "
                            f"{type(result).__name__}")
    except PLUGIN_STOPS:
        raise
    except PLUGIN_FAILURES as exc:
        if strict:
            raise CheckError(
                f"progress method {method.code!r} of plugin {method.plugin!r} raised on "
                f"target {target.code!r}: {exc}", plugin=method.plugin, code=method.code,
            ) from exc
        text = f"{type(exc).__name__}: {exc}"
        result = ProgressAssessment(
            method=method.code, method_version=method.version,
            status=Progress.INSUFFICIENT_DATA, grade="error", deadline=target.deadline,
            target=target.threshold,
            message=Text(vi=f"Phương pháp {method.code} (plugin {method.plugin}) gặp lỗi: "
                            f"{text}",
                         en=f"Progress method {method.code} (plugin {method.plugin}) raised "
                            f"{text}"))
    return attrs.evolve(result, method=method.code, method_version=method.version,
                        parameters=method.parameters, plugin=method.plugin)
