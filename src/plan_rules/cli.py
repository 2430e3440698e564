"""The ``plan-rules`` command: fill-in templates, validation, evaluation and reports, for people.

Commands: ``evaluate``, ``validate``, ``template``, ``indicators``, ``explain``, ``plugins``.
Every message is given in Vietnamese or English (``--lang``; default from ``PLAN_RULES_LANG`` or
the locale). Output goes to stdout, or atomically to ``--output`` (whose suffix picks the
format when ``--format`` is not given); diagnostics and the progress bar go to stderr.

Exit codes:

* 0 — done, and nothing that ``--fail-on`` names was found (``validate``: no data error);
* 1 — ``--fail-on`` matched: a target not met (or incomplete, invalid, or a check error) for
  ``not_met``, a data issue of severity error for ``issues``; with any ``--fail-on``, a plugin
  problem (a target that did not load is a target the gate cannot pass on); ``validate``
  found a data error;
* 2 — the command could not run: bad arguments, a file that cannot be opened, an unknown
  format or code, a plugin problem in ``--strict`` mode;
* 130 — interrupted (Ctrl-C);
* 143 — terminated (SIGTERM); as with Ctrl-C, a report being written is not left half
  written and its temporary file is removed.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import signal
import stat
import sys
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

import attrs

from . import __version__
from .cells import encodable, printable, spreadsheet_csv
from .engine import evaluate
from .errors import PlanRulesError, Terminated, WriteError
from .formats import Catalogue, catalogue, label, requirement, show_value
from .model import (
    Aggregation,
    DataIssue,
    Entity,
    Indicator,
    Kind,
    Observation,
    Target,
    Text,
    Verdict,
)
from .periods import Period, PeriodParseError
from .progress_view import target_progress_lines
from .readers import parse_date, read_entities, read_observations
from .registry import (
    PLUGIN_FAILURES,
    PLUGIN_STOPS,
    Registry,
    describe,
    instance_code,
    load_registry,
    per_territory,
)
from .report import DEFAULT_MAX_ISSUES, Report
from .terminal import Progress, colour, wants_colour
from .words import missing_words, verdict_words
from .writers import TextSink, Writer, stream_atomically, write_atomically

__all__ = ["EXIT_ERROR", "EXIT_FAIL_ON", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_TERMINATED",
           "build_parser", "main"]

EXIT_OK, EXIT_FAIL_ON, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_TERMINATED = 128 + signal.SIGTERM


def _terminate(signum: int, frame: object) -> None:
    raise Terminated

#: What ``--fail-on not_met`` fails on: a gate never passes on missing units (``incomplete``)
#: or on figures it could not judge.
_FAILING = (Verdict.NOT_MET, Verdict.INCOMPLETE, Verdict.INVALID, Verdict.ERROR)

#: A check that ran this long (nanoseconds) is named on stderr even without ``--timings``.
SLOW_CHECK_NS = 10 * 10**9


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """``PLAN_RULES_LANG`` if it is ``vi`` or ``en``, else Vietnamese for a Vietnamese
    locale, else English."""
    env = os.environ if environ is None else environ
    chosen = env.get("PLAN_RULES_LANG", "").lower()
    if chosen in ("vi", "en"):
        return chosen
    locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    return "vi" if locale.lower().startswith("vi") else "en"


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except (ValueError, OverflowError) as exc:
        raise argparse.ArgumentTypeError(
            f"cannot read {text!r} as a date (use 2025-12-31 or 31/12/2025) — không đọc được "
            f"ngày {text!r}") from exc


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodParseError as exc:
        raise argparse.ArgumentTypeError(f"{exc.message} — {exc.message_vi}") from exc


def _fail_on(text: str) -> list[str]:
    words = [w.strip() for w in text.split(",") if w.strip()]
    for w in words:
        if w not in ("not_met", "issues"):
            raise argparse.ArgumentTypeError(
                f"--fail-on takes not_met and/or issues, not {w!r} — chỉ nhận not_met, issues")
    return words


def _max_issues(text: str) -> int:
    if not text.strip().isdecimal():
        raise argparse.ArgumentTypeError(
            f"--max-issues takes a whole number ≥ 0 (0: no limit), not {text!r} — cần một số "
            "nguyên ≥ 0 (0: không giới hạn)")
    return int(text)


# -- inputs ---------------------------------------------------------------------------------


def _inputs(path: Path, entities: Path | None) -> tuple[Path, Path | None]:
    """A folder stands for its figures file and, if present, its entities file."""
    if path.is_dir():
        figures = next((path / f"figures{s}" for s in (".csv", ".json", ".xlsx")
                        if (path / f"figures{s}").exists()), None)
        if figures is None:
            raise PlanRulesError(
                f"{path} has no figures.csv, figures.json or figures.xlsx — thư mục {path} "
                "không có tệp figures.csv, figures.json hoặc figures.xlsx")
        if entities is None:
            entities = next((path / f"entities{s}" for s in (".csv", ".json", ".xlsx")
                             if (path / f"entities{s}").exists()), None)
        return figures, entities
    if not path.exists():
        raise PlanRulesError(f"{path}: no such file — không có tệp {path}")
    return path, entities


def _not_an_input(output: Path | None, *inputs: Path | None) -> None:
    """Refuse an ``--output`` that is one of the files read (the same file by any name: a
    link, the folder form), before anything is read or written. Only a regular file can be
    destroyed so: ``/dev/stdin`` and ``/dev/stdout`` may well be the same terminal."""
    for path in inputs:
        if output is None or path is None:
            continue
        with contextlib.suppress(OSError):  # an output that does not exist is not an input
            if stat.S_ISREG(os.stat(output).st_mode) and os.path.samefile(output, path):
                raise PlanRulesError(
                    f"--output {output} is an input ({path}): writing it would destroy the "
                    f"data; write elsewhere — {output} là tệp đầu vào ({path}): ghi vào sẽ "
                    "mất số liệu; hãy ghi ra tệp khác")


def _read(args: argparse.Namespace, registry: Registry,
          ) -> tuple[Sequence[Observation], list[DataIssue], tuple[Entity, ...]]:
    figures, entities_path = _inputs(Path(args.file), args.entities)
    _not_an_input(args.output, figures, entities_path)
    bar = Progress(_t(args.lang, f"đọc {figures.name}", f"reading {figures.name}"))
    try:
        read = read_observations(figures, registry=registry, progress=bar,
                                 engine=args.engine)
    except ImportError as exc:
        raise PlanRulesError(str(exc)) from exc
    finally:
        bar.close()
    issues = list(read.issues)
    entities: tuple[Entity, ...] = ()
    if entities_path is not None:
        ent = read_entities(entities_path)
        entities = ent.entities
        issues.extend(ent.issues)
    # As the reader gave them: a figure table stays one, not a list of an object per row.
    return read.observations, issues, entities


def _evaluate(args: argparse.Namespace, registry: Registry) -> tuple[Report, Catalogue]:
    if getattr(args, "workers", 0) and getattr(args, "per_territory", None):
        raise PlanRulesError(
            "--per-territory with --workers is not supported yet: the workers load the "
            "installed plans, not their instances; use one of them — chưa hỗ trợ dùng "
            "--per-territory cùng --workers")
    if getattr(args, "workers", 0):
        report, entities = _evaluate_in_workers(args, registry)
        return report, Catalogue(indicators=registry.indicators, targets=registry.targets,
                                 plans=registry.plans, entities={e.code: e for e in entities},
                                 composites=registry.composites)
    observations, issues, entities = _read(args, registry)
    plans = args.plan
    if getattr(args, "per_territory", None):
        registry, plans = _per_territory(args, registry, entities)
    report = evaluate(observations, registry=registry, plans=plans, as_of=args.as_of,
                      entities=entities, issues=issues, max_issues=args.max_issues)
    return report, Catalogue(indicators=registry.indicators, targets=registry.targets,
                             plans=registry.plans, entities={e.code: e for e in entities},
                             composites=registry.composites)


def _per_territory(args: argparse.Namespace, registry: Registry,
                   entities: Sequence[Entity]) -> tuple[Registry, list[str]]:
    """``evaluate --per-territory LEVEL``: each plan of ``--plan`` instantiated once per
    entity of that level in the entities file (:func:`~plan_rules.registry.per_territory`),
    and the plans to evaluate: the instances, and the templates for their checks."""
    level = args.per_territory
    if not args.plan:
        raise PlanRulesError(
            "--per-territory needs --plan CODE: the plan to apply to each territory — "
            "--per-territory cần --plan MÃ: kế hoạch áp dụng cho từng địa bàn")
    places = sorted({e.code for e in entities if e.level == level})
    if not places:
        raise PlanRulesError(
            f"--per-territory {level}: the entities file has no entity of level {level!r} — "
            f"tệp đơn vị không có đơn vị nào ở cấp {level!r}")
    plans = list(args.plan)
    for plan in args.plan:
        registry = per_territory(registry, plan, places)
        plans += [instance_code(plan, place) for place in places]
    return registry, plans


def _evaluate_in_workers(args: argparse.Namespace,
                         registry: Registry) -> tuple[Report, tuple[Entity, ...]]:
    """``evaluate --workers N``: the file's chunks read, validated and combined in N
    processes (each loading the installed plugins), the merged partials evaluated here."""
    from concurrent.futures import ProcessPoolExecutor

    from .partials import evaluate_in_chunks

    figures, entities_path = _inputs(Path(args.file), args.entities)
    _not_an_input(args.output, figures, entities_path)
    entities: tuple[Entity, ...] = ()
    issues: list[DataIssue] = []
    if entities_path is not None:
        ent = read_entities(entities_path)
        entities, issues = ent.entities, list(ent.issues)
    with ProcessPoolExecutor(args.workers) as pool:
        # The workers load the installed plugins: a registry is not sent between processes.
        evaluated = evaluate_in_chunks(figures, args.workers, as_of=args.as_of or date.today(),
                                       entities=entities, mapper=pool.map, issues=issues,
                                       strict=registry.strict, max_issues=args.max_issues)
    return evaluated.report, entities


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"--workers takes a whole number ≥ 1, not {text!r}")
    return n


# -- output ---------------------------------------------------------------------------------


def _format(args: argparse.Namespace, choices: Sequence[str], default: str) -> str:
    """``--format``, else what ``--output``'s suffix names, else ``default``."""
    if args.format:
        return str(args.format)
    if args.output is not None:
        by_suffix = {"." + c: c for c in choices} | {".md": "markdown", ".txt": "text",
                                                      ".htm": "html"}
        found = by_suffix.get(args.output.suffix.lower())
        if found is not None and found in choices:
            return found
    return default


