"""The ``plan-rules`` command: evaluate figures, list plugins and indicators, for people.

Exit codes: 0 done (and nothing that ``--fail-on`` names was found); 1 ``--fail-on`` matched;
2 the command could not run (bad arguments, an unreadable file, a plugin problem in strict
mode).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from . import __version__
from .engine import evaluate
from .errors import PlanRulesError
from .model import Entity
from .readers import read_entities, read_observations
from .registry import Registry, load_registry
from .report import Report
from .writers import write_atomically

__all__ = ["main"]

EXIT_OK, EXIT_FAIL_ON, EXIT_ERROR = 0, 1, 2


def _date(text: str) -> date:
    from .readers import parse_date

    try:
        return parse_date(text)
    except (ValueError, OverflowError) as exc:
        raise argparse.ArgumentTypeError(
            f"cannot read {text!r} as a date (use 2025-12-31 or 31/12/2025)") from exc


def _inputs(path: Path, entities: Path | None) -> tuple[Path, Path | None]:
    """A folder stands for its figures file and, if present, its entities file."""
    if path.is_dir():
        figures = next((path / f"figures{s}" for s in (".csv", ".json", ".xlsx")
                        if (path / f"figures{s}").exists()), None)
        if figures is None:
            raise PlanRulesError(f"{path} has no figures.csv, figures.json or figures.xlsx")
        if entities is None:
            entities = next((path / f"entities{s}" for s in (".csv", ".json", ".xlsx")
                             if (path / f"entities{s}").exists()), None)
        return figures, entities
    return path, entities


def _evaluate(args: argparse.Namespace, registry: Registry) -> Report:
    figures, entities_path = _inputs(Path(args.file), args.entities)
    read = read_observations(figures, registry=registry)
    issues = list(read.issues)
    entities: tuple[Entity, ...] = ()
    if entities_path is not None:
        ent = read_entities(entities_path)
        entities = ent.entities
        issues.extend(ent.issues)
    return evaluate(read.observations, registry=registry, as_of=args.as_of,
                    entities=entities, issues=issues)


def _emit(args: argparse.Namespace, text: str | bytes) -> None:
    if args.output:
        write_atomically(args.output, text)
    elif isinstance(text, bytes):
        sys.stdout.buffer.write(text)
    else:
        sys.stdout.write(text)


def cmd_evaluate(args: argparse.Namespace, registry: Registry) -> int:
    report = _evaluate(args, registry)
    writer = registry.writers.get(args.format)
    if writer is None:
        raise PlanRulesError(f"no writer called {args.format!r}; available: "
                             f"{', '.join(registry.writers)}")
    _emit(args, writer.render(report, args.lang))
    fail = args.fail_on or []
    if "not_met" in fail and any(f.verdict.value in ("not_met", "invalid", "error")
                                 for f in report.findings):
        return EXIT_FAIL_ON
    if "issues" in fail and any(i.severity == "error" for i in report.issues):
        return EXIT_FAIL_ON
    return EXIT_OK


def cmd_plugins(args: argparse.Namespace, registry: Registry) -> int:
    lines = []
    for p in registry.plugins:
        made = "; ".join(f"{k}: {len(v)}" for k, v in sorted(p.contributions.items()))
        lines.append(f"{p.name:<28} {p.distribution or '-'} {p.version or '-'}  "
                     f"hooks: {', '.join(p.hooks) or '-'}  ({made or 'nothing'})")
    for problem in registry.problems:
        lines.append(f"PROBLEM {problem.plugin}: {problem.message}")
    _emit(args, "\n".join(lines) + "\n")
    return EXIT_OK


def cmd_indicators(args: argparse.Namespace, registry: Registry) -> int:
    lines = []
    for ind in registry.indicators.values():
        if args.area and ind.area != args.area:
            continue
        lines.append(f"{ind.code:<14} {ind.kind.value:<9} {ind.name.get(args.lang)}")
        for t in registry.targets_for(ind.code):
            lines.append(f"    {t.code:<28} {t.aggregation.value:<8} {t.comparator.value} "
                         f"{t.threshold}  scope {t.scope.describe()}")
    _emit(args, "\n".join(lines) + "\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plan-rules",
        description="Evaluate a plan's targets against reported figures, exactly.")
    parser.add_argument("--version", action="version", version=f"plan_rules {__version__}")
    parser.add_argument("--strict", action="store_true",
                        help="a broken plugin or a raising check stops the run")
    sub = parser.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("vi", "en"), default="en")
    common.add_argument("--output", "-o", type=Path, help="write here (atomically)")

    ev = sub.add_parser("evaluate", parents=[common],
                        help="evaluate a figures file (or a folder with figures and entities)")
    ev.add_argument("file", help="figures .csv/.json/.xlsx, or a folder holding figures.*")
    ev.add_argument("--entities", type=Path, help="the entities file (code, level, validity)")
    ev.add_argument("--as-of", type=_date, default=None,
                    help="evaluation date (default: today); later periods are not used")
    ev.add_argument("--format", default="text", help="a writer's name: text, json, …")
    ev.add_argument("--fail-on", action="append", choices=("not_met", "issues"),
                    help="exit 1 when a target is not met / a data issue is found")
    ev.set_defaults(run=cmd_evaluate)

    pl = sub.add_parser("plugins", parents=[common], help="list loaded plugins")
    pl.set_defaults(run=cmd_plugins)

    ind = sub.add_parser("indicators", parents=[common], help="list indicators and targets")
    ind.add_argument("--area", help="only this area code (e.g. PS)")
    ind.set_defaults(run=cmd_indicators)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        registry = load_registry(strict=True if args.strict else None)
        code: int = args.run(args, registry)
        return code
    except PlanRulesError as exc:
        print(f"plan-rules: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
