"""Time plan_rules on the national-scale workload beside a hand-written loop and its peers.

The hand-written loop is the floor any library is measured against: stdlib ``csv.reader``,
then per row an exact cross-multiplied comparison with the threshold for its indicator and
level, then per indicator, level and period the pooled ratio and the mean of entity rates.
plan_rules does the same job and more (validation, periods combined per entity, provenance).
The peers (``peers.py``: pandas, polars lazy, duckdb — those installed) do the hand loop's job
idiomatically. ``polars_full`` (``polars_full.py``) does plan_rules' own job in polars lazy
frames — every target's verdict, statistics, gaps and per-unit results — and its time is
shown only once its output equals plan_rules' report in every field it reproduces.

Every run of every job is a fresh child process (``run.py --job KEY``), so each job's peak
memory is its own: the child times the job function after its imports (and, for plan_rules,
after loading the registry), times the imports separately, and reports its peak RSS. Runs
alternate between the jobs, round after round, so all see the same machine load; medians are
reported with their ratios and the national-scale goals.

    python benchmarks/run.py [--repeat 3] [--data benchmarks/data/national.csv]
                             [--jobs hand,plan_rules,findings,stream,columnar,
                                     columnar_findings,columnar_stream,pandas,polars,duckdb,
                                     polars_full]
                             [--rows N] [--json PATH] [--workload provinces|plan]

The workload (``generate.registry``): by default the plan's targets applied to each of the 34
provinces (the template instantiated per province, one plan each, every province's verdicts
printed); ``--workload plan`` the single plan over the whole file, the earlier figures' job.
The hand loop and the peers do their own, simpler job on either.
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import peers  # noqa: E402  (standard library only until a peer is loaded)
import polars_full  # noqa: E402  (standard library only until its job is loaded)
from peers import Job, Thresholds  # noqa: E402

if TYPE_CHECKING:
    import plan_rules as pr

DEFAULT_DATA = HERE / "data" / "national.csv"
#: What each workload has plan_rules and polars_full evaluate (the hand loop and the peers
#: do their own simpler job on either).
WORKLOAD_TEXT = {
    "provinces": "plan_rules and polars_full evaluate the plan's targets for each of the 34 "
                 "provinces (generate.registry: plan_rules.per_territory, one plan per "
                 "province, each reading its own units); the hand loop and the peers compare "
                 "rows with one threshold per indicator and level, whatever the province",
    "plan": "plan_rules and polars_full evaluate the single plan over the whole file (every "
            "province's units pooled: the workload of the figures before per-province "
            "plans); the hand loop and the peers as on the other workload",
}
CHECK_ROWS = 20_000
LEGEND = (
    "job s: wall time of the job function in a fresh child, after its imports; import s: the "
    "job's imports (plan_rules: and loading the registry); CPU s: user + system time of the "
    "whole child, above job s + import s when it kept more than one core busy; peak RSS: the "
    "child's high-water mark (VmHWM from /proc; wait4's ru_maxrss only where there is no "
    "/proc, since on Linux it also carries the parent's high-water mark across exec). "
    "Verdicts and pooled ratios are exact in every job; the mean of the row rates is an "
    "exact fraction in the hand loop and plan_rules, a float in pandas, polars and duckdb. "
    "plan_rules does more than the others: validation, periods combined per entity, every "
    "target with its gap, checks, progress history, provenance of every row. polars (lazy), "
    "plan_rules' results: the same per-target results as plan_rules (not its messages, "
    "progress, data issues or checks), held equal to its report before its time is shown."
)


def hand_written(path: Path, thresholds: Thresholds) -> str:
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


def with_plan_rules(path: Path, registry: pr.Registry, *,
                    read: Callable[..., pr.ReadResult] | None = None,
                    output: str = "text") -> str:
    """Read and evaluate with the library, then hand out the report as ``output`` says:

    - ``"text"``: the JSON report as one text (returned, so it can be checked);
    - ``"findings"``: nothing more than the report with its findings built (per-unit results
      stay views over the combined figures); returns a line of its summary;
    - ``"stream"``: the JSON report streamed to a temporary file; returns its size.

    ``read`` replaces ``plan_rules.read_observations`` (the columnar extra's reader).
    """
    from generate import entities_path

    import plan_rules as pr

    read_observations = read if read is not None else pr.read_observations
    result = read_observations(path, registry=registry)
    entities = pr.read_entities(entities_path(path)).entities
    report = pr.evaluate(result.observations, registry=registry, issues=result.issues,
                         entities=entities, as_of=date(2025, 12, 31))
    if output == "findings":
        return json.dumps(attrs_summary(report))
    if output == "stream":
        with tempfile.TemporaryDirectory(prefix="plan-rules-bench-") as tmp:
            target = Path(tmp) / "report.json"
            report.write_json(target, indent=None)
            return json.dumps({"bytes": target.stat().st_size})
    return report.to_json(indent=None)


def attrs_summary(report: pr.Report) -> dict[str, Any]:
    """The report's counts by plan, area and verdict, as JSON-ready data."""
    summary = report.summary()
    return {"targets": summary.targets, "checks": summary.checks, "issues": summary.issues,
            "findings": len(report.findings)}


#: The workloads, as ``generate.WORKLOADS`` names them (not imported from it: ``generate``
#: imports plan_rules, which the baselines and the jobs' import times must not see first).
WORKLOADS = tuple(WORKLOAD_TEXT)
#: The jobs whose last output gives the verdicts per plan, the cheapest to read first.
VERDICT_SOURCES = ("findings", "columnar_findings", "plan_rules", "columnar")
#: The verdicts in the order the per-plan lines give them.
VERDICT_ORDER = ("met", "not_met", "incomplete", "no_data", "invalid", "not_applicable")


def verdicts_by_plan(found: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """The target verdicts counted per plan (per province, on the ``provinces`` workload),
    from a report's summary (the JSON report, or ``attrs_summary``'s output)."""
    targets = found["summary"]["targets"] if "summary" in found else found["targets"]
    out: dict[str, dict[str, int]] = {}
    for plan, areas in sorted(targets.items()):
        counts = out.setdefault(plan, {})
        for verdicts in areas.values():
            for verdict, n in verdicts.items():
                counts[verdict] = counts.get(verdict, 0) + n
    return out


def verdict_lines(plans: Mapping[str, Mapping[str, int]]) -> list[str]:
    """One line per plan: its targets' verdict counts, then the totals."""
    def counts(c: Mapping[str, int]) -> str:
        named = [v for v in VERDICT_ORDER if c.get(v)] + sorted(
            v for v in c if v not in VERDICT_ORDER and c[v])
        return ", ".join(f"{v} {c[v]:,}" for v in named)

    total: dict[str, int] = {}
    for c in plans.values():
        for v, n in c.items():
            total[v] = total.get(v, 0) + n
    width = max((len(p) for p in plans), default=0)
    return ([f"  {plan:<{width}}  {counts(c)}" for plan, c in plans.items()]
            + [f"  {'all':<{width}}  {counts(total)} ({len(plans)} plans, "
               f"{sum(total.values()):,} targets)"])


def thresholds_of(registry: pr.Registry) -> Thresholds:
    """One threshold per indicator and level: the level's own target where there is one,
    else the indicator's first target (e.g. the province-wide one its units feed)."""
    out: Thresholds = {}
    for level in ("department", "commune"):
        for code in registry.indicators:
            targets = [t for t in registry.targets_for(code)
                       if t.comparator.value in (">=", ">")]
            chosen = next((t for t in targets if t.scope.level == level), None) or (
                targets[0] if targets else None)
            if chosen is not None:
                out[(code, level)] = (chosen.comparator.value, chosen.threshold.numerator,
                                      chosen.threshold.denominator)
    return out


# -- the jobs -------------------------------------------------------------------------------


def _nothing(path: Path, thresholds: Thresholds) -> str:
    return ""


# Each loader takes the workload (``generate.WORKLOADS``): the plan_rules jobs and
# ``polars_full`` evaluate its registry; the hand loop and the peers do their own simpler job
# whatever the workload (``thresholds_of`` the single plan).


def _load_python(_workload: str) -> Job:
    return _nothing


def _load_import(_workload: str) -> Job:
    import plan_rules  # noqa: F401

    return _nothing


def _load_hand(_workload: str) -> Job:
    return hand_written


def _load_plan_rules(output: str = "text") -> Callable[[str], Job]:
    def load(workload: str) -> Job:
        from generate import registry as workload_registry

        registry = workload_registry(workload)
        return lambda path, _thresholds: with_plan_rules(path, registry, output=output)

    return load


def _load_columnar(output: str = "text") -> Callable[[str], Job]:
    def load(workload: str) -> Job:
        from generate import registry as workload_registry

        columnar = importlib.import_module("plan_rules.columnar")
        read = getattr(columnar, "read_observations", None)
        if read is None:
            raise RuntimeError("plan_rules.columnar has no read_observations")
        registry = workload_registry(workload)
        return lambda path, _thresholds: with_plan_rules(path, registry, read=read,
                                                         output=output)

    return load


def _load_polars_full(workload: str) -> Job:
    job: Job = polars_full.load(workload)
    return job


@dataclass(frozen=True)
class JobSpec:
    key: str
    name: str
    #: the job function, made for a workload
    load: Callable[[str], Job]
    #: a baseline (no work: the memory of the interpreter and its imports) or a real job
    baseline: bool = False
    #: its JSON has the hand loop's shape, so it can be compared with it
    comparable: bool = False
    #: its output is held to plan_rules' report (``polars_full.compare``)
    reproduces_report: bool = False


def _peer_loader(key: str) -> Callable[[str], Job]:
    return lambda _workload: peers.load(key)


JOBS: dict[str, JobSpec] = {spec.key: spec for spec in (
    JobSpec("python", "baseline: python", _load_python, baseline=True),
    JobSpec("import", "baseline: python + import plan_rules", _load_import, baseline=True),
    JobSpec("hand", "hand-written loop (csv.reader)", _load_hand, comparable=True),
    JobSpec("plan_rules", "plan_rules", _load_plan_rules()),
    JobSpec("findings", "plan_rules, findings only", _load_plan_rules("findings")),
    JobSpec("stream", "plan_rules, JSON streamed to a file", _load_plan_rules("stream")),
    JobSpec("columnar", "plan_rules columnar", _load_columnar()),
    JobSpec("columnar_findings", "plan_rules columnar, findings only",
            _load_columnar("findings")),
    JobSpec("columnar_stream", "plan_rules columnar, JSON streamed", _load_columnar("stream")),
    *(JobSpec(key, name, _peer_loader(key), comparable=True)
      for key, (name, _module) in peers.PEERS.items()),
    JobSpec("polars_full", "polars (lazy), plan_rules' results", _load_polars_full,
            reproduces_report=True),
)}
SELECTABLE = [k for k, spec in JOBS.items() if not spec.baseline]


def unavailable(key: str) -> str | None:
    """Why a job cannot run here (without importing its packages), or None."""
    if key in peers.PEERS:
        return None if peers.installed(key) else f"{peers.PEERS[key][1]} not installed"
    if key == "polars_full" and importlib.util.find_spec("polars") is None:
        return "polars not installed"
    if key.startswith("columnar"):
        if importlib.util.find_spec("pyarrow") is None:
            return "pyarrow not installed"
        if importlib.util.find_spec("plan_rules.columnar") is None:
            return "module plan_rules.columnar not found"
    return None


# -- the child process ----------------------------------------------------------------------


def _proc_status(field: str) -> int | None:
    """A ``kB`` field of /proc/self/status (Linux), in KiB."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else None


def _read_thresholds(path: Path) -> Thresholds:
    return {(ind, level): (op, int(n), int(d))
            for ind, level, op, n, d in json.loads(path.read_text())}


def child(args: argparse.Namespace) -> None:
    """Run one job once; write its measurements (and, if asked, its output) as JSON."""
    start = time.perf_counter()
    job = JOBS[args.job].load(args.workload)
    import_seconds = time.perf_counter() - start
    thresholds = _read_thresholds(args.thresholds)
    rss_before = _proc_status("VmRSS")
    gc.collect()
    start = time.perf_counter()
    out = job(args.data, thresholds)
    seconds = time.perf_counter() - start
    peak = _proc_status("VmHWM")
    if args.output is not None:
        args.output.write_text(out, encoding="utf-8")
    args.result.write_text(json.dumps({
        "seconds": seconds, "import_seconds": import_seconds, "rss_before_job_kib": rss_before,
        "peak_rss_kib": peak, "output_chars": len(out)}), encoding="utf-8")


def check_child(args: argparse.Namespace) -> None:
    """The self-check, in its own process: the peers against the hand loop on a slice, and
    ``polars_full`` against plan_rules' report on the same slice."""
    keys = [k for k in args.check.split(",") if k]
    found = peers.self_check(args.data, _read_thresholds(args.thresholds), hand_written,
                             [k for k in keys if k in peers.PEERS], rows=CHECK_ROWS)
    if "polars_full" in keys:
        found["polars_full"] = report_check_on_slice(args.data, CHECK_ROWS, args.workload)
    args.result.write_text(json.dumps(found), encoding="utf-8")


def report_check_on_slice(path: Path, rows: int, workload: str) -> list[str]:
    """``polars_full`` against plan_rules' report on the first ``rows`` rows."""
    from generate import entities_path
    from generate import registry as workload_registry

    registry = workload_registry(workload)
    with tempfile.TemporaryDirectory(prefix="plan-rules-check-") as tmp:
        part = Path(tmp) / path.name
        peers.write_slice(path, part, rows)
        entities = entities_path(path)
        if entities.exists():
            entities_path(part).write_bytes(entities.read_bytes())
        report = json.loads(with_plan_rules(part, registry))
        return polars_full.compare(report, polars_full.evaluate(
            part, entities_path(part), registry))


def compare_child(args: argparse.Namespace) -> None:
    """The whole-file check, in its own process (the report is large): ``polars_full``'s
    output of the last round against plan_rules' report of the last round."""
    reference, other = args.compare.split(",")
    report = json.loads(Path(reference).read_text(encoding="utf-8"))
    found = {"problems": polars_full.compare(report, Path(other).read_text(encoding="utf-8")),
             **polars_full.summary(report)}
    args.result.write_text(json.dumps(found), encoding="utf-8")


# -- the parent -----------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    import_seconds: float
    peak_rss_kib: int | None
    rss_before_job_kib: int | None
    wait4_maxrss_kib: int | None
    cpu_seconds: float | None
    process_seconds: float
    output_chars: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def spawn(key: str, data: Path, thresholds: Path, work: Path, output: Path | None,
          workload: str = "provinces") -> Run:
    """One fresh child for one run of a job; its measurements."""
    result = work / f"result-{key}.json"
    errors = work / f"stderr-{key}.txt"
    command = [sys.executable, str(Path(__file__).resolve()), "--job", key, "--data", str(data),
               "--thresholds", str(thresholds), "--result", str(result),
               "--workload", workload]
    if output is not None:
        command += ["--output", str(output)]
    result.unlink(missing_ok=True)
    start = time.perf_counter()
    with errors.open("wb") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        rusage = None
        if hasattr(os, "wait4"):
            _pid, status, rusage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        else:  # pragma: no cover - not POSIX
            proc.wait()
    process_seconds = time.perf_counter() - start
    if proc.returncode != 0 or not result.exists():
        lines = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        sys.stderr.write("\n".join(lines[-15:]) + "\n")
        raise RuntimeError(f"exit {proc.returncode}: {lines[-1] if lines else 'no message'}")
    got = json.loads(result.read_text(encoding="utf-8"))
    maxrss = None
    if rusage is not None:  # KiB on Linux, bytes on macOS
        maxrss = rusage.ru_maxrss // 1024 if sys.platform == "darwin" else rusage.ru_maxrss
    peak = got["peak_rss_kib"] if got["peak_rss_kib"] is not None else maxrss
    return Run(seconds=got["seconds"], import_seconds=got["import_seconds"],
               peak_rss_kib=peak, rss_before_job_kib=got["rss_before_job_kib"],
               wait4_maxrss_kib=maxrss,
               cpu_seconds=(rusage.ru_utime + rusage.ru_stime) if rusage is not None else None,
               process_seconds=process_seconds, output_chars=got["output_chars"])


def machine() -> dict[str, Any]:
    """Platform, python, CPU model, cores and RAM."""
    cpu = platform.processor() or platform.machine()
    ram_kib = None
    try:
        info = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
        if found:
            cpu = found.group(1).strip()
        mem = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(),
                        re.MULTILINE)
        ram_kib = int(mem.group(1)) if mem else None
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {"platform": platform.platform(), "python": platform.python_version(),
            "implementation": platform.python_implementation(), "cpu": cpu,
            "cores": os.cpu_count(), "usable_cores": usable, "ram_kib": ram_kib}


def versions() -> dict[str, str | None]:
    """Installed versions of plan_rules and the peers (None if not installed)."""
    out: dict[str, str | None] = {}
    for dist in ("plan-rules", "pandas", "polars", "duckdb", "pyarrow", "numpy"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = None
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None, width: int, decimals: int, suffix: str = "") -> str:
    text = "—" if value is None else f"{value:.{decimals}f}{suffix}"
    return f"{text:>{width}}"


def _median(values: Sequence[float | int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def goal(label: str, value: float | None, limit: float, missing: str) -> str:
    if value is None:
        return f"{label}: not measured ({missing})"
    verdict = "met" if value <= limit else "missed"
    return f"{label} = {value:.2f}× (goal ≤ {limit:g}×): {verdict}"


#: Peak memory of the two jobs before the figures became columns (docs/performance.md,
#: 1 December 2026): the floor asks for half of each.
EARLIER_PEAK_MB = {"plan_rules": 1032.0, "columnar": 1260.0}


def pipeline_goals(med: Callable[[str, str], float | None]) -> list[str]:
    """The goals of the staged pipeline against the polars job that computes the same
    per-target results, and against the hand loop: each with its aim and its floor."""
    def line(label: str, value: float | None, aim: float, floor: float | None,
             missing: str) -> str:
        if value is None:
            return f"{label}: not measured ({missing})"
        reached = "aim met" if value <= aim else (
            "floor met, aim missed" if floor is not None and value <= floor else "missed")
        bound = f"aim ≤ {aim:g}×" + (f", floor ≤ {floor:g}×" if floor is not None else "")
        return f"{label} = {value:.2f}× ({bound}): {reached}"

    # label, job, what of it, against (job or a peak in MB), aim, floor
    rows: list[tuple[str, str, str, str | float, float, float | None]] = [
        ("columnar findings / polars_full", "columnar_findings", "seconds", "polars_full",
         1.0, 2.0),
        ("columnar with streamed JSON / polars_full", "columnar_stream", "seconds",
         "polars_full", 3.0, None),
        ("pure findings / hand loop", "findings", "seconds", "hand", 1.0, 1.5),
        ("columnar peak / polars_full peak", "columnar_findings", "peak_rss_mb", "polars_full",
         1.0, None),
        ("pure peak / pandas peak", "findings", "peak_rss_mb", "pandas", 1.0, None),
        ("pure peak / before the columns (1,032 MB)", "findings", "peak_rss_mb",
         EARLIER_PEAK_MB["plan_rules"], 0.5, None),
        ("columnar peak / before the columns (1,260 MB)", "columnar_findings", "peak_rss_mb",
         EARLIER_PEAK_MB["columnar"], 0.5, None),
    ]
    out = []
    for label, job, what, against, aim, floor in rows:
        base = against if isinstance(against, float) else med(against, what)
        needs = job if isinstance(against, float) else f"{job} and {against}"
        out.append(line(f"pipeline: {label}", _ratio(med(job, what), base), aim, floor,
                        f"needs {needs}"))
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="figures file (generated first if it does not exist)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--jobs", default=",".join(SELECTABLE),
                        help="comma-separated subset of: " + ", ".join(SELECTABLE))
    parser.add_argument("--rows", type=int, default=None,
                        help="benchmark the first N data rows only (a slice in a temp file)")
    parser.add_argument("--json", type=Path, default=None, help="write raw measurements here")
    parser.add_argument("--workload", choices=WORKLOADS, default="provinces",
                        help="what plan_rules and polars_full evaluate: the plan's targets "
                        "for each of the 34 provinces (default), or the single plan over "
                        "the whole file (the earlier figures)")
    # Used by the parent to start its children.
    parser.add_argument("--job", choices=list(JOBS), help=argparse.SUPPRESS)
    parser.add_argument("--check", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--compare", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--thresholds", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.job is None and args.check is None and args.compare is None:
        keys = [k.strip() for k in args.jobs.split(",") if k.strip()]
        unknown = [k for k in keys if k not in SELECTABLE]
        if unknown or not keys:
            parser.error(f"--jobs: unknown {', '.join(unknown) or '(none given)'}; "
                         f"choose from {', '.join(SELECTABLE)}")
        args.jobs = keys
        if args.repeat < 1:
            parser.error("--repeat must be at least 1")
        if args.rows is not None and args.rows < 1:
            parser.error("--rows must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.job is not None:
        child(args)
        return
    if args.check is not None:
        check_child(args)
        return
    if args.compare is not None:
        compare_child(args)
        return

    from generate import entities_path, generate

    import plan_rules as pr

    if not args.data.exists():
        print(f"generating {args.data} …", file=sys.stderr)
        generate(args.data)
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    skipped: dict[str, str] = {}
    keys: list[str] = ["python", "import"]
    for key in args.jobs:
        why = unavailable(key)
        if why is None:
            keys.append(key)
        else:
            skipped[key] = why
            print(f"{JOBS[key].name}: skipped, {why}")

    with tempfile.TemporaryDirectory(prefix="plan-rules-bench-") as tmp:
        work = Path(tmp)
        data = args.data
        if args.rows is not None:
            data = work / args.data.name
            print(f"writing the first {args.rows:,} rows to a temp file …", file=sys.stderr)
            peers.write_slice(args.data, data, args.rows)
            entities = entities_path(args.data)
            if entities.exists():
                entities_path(data).write_bytes(entities.read_bytes())
        rules = thresholds_of(pr.load_registry())
        thresholds = work / "thresholds.json"
        thresholds.write_text(json.dumps([[i, lv, op, n, d]
                                          for (i, lv), (op, n, d) in rules.items()]))
        with data.open(encoding="utf-8") as handle:
            rows = sum(1 for _ in handle) - 1

        # The self-check: the peers against the hand loop on a slice, in its own process.
        check_keys = [k for k in keys if k in peers.PEERS or JOBS[k].reproduces_report]
        check: dict[str, list[str]] = {}
        if check_keys:
            found = work / "check.json"
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--check", ",".join(check_keys),
                 "--data", str(data), "--thresholds", str(thresholds), "--result", str(found),
                 "--workload", args.workload],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
            if done.returncode != 0 or not found.exists():
                tail = " | ".join(done.stderr.strip().splitlines()[-5:])
                check = {k: [f"self-check failed to run: {tail}"] for k in check_keys}
            else:
                check = json.loads(found.read_text(encoding="utf-8"))

        # Round-robin: one fresh child per job per round.
        runs: dict[str, list[Run]] = {k: [] for k in keys}
        failed: dict[str, str] = {}
        # plan_rules' report is kept (from the last round) when a job is held to it.
        reproducing = [k for k in keys if JOBS[k].reproduces_report]
        for round_no in range(args.repeat):
            last_round = round_no == args.repeat - 1
            for key in keys:
                if key in failed:
                    continue
                # The findings jobs' summaries (else a report) give the verdicts per plan.
                keep = JOBS[key].comparable or (last_round and (
                    key in VERDICT_SOURCES or JOBS[key].reproduces_report))
                output = work / f"output-{key}.json" if keep else None
                try:
                    runs[key].append(spawn(key, data, thresholds, work, output,
                                           args.workload))
                except RuntimeError as exc:
                    failed[key] = str(exc)
                    print(f"{JOBS[key].name}: failed in round {round_no + 1}: {exc}",
                          file=sys.stderr)
            print(f"round {round_no + 1}/{args.repeat} done", file=sys.stderr)

        # The whole file: the last round's outputs of the peers against the hand loop's.
        full: dict[str, list[str]] = {}
        full_report: dict[str, dict[str, Any]] = {}
        reference = work / "output-hand.json"
        if "hand" in runs and runs["hand"] and reference.exists():
            expected = reference.read_text(encoding="utf-8")
            for key in keys:
                out = work / f"output-{key}.json"
                if key in peers.PEERS and runs[key] and out.exists():
                    full[key] = peers.compare(expected, out.read_text(encoding="utf-8"))
        # The whole file: plan_rules' report (an untimed run if plan_rules was not selected)
        # against the last output of each job that reproduces it.
        if reproducing:
            reference = work / "output-plan_rules.json"
            if not reference.exists():
                print("running plan_rules once for the check (not timed) …", file=sys.stderr)
                spawn("plan_rules", data, thresholds, work, reference, args.workload)
            for key in reproducing:
                out = work / f"output-{key}.json"
                if not (runs[key] and out.exists()):
                    continue
                found = work / f"compare-{key}.json"
                done = subprocess.run(
                    [sys.executable, str(Path(__file__).resolve()), "--compare",
                     f"{reference},{out}", "--result", str(found)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
                if done.returncode != 0 or not found.exists():
                    tail = " | ".join(done.stderr.strip().splitlines()[-5:])
                    full_report[key] = {"problems": [f"the check failed to run: {tail}"]}
                else:
                    full_report[key] = json.loads(found.read_text(encoding="utf-8"))
        # The verdicts per plan: from a findings job's summary, else from a report (read
        # here, after every run: the parent's memory is no job's).
        verdicts: dict[str, Any] | None = None
        for key in VERDICT_SOURCES:
            out = work / f"output-{key}.json"
            if key in runs and out.exists():
                verdicts = {"job": key, "plans": verdicts_by_plan(
                    json.loads(out.read_text(encoding="utf-8")))}
                break
        for whole in full_report.values():
            whole.pop("verdicts", None)
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None

    report(args, keys, runs, failed, skipped, check, full, rows, load_start, load_end,
           full_report, verdicts)


def report(args: argparse.Namespace, keys: list[str], runs: dict[str, list[Run]],
           failed: dict[str, str], skipped: dict[str, str], check: dict[str, list[str]],
           full: dict[str, list[str]], rows: int,
           load_start: tuple[float, float, float] | None,
           load_end: tuple[float, float, float] | None,
           full_report: dict[str, dict[str, Any]] | None = None,
           verdicts: Mapping[str, Any] | None = None) -> None:
    """Print the machine, the table, the checks and the goals; write ``--json``.

    A job that reproduces plan_rules' report is timed only if it agreed with the report on
    the slice and on the whole file; otherwise its row and ratios are left out.
    """
    box = machine()
    ver = versions()
    full_report = full_report or {}
    slice_report = {k: check.pop(k) for k in list(check) if JOBS[k].reproduces_report}
    untrusted: dict[str, str] = {}
    for key in keys:
        if JOBS[key].reproduces_report and runs.get(key):
            whole = full_report.get(key, {"problems": ["not checked on the whole file"]})
            problems = slice_report.get(key, []) + whole["problems"]
            if problems:
                untrusted[key] = "; ".join(problems)
    medians: dict[str, dict[str, float | None]] = {}
    for key in keys:
        got = runs.get(key) or []
        if not got or key in untrusted:
            continue
        medians[key] = {
            "seconds": _median([r.seconds for r in got]),
            "import_seconds": _median([r.import_seconds for r in got]),
            "cpu_seconds": _median([r.cpu_seconds for r in got]),
            "peak_rss_mb": _median([r.peak_rss_kib / 1024 if r.peak_rss_kib is not None
                                    else None for r in got]),
        }

    def med(key: str, what: str) -> float | None:
        return medians.get(key, {}).get(what)

    hand_s, polars_s = med("hand", "seconds"), med("polars", "seconds")
    pandas_mb = med("pandas", "peak_rss_mb")

    ram = f"{box['ram_kib'] / 2**20:.1f} GiB RAM" if box["ram_kib"] else "RAM unknown"
    print(f"machine: {box['platform']}; {box['implementation']} {box['python']}; "
          f"{box['cpu']}; {box['cores']} cores ({box['usable_cores']} usable); {ram}")
    if load_start and load_end:
        print(f"load average (1 min): {load_start[0]:.2f} at start, {load_end[0]:.2f} at end")
    print("versions: " + ", ".join(f"{k} {v or 'not installed'}" for k, v in ver.items()))
    size = args.data.stat().st_size / 1e6
    sliced = "the first rows of " if args.rows is not None else ""
    print(f"workload: {sliced}{args.data}, {rows:,} rows"
          + ("" if args.rows is not None else f", {size:.0f} MB")
          + f"; {args.repeat} round-robin rounds, a fresh process per run, medians")
    print(f"workload {args.workload}: " + WORKLOAD_TEXT[args.workload])
    for key, why in skipped.items():
        print(f"  {JOBS[key].name}: not measured, {why}")
    for key, why in failed.items():
        print(f"  {JOBS[key].name}: FAILED ({why})")
    for key, why in untrusted.items():
        print(f"  {JOBS[key].name}: not shown, it DISAGREES with plan_rules' report: {why}")

    header = (f"{'job':<38} {'job s':>7} {'× hand':>7} {'× polars':>8} {'import s':>8} "
              f"{'CPU s':>6} {'peak RSS MB':>11} {'× pandas':>8}")
    print()
    print(header)
    print("-" * len(header))
    for key in keys:
        if key not in medians:
            continue
        spec = JOBS[key]
        sec = None if spec.baseline else med(key, "seconds")
        mb = med(key, "peak_rss_mb")
        print(f"{spec.name:<38} {_fmt(sec, 7, 2)} {_fmt(_ratio(sec, hand_s), 7, 2, '×')} "
              f"{_fmt(_ratio(sec, polars_s), 8, 2, '×')} "
              f"{_fmt(med(key, 'import_seconds'), 8, 2)} "
              f"{_fmt(med(key, 'cpu_seconds'), 6, 1)} {_fmt(mb, 11, 0)} "
              f"{_fmt(_ratio(mb, pandas_mb), 8, 2, '×')}")
    print()
    print(textwrap.fill(LEGEND, width=100))
    print()

    checks = [(f"self-check, first {min(rows, CHECK_ROWS):,} rows", check),
              ("benchmarked file", full)]
    for label, found in checks:
        for key, problems in found.items():
            if problems:
                print(f"{label}: {JOBS[key].name} DISAGREES with the hand loop: "
                      f"{'; '.join(problems)}")
        agree = [JOBS[k].name for k, problems in found.items() if not problems]
        if agree:
            print(f"{label}: {', '.join(agree)} {'agrees' if len(agree) == 1 else 'agree'} "
                  "with the hand loop (met and pooled sums exactly, means within 1e-9)")
    for key, whole in full_report.items():
        if key in untrusted:
            continue
        print(f"report check: {JOBS[key].name} equals plan_rules' report on the first "
              f"{min(rows, CHECK_ROWS):,} rows and on the benchmarked file: every field of "
              f"{whole.get('targets', '?')} targets and {whole.get('unit_results', '?'):,} unit "
              f"results ({', '.join(polars_full.FINDING_FIELDS)}); not compared: "
              f"{', '.join(polars_full.NOT_REPRODUCED)}")
    if check or full or full_report:
        print()
    if verdicts is not None:
        print(f"target verdicts per plan ({JOBS[verdicts['job']].name}):")
        for line in verdict_lines(verdicts["plans"]):
            print(line)
        print()

    pr_s, col_s = med("plan_rules", "seconds"), med("columnar", "seconds")
    pr_mb, col_mb = med("plan_rules", "peak_rss_mb"), med("columnar", "peak_rss_mb")

    def absent_because(*needed: str) -> str:
        gone = [f"{JOBS[k].name}: {skipped.get(k) or failed.get(k) or 'not selected'}"
                for k in needed if k not in medians]
        return "; ".join(gone) or "?"

    goals = [
        goal("goal 1: plan_rules / hand loop", _ratio(pr_s, hand_s), 1.2,
             absent_because("plan_rules", "hand")),
        goal("goal 2: plan_rules columnar / polars (lazy)", _ratio(col_s, polars_s), 1.0,
             absent_because("columnar", "polars")),
        goal("goal 3: plan_rules peak RSS / pandas", _ratio(pr_mb, pandas_mb), 1.0,
             absent_because("plan_rules", "pandas")),
    ]
    if "columnar" in medians:
        goals.append(goal("goal 3: plan_rules columnar peak RSS / pandas",
                          _ratio(col_mb, pandas_mb), 1.0, absent_because("columnar", "pandas")))
    shown = [JOBS[k].name for k in peers.PEERS if k in medians]
    absent = [f"{JOBS[k].name} ({skipped.get(k) or failed.get(k) or 'not selected'})"
              for k in peers.PEERS if k not in medians]
    goals.append("goal 4: all ratios printed above; peers measured: "
                 + (", ".join(shown) or "none")
                 + (f"; not measured: {', '.join(absent)}" if absent else ""))
    full_s = med("polars_full", "seconds")
    if full_s is not None:
        goals.append(
            f"same job, {JOBS['polars_full'].name}: plan_rules / it = "
            + (f"{pr_s / full_s:.2f}×" if pr_s else "not measured")
            + "; plan_rules columnar / it = "
            + (f"{col_s / full_s:.2f}×" if col_s else "not measured"))
    goals += pipeline_goals(med)
    for line in goals:
        print(line)

    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "machine": box, "versions": ver,
            "load_average": {"start": load_start, "end": load_end},
            "workload": {"data": str(args.data), "rows": rows, "sliced": args.rows is not None,
                         "name": args.workload},
            "verdicts_by_plan": None if verdicts is None else verdicts["plans"],
            "repeat": args.repeat,
            "jobs": {k: {"name": JOBS[k].name, "runs": [r.as_dict() for r in runs.get(k, [])],
                         "median": medians.get(k)} for k in keys},
            "skipped": skipped, "failed": failed,
            "self_check": {"rows": min(rows, CHECK_ROWS), "disagreements": check},
            "whole_workload_check": full,
            "report_check": {"slice": slice_report, "whole": full_report,
                             "untrusted": untrusted},
            "goals": goals,
        }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"raw measurements: {args.json}")


if __name__ == "__main__":
    main()