def _emit(args: argparse.Namespace, content: str | bytes) -> None:
    if args.output is not None:
        write_atomically(args.output, content)
    elif isinstance(content, bytes):
        if sys.stdout.isatty():
            raise PlanRulesError(
                "this format is binary: give --output FILE — định dạng này là nhị phân: hãy "
                "dùng --output TỆP")
        sys.stdout.buffer.write(content)
    else:
        sys.stdout.write(encodable(content))


def _emit_lines(args: argparse.Namespace, lines: Sequence[str]) -> None:
    """Lines for people to read: what plugins named (codes, names, error messages) is shown,
    never obeyed by the terminal."""
    _emit(args, "".join(printable(line) + "\n" for line in lines))


def _render(args: argparse.Namespace, registry: Registry, report: Report,
            cat: Catalogue) -> None:
    name = _format(args, tuple(registry.writers), "text")
    writer = registry.writers.get(name)
    if writer is None:
        raise PlanRulesError(
            f"no writer called {name!r}; available: {', '.join(registry.writers)} — không có "
            f"định dạng {name!r}")
    catalogue.set(cat)
    colour.set(args.output is None and name == "text" and wants_colour(sys.stdout))
    if writer.stream is not None:
        _stream(args, name, writer, report)
    else:
        _render_whole(args, name, writer, report)
    if args.output is not None:
        s = report.summary()
        counts = ", ".join(f"{verdict_words(v).get(args.lang)} {s.total(v)}" for v in Verdict
                           if s.total(v))
        # Checks (score and rank targets among them) are counted beside the targets.
        checks = sum(s.checks.values())
        vi_checks = f"; {checks} kiểm tra" if checks else ""
        en_checks = f"; {checks} {'check' if checks == 1 else 'checks'}" if checks else ""
        print(_t(args.lang, f"đã ghi {args.output} ({counts or 'không có chỉ tiêu'}"
                            f"{vi_checks}; {s.issues} vấn đề số liệu)",
                 f"wrote {args.output} ({counts or 'no targets'}{en_checks}; "
                 f"{s.issues} data issues)"),
              file=sys.stderr)


