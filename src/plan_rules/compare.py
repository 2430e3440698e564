"""Comparing exactly: each unit's figure against the threshold, the gap in the indicator's own
units, and the finding's message.

Counts are compared by cross-multiplying whole numbers (``num * t_den >= t_num * den``), never
through floating point; a figure on the threshold meets ``>=`` and fails ``>``. The gap is how
far the figure is from the threshold, and where counts are known how many of the indicator's
units would close it ("12 more dossiers handled fully online would meet 65%").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from . import aggregation as agg
from .combine import Combined
from .figures import FigureTable
from .lazy import LazySequence
from .model import (
    Aggregation,
    Coverage,
    EntityResult,
    Indicator,
    Kind,
    Statistics,
    Target,
    Text,
    Verdict,
)
from .numbers import format_number, format_percent
from .words import (
    COVERAGE_WORDS,
    GAP_WORDS,
    gap_direction,
    missing_words,
    noun,
    show_value,
    unit_word,
    verdict_words,
)

__all__ = ["UnitResults", "absent_text", "coverage_text", "gap", "meets", "message", "named",
           "target_gap"]

#: How many missing units a message names before it says how many more there are.
NAMED = 20


def meets(c: Combined, target: Target) -> bool | None:
    """Whether a unit's figure meets ``target``; None when it has no figure (a zero
    denominator, or nothing)."""
    num, den = c.numerator, c.denominator
    if num is not None and den is not None:
        if not den:
            return None
        t = target.threshold
        return target.comparator.holds(num * t.denominator, t.numerator * den)
    if c.value is None:
        return None
    return target.comparator.holds(c.value, target.threshold)


def gap(indicator: Indicator, target: Target, figure: Fraction | None,
        numerator: int | None, denominator: int | None,
        ) -> tuple[Fraction | None, int | None]:
    """How far ``figure`` is from the threshold, and in the indicator's units where known."""
    if figure is None or indicator.kind is Kind.MILESTONE:
        return None, None
    if target.comparator.holds(figure, target.threshold):
        return Fraction(0), 0
    distance = abs(target.threshold - figure)
    if indicator.kind is Kind.COUNT:
        return distance, agg.gap_units(figure, target.threshold, target.comparator)
    if numerator is not None and denominator:
        return distance, agg.units_needed(numerator, denominator, target.threshold,
                                          target.comparator)
    return distance, None


class UnitResults(LazySequence[EntityResult]):
    """A target's result per unit, each built when it is asked for: its figure, verdict, gap
    and the figures behind it; the units in scope that gave nothing usable come last.

    A national report has a hundred thousand of them, and most runs only count them: the
    counts and the units' gaps are read from the combined figures without building a
    result. The figures they cite are those the finding used or excluded, which the finding
    lists itself.
    """

    __slots__ = (
        "_codes",
        "_combined",
        "_indicator",
        "_labels",
        "_missing",
        "_period",
        "_target",
        "_verdicts",
    )

    def __init__(self, table: FigureTable, indicator: Indicator, target: Target,
                 combined: Mapping[str, Combined], verdicts: Sequence[Verdict],
                 missing: Sequence[EntityResult]) -> None:
        self._codes = list(combined)
        self._combined = list(combined.values())
        self._verdicts = verdicts
        self._missing = tuple(missing)
        self._indicator, self._target = indicator, target
        self._labels = [p.label for p in table.periods.values]
        self._period = table.period

    def __len__(self) -> int:
        return len(self._codes) + len(self._missing)

    def _item(self, k: int) -> EntityResult:
        if k >= len(self._codes):
            return self._missing[k - len(self._codes)]
        c, verdict = self._combined[k], self._verdicts[k]
        distance, units = self._gap(k)
        used = c.used  # in period order, whatever order the rows came in
        return EntityResult(
            entity=self._codes[k], level=c.entity.level, verdict=verdict, observed=c.figure,
            numerator=c.numerator, denominator=c.denominator, gap=distance, gap_units=units,
            periods=tuple(self._labels[self._period[i]] for i in used),
            observations=tuple(used),
        )

    def __reduce__(self) -> tuple[type[tuple[EntityResult, ...]], tuple[tuple[EntityResult, ...]]]:
        # Pickled (or copied) as the results themselves: the figure table they are read
        # from stays behind.
        return tuple, (tuple(self),)

    def _gap(self, k: int) -> tuple[Fraction | None, int | None]:
        verdict = self._verdicts[k]
        if verdict is Verdict.NO_DATA or self._indicator.kind is Kind.MILESTONE:
            return None, None
        if verdict is Verdict.MET:
            return Fraction(0), 0
        c = self._combined[k]
        return gap(self._indicator, self._target, c.figure, c.numerator, c.denominator)

    def __repr__(self) -> str:
        return f"<UnitResults of {len(self)} units>"

    def short_units(self) -> list[int | None]:
        """The gap in the indicator's units of each unit that falls short."""
        return [self._gap(k)[1] for k, v in enumerate(self._verdicts) if v is Verdict.NOT_MET]


