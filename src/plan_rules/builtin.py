"""The plugin that ships with the core: generic consistency checks and the basic writers.

It is found through the ``plan_rules`` entry-point group like any other plugin (its name there
is ``builtin``), so it can be listed, blocked and replaced the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import compress, count
from operator import gt

from .checks import CheckContext
from .hookspecs import hookimpl
from .model import Check, Finding, Observation, ProgressMethod, Text, Verdict
from .report import Report
from .words import noun
from .writers import TextSink, Writer

__all__ = ["render_json", "render_text", "stream_json"]


def check_numerator_le_denominator(ctx: CheckContext) -> Iterator[Finding]:
    """Numerator ≤ denominator in every rate figure given with counts.

    Why: a rate above 100% cannot be true (more documents signed than sent); such a row is a
    typing or export error, and it is kept out of every target (its target becomes
    ``invalid`` if nothing else is known).
    Example: ``HY25.IIT.1, so-tu-phap, department, Q1/2025, 120, 100`` — 120 signed of 100.
    """
    t = ctx.figures
    # Over the whole columns at once (a figure without counts has −1 for both, which never
    # exceeds), then only the few found are looked at: their indicator and period.
    known = {t.indicators.get(code) for code in ctx.registry.indicators}
    bad = [ctx.observation(i) for i in compress(count(), map(gt, t.numerator, t.denominator))
           if t.indicator[i] in known and ctx.in_window(i)]
    yield _violations("core.numerator_le_denominator", ctx, bad,
                      Text(vi="tử số lớn hơn mẫu số", en="numerator above denominator"))


def check_validity(ctx: CheckContext) -> Iterator[Finding]:
    """Every figure is for an entity that existed during its period.

    Why: the district level (cấp huyện) ceased on 1 July 2025; a figure for a unit that did
    not exist then was attributed to the wrong unit, and it cannot count for or against a
    target (such targets say ``not_applicable``).
    Example: a district's figure for ``Q3/2025`` when the district's ``valid_to`` is
    2025-06-30.
    """
    t = ctx.figures
    # Whether a unit existed during a period depends on the two codes only: a few thousand
    # pairs over a million figures. Only units with dates of existence are looked at.
    limited = [None if e is None or not (e.valid_from or e.valid_to) else e
               for e in map(ctx.entity, t.entities.values)]
    bad = []
    if any(e is not None for e in limited):
        known = {t.indicators.get(code) for code in ctx.registry.indicators}
        outside: dict[tuple[int, int], bool] = {}
        for i, e in enumerate(t.entity):
            entity = limited[e]
            if entity is None or t.indicator[i] not in known or not ctx.in_window(i):
                continue
            key = (e, t.period[i])
            found = outside.get(key)
            if found is None:
                found = outside[key] = not entity.valid_during(t.periods.values[key[1]])
            if found:
                bad.append(ctx.observation(i))
    yield _violations("core.validity", ctx, bad,
                      Text(vi="số liệu cho đơn vị không tồn tại trong kỳ",
                           en="figure for an entity that did not exist in the period"))


def _violations(code: str, ctx: CheckContext, bad: list[Observation], what: Text) -> Finding:
    # List rows in reading order (file, row), not input order: the finding, message included,
    # must not depend on the order the rows arrived in.
    bad = sorted(bad, key=lambda o: (o.file or "", -1 if o.row is None else o.row,
                                     o.indicator, o.entity, o.period.key))
    if not bad:
        return Finding(code=code, verdict=Verdict.MET,
                       message=Text(vi=f"Không có {what.vi}.", en=f"No {what.en}."))
    where = ", ".join(o.where for o in bad[:5]) + (" …" if len(bad) > 5 else "")
    return Finding(
        code=code, verdict=Verdict.NOT_MET,
        observations=tuple(sorted(ctx.index(o) for o in bad)),
        message=Text(vi=f"{len(bad)} dòng có {what.vi}: {where}.",
                     en=f"{len(bad)} {noun(len(bad), 'row', 'rows')} with {what.en}: {where}."),
    )


@hookimpl
def plan_rules_checks() -> list[Check]:
    return [
        Check(code="core.numerator_le_denominator",
              name=Text(vi="Tử số không vượt mẫu số", en="Numerator within denominator"),
              indicators=(), run=check_numerator_le_denominator),
        Check(code="core.validity",
              name=Text(vi="Số liệu trong thời gian tồn tại của đơn vị",
                        en="Figures within the entity's existence"),
              indicators=(), run=check_validity),
    ]


@hookimpl
def plan_rules_progress_methods() -> list[ProgressMethod]:
    from . import progress

    return progress.builtin_methods()


def render_json(report: Report, lang: str = "en") -> str:
    """The report in its versioned JSON schema (both languages are always included)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def stream_json(report: Report, lang: str, sink: TextSink) -> None:
    """:func:`render_json`'s text written into ``sink`` a piece at a time."""
    report.write_json(sink, indent=2)
    sink.write("\n")


def _lazy(name: str) -> Callable[[Report, str], str]:
    """A writer's render function imported on first use, so loading the registry stays
    cheap."""

    def render(report: Report, lang: str = "en") -> str:
        from . import formats, html

        function: Callable[[Report, str], str] = getattr(
            html if name == "render_html" else formats, name)
        return function(report, lang)

    render.__name__ = name
    return render


def render_text(report: Report, lang: str = "en") -> str:
    """Terminal tables: a row per target by area, then checks and data issues."""
    return _lazy("render_text")(report, lang)


@hookimpl
def plan_rules_writers() -> list[Writer]:
    return [
        Writer(name="text", description="terminal tables, one row per target (colour on a TTY)",
               suffix=".txt", render=render_text),
        Writer(name="markdown", description="Markdown: summary, a table per area, issues",
               suffix=".md", render=_lazy("render_markdown")),
        Writer(name="csv", description="one CSV table of targets, entities, checks and issues "
               "(formula cells neutralised)", suffix=".csv", render=_lazy("render_csv")),
        Writer(name="html", description="a self-contained HTML report with a bar per target",
               suffix=".html", render=_lazy("render_html")),
        Writer(name="json", description="the versioned JSON report", suffix=".json",
               render=render_json, stream=stream_json),
    ]