def _render_whole(args: argparse.Namespace, name: str, writer: Writer, report: Report) -> None:
    """Render the report whole, then write it."""
    try:
        content: object = writer.render(report, args.lang)
    except PLUGIN_STOPS:
        raise
    except PLUGIN_FAILURES as exc:
        # A writer is a plugin: its failure is named, and nothing half-written is left.
        raise WriteError(
            f"writer {name!r} of plugin {writer.plugin!r} failed: {type(exc).__name__}: "
            f"{exc}; nothing was written — định dạng {name!r} (plugin {writer.plugin!r}) gặp "
            "lỗi, không ghi gì") from exc
    if not isinstance(content, str | bytes):
        raise WriteError(
            f"writer {name!r} of plugin {writer.plugin!r} returned {describe(content)}, not "
            f"text or bytes; nothing was written — định dạng {name!r} (plugin "
            f"{writer.plugin!r}) trả về {type(content).__name__}, không phải văn bản hay "
            "bytes; không ghi gì")
    if (args.output is None and name != "text" and isinstance(content, str)
            and sys.stdout.isatty()):
        # CSV and JSON carry the data's text as it is, for programs; a person's terminal
        # is shown it, never obeys it. (The text report escapes the data itself and keeps
        # its own colours.)
        content = printable(content.replace("\r\n", "\n"))
    _emit(args, content)


class _Sink:
    """What a streaming writer writes into: the output, with the text shown as
    :func:`_emit` and :func:`_render_whole` show a whole text (on a terminal, control
    characters as escapes and CRLF as LF, a CR at the end of a piece held back for the
    next), and with a failure of the output itself remembered, so that a closed pipe or a
    full disk is not blamed on the writer."""

    def __init__(self, out: TextSink, terminal: bool) -> None:
        self._out = out
        self._terminal = terminal
        self._held = ""
        self.failure: BaseException | None = None

    def write(self, text: str, /) -> None:
        if self._terminal:
            text = self._held + text
            self._held = "\r" if text.endswith("\r") else ""
            text = printable(text[:len(text) - len(self._held)].replace("\r\n", "\n"))
        else:
            text = encodable(text)
        self._send(text)

    def close(self) -> None:
        """Write what was held back."""
        if self._held:
            self._held = ""
            self._send(printable("\r"))

    def _send(self, text: str) -> None:
        try:
            self._out.write(text)
        except BaseException as exc:
            self.failure = exc
            raise


