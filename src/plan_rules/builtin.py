"""The plugin that ships with the core: generic consistency checks and the basic writers.

It is found through the ``plan_rules`` entry-point group like any other plugin (its name there
is ``builtin``), so it can be listed, blocked and replaced the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .engine import CheckContext, verdict_words
from .hookspecs import hookimpl
from .model import Check, Finding, Observation, Text, Verdict
from .report import Report
from .writers import Writer

__all__ = ["render_json", "render_text"]


def check_numerator_le_denominator(ctx: CheckContext) -> Iterator[Finding]:
    """Numerator ≤ denominator in every rate figure given with counts.

    Why: a rate above 100% cannot be true (more documents signed than sent); such a row is a
    typing or export error, and it is kept out of every target (its target becomes
    ``invalid`` if nothing else is known).
    Example: ``HY25.IIT.1, so-tu-phap, department, Q1/2025, 120, 100`` — 120 signed of 100.
    """
    bad = [o for code in ctx.registry.indicators for o in ctx.observations(code)
           if o.numerator is not None and o.denominator is not None
           and o.numerator > o.denominator]
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
    bad = []
    for code in ctx.registry.indicators:
        for o in ctx.observations(code):
            entity = ctx.entity(o.entity)
            if entity is not None and not entity.valid_during(o.period):
                bad.append(o)
    yield _violations("core.validity", ctx, bad,
                      Text(vi="số liệu cho đơn vị không tồn tại trong kỳ",
                           en="figure for an entity that did not exist in the period"))


def _violations(code: str, ctx: CheckContext, bad: list[Observation], what: Text) -> Finding:
    if not bad:
        return Finding(code=code, verdict=Verdict.MET,
                       message=Text(vi=f"Không có {what.vi}.", en=f"No {what.en}."))
    where = ", ".join(o.where for o in bad[:5]) + (" …" if len(bad) > 5 else "")
    return Finding(
        code=code, verdict=Verdict.NOT_MET,
        observations=tuple(sorted(ctx.index(o) for o in bad)),
        message=Text(vi=f"{len(bad)} dòng có {what.vi}: {where}.",
                     en=f"{len(bad)} rows with {what.en}: {where}."),
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


_HEAD = {
    "vi": ("Báo cáo đánh giá chỉ tiêu", "ngày đánh giá", "Kiểm tra", "Vấn đề dữ liệu",
           "Plugin lỗi", "Tổng hợp"),
    "en": ("Target evaluation report", "as of", "Checks", "Data issues", "Plugin problems",
           "Summary"),
}


def render_text(report: Report, lang: str = "en") -> str:
    """A plain-text report: a verdict per target grouped by area, then checks and issues."""
    title, as_of, checks, issues, problems, summary = _HEAD.get(lang, _HEAD["en"])
    lines = [f"{title} — {as_of} {report.as_of:%d/%m/%Y} (plan_rules "
             f"{report.library_version})", ""]
    by_area: dict[str, list[Finding]] = {}
    for f in report.target_findings():
        by_area.setdefault(f.area or "-", []).append(f)
    for area, findings in by_area.items():
        name = report.areas.get(area)
        lines.append(f"== {area}: {name.get(lang)} ==" if name else f"== {area} ==")
        for f in findings:
            lines.append(f"  [{verdict_words(f.verdict).get(lang):<15}] {f.code}")
            lines.append(f"      {f.message.get(lang)}")
        lines.append("")
    if report.check_findings():
        lines.append(f"== {checks} ==")
        for f in report.check_findings():
            lines.append(f"  [{verdict_words(f.verdict).get(lang):<15}] {f.code}: "
                         f"{f.message.get(lang)}")
        lines.append("")
    if report.issues:
        lines.append(f"== {issues} ({len(report.issues)}) ==")
        lines.extend(f"  {i.describe(lang)}" for i in report.issues)
        lines.append("")
    if report.problems:
        lines.append(f"== {problems} ({len(report.problems)}) ==")
        lines.extend(f"  {p.plugin}: {p.message}" for p in report.problems)
        lines.append("")
    s = report.summary()
    counts: dict[str, int] = {}
    for by in s.targets.values():
        for verdict, n in by.items():
            counts[verdict] = counts.get(verdict, 0) + n
    lines.append(f"{summary}: " + ", ".join(
        f"{verdict_words(Verdict(v)).get(lang)} {n}" for v, n in sorted(counts.items())))
    return "\n".join(lines) + "\n"


def render_json(report: Report, lang: str = "en") -> str:
    """The report in its versioned JSON schema (both languages are always included)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


@hookimpl
def plan_rules_writers() -> list[Writer]:
    return [
        Writer(name="text", description="plain text, one verdict per target", suffix=".txt",
               render=render_text),
        Writer(name="json", description="the versioned JSON report", suffix=".json",
               render=render_json),
    ]