def target_gap(indicator: Indicator, target: Target, verdict: Verdict,
               observed: Fraction | None, statistics: Statistics,
               short_units: Sequence[int | None]) -> tuple[Fraction | None, int | None]:
    """The gap of a target's statistic; for ``each``, in units the sum of the gaps of its
    units that fall short (``short_units``)."""
    if observed is None or verdict is Verdict.INCOMPLETE:
        # The reporters' figure is not the scope's: how far that is from the threshold
        # says nothing of the scope's gap.
        return None, None
    if verdict is Verdict.MET:
        return Fraction(0), 0
    if target.aggregation is Aggregation.EACH:
        distance, _ = gap(indicator, target, observed, None, None)
        if short_units and all(u is not None for u in short_units):
            return distance, sum(u or 0 for u in short_units)
        return distance, None
    if target.aggregation is Aggregation.MEAN:
        distance, _ = gap(indicator, target, observed, None, None)
        return distance, None
    return gap(indicator, target, observed, statistics.numerator, statistics.denominator)


def named(codes: Sequence[str], lang: str, sep: str = ", ") -> str:
    """Up to :data:`NAMED` unit codes (or longer items, joined by ``sep``), and how many
    more there are."""
    shown = sep.join(codes[:NAMED])
    more = len(codes) - NAMED
    if more > 0:
        shown += (f" và {format_number(more, lang=lang)} đơn vị khác" if lang == "vi"
                  else f" and {format_number(more, lang=lang)} more")
    return shown


def _absent(coverage: Coverage, lang: str) -> str:
    """``1 sent nothing (xa-quynh-phu)``, and the units blocked by data issues, if any."""
    out = []
    for verdict, key in ((Verdict.NO_DATA, "sent_nothing"), (Verdict.INVALID, "blocked")):
        codes = [m.code for m in coverage.missing if m.verdict is verdict]
        if codes:
            n = format_number(len(codes), lang=lang)
            words = COVERAGE_WORDS[key].text.get(lang)
            out.append(f"{n} đơn vị {words} ({named(codes, lang)})" if lang == "vi"
                       else f"{n} {words} ({named(codes, lang)})")
    return ", ".join(out)


def absent_text(coverage: Coverage) -> Text:
    """Who of a target's units is missing, in both languages: ``39 of 40 units reported,
    1 sent nothing (xa-quynh-phu)``."""
    out = {}
    for lang in ("vi", "en"):
        n, expected = (format_number(x, lang=lang)
                       for x in (coverage.reported, coverage.expected))
        head = (f"{n}/{expected} {COVERAGE_WORDS['reported'].text.vi}" if lang == "vi"
                else f"{n} of {expected} "
                     f"{noun(coverage.expected, 'unit reported', 'units reported')}")
        out[lang] = f"{head}, {_absent(coverage, lang)}"
    return Text(vi=out["vi"], en=out["en"])


def coverage_text(coverage: Coverage, each: bool, met: int, lang: str) -> str:
    """A target's coverage in a sentence: ``39 of 40 units meet, 1 sent nothing
    (xa-quynh-phu)`` for an ``each`` target (``met`` of them meet it), ``2 of 20 units
    reported, 18 sent nothing (…)`` for another; and the rule, when units are missing."""
    n, expected = (format_number(x, lang=lang) for x in (coverage.reported, coverage.expected))
    if each:
        m = format_number(met, lang=lang)
        head = (f"{m}/{expected} {COVERAGE_WORDS['meet'].text.vi}" if lang == "vi"
                else f"{m} of {expected} "
                     f"{noun(coverage.expected, 'unit meets', 'units meet')}")
    else:
        head = (f"{n}/{expected} {COVERAGE_WORDS['reported'].text.vi}" if lang == "vi"
                else f"{n} of {expected} "
                     f"{noun(coverage.expected, 'unit reported', 'units reported')}")
    if coverage.complete:
        return f"{head}."
    rule = missing_words(coverage.rule.strategy, coverage.rule.min_coverage).get(lang)
    return f"{head}, {_absent(coverage, lang)}. {rule} ({coverage.rule.describe()})."


