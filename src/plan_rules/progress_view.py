"""How a finding's progress is shown: a line for tables, the full explanation, an SVG chart.

The writers and ``explain`` call these, so every format says the same thing: the headline
status, when the target would be met at the current pace (or that it would not), and the
value expected by the deadline. The chart draws the target's history, the trajectory from the
baseline to the threshold on the deadline, and the projection at the current pace, as inline
SVG (no script, no external resource). Numbers are shown here, never decided.
"""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING

from .model import Finding, Kind, Point, Progress, ProgressAssessment, Target
from .progress import DEFAULT_METHOD, month_text, status_words
from .schedule import DEFAULT_SCHEDULE
from .words import show_value

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["explain_progress", "headline", "progress_line", "progress_svg",
           "target_progress_lines"]

_LABELS = {
    "progress": ("tiến độ", "progress"),
    "met_in": ("với tốc độ hiện tại đạt vào", "at the current pace met in"),
    "not_met": ("không đạt được với tốc độ hiện tại", "not met at the current pace"),
    "by_deadline": ("đến hạn đạt", "by the deadline"),
    "history": ("Diễn biến", "History"),
    "method": ("phương pháp", "method"),
    "target": ("chỉ tiêu", "target"),
    "trajectory": ("lộ trình", "trajectory"),
    "projection": ("dự báo", "projection"),
    "deadline": ("hạn", "deadline"),
    "methods": ("Tiến độ theo", "Progress by"),
    "baseline": ("Giá trị cơ sở", "Baseline"),
    "from_data": ("số liệu của năm gần nhất trước kỳ đo, nếu không có thì số liệu đầu tiên "
                  "trong kỳ đo",
                  "the figure of the last year before the window, else the earliest in it"),
    "reporting": ("Kỳ báo cáo", "Reporting"),
    "due": ("hạn nộp: hết kỳ", "due at period end"),
    "days": ("ngày", "days"),
    "none": ("không có phương pháp nào được nạp", "no progress method is loaded"),
}


def _label(key: str, lang: str) -> str:
    vi, en = _LABELS[key]
    return vi if lang == "vi" else en


def headline(finding: Finding) -> ProgressAssessment | None:
    """The assessment that gave the finding's headline ``progress`` (the first that ran)."""
    return next((a for a in finding.assessments if a.grade != "error"), None)


def _value(x: Fraction, kind: Kind, lang: str) -> str:
    return show_value(x, kind, lang)


def progress_line(finding: Finding, kind: Kind, lang: str = "en") -> str | None:
    """One line for a table row, e.g. ``progress: needs acceleration — at the current pace
    met in December 2031; 60% by the deadline``; None when there is nothing to add (no
    assessment, or the target is already achieved, which its verdict says)."""
    a = headline(finding)
    if a is None or a.status is Progress.ACHIEVED:
        return None
    text = f"{_label('progress', lang)}: {status_words(a.status).get(lang)}"
    if a.status in (Progress.INSUFFICIENT_DATA, Progress.NOT_YET_DUE, Progress.CLOSED):
        detail = a.message.get(lang).split(" — ", 1)
        return text + (f" — {detail[1].rstrip('.')}" if len(detail) == 2 else "")
    if a.projected_date is not None:
        text += f" — {_label('met_in', lang)} {month_text(a.projected_date, lang)}"
    else:
        text += f" — {_label('not_met', lang)}"
    if a.projected is not None:
        by = _value(a.projected, kind, lang)
        text += f"; {_label('by_deadline', lang)} {by}" if lang == "vi" else \
            f"; {by} {_label('by_deadline', lang)}"
    return text


def explain_progress(finding: Finding, kind: Kind, lang: str = "en") -> list[str]:
    """Every line there is to say about a finding's progress: its history, then each method's
    assessment with its version and parameters."""
    if not finding.assessments:
        return []
    out = []
    if finding.history:
        points = ", ".join(f"{p.on:%d/%m/%Y} {_value(p.value, kind, lang)}"
                           for p in finding.history)
        out.append(f"{_label('history', lang)}: {points}")
    for a in finding.assessments:
        params = ", ".join(f"{k}={v}" for k, v in a.parameters)
        out.append(f"[{a.method} {a.method_version}{'; ' + params if params else ''}] "
                   f"{a.message.get(lang)}")
    return out


def target_progress_lines(target: Target, registry: Registry,
                          lang: str = "en") -> list[tuple[str, str]]:
    """How a target's progress is judged, before any figure: the methods with their versions
    and parameters (the headline one first), the baseline, and the reporting schedule with
    its due dates in the target's window."""
    methods = sorted(registry.progress_methods.values(), key=lambda m: m.code != DEFAULT_METHOD)
    listed = "; ".join(
        f"{m.code} {m.version} ({', '.join(f'{k}={v}' for k, v in m.parameters) or '-'})"
        for m in methods) or _label("none", lang)
    kind = registry.indicators[target.indicator].kind
    if target.baseline is not None:
        b = target.baseline
        base = f"{_value(b.value, kind, lang)} ({b.on:%d/%m/%Y})" + (
            f" — {b.source.get(lang)}" if b.source else "")
    else:
        base = _label("from_data", lang)
    schedule = target.schedule or DEFAULT_SCHEDULE
    window = target.measurement
    dues = ", ".join(f"{d:%d/%m/%Y}" for d in schedule.due_dates(window.start, window.end))
    return [
        (_label("methods", lang), listed),
        (_label("baseline", lang), base),
        (_label("reporting", lang),
         f"{schedule.frequency.value}, {_label('due', lang)} +{schedule.lag_days} "
         f"{_label('days', lang)}: {dues or '-'}"),
    ]


