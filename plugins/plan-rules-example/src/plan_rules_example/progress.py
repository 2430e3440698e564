"""A progress method: project the latest change forward to the deadline ("momentum")."""

from __future__ import annotations

from fractions import Fraction

from plan_rules import Comparator, Progress, ProgressAssessment, ProgressInput, ProgressMethod, Text
from plan_rules.progress import status_words

__all__ = ["PROGRESS_METHODS", "momentum"]


def _direction(comparator: Comparator, gap: Fraction) -> int:
    """+1 when the figure must rise to meet the target, -1 when it must fall."""
    if comparator in (Comparator.GE, Comparator.GT):
        return 1
    if comparator in (Comparator.LE, Comparator.LT):
        return -1
    return 1 if gap > 0 else -1


def momentum(inp: ProgressInput) -> ProgressAssessment:
    """Projects the change between the last two figures forward to the deadline.

    Formula: pace = (v₂ − v₁) / (d₂ − d₁) per day, from the last two points of the target's
    history; projected = v₂ + pace × (deadline − d₂), in exact fractions. The target is
    ``achieved`` when the latest figure meets it; ``regressing`` when the pace points away
    from it; ``on_track`` when the projection meets it; ``needs_acceleration`` otherwise;
    ``insufficient_data`` with fewer than two figures.
    Source: none — an illustration of the hook, simpler than the built-in ``linear`` method.
    """
    target = inp.target

    def judged(status: Progress, projected: Fraction | None = None) -> ProgressAssessment:
        return ProgressAssessment(
            method="example.momentum", method_version="1", status=status,
            message=status_words(status), latest=inp.latest, deadline=target.deadline,
            target=target.threshold, projected=projected)

    if inp.latest is not None and target.comparator.holds(inp.latest.value, target.threshold):
        return judged(Progress.ACHIEVED)
    if len(inp.history) < 2:
        return judged(Progress.INSUFFICIENT_DATA)
    before, last = inp.history[-2], inp.history[-1]
    days = (last.on - before.on).days
    if days <= 0:
        return judged(Progress.INSUFFICIENT_DATA)
    pace = (last.value - before.value) / days
    remaining = max(0, (target.deadline - last.on).days)
    projected = max(Fraction(0), last.value + pace * remaining)
    if pace * _direction(target.comparator, target.threshold - last.value) < 0:
        return judged(Progress.REGRESSING, projected)
    if target.comparator.holds(projected, target.threshold):
        return judged(Progress.ON_TRACK, projected)
    return judged(Progress.NEEDS_ACCELERATION, projected)


PROGRESS_METHODS: tuple[ProgressMethod, ...] = (
    ProgressMethod(code="example.momentum", version="1",
                   name=Text(vi="Đà thay đổi gần nhất", en="Latest momentum"),
                   assess=momentum),
)