def message(indicator: Indicator, target: Target, verdict: Verdict, observed: Fraction | None,
            stats: Statistics, units: int | None, reason: Text | None, derived: bool, *,
            coverage: Coverage | None = None, worst: str | None = None) -> Text:
    """What a target's finding says, in Vietnamese and English: ``coverage`` says who
    reported and who did not; ``worst`` is the unit an ``each`` target's figure is."""
    parts: dict[str, list[str]] = {"vi": [], "en": []}
    each = target.aggregation is Aggregation.EACH
    for lang in ("vi", "en"):
        name = target.name.get(lang) if target.name else target.scope.describe()
        head = f"{indicator.name.get(lang)} — {name}: "
        if observed is not None and each:
            head += f"{COVERAGE_WORDS['worst_unit'].text.get(lang)} " \
                    f"{show_value(observed, indicator.kind, lang)}"
            if worst is not None:
                head += f" ({worst})"
        elif observed is not None:
            head += show_value(observed, indicator.kind, lang)
            if stats.numerator is not None and target.aggregation in (
                    Aggregation.POOLED, Aggregation.REPORTED):
                head += f" ({format_number(stats.numerator, lang=lang)}/" \
                        f"{format_number(stats.denominator or 0, lang=lang)})"
        else:
            head += "—"
        threshold = show_value(target.threshold, indicator.kind, lang)
        if indicator.kind is Kind.MILESTONE:
            want = "yêu cầu hoàn thành" if lang == "vi" else "required: done"
        else:
            want = (f"chỉ tiêu {target.comparator.words.get(lang)} {threshold}" if lang == "vi"
                    else f"target {target.comparator.words.get(lang)} {threshold}")
        parts[lang].append(f"{head}; {want} → {verdict_words(verdict).get(lang)}.")
        applicable = stats.n_entities - stats.not_applicable
        if coverage is not None and coverage.expected and (each or not coverage.complete):
            parts[lang].append(coverage_text(coverage, each, stats.met, lang))
        elif each and applicable:
            meet = noun(applicable, "entity meets", "entities meet")
            parts[lang].append(f"{stats.met}/{applicable} đơn vị đạt." if lang == "vi"
                               else f"{stats.met} of {applicable} {meet} it.")
        reporting = stats.met + stats.not_met
        if target.aggregation is Aggregation.MEAN and stats.pooled is not None:
            pooled = format_percent(stats.pooled, lang=lang)
            parts[lang].append(
                f"Bình quân {reporting} đơn vị có số liệu; tỷ lệ gộp {pooled}." if lang == "vi"
                else f"Mean of {reporting} {noun(reporting, 'entity', 'entities')} with "
                     f"figures; pooled ratio {pooled}.")
        if target.aggregation is not Aggregation.MEAN and stats.mean is not None \
                and stats.n_entities > 1 and indicator.kind is Kind.RATE:
            mean_text = format_percent(stats.mean, lang=lang)
            parts[lang].append(f"Bình quân các đơn vị {mean_text}." if lang == "vi"
                               else f"Unweighted mean of entities {mean_text}.")
        if derived:
            parts[lang].append("Số liệu toàn tỉnh được tính gộp từ các đơn vị." if lang == "vi"
                               else "The province-wide figure is pooled from entity figures.")
        if verdict is Verdict.NOT_MET and units:
            unit = unit_word(indicator.unit, units, lang, one=indicator.unit_one)
            # An "at most" target is met with fewer units, an "at least" one with more.
            way = GAP_WORDS[gap_direction(target.comparator)].text.get(lang)
            parts[lang].append(f"Cần {way} {format_number(units, lang=lang)} {unit} để đạt."
                               if lang == "vi" else
                               f"{format_number(units, lang=lang)} {way} {unit} would meet it.")
        if reason is not None:
            parts[lang].append(reason.get(lang) + ".")
    return Text(vi=" ".join(parts["vi"]), en=" ".join(parts["en"]))