# -- the chart -----------------------------------------------------------------------------

_W, _H = 360, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 10, 24
_INK, _MUTED, _BLUE, _GREY = "#1f2328", "#8c959f", "#0969da", "#57606a"
#: How each line is drawn: the threshold, the deadline, the trajectory, the projection.
_STROKES = {
    "target": f'stroke="{_INK}" stroke-width="1.5"',
    "deadline": f'stroke="{_MUTED}" stroke-dasharray="2 3"',
    "trajectory": f'stroke="{_MUTED}" stroke-dasharray="6 4"',
    "projection": f'stroke="{_BLUE}" stroke-dasharray="2 3" stroke-width="2"',
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _axis(kind: Kind, values: list[Fraction]) -> tuple[Fraction, Fraction]:
    """The value axis: a rate zoomed to the 5-point steps around its figures (a trend near
    100% stays visible), a count from 0 to a tenth above its largest figure."""
    if kind is not Kind.RATE:
        return Fraction(0), max(values) * Fraction(11, 10) or Fraction(1)
    low, high = min(values), max(values)
    pad = max((high - low) / 5, Fraction(1, 50))
    step = Fraction(1, 20)
    bottom = max(Fraction(0), math.floor((low - pad) / step) * step)
    top = min(Fraction(1), math.ceil((high + pad) / step) * step)
    return bottom, max(top, bottom + step)


def progress_svg(finding: Finding, kind: Kind, lang: str = "en") -> str:
    """An inline SVG chart of the finding's history, the trajectory from the baseline to the
    threshold on the deadline, and the projection to the deadline at the current pace; an
    empty string when there is no history or deadline to draw."""
    a = headline(finding)
    if a is None or a.deadline is None or a.target is None or not finding.history \
            or kind is Kind.MILESTONE:
        return ""
    points: list[Point] = list(finding.history)
    start = min([p.on for p in points] + ([a.baseline.on] if a.baseline else []))
    end = max(a.deadline, points[-1].on)
    values = [p.value for p in points] + [a.target] + (
        [a.baseline.value] if a.baseline else []) + ([a.projected] if a.projected else [])
    bottom, top = _axis(kind, values)
    span = max((end - start).days, 1)

    # Floats from here on: pixel positions, display only.
    def x(d: date) -> float:
        return _LEFT + (_W - _LEFT - _RIGHT) * (d - start).days / span

    def y(v: Fraction) -> float:
        share = min(max(float((v - bottom) / (top - bottom)), 0.0), 1.0)
        return _TOP + (_H - _TOP - _BOTTOM) * (1 - share)

    def line(p: tuple[float, float], q: tuple[float, float], what: str) -> str:
        return (f'<line class="{what}" x1="{p[0]:.1f}" y1="{p[1]:.1f}" x2="{q[0]:.1f}" '
                f'y2="{q[1]:.1f}" {_STROKES[what]}/>')

    parts = [
        line((_LEFT, y(a.target)), (_W - _RIGHT, y(a.target)), "target"),
        line((x(a.deadline), _TOP), (x(a.deadline), _H - _BOTTOM), "deadline"),
    ]
    if a.baseline is not None:
        parts.append(line((x(a.baseline.on), y(a.baseline.value)),
                          (x(a.deadline), y(a.target)), "trajectory"))
    last = points[-1]
    if a.projected is not None and last.on < a.deadline:
        parts.append(line((x(last.on), y(last.value)), (x(a.deadline), y(a.projected)),
                          "projection"))
    path = " ".join(f"{x(p.on):.1f},{y(p.value):.1f}" for p in points)
    parts.append(f'<polyline class="history" points="{path}" fill="none" stroke="{_BLUE}" '
                 'stroke-width="2"/>')
    parts.extend(f'<circle cx="{x(p.on):.1f}" cy="{y(p.value):.1f}" r="3" fill="{_BLUE}">'
                 f'<title>{_e(f"{p.on:%d/%m/%Y}: {_value(p.value, kind, lang)}")}</title>'
                 f'</circle>' for p in points)
    axis = _H - _BOTTOM + 14
    parts.append(f'<text x="{_LEFT}" y="{axis}">{start:%m/%Y}</text>')
    parts.append(f'<text x="{x(a.deadline):.1f}" y="{axis}" text-anchor="end">'
                 f'{_e(_label("deadline", lang))} {a.deadline:%d/%m/%Y}</text>')
    parts.append(f'<text x="{_LEFT - 4}" y="{y(a.target) + 4:.1f}" text-anchor="end">'
                 f'{_e(_value(a.target, kind, lang))}</text>')
    parts.append(f'<text x="{_LEFT - 4}" y="{_H - _BOTTOM + 4}" text-anchor="end">'
                 f'{_e(_value(bottom, kind, lang))}</text>')
    legend = (f"{_label('history', lang)}: —●; {_label('trajectory', lang)}: ╌; "
              f"{_label('projection', lang)}: ┈; {_label('target', lang)}: ━")
    summary = progress_line(finding, kind, lang) or status_words(a.status).get(lang)
    label = f"{summary}. {legend}"
    return (f'<figure class="progress-chart" style="margin:8px 0">'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
            f'style="max-width:100%;height:auto" '
            f'height="{_H}" role="img" aria-label="{_e(label)}" font-size="10" '
            f'fill="{_GREY}"><title>{_e(label)}</title>{"".join(parts)}</svg>'
            f'<figcaption style="font-size:.8rem;color:#57606a">{_e(a.message.get(lang))}'
            f'</figcaption></figure>')