def _stream(args: argparse.Namespace, name: str, writer: Writer, report: Report) -> None:
    """Write the report a piece at a time, as the writer makes it: atomically to
    ``--output`` (nothing is left of a failed writer's text), else to standard output
    (which has what was written before a failure)."""
    stream = writer.stream
    assert stream is not None

    def produce(out: TextSink, terminal: bool) -> None:
        sink = _Sink(out, terminal)
        try:
            stream(report, args.lang, sink)
            sink.close()
        except PLUGIN_STOPS:
            raise
        except PLUGIN_FAILURES as exc:
            if sink.failure is not None:
                raise  # the output's failure, not the writer's
            where = (("nothing was written", "không ghi gì") if args.output is not None
                     else ("the output stops where it failed", "phần đã ghi ra không đầy đủ"))
            raise WriteError(
                f"writer {name!r} of plugin {writer.plugin!r} failed: {type(exc).__name__}: "
                f"{exc}; {where[0]} — định dạng {name!r} (plugin {writer.plugin!r}) gặp "
                f"lỗi, {where[1]}") from exc

    if args.output is not None:
        stream_atomically(args.output, lambda out: produce(out, terminal=False))
    else:
        # CSV and JSON carry the data's text as it is, for programs; a person's terminal
        # is shown it, never obeys it (as in _render_whole).
        produce(sys.stdout, terminal=name != "text" and sys.stdout.isatty())


def _seconds(nanoseconds: int) -> str:
    return f"{nanoseconds // 10**9}.{nanoseconds // 10**6 % 1000:03d} s"


def _timings(args: argparse.Namespace, report: Report) -> None:
    """Each check's duration on stderr (all with ``--timings``, else only the slow ones).

    Checks run unbounded (no limit can be enforced on code running in this process), so the
    least the command does is say which one took the time.
    """
    for t in sorted(report.run.checks, key=lambda t: -t.nanoseconds):
        if args.timings or t.nanoseconds >= SLOW_CHECK_NS:
            print(_t(args.lang, f"plan-rules: kiểm tra {t.code} (plugin {t.plugin}) chạy "
                                f"{_seconds(t.nanoseconds)}",
                     f"plan-rules: check {t.code} (plugin {t.plugin}) took "
                     f"{_seconds(t.nanoseconds)}"), file=sys.stderr)


# -- commands -------------------------------------------------------------------------------


def cmd_evaluate(args: argparse.Namespace, registry: Registry) -> int:
    """Evaluate figures and write the report."""
    report, cat = _evaluate(args, registry)
    _render(args, registry, report, cat)
    _timings(args, report)
    fail = [w for group in args.fail_on or () for w in group]
    if fail and report.problems:
        # A gate never passes because targets vanished: whatever --fail-on names, a plugin
        # that did not load (or lost a contested code) may have taken targets with it.
        names = ", ".join(sorted({p.plugin for p in report.problems}))
        print(_t(args.lang,
                 f"plan-rules: --fail-on: {len(report.problems)} lỗi nạp plugin ({names}); "
                 "có thể thiếu chỉ tiêu, xem `plan-rules plugins`",
                 f"plan-rules: --fail-on: {len(report.problems)} plugin problems ({names}); "
                 "targets may be missing, see `plan-rules plugins`"), file=sys.stderr)
        return EXIT_FAIL_ON
    if "not_met" in fail and any(f.verdict in _FAILING for f in report.findings):
        return EXIT_FAIL_ON
    if "issues" in fail and any(i.severity == "error" for i in report.issues):
        return EXIT_FAIL_ON
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, registry: Registry) -> int:
    """Read and validate figures; report only the data issues."""
    report, cat = _evaluate(args, registry)
    issues_only = attrs.evolve(report, findings=())
    _render(args, registry, issues_only, cat)
    return EXIT_FAIL_ON if any(i.severity == "error" for i in report.issues) else EXIT_OK


