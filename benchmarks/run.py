"""Time plan_rules on the national-scale workload beside a hand-written loop, in one run.

The hand-written loop is the floor any library is measured against: stdlib ``csv.reader``,
then per row an exact cross-multiplied comparison with the threshold for its indicator and
level, then per indicator, level and period the pooled ratio and the mean of entity rates.
plan_rules does the same job and more (validation, periods combined per entity, provenance).
Runs alternate so both see the same machine load; medians are reported with their ratio.

    python benchmarks/run.py [--repeat 3] [--data benchmarks/data/national.csv]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path

import plan_rules as pr

sys.path.insert(0, str(Path(__file__).parent))
from generate import entities_path, generate


def hand_written(path: Path, thresholds: dict[tuple[str, str], tuple[str, int, int]]) -> str:
    """The same comparisons as a plain loop over stdlib CSV rows; returns JSON text."""
    met = 0
    groups: dict[tuple[str, str, str], list[int]] = {}
    rates: dict[tuple[str, str, str], list[Fraction]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        for ind, _entity, level, period, num_t, den_t, *_ in rows:
            rule = thresholds.get((ind, level))
            if rule is None or not den_t:
                continue
            op, t_num, t_den = rule
            num, den = int(num_t), int(den_t)
            ok = num * t_den >= t_num * den if op == ">=" else num * t_den > t_num * den
            met += ok
            key = (ind, level, period)
            acc = groups.get(key)
            if acc is None:
                groups[key] = [num, den]
                rates[key] = []
            else:
                acc[0] += num
                acc[1] += den
            if den:
                rates[key].append(Fraction(num, den))
    out = {
        f"{k[0]}|{k[1]}|{k[2]}": {
            "pooled": str(Fraction(v[0], v[1])) if v[1] else None,
            "mean": str(sum(rates[k], Fraction(0)) / len(rates[k])) if rates[k] else None,
        }
        for k, v in groups.items()
    }
    return json.dumps({"met": met, "groups": out})


def with_plan_rules(path: Path, registry: pr.Registry) -> str:
    """Read, evaluate and serialise with the library; returns the JSON report."""
    read = pr.read_observations(path, registry=registry)
    entities = pr.read_entities(entities_path(path)).entities
    report = pr.evaluate(read.observations, registry=registry, issues=read.issues,
                         entities=entities, as_of=date(2025, 12, 31))
    return report.to_json(indent=None)


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).parent / "data" / "national.csv")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"generating {args.data} …", file=sys.stderr)
        generate(args.data)
    registry = pr.load_registry()
    # One threshold per indicator and level: the level's own target where there is one,
    # else the indicator's first target (e.g. the province-wide one its units feed).
    thresholds: dict[tuple[str, str], tuple[str, int, int]] = {}
    for level in ("department", "commune"):
        for code in registry.indicators:
            targets = [t for t in registry.targets_for(code)
                       if t.comparator.value in (">=", ">")]
            chosen = next((t for t in targets if t.scope.level == level), None) or (
                targets[0] if targets else None)
            if chosen is not None:
                thresholds[(code, level)] = (chosen.comparator.value,
                                             chosen.threshold.numerator,
                                             chosen.threshold.denominator)
    times: dict[str, list[float]] = {"hand-written loop (csv.reader)": [], "plan_rules": []}
    for _ in range(args.repeat):
        times["hand-written loop (csv.reader)"].append(
            timed(lambda: hand_written(args.data, thresholds)))
        times["plan_rules"].append(timed(lambda: with_plan_rules(args.data, registry)))
    rows = sum(1 for _ in args.data.open(encoding="utf-8")) - 1
    print(f"workload: {rows} rows, {args.data.stat().st_size / 1e6:.0f} MB; "
          f"python {platform.python_version()} on {platform.machine()}, "
          f"{args.repeat} alternating runs, medians")
    base = statistics.median(times["hand-written loop (csv.reader)"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<34} {median:8.2f} s   ratio {median / base:5.2f}×")


if __name__ == "__main__":
    main()
