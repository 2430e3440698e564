"""Read a figures file in chunks on Dask, merge the partial results, evaluate once, and write
the JSON report: the same report as ``plan-rules evaluate FILE --format json``.

    python examples/dask/evaluate_with_dask.py FIGURES [--entities FILE] [--as-of DATE]
        [--chunks 8] [--scheduler processes|threads|synchronous] [--workers 2]
        [--fan-in K] [--output report.json]

One task reads each chunk (:func:`plan_rules.chunks.read_chunk`). By default the partials are
gathered here and merged (merging only joins lists, and evaluation needs every observation
here anyway); ``--fan-in K`` merges them on the workers instead, in a tree of K-way merges,
which gives the same result (merging is associative) but sends every observation through
more processes.

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
from datetime import date
from pathlib import Path

import dask
from dask.delayed import Delayed

import plan_rules as pr
from plan_rules.chunks import Partial, merge_all, plan_chunks, read_chunk
from plan_rules.readers import parse_date


def reads(figures: Path, chunks: int) -> list[Delayed]:
    """One task per chunk."""
    return [dask.delayed(read_chunk)(chunk, dask_key_name=f"read-{chunk.index}")
            for chunk in plan_chunks(figures, chunks)]


def tree(layer: list[Delayed], fan_in: int) -> Delayed:
    """Merge tasks of ``fan_in`` partials each, level by level, down to one partial."""
    level = 0
    while len(layer) > 1:
        level += 1
        layer = [dask.delayed(merge_all)(layer[i:i + fan_in],
                                         dask_key_name=f"merge-{level}-{i // fan_in}")
                 for i in range(0, len(layer), fan_in)]
    return layer[0]


def read_with_dask(figures: Path, chunks: int, *, scheduler: str, workers: int | None = None,
                   fan_in: int = 0) -> Partial:
    """The merged partial of every chunk of ``figures``, read on Dask."""
    # Dask's process pool otherwise hands out tasks six at a time: one worker would read
    # most chunks. These tasks are few and long; one at a time keeps every worker busy.
    options = {"scheduler": scheduler, "num_workers": workers, "chunksize": 1}
    layer = reads(figures, chunks)
    if fan_in >= 2:
        merged: Partial = tree(layer, fan_in).compute(**options)
        return merged
    return merge_all(dask.compute(*layer, **options))


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
    partial = read_with_dask(args.figures, args.chunks, scheduler=args.scheduler,
                             workers=args.workers, fan_in=args.fan_in)
    registry = pr.load_registry()
    read = partial.to_read_result(registry=registry)  # what read_observations gives
    read_seconds = time.perf_counter() - start

    issues = list(read.issues)
    entities: tuple[pr.Entity, ...] = ()
    if args.entities is not None:
        units = pr.read_entities(args.entities)
        entities = units.entities
        issues.extend(units.issues)
    # Evaluation runs once, on every figure: targets pool across units, checks compare any
    # figure with any other.
    report = pr.evaluate(read.observations, registry=registry, entities=entities,
                         issues=issues, as_of=args.as_of or date.today())
    text = report.to_json() + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        pr.write_atomically(args.output, text)
    print(f"{len(partial.results)} chunks, {read.rows} rows read in {read_seconds:.2f} s "
          f"({args.scheduler}); {len(report.findings)} findings in "
          f"{time.perf_counter() - start:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
