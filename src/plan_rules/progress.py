"""Progress toward a deadline: the built-in progress methods and the exact arithmetic they use.

Two methods ship, contributed by the ``builtin`` plugin like any third party's:

- ``linear`` (the OKR trajectory): the target expects a straight line from the baseline to the
  threshold on the deadline; the latest figure is on track when it is on or ahead of that line,
  which is the same as "the straight line through baseline and latest meets the target by the
  deadline". Everything it reports is exact.
- ``growth_ratio`` (Statistics Canada's measure, used by Open SDG platforms): the observed
  compound annual growth rate over the one the target requires, with the thresholds 0.95, 0.6
  and 0. Its status is decided exactly although the rates are irrational: each comparison is
  settled on rational bounds of ever tighter precision and, when they cannot separate, on
  exact integer powers. The rates it *reports* are rounded (``exact`` is False).

Both give ``achieved`` exactly when the latest figure meets the target, and both project the
first day the target would be met at the current pace (or say that it would not be). The
formulas, their sources and a worked example are in ``docs/progress.md``.

A target closed before the as-of date (its validity ended) has no pace left to judge: no
method runs on it, and every method's assessment of it is :func:`closed`'s, made here. Nor
has an ``incomplete`` one (units in its scope sent nothing): its assessment is
:func:`incomplete`'s, naming them.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from dateutil.relativedelta import relativedelta

from .model import (
    Comparator,
    Kind,
    Point,
    Progress,
    ProgressAssessment,
    ProgressInput,
    ProgressMethod,
    Target,
    Text,
)
from .numbers import format_number
from .periods import fractional_years
from .words import COVERAGE_WORDS, show_value, status_words, unit_word

__all__ = [
    "DEFAULT_METHOD",
    "GROWTH_RATIO",
    "LINEAR",
    "STATUS_ORDER",
    "builtin_methods",
    "closed",
    "compare_power",
    "growth_ratio",
    "incomplete",
    "linear",
    "month_text",
    "status_words",
]

#: The method whose status is a finding's headline ``progress``, when it is loaded.
DEFAULT_METHOD = "linear"

#: Statuses from worst to best, for the statuses that judge a pace.
STATUS_ORDER = (Progress.REGRESSING, Progress.NEEDS_ACCELERATION, Progress.ON_TRACK,
                Progress.ACHIEVED)


# -- exact arithmetic with roots ----------------------------------------------------------

#: Decimal digits of the rational bounds tried in turn before exact integer powers decide.
_PRECISIONS = (40, 80, 160, 320)
#: Rational roots are looked for only up to this degree (a year of days has a larger one).
_MAX_ROOT = 64
_MAX_POWER_BITS = 1 << 16
#: Reported (not decided) irrational values are rounded to this many decimals of one.
_ROUND = 10**12


def _sign(x: Fraction | int) -> int:
    return (x > 0) - (x < 0)


def _iroot(n: int, k: int) -> int:
    """``floor(n ** (1/k))`` exactly, for ``n >= 0`` and ``k >= 1`` (Newton on integers)."""
    if n < 2:
        return n
    x = 1 << -(-n.bit_length() // k)
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


def _exact_power(base: Fraction, exponent: Fraction) -> Fraction | None:
    """``base ** exponent`` when it is rational and small enough to find; else None."""
    if base == 0:
        return Fraction(0) if exponent > 0 else None
    p, q = exponent.numerator, exponent.denominator
    bits = base.numerator.bit_length() + base.denominator.bit_length()
    if q > _MAX_ROOT or abs(p) * bits > _MAX_POWER_BITS:
        return None
    if p < 0:
        base, p = 1 / base, -p
    num, den = base.numerator ** p, base.denominator ** p
    # In lowest terms, a rational q-th root exists only if both parts are q-th powers.
    rn, rd = _iroot(num, q), _iroot(den, q)
    return Fraction(rn, rd) if rn**q == num and rd**q == den else None


def _enclose(base: Fraction, exponent: Fraction, digits: int) -> tuple[Fraction, Fraction]:
    """Rational bounds ``lo <= base ** exponent <= hi`` within ``10**-digits`` relatively.

    Decimal's ``ln`` and ``exp`` are correctly rounded; the working precision is raised by
    enough digits to cover how the rounding of ``b``, ``ln b``, ``e`` and the product can grow
    through ``exp`` (at most ``3 |e ln b| + |e| + 3`` units of the last place), so the bound
    holds with room to spare.
    """
    size = 3 * (abs(exponent.numerator) // exponent.denominator + 1) * (
        base.numerator.bit_length() + base.denominator.bit_length() + 1) + 2
    with decimal.localcontext() as ctx:
        ctx.prec = digits + len(str(size)) + 2
        ctx.Emax, ctx.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        b = decimal.Decimal(base.numerator) / decimal.Decimal(base.denominator)
        e = decimal.Decimal(exponent.numerator) / decimal.Decimal(exponent.denominator)
        value = Fraction((b.ln() * e).exp())
    err = value / 10**digits
    return value - err, value + err


def compare_power(base: Fraction, exponent: Fraction, other: Fraction) -> int:
    """The sign of ``base ** exponent - other``, exactly (``base``, ``other`` >= 0).

    Rational bounds of increasing precision settle almost every case; when two values agree
    to 320 digits, ``base ** p`` and ``other ** q`` (``exponent = p/q``) are compared as exact
    fractions.
    """
    if exponent == 0:
        return _sign(1 - other)
    if base == 0:
        if exponent < 0:
            raise ZeroDivisionError("0 to a negative power")
        return _sign(-other)
    if other == 0:
        return 1
    for digits in _PRECISIONS:
        lo, hi = _enclose(base, exponent, digits)
        if lo > other:
            return 1
        if hi < other:
            return -1
    return _sign(base**exponent.numerator - other**exponent.denominator)


def _rounded(base: Fraction, exponent: Fraction) -> Fraction:
    """``base ** exponent`` rounded to 12 decimals: for reporting, never for deciding."""
    exact = _exact_power(base, exponent)
    if exact is not None:
        return exact
    lo, _ = _enclose(base, exponent, 20)
    return Fraction(round(lo * _ROUND), _ROUND)


# -- what every method shares -----------------------------------------------------------

def _show(inp: ProgressInput, x: Fraction, lang: str) -> str:
    return show_value(x, inp.indicator.kind, lang)


def _day(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def month_text(d: date, lang: str) -> str:
    """A month for people: ``tháng 3/2030`` (vi), ``March 2030`` (en)."""
    if lang == "vi":
        return f"tháng {d.month}/{d.year}"
    return f"{d:%B %Y}"


def _both(build: Callable[[str], str]) -> Text:
    return Text(vi=build("vi"), en=build("en"))


def _aim(comparator: Comparator, start: Fraction, threshold: Fraction) -> Comparator:
    """The comparator to project with: ``==`` aims up or down from where the figures start."""
    if comparator is not Comparator.EQ:
        return comparator
    return Comparator.GE if threshold >= start else Comparator.LE


def _direction(aim: Comparator) -> int:
    return 1 if aim in (Comparator.GE, Comparator.GT) else -1


class _Setup:
    """A target with a baseline before its latest figure: what a pace is computed from."""

    def __init__(self, inp: ProgressInput, baseline: Point, latest: Point) -> None:
        target = inp.target
        self.inp = inp
        self.baseline = baseline
        self.latest = latest
        self.threshold = target.threshold
        self.deadline = due_by(target)
        self.aim = _aim(target.comparator, baseline.value, target.threshold)
        self.sign = _direction(self.aim)
        self.observed_years = fractional_years(baseline.on, latest.on)
        self.planned_years = fractional_years(baseline.on, self.deadline)
        self.remaining_years = fractional_years(latest.on, self.deadline)
        self.upper = Fraction(1) if inp.indicator.kind is Kind.RATE else None

    def bounded(self, x: Fraction) -> Fraction:
        """A projected value within what the indicator can take (0 to 100% for a rate)."""
        x = max(x, Fraction(0))
        return min(x, self.upper) if self.upper is not None else x

    def reachable(self) -> bool:
        """Whether any value the indicator can take meets the target (``> 100%`` cannot)."""
        return self.upper is None or self.aim.holds(self.upper, self.threshold) or \
            self.sign < 0

    def first_day(self, meets: Callable[[Fraction], bool], horizon: int) -> date | None:
        """The first day after the latest figure on which ``meets(years since it)`` holds,
        within ``horizon`` years; ``meets`` must be monotone (false, then true)."""
        start = self.latest.on
        try:
            last = (start + relativedelta(years=horizon) - start).days
        except (OverflowError, ValueError):
            last = (date.max - start).days

        def at(days: int) -> bool:
            return meets(fractional_years(start, start + timedelta(days=days)))

        if last < 1 or not at(last):
            return None
        lo, hi = 0, last
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if at(mid):
                hi = mid
            else:
                lo = mid
        return start + timedelta(days=hi)


def _parameter(inp: ProgressInput, name: str, default: str) -> str:
    return dict(inp.parameters).get(name, default)


def due_by(target: Target) -> date:
    """The last day a target can be met: its deadline, or the end of its validity when that
    comes first (a district-level target ends with the district level)."""
    return target.measurement.end


def _assessment(inp: ProgressInput, code: str, version: str, status: Progress,
                message: Text, **fields: Any) -> ProgressAssessment:
    return ProgressAssessment(
        method=code, method_version=version, status=status, message=message,
        parameters=inp.parameters, deadline=due_by(inp.target), target=inp.target.threshold,
        next_due=inp.next_due, **fields,
    )


def _start(inp: ProgressInput, code: str, version: str, name: Text,
           ) -> _Setup | ProgressAssessment:
    """The statuses every method gives the same way, or what a pace is computed from."""
    latest, baseline = inp.latest, inp.baseline

    def early(status: Progress, vi: str, en: str, **fields: Any) -> ProgressAssessment:
        words = status_words(status)
        message = Text(vi=f"{name.vi}: {words.vi} — {vi}.", en=f"{name.en}: {words.en} — {en}.")
        return _assessment(inp, code, version, status, message, baseline=baseline,
                           latest=latest, **fields)

    due = inp.next_due
    if latest is None:
        first = inp.first_due
        if not inp.history and first is not None and inp.as_of < first:
            return early(Progress.NOT_YET_DUE,
                         f"số liệu đầu tiên đến hạn ngày {_day(first)}",
                         f"the first figures are due on {_day(first)}", grade="not_yet_due")
        return early(Progress.INSUFFICIENT_DATA,
                     "chưa có số liệu dùng được" + (
                         f"; kỳ tới đến hạn ngày {_day(due)}" if due else ""),
                     "no usable figure yet" + (f"; the next are due on {_day(due)}" if due
                                               else ""),
                     grade="no_figure")
    shown = {lang: _show(inp, latest.value, lang) for lang in ("vi", "en")}
    if inp.target.comparator.holds(latest.value, inp.target.threshold):
        return early(Progress.ACHIEVED,
                     f"{shown['vi']} ngày {_day(latest.on)} đã đạt chỉ tiêu",
                     f"{shown['en']} on {_day(latest.on)} meets the target",
                     grade="target_achieved")
    if inp.indicator.kind is Kind.MILESTONE:
        return early(Progress.INSUFFICIENT_DATA,
                     "mốc công việc chỉ có hoàn thành hoặc chưa: không có tốc độ để dự báo",
                     "a milestone is done or not done: it has no pace to project",
                     grade="milestone")
    deadline = due_by(inp.target)
    if inp.as_of >= deadline:
        # The time is up: no pace can still meet it, whatever the trend says.
        return early(Progress.NEEDS_ACCELERATION,
                     f"đã hết hạn {_day(deadline)} mà chưa đạt chỉ tiêu ({shown['vi']} ngày "
                     f"{_day(latest.on)})",
                     f"the deadline {_day(deadline)} has passed and the target is not met "
                     f"({shown['en']} on {_day(latest.on)})", grade="deadline_reached")
    if baseline is None or baseline.on >= latest.on:
        return early(Progress.INSUFFICIENT_DATA,
                     f"mới có một số liệu ({shown['vi']} ngày {_day(latest.on)}); cần số liệu "
                     "kỳ thứ hai hoặc giá trị cơ sở do kế hoạch nêu",
                     f"one figure only ({shown['en']} on {_day(latest.on)}); a pace needs a "
                     "second reporting period or a baseline stated by the plan",
                     grade="one_figure")
    return _Setup(inp, baseline, latest)


def incomplete(inp: ProgressInput, name: Text, missing: Text) -> ProgressAssessment:
    """What any method says of a target that is ``incomplete`` (units in its scope sent
    nothing and its rule for missing units does not allow judging without them), ``name``
    being the method's: ``insufficient_data``, grade ``units_missing``, naming who is
    missing (``missing``: ``39 of 40 units reported, 1 sent nothing (xa-quynh-phu)``).

    The reporters' figure is not a figure of the scope, so no pace is taken from it; and
    saying that no figure came at all would send the reader looking for the wrong thing."""
    words, why = status_words(Progress.INSUFFICIENT_DATA), COVERAGE_WORDS["not_judged"].text
    due = inp.next_due
    message = Text(
        vi=f"{name.vi}: {words.vi} — {why.vi}: {missing.vi}" + (
            f"; kỳ tới đến hạn ngày {_day(due)}" if due else "") + ".",
        en=f"{name.en}: {words.en} — {why.en}: {missing.en}" + (
            f"; the next are due on {_day(due)}" if due else "") + ".")
    return _assessment(inp, "incomplete", "1", Progress.INSUFFICIENT_DATA, message,
                       grade="units_missing", baseline=inp.baseline, latest=None)


def closed(inp: ProgressInput, name: Text, on: date, reason: Text | None,
           missing: Text | None = None) -> ProgressAssessment:
    """What any method says of a target closed on ``on`` (its validity ended then, before the
    as-of date), ``name`` being the method's: ``closed``, final, with no pace, projection or
    due date. The grade says whether its final figure (``inp.latest``, of its own window)
    meets it: ``achieved``, ``not_achieved``, ``units_missing`` when it was ``incomplete``
    (``missing`` says who of its units sent nothing), or ``no_figure`` when it had none."""
    latest = inp.latest
    day = _day(on)
    end = Text(vi=f"ngày {day}" + (f": {reason.vi}" if reason else ""),
               en=f"on {day}" + (f": {reason.en}" if reason else ""))
    words = status_words(Progress.CLOSED)
    if latest is None and missing is not None:
        grade = "units_missing"
        vi = f"kết quả cuối cùng chưa đủ đơn vị báo cáo ({missing.vi})"
        en = f"the final figure is incomplete ({missing.en})"
    elif latest is None:
        grade = "no_figure"
        vi, en = ("không có số liệu dùng được trong kỳ đo", "no usable figure in its window")
    else:
        shown = {lang: _show(inp, latest.value, lang) for lang in ("vi", "en")}
        if inp.target.comparator.holds(latest.value, inp.target.threshold):
            grade = "achieved"
            vi = f"kết quả cuối cùng {shown['vi']} ngày {_day(latest.on)} đạt chỉ tiêu"
            en = f"final figure {shown['en']} on {_day(latest.on)} meets the target"
        else:
            grade = "not_achieved"
            vi = f"kết quả cuối cùng {shown['vi']} ngày {_day(latest.on)} chưa đạt chỉ tiêu"
            en = f"final figure {shown['en']} on {_day(latest.on)} does not meet the target"
    message = Text(
        vi=f"{name.vi}: {words.vi} — {end.vi}; {vi}; không đánh giá tốc độ sau khi chỉ tiêu "
           "kết thúc.",
        en=f"{name.en}: {words.en} — {end.en}; {en}; no pace is judged after a target's end.")
    return ProgressAssessment(
        method="closed", method_version="1", status=Progress.CLOSED, message=message,
        grade=grade, baseline=inp.baseline, latest=latest, deadline=due_by(inp.target),
        target=inp.target.threshold)


def _outlook(s: _Setup, reached: date | None, projected: Fraction, horizon: int,
             lang: str) -> str:
    """The sentence on when the target is met at the current pace."""
    at_deadline = _show(s.inp, projected, lang)
    if reached is not None:
        if lang == "vi":
            return (f"Với tốc độ hiện tại sẽ đạt chỉ tiêu vào {month_text(reached, 'vi')} "
                    f"(đến hạn {_day(s.deadline)} đạt {at_deadline})")
        return (f"At the current pace the target would be met in {month_text(reached, 'en')} "
                f"({at_deadline} by the deadline {_day(s.deadline)})")
    moving = (s.latest.value - s.baseline.value) * s.sign > 0
    if lang == "vi":
        why = f" trong {horizon} năm" if moving and s.reachable() else ""
        return (f"Không đạt được{why} với tốc độ hiện tại (đến hạn {_day(s.deadline)} đạt "
                f"{at_deadline})")
    why = f" within {horizon} years" if moving and s.reachable() else ""
    return (f"The target would not be met{why} at the current pace ({at_deadline} by the "
            f"deadline {_day(s.deadline)})")


# -- linear trajectory -------------------------------------------------------------------

LINEAR = "linear"
LINEAR_VERSION = "1.0"
_LINEAR_NAME = Text(vi="Quỹ đạo tuyến tính", en="Linear trajectory")


def _points_a_year(s: _Setup, pace: Fraction, lang: str) -> str:
    sign = "+" if pace >= 0 else "−"
    if s.inp.indicator.kind is Kind.RATE:
        number = format_number(abs(pace) * 100, lang=lang, digits=1)
        return f"{sign}{number} điểm %/năm" if lang == "vi" else f"{sign}{number} points a year"
    number = format_number(abs(pace), lang=lang, digits=1)
    ind = s.inp.indicator
    unit = unit_word(ind.unit, 1 if number == "1" else 2, lang, one=ind.unit_one)
    return f"{sign}{number} {unit}/năm" if lang == "vi" else f"{sign}{number} {unit} a year"


def linear(inp: ProgressInput) -> ProgressAssessment:
    """Linear trajectory (OKR-style expected progress), exact.

    The target expects ``E(t) = b + (T - b) * y(t0, t) / y(t0, D)`` on day ``t``, from the
    baseline ``b`` on ``t0`` to the threshold ``T`` on the deadline ``D`` (``y`` is exact
    fractional years). The observed pace is ``v = (x - b) / y(t0, t1)`` for the latest figure
    ``x`` on ``t1``; the projection at the deadline ``P = x + v * y(t1, D)``, kept within 0 and
    100% for a rate. ``on_track`` when ``P`` meets the target (the same as ``x`` on or ahead of
    ``E(t1)``), ``regressing`` when ``x`` is further from the target than ``b``, else
    ``needs_acceleration``. The projected date is the first day ``x + v * y(t1, day)`` meets the
    target (searched day by day with exact comparisons, within ``horizon_years``).
    """
    started = _start(inp, LINEAR, LINEAR_VERSION, _LINEAR_NAME)
    if isinstance(started, ProgressAssessment):
        return started
    s = started
    horizon = int(_parameter(inp, "horizon_years", "100"))
    b, x, target = s.baseline.value, s.latest.value, s.threshold
    observed = (x - b) / s.observed_years
    planned = (target - b) / s.planned_years
    expected = b + planned * min(s.observed_years, s.planned_years)
    remaining = max(s.remaining_years, Fraction(0))
    projected = s.bounded(x + observed * remaining)
    required = (target - x) / remaining if remaining else None
    if observed * s.sign < 0:
        status, grade = Progress.REGRESSING, "moving_away"
    elif remaining and s.aim.holds(projected, target):
        status, grade = Progress.ON_TRACK, "ahead_of_trajectory"
    else:
        status = Progress.NEEDS_ACCELERATION
        grade = "behind_trajectory" if remaining else "deadline_reached"
    reached = None
    if observed * s.sign > 0 and s.reachable():
        reached = s.first_day(lambda years: s.aim.holds(s.bounded(x + observed * years),
                                                        target), horizon)

    def say(lang: str) -> str:
        words = status_words(status).get(lang)
        name = _LINEAR_NAME.get(lang)
        now, want = _show(inp, x, lang), _show(inp, expected, lang)
        start, goal = _show(inp, b, lang), _show(inp, target, lang)
        pace = _points_a_year(s, observed, lang)
        if lang == "vi":
            text = (f"{name}: {words}. {now} ngày {_day(s.latest.on)}; lộ trình từ {start} "
                    f"({_day(s.baseline.on)}) đến {goal} ({_day(s.deadline)}) cần {want}. "
                    f"Tốc độ hiện tại {pace}. ")
            need = f"; từ nay cần {_points_a_year(s, required, lang)}" if required else ""
        else:
            text = (f"{name}: {words}. {now} on {_day(s.latest.on)} against {want} on the "
                    f"straight line from {start} ({_day(s.baseline.on)}) to {goal} "
                    f"({_day(s.deadline)}). Current pace {pace}. ")
            need = f"; {_points_a_year(s, required, lang)} needed from now" if required \
                else ""
        return text + _outlook(s, reached, projected, horizon, lang) + need + "."

    return _assessment(
        inp, LINEAR, LINEAR_VERSION, status, _both(say), grade=grade,
        baseline=s.baseline, latest=s.latest, expected=expected, projected=projected,
        projected_date=reached, observed_pace=observed, required_pace=required,
        planned_pace=planned, pace_ratio=observed / planned if planned else None,
        pace="linear",
    )


# -- growth ratio (Statistics Canada / Open SDG) -----------------------------------------

GROWTH_RATIO = "growth_ratio"
GROWTH_RATIO_VERSION = "1.0"
_GROWTH_NAME = Text(vi="Tỷ số tăng trưởng (Open SDG)", en="Growth ratio (Open SDG)")
_GRADES = (  # (parameter, grade, status), best first; below the last: deterioration
    ("high", "substantial_progress", Progress.ON_TRACK),
    ("medium", "moderate_progress", Progress.NEEDS_ACCELERATION),
    ("low", "limited_progress", Progress.NEEDS_ACCELERATION),
)
_GRADE_WORDS = {
    "substantial_progress": Text(vi="tiến bộ rõ rệt", en="substantial progress"),
    "moderate_progress": Text(vi="có tiến bộ nhưng cần tăng tốc", en="moderate progress"),
    "limited_progress": Text(vi="tiến bộ hạn chế", en="limited progress"),
    "deterioration": Text(vi="đi xuống", en="deterioration"),
}


def _ratio_at_least(d: int, growth: tuple[Fraction, Fraction], sigma: int,
                    required: tuple[Fraction, Fraction], c: Fraction) -> bool:
    """Whether ``d (A - 1) >= c sigma (R - 1)``, exactly, where ``A = alpha ** a`` and
    ``R = beta ** r`` are the observed and required growth factors and ``sigma (R - 1) > 0``.

    Dividing by ``|R - 1|``, this is whether the growth ratio ``d (A - 1) / |R - 1|`` is at
    least ``c``.
    """
    (alpha, a), (beta, r) = growth, required
    zero_a = alpha == 0  # 0 ** a is exactly 0
    for digits in _PRECISIONS:
        a_lo, a_hi = (Fraction(0), Fraction(0)) if zero_a else _enclose(alpha, a, digits)
        r_lo, r_hi = _enclose(beta, r, digits)
        terms = [sorted((d * a_lo, d * a_hi)), sorted((-c * sigma * r_lo, -c * sigma * r_hi))]
        low = terms[0][0] + terms[1][0] - d + c * sigma
        high = terms[0][1] + terms[1][1] - d + c * sigma
        if low >= 0 or high < 0:
            return low >= 0
    # The two sides agree to 320 digits: settle it on an exact rational side, if there is one.
    known_a = Fraction(0) if zero_a else _exact_power(alpha, a)
    if known_a is not None:
        if c == 0:
            return d * (known_a - 1) >= 0
        bound = 1 + d * sigma * (known_a - 1) / c
        return sigma * (compare_power(beta, r, bound) if bound >= 0 else 1) <= 0
    known_r = _exact_power(beta, r)
    if known_r is not None:
        bound = 1 + d * c * sigma * (known_r - 1)
        return d * (compare_power(alpha, a, bound) if bound >= 0 else 1) >= 0
    return True  # both irrational and equal to 320 digits: counted as equal, so ">=" holds


def _percent_a_year(rate: Fraction, lang: str) -> str:
    sign = "+" if rate >= 0 else "−"
    number = format_number(abs(rate) * 100, lang=lang, digits=1)
    return f"{sign}{number}%/năm" if lang == "vi" else f"{sign}{number}% a year"


def growth_ratio(inp: ProgressInput) -> ProgressAssessment:
    """Growth ratio (Statistics Canada's progress measure, as in Open SDG's sdg-build).

    ``CAGR_o = (x / b) ** (1 / y(t0, t1)) - 1`` is the observed compound annual growth rate and
    ``CAGR_r = (T / b) ** (1 / y(t0, D)) - 1`` the one the target requires; the ratio is
    ``R = d * CAGR_o / |CAGR_r|`` with ``d`` +1 when higher is better. ``R >= high`` (0.95) is
    substantial progress (``on_track``), ``R >= medium`` (0.6) moderate and ``R >= low`` (0)
    limited progress (both ``needs_acceleration``), below it deterioration (``regressing``).
    Values below ``zero`` (1/1000) count as ``zero`` in the growth rates: Open SDG replaces a
    zero baseline or target by it, and flooring the latest figure too keeps "no change from
    zero" limited progress rather than a fall. When the baseline equals the target nothing
    was required, and only the direction of the change counts. The projection grows
    ``x`` at ``CAGR_o`` and keeps a rate within 0 and 100%; the projected date is the first day
    ``x (x / b) ** (y(t1, day) / y(t0, t1))`` meets the target, decided exactly.
    """
    started = _start(inp, GROWTH_RATIO, GROWTH_RATIO_VERSION, _GROWTH_NAME)
    if isinstance(started, ProgressAssessment):
        return started
    s = started
    horizon = int(_parameter(inp, "horizon_years", "100"))
    zero = Fraction(_parameter(inp, "zero", "1/1000"))
    cuts = {name: Fraction(_parameter(inp, name, default))
            for name, default in (("high", "19/20"), ("medium", "3/5"), ("low", "0"))}
    x, target = s.latest.value, s.threshold
    b, goal, moved = (max(v, zero) for v in (s.baseline.value, target, x))
    d = s.sign
    factor = moved / b
    growth = (factor, 1 / s.observed_years)
    required = (goal / b, 1 / s.planned_years)
    sigma = _sign(goal - b)
    if sigma == 0 or (inp.target.comparator is Comparator.EQ and s.baseline.value == target):
        # Nothing was required: only the direction of the change counts.
        change = _sign(moved - b) * d if inp.target.comparator is not Comparator.EQ else -1
        grade = "deterioration" if change < 0 else "limited_progress"
    else:
        grade = next((g for name, g, _ in _GRADES
                      if _ratio_at_least(d, growth, sigma, required, cuts[name])),
                     "deterioration")
    status = next((st for _, g, st in _GRADES if g == grade), Progress.REGRESSING)
    remaining = max(s.remaining_years, Fraction(0))
    if status is Progress.ON_TRACK and not remaining:
        status = Progress.NEEDS_ACCELERATION  # the deadline has come and the target is not met
    observed = _rounded(*growth) - 1
    planned = _rounded(*required) - 1
    projected = s.bounded(x * _rounded(factor, remaining / s.observed_years)) if x else \
        Fraction(0)
    needed = _rounded(target / x, 1 / remaining) - 1 if x and remaining else None
    reached = None
    if (moved - b) * d > 0 and x and s.reachable():
        want = target / x
        strict = s.aim in (Comparator.GT, Comparator.LT)

        def meets(years: Fraction) -> bool:
            # x * factor**(years / t_obs) against the target, exactly. Capping a rate at 100%
            # changes nothing here: reachable() has ruled out a target above what it can be.
            side = compare_power(factor, years / s.observed_years, want) * d
            return side > 0 or (side == 0 and not strict)

        reached = s.first_day(meets, horizon)
    ratio = Fraction(round(observed / abs(planned) * d * _ROUND), _ROUND) if planned else None

    def say(lang: str) -> str:
        words = status_words(status).get(lang)
        name = _GROWTH_NAME.get(lang)
        band = _GRADE_WORDS[grade].get(lang)
        ratio_text = f" (R = {format_number(ratio, lang=lang)})" if ratio is not None else ""
        if lang == "vi":
            text = (f"{name}: {words} ({band}). Tăng trưởng từ {_day(s.baseline.on)}: "
                    f"{_percent_a_year(observed, lang)}; để từ "
                    f"{_show(inp, s.baseline.value, lang)} đạt {_show(inp, target, lang)} "
                    f"vào {_day(s.deadline)} cần {_percent_a_year(planned, lang)}"
                    f"{ratio_text}. ")
        else:
            text = (f"{name}: {words} ({band}). Growth since {_day(s.baseline.on)}: "
                    f"{_percent_a_year(observed, lang)}, against "
                    f"{_percent_a_year(planned, lang)} required to go from "
                    f"{_show(inp, s.baseline.value, lang)} to {_show(inp, target, lang)} by "
                    f"{_day(s.deadline)}{ratio_text}. ")
        if needed is None:
            need = ""
        elif lang == "vi":
            need = f"; từ nay cần {_percent_a_year(needed, lang)}"
        else:
            need = f"; {_percent_a_year(needed, lang)} needed from now"
        return text + _outlook(s, reached, projected, horizon, lang) + need + "."

    return _assessment(
        inp, GROWTH_RATIO, GROWTH_RATIO_VERSION, status, _both(say), grade=grade,
        baseline=s.baseline, latest=s.latest, projected=projected, projected_date=reached,
        observed_pace=observed, required_pace=needed, planned_pace=planned, pace_ratio=ratio,
        pace="compound", exact=False,
    )


def builtin_methods() -> list[ProgressMethod]:
    """The progress methods the core ships, with their default parameters."""
    return [
        ProgressMethod(code=LINEAR, version=LINEAR_VERSION, name=_LINEAR_NAME, assess=linear,
                       parameters={"horizon_years": "100"}),
        ProgressMethod(code=GROWTH_RATIO, version=GROWTH_RATIO_VERSION, name=_GROWTH_NAME,
                       assess=growth_ratio,
                       parameters={"high": "19/20", "medium": "3/5", "low": "0",
                                   "zero": "1/1000", "horizon_years": "100"}),
    ]
