"""The indicator catalogue: every indicator and target of a plan, in Vietnamese and English.

The catalogue in ``docs/`` is generated from the registry, never edited by hand, so that it
cannot drift from what the plugins contribute; a test regenerates it and compares.

    python -m plan_rules.catalogue --plan HY25 --output docs/indicators.md
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .model import Indicator, Kind, Target, Text
from .numbers import format_number, format_percent
from .registry import Registry, load_registry
from .words import milestone_words
from .writers import write_atomically

__all__ = ["render_catalogue"]

_LABELS = {
    "kind": Text(vi="Loại", en="Kind"),
    "temporal": Text(vi="Tính chất thời gian", en="Temporal nature"),
    "unit": Text(vi="Đơn vị đếm", en="Unit"),
    "numerator": Text(vi="Tử số", en="Numerator"),
    "denominator": Text(vi="Mẫu số", en="Denominator"),
    "excludes": Text(vi="Loại trừ", en="Excludes"),
    "clause": Text(vi="Trích kế hoạch", en="Plan wording"),
    "targets": Text(vi="Chỉ tiêu cần đạt", en="Targets"),
}


def _threshold(indicator: Indicator, target: Target, lang: str) -> str:
    if indicator.kind is Kind.RATE:
        shown = format_percent(target.threshold, lang=lang, digits=2)
    elif indicator.kind is Kind.MILESTONE:
        shown = milestone_words(True).get(lang)  # the catalogue page shows English only
    else:
        shown = format_number(target.threshold, lang=lang)
    return f"{target.comparator.value} {shown}"


def _validity(target: Target) -> str:
    if target.valid_from is None and target.valid_to is None:
        return "—"
    start = f"{target.valid_from:%d/%m/%Y}" if target.valid_from else "…"
    end = f"{target.valid_to:%d/%m/%Y}" if target.valid_to else "…"
    return f"{start} – {end}"


def _indicator_section(registry: Registry, ind: Indicator) -> list[str]:
    lines = [f"### {ind.code} — {ind.name.vi}", "", f"*{ind.name.en}*", ""]
    lines.append(f"- **{_LABELS['kind'].vi} / {_LABELS['kind'].en}**: `{ind.kind.value}`, "
                 f"`{ind.temporal.value}`; {_LABELS['unit'].en.lower()}: {ind.unit.vi} / "
                 f"{ind.unit.en}")
    for key in ("numerator", "denominator", "excludes"):
        text = getattr(ind, key)
        if text is not None:
            label = _LABELS[key]
            lines.append(f"- **{label.vi} / {label.en}**: {text.vi} / {text.en}")
    lines.append(f"- **{_LABELS['clause'].vi} ({ind.clause.bullet})**: "
                 f"«{ind.clause.text_vi}»")
    lines += ["", ind.description.vi, "", ind.description.en, ""]
    targets = registry.targets_for(ind.code)
    if targets:
        lines += ["| Target | Scope | Aggregation | Threshold | Valid | Deadline |",
                  "|---|---|---|---|---|---|"]
        for t in targets:
            name = f" ({t.name.en})" if t.name else ""
            lines.append(
                f"| `{t.code}` | {t.scope.describe()}{name} | {t.aggregation.value} | "
                f"{_threshold(ind, t, 'en')} | {_validity(t)} | {t.deadline:%d/%m/%Y} |")
        lines.append("")
    return lines


def render_catalogue(registry: Registry, plan: str) -> str:
    """The Markdown catalogue of ``plan``'s indicators, grouped by area."""
    p = registry.plans[plan]
    lines = [
        f"# {p.number} — {p.title.vi}",
        "",
        f"*{p.title.en}* — {p.issuer.vi} ({p.issuer.en}), "
        f"{p.issued:%d/%m/%Y}; deadline {p.deadline:%d/%m/%Y}.",
        "",
        *([f"Territory: `{p.territory}`.", ""] if p.territory else []),
        *([p.note.vi, "", f"*{p.note.en}*", ""] if p.note else []),
        "Generated from the registry by `python -m plan_rules.catalogue --plan "
        f"{plan} --output docs/indicators.md`; do not edit by hand.",
        "",
    ]
    indicators = [i for i in registry.indicators.values() if i.plan == plan]
    for area in p.areas:
        members = [i for i in indicators if i.area == area.code]
        if not members:
            continue
        lines += [f"## {area.code} — {area.name.vi} / {area.name.en}", ""]
        for ind in members:
            lines += _indicator_section(registry, ind)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the catalogue of one plan."""
    parser = argparse.ArgumentParser(description="Write a plan's indicator catalogue.")
    parser.add_argument("--plan", default="HY25", help="the plan's code (default HY25)")
    parser.add_argument("--output", help="write here instead of standard output")
    args = parser.parse_args(argv)
    text = render_catalogue(load_registry(), args.plan)
    if args.output:
        write_atomically(args.output, text)
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
