"""Evaluating a figures file in one pass against reading, validating and combining it in
chunks (mergeable partials), each job in a fresh process, alternating, medians.

    python benchmarks/scaling.py FIGURES ENTITIES [--runs 3] [--jobs plain,1,2] [--chunks N]

A job is ``plain`` (``read_observations`` then ``evaluate``) or a number of worker processes
(``1``: the chunks combined one after another in the driver; ``2`` or more: a process pool);
``2-unchecked`` is ``2`` with a registry without the plugins' checks, which shows what the
driver holds when no check needs its indicators' rows (its findings are not compared).
``--chunks`` (default: the number of workers) cuts the file into that many chunks. Each job
prints its wall time and the driver's peak resident memory (``ru_maxrss`` of the process
that evaluates: with a pool, the workers' own memory is not in it). The findings of every job
are checked equal to the first job's (verdicts, figures, statistics, history, progress and
messages). See docs/scaling.md for the figures on the benchmark machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import attrs

import plan_rules as pr
from plan_rules.chunks import Chunk, plan_chunks
from plan_rules.partials import (
    PartialAggregate,
    combine_chunk,
    evaluate_in_chunks,
    finish,
    merge_all,
)

AS_OF = date(2025, 12, 31)


def unchecked() -> pr.Registry:
    """The installed plugins without their checks (the library's own two stay)."""
    registry = pr.load_registry()
    checks = {c: k for c, k in registry.checks.items() if k.plugin == "plan_rules.builtin"}
    return attrs.evolve(registry, checks=types.MappingProxyType(checks))


def combine_unchecked(chunk: Chunk) -> PartialAggregate:
    """A chunk's partial for the registry without checks (in a worker)."""
    return combine_chunk(chunk, as_of=AS_OF, entities=ENTITIES, registry=unchecked())


ENTITIES: tuple[pr.Entity, ...] = ()


def job(figures: str, entities: str, mode: str, chunks: int) -> dict[str, object]:
    """Run one job here; its time, the driver's peak memory and its findings."""
    start = time.perf_counter()
    sizes = {}
    registry = pr.load_registry()
    units = pr.read_entities(entities)
    if mode == "2-unchecked":
        global ENTITIES
        ENTITIES = units.entities  # the workers are forked: they see it
        registry = unchecked()
        with ProcessPoolExecutor(2) as pool:
            merged = merge_all(pool.map(combine_unchecked, plan_chunks(figures, chunks)))
        evaluated = finish(merged, registry=registry, entities=units.entities,
                           issues=units.issues)
        report = evaluated.report
        sizes = {"figures": evaluated.given, "compact": len(evaluated.table),
                 "kept": sum(1 for j in evaluated.bucket if j < 0)}
    elif mode == "plain":
        read = pr.read_observations(figures, registry=registry)
        report = pr.evaluate(read.observations, registry=registry, entities=units.entities,
                             issues=[*read.issues, *units.issues], as_of=AS_OF)
    else:
        if mode == "1":
            evaluated = evaluate_in_chunks(figures, chunks, as_of=AS_OF,
                                           entities=units.entities, registry=registry,
                                           issues=units.issues)
        else:
            with ProcessPoolExecutor(int(mode)) as pool:
                evaluated = evaluate_in_chunks(figures, chunks, as_of=AS_OF,
                                               entities=units.entities, mapper=pool.map,
                                               issues=units.issues)
        report = evaluated.report
        sizes = {"figures": evaluated.given, "compact": len(evaluated.table),
                 "kept": sum(1 for j in evaluated.bucket if j < 0)}
    seconds = time.perf_counter() - start
    findings = []
    for f in report.to_dict()["findings"]:
        fields = {k: v for k, v in f.items() if k not in ("observations", "details",
                                                          "entities")}
        fields["units"] = [{k: v for k, v in r.items() if k not in ("observations", "periods")}
                           for r in f.get("entities") or ()]
        findings.append(fields)
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024, "findings": findings, "sizes": sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figures")
    parser.add_argument("entities")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="plain,1,2")
    parser.add_argument("--chunks", type=int, default=0)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a single job, in this process
    args = parser.parse_args()
    if args.one:
        workers = 1 if args.one == "plain" else int(args.one.split("-")[0])
        out = job(args.figures, args.entities, args.one, args.chunks or workers)
        json.dump(out, sys.stdout)
        return
    jobs = args.jobs.split(",")
    times: dict[str, list[float]] = {j: [] for j in jobs}
    peaks: dict[str, list[float]] = {j: [] for j in jobs}
    reference = None
    loads = []
    sizes: dict[str, object] = {}
    for _ in range(args.runs):
        for j in jobs:
            loads.append(Path("/proc/loadavg").read_text().split()[0])
            done = subprocess.run(
                [sys.executable, __file__, args.figures, args.entities, "--one", j,
                 "--chunks", str(args.chunks)], check=True, capture_output=True, text=True)
            result = json.loads(done.stdout)
            if reference is None:
                reference = result["findings"]
            elif result["findings"] != reference and j != "2-unchecked":
                raise SystemExit(f"job {j}: the findings differ from the first job's")
            sizes[j] = result["sizes"]
            times[j].append(result["seconds"])
            peaks[j].append(result["peak_mb"])
    print(f"load averages at each start: {', '.join(loads)}")
    for j, found in sizes.items():
        if found:
            print(f"partials, {j} worker(s): {found}")
    print("| job | median s | runs s | driver peak MB (median) |")
    print("|---|---|---|---|")
    for j in jobs:
        name = "one pass" if j == "plain" else f"partials, {j} worker(s)"
        runs = ", ".join(f"{t:.2f}" for t in times[j])
        print(f"| {name} | {statistics.median(times[j]):.2f} | {runs} | "
              f"{statistics.median(peaks[j]):.0f} |")


if __name__ == "__main__":
    main()
