"""Read, validate and combine a figures file in chunks on Dask, merge the partial aggregates,
evaluate once, and write the JSON report: the findings of ``plan-rules evaluate FILE --format
json``, each citing the compact figures that stand for its rows.

    python examples/dask/evaluate_with_dask.py FIGURES [--entities FILE] [--as-of DATE]
        [--chunks 8] [--scheduler processes|threads|synchronous] [--workers 2]
        [--fan-in K] [--output report.json]

One task reads each chunk and combines its figures into a small partial aggregate
(:func:`plan_rules.partials.combine_chunk`): sums of counts and latest snapshots per
indicator, unit and class, not the observations. By default the partials are gathered here and
merged; ``--fan-in K`` merges them on the workers instead, in a tree of K-way merges, which
gives the same result (merging is associative and commutative). The targets are aggregated
and the report made once, here (:func:`plan_rules.partials.finish`).

Needs dask's core only (``pip install 'plan-rules[dask]'``), no dask.dataframe. Each chunk is
read where its task runs, so the file must be reachable there at the same path; each worker
loads the installed plugins itself (a registry is not sent between processes). On a
``dask.distributed`` cluster, create a ``Client`` first and leave ``--scheduler`` out: the
graph is the same. See docs/scaling.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import dask
from dask.delayed import Delayed

import plan_rules as pr
from plan_rules.chunks import plan_chunks
from plan_rules.partials import (
    Evaluated,
    PartialAggregate,
    combine_chunk,
    evaluate_in_chunks,
    finish,
    merge_all,
)
from plan_rules.readers import parse_date


def on_dask(options: dict[str, Any]) -> Callable[[Callable[[Any], Any], Iterable[Any]], list[Any]]:
    """A ``map`` that runs each call as a Dask task."""
    def mapper(function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        return list(dask.compute(*[dask.delayed(function)(item) for item in items],
                                 **options))
    return mapper


def tree(layer: list[Delayed], fan_in: int) -> Delayed:
    """Merge tasks of ``fan_in`` partials each, level by level, down to one partial."""
    level = 0
    while len(layer) > 1:
        level += 1
        layer = [dask.delayed(merge_all)(layer[i:i + fan_in],
                                         dask_key_name=f"merge-{level}-{i // fan_in}")
                 for i in range(0, len(layer), fan_in)]
    return layer[0]


def evaluate_with_dask(figures: Path, chunks: int, *, as_of: date,
                       entities: tuple[pr.Entity, ...], issues: list[pr.DataIssue],
                       scheduler: str, workers: int | None = None,
                       fan_in: int = 0) -> Evaluated:
    """The report of ``figures``, its chunks combined on Dask, evaluated here once."""
    # Dask's process pool otherwise hands out tasks six at a time: one worker would read
    # most chunks. These tasks are few and long; one at a time keeps every worker busy.
    options = {"scheduler": scheduler, "num_workers": workers, "chunksize": 1}
    mapper = on_dask(options)
    if fan_in >= 2:
        work = partial(combine_chunk, as_of=as_of, entities=entities)
        layer = [dask.delayed(work)(c, dask_key_name=f"combine-{c.index}")
                 for c in plan_chunks(figures, chunks)]
        merged: PartialAggregate = tree(layer, fan_in).compute(**options)
        if not merged.open_ends:  # a cut inside a quoted field: read again, below
            return finish(merged, entities=entities, mapper=mapper, issues=issues)
    return evaluate_in_chunks(figures, chunks, as_of=as_of, entities=entities, mapper=mapper,
                              issues=issues)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figures", type=Path)
    parser.add_argument("--entities", type=Path)
    parser.add_argument("--as-of", type=parse_date, default=None)
    parser.add_argument("--chunks", type=int, default=8)
    parser.add_argument("--scheduler", choices=["processes", "threads", "synchronous"],
                        default="processes")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--fan-in", type=int, default=0,
                        help="merge on the workers, K partials a task (default: merge here)")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    entities: tuple[pr.Entity, ...] = ()
    issues: list[pr.DataIssue] = []
    if args.entities is not None:
        units = pr.read_entities(args.entities)
        entities, issues = units.entities, list(units.issues)
    evaluated = evaluate_with_dask(args.figures, args.chunks, as_of=args.as_of or date.today(),
                                   entities=entities, issues=issues, scheduler=args.scheduler,
                                   workers=args.workers, fan_in=args.fan_in)
    report = evaluated.report
    text = report.to_json() + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        pr.write_atomically(args.output, text)
    print(f"{len(evaluated.partial.ranges)} chunks, {evaluated.given} figures combined, "
          f"{len(evaluated.table)} evaluated; {len(report.findings)} findings in "
          f"{time.perf_counter() - start:.2f} s ({args.scheduler})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