def cmd_plugins(args: argparse.Namespace, registry: Registry) -> int:
    """List the loaded plugins, what each contributed, and load problems."""
    if _format(args, ("text", "json"), "text") == "json":
        data = {"plugins": [{"name": p.name, "module": p.module,
                             "distribution": p.distribution, "version": p.version,
                             "hooks": list(p.hooks),
                             "contributions": {k: list(v) for k, v in
                                               p.contributions.items()}}
                            for p in registry.plugins],
                "problems": [{"plugin": p.plugin, "code": p.code, "kind": p.kind,
                              "message": p.message} for p in registry.problems]}
        _emit(args, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    lines = []
    for p in registry.plugins:
        made = "; ".join(f"{k}: {len(v)}" for k, v in sorted(p.contributions.items()))
        lines.append(f"{p.name:<28} {p.distribution or '-'} {p.version or '-'}  "
                     f"hooks: {', '.join(p.hooks) or '-'}  ({made or 'nothing'})")
    for problem in registry.problems:
        lines.append(f"PROBLEM {problem.plugin}: {problem.message}")
    _emit_lines(args, lines)
    return EXIT_OK


def _threshold(t: Target, ind: Indicator, lang: str) -> str:
    return requirement(t.comparator, t.threshold, ind.kind, lang)


def _catalogue_rows(args: argparse.Namespace, registry: Registry,
                    ) -> list[tuple[Indicator, list[Target]]]:
    out = []
    for ind in registry.indicators.values():
        if args.area and ind.area not in args.area:
            continue
        targets = registry.targets_for(ind.code)
        if args.level:
            targets = [t for t in targets if t.scope.level == args.level]
            if not targets:
                continue
        out.append((ind, targets))
    return out


def cmd_indicators(args: argparse.Namespace, registry: Registry) -> int:
    """The catalogue: indicators and their targets, filterable by area and level."""
    lang = args.lang
    rows = _catalogue_rows(args, registry)
    fmt = _format(args, ("text", "json", "csv", "markdown"), "text")
    if fmt == "json":
        data = [{"code": i.code, "plan": i.plan, "area": i.area, "kind": i.kind.value,
                 "temporal": i.temporal.value, "name": {"vi": i.name.vi, "en": i.name.en},
                 "unit": {"vi": i.unit.vi, "en": i.unit.en}, "plugin": i.plugin,
                 "targets": [{"code": t.code, "comparator": t.comparator.value,
                              "threshold": str(t.threshold), "scope": t.scope.describe(),
                              "aggregation": t.aggregation.value,
                              "deadline": t.deadline.isoformat()} for t in ts]}
                for i, ts in rows]
        _emit(args, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    table = [[i.code, i.area, i.kind.value, t.code, _threshold(t, i, lang), t.aggregation.value,
              t.scope.describe(), i.name.get(lang)] for i, ts in rows for t in ts]
    table += [[i.code, i.area, i.kind.value, "", "", "", "", i.name.get(lang)]
              for i, ts in rows if not ts]
    head = ["indicator", "area", "kind", "target", "threshold", "aggregation", "scope", "name"]
    if fmt == "csv":
        _emit(args, spreadsheet_csv(head, table))
    elif fmt == "markdown":
        from .formats import md

        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(md(c) for c in r) + " |" for r in table]
        _emit_lines(args, lines)
    else:
        lines = []
        key: tuple[str, str] | None = None
        # Two plans may both have an area PS: each is headed by its own plan's name for it.
        several = len({ind.plan for ind, _ in rows}) > 1
        for ind, targets in rows:
            if (ind.plan, ind.area) != key:
                key = (ind.plan, ind.area)
                plan = registry.plans.get(ind.plan)
                found = plan.area(ind.area) if plan else None
                title = f"{ind.plan} · {ind.area}" if several else ind.area
                lines.append(f"{title} — {found.name.get(lang)}" if found else title)
            lines.append(f"  {ind.code:<14} {ind.kind.value:<9} {ind.name.get(lang)}")
            for t in targets:
                lines.append(f"      {t.code:<30} {_threshold(t, ind, lang):<10} "
                             f"{t.aggregation.value:<8} {t.scope.describe()}")
        _emit_lines(args, lines)
    return EXIT_OK


def cmd_template(args: argparse.Namespace, registry: Registry) -> int:
    """Write the fill-in sheet for a level, a group or an entities file."""
    from .template import default_period, template_csv, template_rows, template_xlsx

    entities: list[Entity] = []
    _not_an_input(args.output, args.entities)
    if args.entities is not None:
        read = read_entities(args.entities)
        errors = [i for i in read.issues if i.severity == "error"]
        for issue in read.issues:
            print(printable(issue.describe(args.lang)), file=sys.stderr)
        if errors:
            raise PlanRulesError(_t(args.lang,
                                    f"tệp đơn vị {args.entities} có {len(errors)} lỗi",
                                    f"the entities file {args.entities} has {len(errors)} "
                                    + ("error" if len(errors) == 1 else "errors")))
        # One template row per unit, the latest of its rows (a unit may have several, one
        # after another in time).
        entities = list({e.code: e for e in read.entities}.values())
        if args.entity:
            entities = [e for e in entities if e.code in args.entity]
    elif args.entity:
        if not args.level:
            raise PlanRulesError(_t(args.lang, "--entity cần --level (cấp của đơn vị)",
                                    "--entity needs --level (the units' level)"))
        entities = [Entity(code=c, level=args.level) for c in args.entity]
    period = args.period or default_period(date.today())
    rows = template_rows(registry, period=period, level=args.level, group=args.group,
                         entities=entities, areas=args.area or (),
                         indicators=args.indicator or ())
    if not rows:
        raise PlanRulesError(_t(
            args.lang,
            f"không chỉ tiêu nào đo kỳ {period} cho lựa chọn này (xem `plan-rules indicators`)",
            f"no target measures period {period} for this choice (see `plan-rules "
            "indicators`)"))
    fmt = _format(args, ("csv", "xlsx"), "csv")
    content = template_xlsx(rows, args.lang) if fmt == "xlsx" else template_csv(rows, args.lang)
    _emit(args, content)
    if args.output is not None:
        print(_t(args.lang, f"đã ghi {args.output}: {len(rows)} dòng cần điền, kỳ {period}",
                 f"wrote {args.output}: {len(rows)} rows to fill, period {period}"),
              file=sys.stderr)
    return EXIT_OK


_AGGREGATION_WORDS = {
    Aggregation.EACH: Text(vi="từng đơn vị trong phạm vi phải đạt; báo cáo ghi k/n đơn vị đạt",
                           en="every entity in scope must meet it; the report says k of n"),
    Aggregation.POOLED: Text(vi="tỷ lệ gộp: tổng tử số chia tổng mẫu số của các đơn vị",
                             en="pooled: the sum of numerators over the sum of denominators"),
    Aggregation.MEAN: Text(vi="trung bình cộng (không trọng số) tỷ lệ của các đơn vị",
                           en="the unweighted mean of the entities' rates"),
    Aggregation.REPORTED: Text(
        vi="số liệu báo cáo cho chính đơn vị phạm vi (ví dụ toàn tỉnh); nếu không có thì gộp "
           "từ các đơn vị",
        en="the figure reported for the scope entity itself (e.g. the province); pooled from "
           "the entities when there is none"),
}


def _missing_rule(target: Target, ind: Indicator, lang: str) -> str:
    """A target's rule for missing units, as ``explain`` says it: ``require_all (default) —
    every unit in scope must report``."""
    rule = target.missing_rule(ind.kind)
    default = "" if target.missing is not None else _t(lang, " (mặc định)", " (default)")
    words = missing_words(rule.strategy, rule.min_coverage).get(lang)
    return f"{rule.describe()}{default} — {words[:1].lower()}{words[1:]}"


def _explain_lines(code: str, registry: Registry, lang: str) -> list[tuple[str, str]] | None:
    def clause(ind: Indicator) -> str:
        return f"{ind.clause.bullet}: “{ind.clause.text_vi}”"

    if code in registry.targets:
        t = registry.targets[code]
        ind = registry.indicators[t.indicator]
        window = t.measurement
        valid = _t(lang, "luôn", "always")
        if t.valid_from or t.valid_to:
            start = f"{t.valid_from:%d/%m/%Y}" if t.valid_from else "…"
            end = f"{t.valid_to:%d/%m/%Y}" if t.valid_to else "…"
            # What each side of the validity means: not yet applicable before it; closed
            # after it, judged once on the window ending on its last day.
            sides = []
            if t.valid_from:
                sides.append(_t(lang, f"trước {start}: không áp dụng",
                                f"before {start}: not applicable"))
            if t.valid_to:
                sides.append(_t(lang, f"sau {end}: đã khép lại — đánh giá một lần trên kỳ đo "
                                f"đến {end}, kết quả là cuối cùng, không đánh giá tốc độ",
                                f"after {end}: closed — judged once on its window to {end}, "
                                "final, no pace judged"))
            valid = f"{start} – {end}; " + "; ".join(sides)
        exact = f"{t.comparator.value} {t.threshold}"
        lines = [
            (_t(lang, "Chỉ tiêu", "Target"),
             f"{t.code} — {ind.name.get(lang)}" + (f" — {t.name.get(lang)}" if t.name else "")),
            (_t(lang, "Yêu cầu", "Requires"),
             f"{t.comparator.words.get(lang)} {show_value(t.threshold, ind.kind, lang)} "
             f"({_t(lang, 'chính xác', 'exactly')}: {exact})"
             if ind.kind is not Kind.MILESTONE else show_value(1, ind.kind, lang)),
            (_t(lang, "Phạm vi", "Scope"), t.scope.describe()),
            (_t(lang, "Cách tính", "Aggregation"),
             f"{t.aggregation.value} — {_AGGREGATION_WORDS[t.aggregation].get(lang)}"),
            (_t(lang, "Hạn", "Deadline"), f"{t.deadline:%d/%m/%Y}"),
            (_t(lang, "Kỳ đo", "Measured"), f"{window.start:%d/%m/%Y} – {window.end:%d/%m/%Y}"),
            (_t(lang, "Hiệu lực", "Valid"), valid),
            (_t(lang, "Đơn vị thiếu", "Missing units"), _missing_rule(t, ind, lang)),
        ]
        if t.note:
            lines.append((_t(lang, "Ghi chú", "Note"), t.note.get(lang)))
        return lines + target_progress_lines(t, registry, lang) + _indicator_lines(
            ind, registry, lang, clause(ind)) + [("Plugin", t.plugin or "-")]
    if code in registry.indicators:
        ind = registry.indicators[code]
        lines = [(_t(lang, "Chỉ số", "Indicator"), f"{ind.code} — {ind.name.get(lang)}")]
        lines += _indicator_lines(ind, registry, lang, clause(ind))
        for t in registry.targets_for(code):
            lines.append((_t(lang, "Chỉ tiêu", "Target"),
                          f"{t.code}: {_threshold(t, ind, lang)} {t.aggregation.value} "
                          f"{t.scope.describe()}"))
        return [*lines, ("Plugin", ind.plugin or "-")]
    if code in registry.checks:
        c = registry.checks[code]
        return [(_t(lang, "Kiểm tra", "Check"), f"{c.code} — {c.name.get(lang)}"),
                (_t(lang, "Đọc", "Reads"), ", ".join(c.indicators) or _t(lang, "mọi chỉ số",
                                                                         "every indicator")),
                (_t(lang, "Mô tả", "Description"), c.description or "-"),
                ("Plugin", c.plugin or "-")]
    if code in registry.plans:
        p = registry.plans[code]
        return [(_t(lang, "Kế hoạch", "Plan"), f"{p.number} — {p.title.get(lang)}"),
                (_t(lang, "Cơ quan", "Issuer"), p.issuer.get(lang)),
                (_t(lang, "Ngày ban hành", "Issued"), f"{p.issued:%d/%m/%Y}"),
                (_t(lang, "Hạn", "Deadline"), f"{p.deadline:%d/%m/%Y}"),
                *[(_t(lang, "Lĩnh vực", "Area"), f"{a.code} — {a.name.get(lang)}")
                  for a in p.areas]]
    return _composite_lines(code, registry, lang)


def _composite_lines(code: str, registry: Registry, lang: str) -> list[tuple[str, str]] | None:
    """A derived indicator, an index or a target on one, its formula in words."""
    from .composite import explain

    def name(ref: str) -> str:
        found = registry.indicators.get(ref) or registry.composites.get(ref)
        named = getattr(found, "name", None)
        return f"{ref} ({named.get(lang)})" if named is not None else ref

    return explain(code, registry.composites, name, lang)


def _indicator_lines(ind: Indicator, registry: Registry, lang: str,
                     clause: str) -> list[tuple[str, str]]:
    plan = registry.plans.get(ind.plan)
    area = plan.area(ind.area) if plan else None
    lines = [
        (_t(lang, "Kế hoạch", "Plan"),
         f"{plan.number if plan else ind.plan}, {_t(lang, 'lĩnh vực', 'area')} {ind.area}"
         + (f" — {area.name.get(lang)}" if area else "")),
        (_t(lang, "Điều khoản", "Clause"), clause),
        (_t(lang, "Loại", "Kind"), f"{ind.kind.value}, {ind.temporal.value}"),
        (_t(lang, "Mô tả", "Measures"), ind.description.get(lang)),
        (_t(lang, "Đơn vị tính", "Unit"), ind.unit.get(lang)),
    ]
    if ind.numerator is not None:
        lines.append((_t(lang, "Tử số", "Numerator"), ind.numerator.get(lang)))
    if ind.denominator is not None:
        lines.append((_t(lang, "Mẫu số", "Denominator"), ind.denominator.get(lang)))
    if ind.excludes is not None:
        lines.append((_t(lang, "Không tính", "Excludes"), ind.excludes.get(lang)))
    return lines


def cmd_explain(args: argparse.Namespace, registry: Registry) -> int:
    """Explain a target, an indicator, a check or a plan by its code."""
    code = args.code.strip()
    known = {**registry.targets, **registry.indicators, **registry.checks, **registry.plans,
             **registry.composites}
    match = next((k for k in known if k.casefold() == code.casefold()), code)
    lines = _explain_lines(match, registry, args.lang)
    if lines is None:
        close = difflib.get_close_matches(code, list(known), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        hint_vi = f"; có phải {', '.join(close)}?" if close else ""
        raise PlanRulesError(
            f"no target, indicator, check, index or plan has code {code!r}{hint} — không có "
            f"chỉ tiêu, chỉ số, kiểm tra, chỉ số tổng hợp hay kế hoạch nào mã {code!r}"
            f"{hint_vi}")
    if _format(args, ("text", "json"), "text") == "json":
        _emit(args, json.dumps({"code": match, "lines": [list(x) for x in lines]},
                               ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    wide = max(len(k) for k, _ in lines)
    _emit_lines(args, [f"{k:<{wide}}  {v}" for k, v in lines])
    return EXIT_OK


# -- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``plan-rules``."""
    parser = argparse.ArgumentParser(
        prog="plan-rules",
        description="Evaluate a plan's targets against reported figures, exactly. "
                    "Đánh giá thực hiện chỉ tiêu kế hoạch từ số liệu báo cáo.",
        epilog="Exit codes: 0 done; 1 --fail-on matched (validate: data errors found); "
               "2 could not run; 130 interrupted.")
    parser.add_argument("--version", action="version", version=f"plan_rules {__version__}")
    parser.add_argument("--strict", action="store_true",
                        help="a broken plugin or a raising check stops the run")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("vi", "en"), default=None,
                        help="language of the output (default: PLAN_RULES_LANG or the locale)")
    common.add_argument("--output", "-o", type=Path,
                        help="write here, atomically (its suffix picks the format)")
    common.add_argument("--format", "-f", default=None, help="output format (see each command)")

    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument("file", help="figures .csv/.json/.xlsx, or a folder holding figures.* "
                                     "(and entities.*)")
    inputs.add_argument("--entities", type=Path,
                        help="the entities file (code, name, level, groups, parent, validity)")
    inputs.add_argument("--plan", action="append", metavar="CODE",
                        help="only this plan's targets and checks (repeatable; default: every "
                             "plan loaded), e.g. --plan HY25")
    inputs.add_argument("--as-of", type=_date, default=None,
                        help="evaluation date (default: today); later periods are not used")
    inputs.add_argument("--engine", choices=("python", "pyarrow"), default="python",
                        help="how CSV is parsed and the figures validated: python (default) "
                             "or pyarrow (the columnar extra; the same result, sooner for "
                             "large files)")
    inputs.add_argument("--max-issues", type=_max_issues, default=DEFAULT_MAX_ISSUES, metavar="N",
                        help=f"list at most N data issues of each code in full (default "
                             f"{DEFAULT_MAX_ISSUES}; 0: all); the rest are counted and named "
                             "by row ranges")

    ev = sub.add_parser("evaluate", parents=[common, inputs],
                        help="evaluate figures and write the report",
                        description="Evaluate every target against the figures. Formats: "
                                    "text, html, markdown, csv, json, and any plugin's writer.")
    ev.add_argument("--fail-on", action="append", type=_fail_on, metavar="not_met,issues",
                    help="exit 1 when a target is not met (or incomplete, or invalid) / a data "
                         "error is found; either also exits 1 when a plugin problem may have "
                         "removed targets")
    ev.add_argument("--per-territory", metavar="LEVEL",
                    help="apply each --plan to every entity of this level in the entities "
                         "file, one plan per territory (e.g. --per-territory province: each "
                         "province judged on its own units, its codes HY25.p07.…)")
    ev.add_argument("--workers", type=_workers, default=0, metavar="N",
                    help="read, validate and combine a CSV file in N processes, then evaluate "
                         "once (the same findings; a finding cites the combined figures: see "
                         "docs/scaling.md)")
    ev.add_argument("--timings", action="store_true",
                    help="print each check's duration to stderr (a check taking 10 s or more "
                         "is always named)")
    ev.set_defaults(run=cmd_evaluate)

    va = sub.add_parser("validate", parents=[common, inputs],
                        help="check figures and list data issues only (exit 1 on errors)")
    va.set_defaults(run=cmd_validate)

    tp = sub.add_parser("template", parents=[common],
                        help="write the fill-in sheet (.csv or .xlsx)",
                        description="One row per indicator and entity that a target measures "
                                    "in the period. Formats: csv, xlsx.")
    tp.add_argument("--level", help="the entities' level: province, department, commune, …")
    tp.add_argument("--group", help="only entities in this group (e.g. departments)")
    tp.add_argument("--entities", type=Path, help="an entities file: one row per entity")
    tp.add_argument("--entity", action="append", help="this entity only (repeatable)")
    tp.add_argument("--period", type=_period,
                    help="the reporting period, e.g. Q4/2025 (default: this quarter)")
    tp.add_argument("--area", action="append", help="only this area (repeatable)")
    tp.add_argument("--indicator", action="append", help="only this indicator (repeatable)")
    tp.set_defaults(run=cmd_template)

    ind = sub.add_parser("indicators", parents=[common],
                         help="the indicator catalogue (text, json, csv, markdown)")
    ind.add_argument("--area", action="append", help="only this area code (e.g. PS)")
    ind.add_argument("--level", help="only targets at this level (e.g. commune)")
    ind.set_defaults(run=cmd_indicators)

    ex = sub.add_parser("explain", parents=[common],
                        help="a target's wording, threshold, aggregation and validity")
    ex.add_argument("code", help="a target, indicator, check or plan code")
    ex.set_defaults(run=cmd_explain)

    pl = sub.add_parser("plugins", parents=[common], help="list loaded plugins (text, json)")
    pl.set_defaults(run=cmd_plugins)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.lang = args.lang or default_lang()
    run: Callable[[argparse.Namespace, Registry], int] = args.run
    # Only the main thread may set a handler; a caller running main() elsewhere keeps its own.
    handling = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if handling else None
    try:
        registry = load_registry(strict=True if args.strict else None)
        return run(args, registry)
    except Terminated:
        print("", file=sys.stderr)
        return EXIT_TERMINATED
    except PlanRulesError as exc:
        # A message may quote the data: it must not drive the terminal either.
        print(f"plan-rules: {label('error', args.lang)}: {printable(str(exc))}",
              file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of a pipe went away (`| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        print(f"plan-rules: {label('error', args.lang)}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as exc:
        # A fault of plan_rules itself, a MemoryError, or a BaseException of a plugin's that
        # no handler took: never exit 1, which a CI gate reads as "--fail-on matched", and
        # never a traceback unless asked for.
        if os.environ.get("PLAN_RULES_TRACEBACK"):
            traceback.print_exc()
        what = printable(f"{type(exc).__name__}: {exc}")
        print(f"plan-rules: {label('error', args.lang)}: "
              + _t(args.lang, f"lỗi nội bộ của plan-rules ({what}); đặt PLAN_RULES_TRACEBACK=1 "
                              "để xem chi tiết và báo lỗi",
                   f"an internal error of plan-rules ({what}); set PLAN_RULES_TRACEBACK=1 for "
                   "the details, and please report it"), file=sys.stderr)
        return EXIT_ERROR
    finally:
        if handling:  # None: a handler set outside Python, which means the default
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
