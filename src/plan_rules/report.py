"""The report: findings, data issues, a summary, and a versioned JSON form.

A report is what :func:`plan_rules.evaluate` returns. It keeps a reference to the observations
it was computed from, so that provenance (file and row of every figure behind a finding) can be
given without copying them. ``to_json`` writes the schema documented in
``docs/report-schema.json``; ``Report.from_json`` reads it back. ``write_json`` writes the
same text into a file a piece at a time, for a report too large to hold as one string.

A report lists at most a limit of data issues of each code and severity in full (default
:data:`DEFAULT_MAX_ISSUES`); the rest are counted and named by their rows as ranges in an
:class:`~plan_rules.model.IssueSummary`, so a million duplicate rows make a report of a few
kilobytes that still names every row. :class:`IssueLedger` is where the engine keeps them as
they are found, without building an object per issue past the limit.
"""

from __future__ import annotations

import bisect
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import attrs

from ._bulk import collector_paused
from .account import referenced
from .figures import FigureTable
from .model import (
    Aggregation,
    Comparator,
    Coverage,
    DataIssue,
    EntityResult,
    Finding,
    IssueSummary,
    MissingUnit,
    MissingUnits,
    Observation,
    Point,
    Progress,
    ProgressAssessment,
    Spans,
    Statistics,
    Text,
    Verdict,
)
from .periods import Period
from .registry import LoadProblem, PluginInfo
from .writers import TextSink, stream_atomically

__all__ = ["DEFAULT_MAX_ISSUES", "LATEST_SCHEMA_VERSION", "SCHEMA_VERSION", "CheckTiming",
           "Conservation", "IssueLedger", "Report", "RunInfo", "Summary"]

#: The newest version of the JSON form, bumped on any change to it: major when a reader of
#: the old form would break. 1.2 added ``issue_summaries``; 2.0 keys ``areas`` and
#: ``summary.targets`` by plan, and writes a finding's exact numbers and dates in
#: ``details`` as tagged values (docs/report-schema.json says how to migrate); 2.1 adds a
#: target finding's ``coverage`` and the verdict ``incomplete``.
LATEST_SCHEMA_VERSION = "2.1"

#: The version a report declares unless it needs a newer one. A report declares the oldest
#: version that describes it, as a zip file states the version needed to extract it; every
#: report of this library needs 2.1 (its target findings say their coverage).
SCHEMA_VERSION = "2.1"

#: The major versions :meth:`Report.from_dict` reads: 1.x reports are migrated as they are read.
_READABLE = ("1", "2")

#: A finding's details hold exact numbers and dates as one-key objects, so that they come back
#: as what they were and not as texts: ``{"$fraction": "7/8"}``, ``{"$date": "2025-06-30"}``.
_TAGS = ("$fraction", "$date", "$datetime")

#: How many data issues of one code and severity a report lists in full, unless told.
DEFAULT_MAX_ISSUES = 100


class _Spans:
    """Whole numbers as they come, kept as ranges: a run of consecutive numbers (the rows of
    a million duplicates) costs two integers, not one each."""

    __slots__ = ("_high", "_low")

    def __init__(self) -> None:
        self._low: list[int] = []
        self._high: list[int] = []

    def add(self, n: int) -> None:
        if self._low and self._low[-1] <= n <= self._high[-1] + 1:
            if n > self._high[-1]:
                self._high[-1] = n
            return
        self._low.append(n)
        self._high.append(n)

    def spans(self) -> Spans:
        """The numbers added, as ranges in order and apart."""
        out: list[list[int]] = []
        for a, b in sorted(zip(self._low, self._high, strict=True)):
            if out and a <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        return tuple((a, b) for a, b in out)


class IssueLedger:
    """Data issues as found: of each code and severity the first ``max_issues`` by file and
    row in full, the others as a count and the ranges of the rows and observations they name.

    The limit is on what is kept, not on what is checked: every issue is counted and every
    row it names stays named. Which issues are listed follows their file and row, not the
    order they were found in, so the same rows in another order list the same issues.
    ``max_issues`` of ``None`` or 0 keeps every issue in full. Ask :meth:`wants` before
    building an issue, and :meth:`note` its place instead when the answer is no, so that
    issues past the limit are never built at all (rows read in order are never wanted past
    the limit).
    """

    def __init__(self, max_issues: int | None = DEFAULT_MAX_ISSUES) -> None:
        if max_issues is not None and (isinstance(max_issues, bool)
                                       or not isinstance(max_issues, int) or max_issues < 0):
            raise ValueError(f"max_issues must be a whole number ≥ 0 or None, "
                             f"got {max_issues!r}")
        self.limit = max_issues or None
        self.listed: list[DataIssue] = []
        #: The issues listed by code and severity, each with its place and when it came, in
        #: order of place: the last one is the first to give its place up.
        self._listed: dict[tuple[str, str], list[tuple[_Place, int, DataIssue]]] = {}
        self._found = 0
        self._counts: dict[tuple[str, str], int] = {}
        self._rows: dict[tuple[str, str], dict[str | None, _Spans]] = {}
        self._observations: dict[tuple[str, str], _Spans] = {}

    def wants(self, code: str, severity: str, *, file: str | None = None,
              row: int | None = None, observation: int | None = None) -> bool:
        """Whether the next issue of ``code`` and ``severity``, at that place, would be listed
        in full: under the limit, or before the last one listed by file and row."""
        if self.limit is None:
            return True
        listed = self._listed.get((code, severity), [])
        return len(listed) < self.limit or _place(file, row, observation) < listed[-1][0]

    def add(self, issue: DataIssue) -> None:
        """Keep ``issue``: in full while under the limit, else by its place."""
        key = (issue.code, issue.severity)
        if not self.wants(issue.code, issue.severity, file=issue.file, row=issue.row,
                          observation=issue.observation):
            self.note(issue.code, issue.severity, file=issue.file, row=issue.row,
                      observation=issue.observation)
            return
        self._counts[key] = self._counts.get(key, 0) + 1
        self.listed.append(issue)
        if self.limit is None:
            return
        listed = self._listed.setdefault(key, [])
        self._found += 1
        # Two issues at one place keep the order found: the issue itself is never compared.
        bisect.insort(listed, (_place(issue.file, issue.row, issue.observation), self._found,
                               issue), key=lambda entry: entry[:2])
        if len(listed) > self.limit:
            # The last one by file and row gives its place up: it is counted, not listed.
            *_, last = listed.pop()
            self.listed.remove(last)
            self._count_place(key, last.file, last.row, last.observation)

    def extend(self, issues: Iterable[DataIssue]) -> None:
        """:meth:`add` each of ``issues``, in order."""
        for issue in issues:
            self.add(issue)

    def note(self, code: str, severity: str, *, file: str | None, row: int | None,
             observation: int | None) -> None:
        """Count an issue without listing it: remember only the row and observation it names
        (meant for issues past the limit, when :meth:`wants` said no)."""
        key = (code, severity)
        self._counts[key] = self._counts.get(key, 0) + 1
        self._count_place(key, file, row, observation)

    def _count_place(self, key: tuple[str, str], file: str | None, row: int | None,
                     observation: int | None) -> None:
        if row is not None:
            self._rows.setdefault(key, {}).setdefault(file, _Spans()).add(row)
        if observation is not None:
            self._observations.setdefault(key, _Spans()).add(observation)

    def in_row_order(self) -> list[DataIssue]:
        """The listed issues by file and row, as people read them: the issues of a whole
        file before those of its rows; those of one row, or of figures given in code (no
        file), in the order found."""
        return sorted(self.listed, key=lambda i: _place(i.file, i.row, None))

    def summaries(self) -> tuple[IssueSummary, ...]:
        """A summary per code and severity past the limit, by code and severity."""
        empty = _Spans()
        return tuple(
            IssueSummary(code=code, severity=severity, count=count,
                         listed=len(self._listed.get((code, severity), ())),
                         rows=tuple((f, spans.spans()) for f, spans
                                    in self._rows.get((code, severity), {}).items()),
                         observations=self._observations.get((code, severity), empty).spans())
            for (code, severity), count in sorted(self._counts.items())
            if self.limit is not None and count > len(self._listed.get((code, severity), ())))


#: Where an issue is, to order issues by: a whole file's before its rows', then the position
#: of the figure it names (for figures given in code, which name no row).
_Place = tuple[bool, str, bool, int, int]


def _place(file: str | None, row: int | None, observation: int | None) -> _Place:
    return (file is not None, file or "", row is not None, row or 0,
            -1 if observation is None else observation)


@attrs.frozen(kw_only=True)
class Conservation:
    """Every observation given is used by a finding or named by a data issue."""

    given: int
    used: int
    reported: int
    lost: tuple[int, ...]

    @property
    def holds(self) -> bool:
        """True when no observation is lost."""
        return not self.lost


@attrs.frozen(kw_only=True)
class Summary:
    """Counts of findings by plan, area and verdict, for targets; by verdict, for checks.

    ``targets[plan][area][verdict]``: two plans may both have an area ``PS``, and each keeps
    its own counts (``-`` stands for a finding that names no plan or no area).
    """

    targets: Mapping[str, Mapping[str, Mapping[str, int]]]
    checks: Mapping[str, int]
    issues: int
    problems: int

    def total(self, verdict: Verdict) -> int:
        """How many targets have this verdict, over all plans and areas."""
        return sum(by.get(verdict.value, 0) for areas in self.targets.values()
                   for by in areas.values())


@attrs.frozen(kw_only=True)
class CheckTiming:
    """How long one check ran, in nanoseconds of the monotonic clock (an exact int)."""

    code: str
    plugin: str | None
    nanoseconds: int


@attrs.frozen(kw_only=True)
class RunInfo:
    """What a run measured about itself rather than about the figures: each check's duration.

    It differs between two runs of the same data, so a report's equality ignores it (and the
    JSON form keeps it under ``run``, documented as outside equality).
    """

    checks: tuple[CheckTiming, ...] = ()


@attrs.frozen(kw_only=True)
class Report:
    """The outcome of one evaluation.

    Two reports are equal when they say the same about the same figures; ``run`` (timings)
    and the observations themselves are not compared.
    """

    findings: tuple[Finding, ...]
    issues: tuple[DataIssue, ...]
    as_of: date
    library_version: str
    plugins: tuple[PluginInfo, ...] = ()
    problems: tuple[LoadProblem, ...] = ()
    #: The names of the areas, by plan code then area code: ``areas["HY25"]["PS"]``. A report
    #: of schema 1.x, which named areas without their plan, is read with each area under the
    #: one plan its findings give it, or under ``""`` where that is not one plan.
    areas: Mapping[str, Mapping[str, Text]] = attrs.field(factory=dict)
    observations: Sequence[Observation] = attrs.field(default=(), eq=False, repr=False)
    sources: tuple[tuple[str | None, int | None], ...] | None = attrs.field(
        default=None, eq=False, repr=False
    )
    n_observations: int = 0
    #: Issues beyond those listed in full, by code and severity (see :class:`IssueLedger`).
    issue_summaries: tuple[IssueSummary, ...] = ()
    schema_version: str = attrs.field(default=attrs.Factory(
        lambda self: LATEST_SCHEMA_VERSION if self.issue_summaries else SCHEMA_VERSION,
        takes_self=True))
    run: RunInfo = attrs.field(factory=RunInfo, eq=False, repr=False)

    def issue_count(self, severity: str | None = None) -> int:
        """How many data issues there are (of ``severity``), listed in full or summarised."""
        listed = sum(1 for i in self.issues if severity is None or i.severity == severity)
        return listed + sum(s.omitted for s in self.issue_summaries
                            if severity is None or s.severity == severity)

    def names_row(self, file: str | None, row: int) -> bool:
        """Whether a data issue, listed or summarised, names ``row`` of ``file``."""
        return any(i.row == row and i.file == file for i in self.issues) or any(
            s.names_row(file, row) for s in self.issue_summaries)

    def source(self, index: int) -> tuple[str | None, int | None]:
        """File and row of the observation at ``index`` in the input (read from the
        columns when the observations are a :class:`~plan_rules.figures.FigureTable`)."""
        if self.sources is not None:
            return self.sources[index]
        if isinstance(self.observations, FigureTable):
            return self.observations.source_of(index)
        obs = self.observations[index]
        return obs.file, obs.row

    def _source_lists(self) -> list[list[str | int | None]]:
        return [s for piece in self._source_pieces(_SOURCES_PER_PIECE) for s in piece]

    def _source_pieces(self, size: int) -> Iterator[list[list[str | int | None]]]:
        """``[file, row]`` of the first ``n_observations`` observations, ``size`` at a time;
        from a figure table's file and row columns, without an observation object."""
        n = self.n_observations
        table = self.observations
        if self.sources is not None:
            for start in range(0, n, size):
                yield [list(self.sources[i]) for i in range(start, min(start + size, n))]
        elif isinstance(table, FigureTable):
            files = table.files.values
            n = min(n, len(table))  # as a slice of the observations would stop
            for start in range(0, n, size):
                stop = min(start + size, n)
                yield [[files[f], r]
                       for f, r in zip(table.file[start:stop], table.rows(start, stop),
                                       strict=True)]
        else:
            for start in range(0, n, size):
                yield [[o.file, o.row] for o in self.observations[start:min(start + size, n)]]

    def target_findings(self) -> list[Finding]:
        """The findings about targets, in code order."""
        return [f for f in self.findings if f.kind == "target"]

    def check_findings(self) -> list[Finding]:
        """The findings of checks, in code order."""
        return [f for f in self.findings if f.kind == "check"]

    def finding(self, code: str) -> Finding:
        """The finding with this code (KeyError if there is none)."""
        for f in self.findings:
            if f.code == code:
                return f
        raise KeyError(code)

    def summary(self) -> Summary:
        """Counts by plan, area and verdict."""
        targets: dict[str, dict[str, Counter[str]]] = {}
        for f in self.target_findings():
            areas = targets.setdefault(f.plan or "-", {})
            areas.setdefault(f.area or "-", Counter())[f.verdict.value] += 1
        checks = Counter(f.verdict.value for f in self.check_findings())
        return Summary(
            targets={p: {a: dict(c) for a, c in sorted(areas.items())}
                     for p, areas in sorted(targets.items())},
            checks=dict(checks),
            issues=self.issue_count(),
            problems=len(self.problems),
        )

    def conservation(self) -> Conservation:
        """How the observations given were accounted for."""
        used: set[int] = set()
        for f in self.findings:
            used.update(referenced(f))
        reported = {i.observation for i in self.issues if i.observation is not None}
        lost = tuple(i for i in range(self.n_observations) if i not in used and i not in reported)
        spans = sorted(span for s in self.issue_summaries for span in s.observations)
        if not spans:
            return Conservation(
                given=self.n_observations, used=len(used), reported=len(reported - used),
                lost=lost)
        # Observations named only inside a summary's ranges are reported all the same.
        summarised = {i for a, b in spans for i in range(a, b + 1)} - used - reported
        return Conservation(
            given=self.n_observations, used=len(used),
            reported=len(reported - used) + len(summarised),
            lost=tuple(i for i in lost if i not in summarised))

    # -- JSON ------------------------------------------------------------------------------

    def to_dict(self, *, run: bool = False) -> dict[str, Any]:
        """The report as JSON-ready data (exact numbers as ``"n/d"`` strings).

        :param run: add the run metadata (each check's duration) under ``run``. It is left
            out by default because it differs between two runs of the same data, and reports
            are compared as dicts and as JSON text.
        """
        with collector_paused():  # a dict per entity result, none of them in a cycle
            out = self._to_dict()
        if run:
            # Not part of equality: timings differ between two runs of the same data.
            out["run"] = {"checks": [attrs.asdict(t) for t in self.run.checks]}
        return out

    def _to_dict(self, *, streamed: bool = False) -> dict[str, Any]:
        """The JSON form; ``streamed``: its long lists (findings, unit results, issues,
        sources) as :class:`_Pieces` and :class:`_Items` made as they are written."""
        return {
            "schema": "plan_rules.report",
            "schema_version": self.schema_version,
            "library_version": self.library_version,
            "as_of": self.as_of.isoformat(),
            "n_observations": self.n_observations,
            "plugins": [_plugin_dict(p) for p in self.plugins],
            "problems": [attrs.asdict(p) for p in self.problems],
            "areas": {plan: {code: _text(t) for code, t in areas.items()}
                      for plan, areas in self.areas.items()},
            "summary": attrs.asdict(self.summary()),
            "findings": (_Items(_finding_dict(f, streamed=True) for f in self.findings)
                         if streamed else [_finding_dict(f) for f in self.findings]),
            "issues": (_Pieces(list(map(_issue_dict, piece))
                               for piece in _slices(self.issues, _ISSUES_PER_PIECE))
                       if streamed else [_issue_dict(i) for i in self.issues]),
            # Only when there are some: a report under the limit reads as it always did.
            **({"issue_summaries": [_summary_dict(s) for s in self.issue_summaries]}
               if self.issue_summaries else {}),
            "sources": (_Pieces(self._source_pieces(_SOURCES_PER_PIECE)) if streamed
                        else self._source_lists()),
        }

    def to_json(self, *, indent: int | None = 2, run: bool = False) -> str:
        """The report as JSON text, in the versioned schema of ``docs/report-schema.json``
        (``run``: with the run metadata, as in :meth:`to_dict`). :meth:`write_json` writes
        the same text without holding it."""
        return json.dumps(self.to_dict(run=run), ensure_ascii=False, indent=indent)

    def write_json(self, target: str | os.PathLike[str] | TextSink, *,
                   indent: int | None = 2, run: bool = False) -> None:
        """Write :meth:`to_json`'s text, character for character, a piece at a time.

        The text is never held whole, nor the dict it is made from: the findings are made
        one at a time, and their unit results, the issues and the sources a few thousand at
        a time. On the national report (118 MB of text) that is 5 MB at most beside the
        report, where ``to_json`` takes 560 MB (traced by ``tracemalloc``).

        :param target: a path, written as :func:`~plan_rules.write_atomically` writes (a
            temporary file renamed into place; a read-only file refused; lone surrogates
            written as ``\\udXXX``, as UTF-8 cannot encode them); or anything with a
            ``write(str)`` method, such as an open text file, given the text as it is.
        :param indent: as for :meth:`to_json`.
        :param run: as for :meth:`to_json`.
        """
        if isinstance(target, str | os.PathLike):
            stream_atomically(target, lambda sink: self.write_json(sink, indent=indent,
                                                                   run=run))
            return
        out = self._to_dict(streamed=True)
        if run:
            out["run"] = {"checks": [attrs.asdict(t) for t in self.run.checks]}
        # The pieces are a list per source and a dict per unit result, dropped as soon as
        # written, none in a cycle; but allocating them sets off the cyclic collector's
        # full passes over everything the evaluation holds. On the national report (fresh
        # processes, medians of 3): 1.8 s paused, 4.4 s with the collector running; to_dict
        # pauses it for the same reason.
        with collector_paused():
            _JsonStream(target.write, indent).value(out, 0)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Rebuild a report from :meth:`to_dict` output (the observations become sources).

        A report of schema 1.x is read too, and migrated (``docs/report-schema.json``): its
        areas go under the plan their findings give them, its details stay as written.
        """
        major = str(data.get("schema_version", "")).split(".")[0]
        if major not in _READABLE:
            raise ValueError(
                f"report schema version {data.get('schema_version')!r} is not readable by "
                f"this library (schema {LATEST_SCHEMA_VERSION})"
            )
        findings = tuple(_finding_from(f, tagged=major != "1") for f in data["findings"])
        return cls(
            findings=findings,
            issues=tuple(_issue_from(i) for i in data["issues"]),
            as_of=date.fromisoformat(data["as_of"]),
            library_version=data["library_version"],
            plugins=tuple(
                PluginInfo(**{**p, "hooks": tuple(p["hooks"]),
                              "contributions": {k: tuple(v) for k, v in
                                                p["contributions"].items()}})
                for p in data["plugins"]
            ),
            problems=tuple(LoadProblem(**p) for p in data["problems"]),
            areas=(_areas_of_1(data["areas"], findings) if major == "1" else
                   {plan: {k: Text(**v) for k, v in areas.items()}
                    for plan, areas in data["areas"].items()}),
            sources=tuple((s[0], s[1]) for s in data["sources"]),
            n_observations=data["n_observations"],
            # A 1.x or 2.0 report read is migrated: written again, it is what this library
            # writes (its findings with a coverage of null).
            schema_version=_migrated(str(data["schema_version"])),
            # Since schema 1.2; a report of an earlier version lists every issue in full.
            issue_summaries=tuple(_summary_from(s) for s in data.get("issue_summaries", ())),
            # Optional: a report written before timings were kept has no "run".
            run=RunInfo(checks=tuple(CheckTiming(**t) for t in
                                     (data.get("run") or {}).get("checks", ()))),
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Rebuild a report from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))


def _migrated(version: str) -> str:
    """The version a report read declares once read: its own, unless older than this
    library's :data:`SCHEMA_VERSION`."""
    def key(v: str) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in v.split("."))

    return version if key(version) > key(SCHEMA_VERSION) else SCHEMA_VERSION


def _frac(x: Fraction | None) -> str | None:
    if x is None:
        return None
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _unfrac(x: str | None) -> Fraction | None:
    return None if x is None else Fraction(x)


def _text(t: Text | None) -> dict[str, str] | None:
    return None if t is None else {"vi": t.vi, "en": t.en}


def _plugin_dict(p: PluginInfo) -> dict[str, Any]:
    return {
        "name": p.name, "module": p.module, "distribution": p.distribution,
        "version": p.version, "hooks": list(p.hooks),
        "contributions": {k: list(v) for k, v in p.contributions.items()},
    }


_STAT_FRACTIONS = ("pooled", "mean", "reported", "minimum", "maximum")


def _stats_dict(s: Statistics | None) -> dict[str, Any] | None:
    if s is None:
        return None
    out: dict[str, Any] = attrs.asdict(s)
    for k in _STAT_FRACTIONS:
        out[k] = _frac(out[k])
    return out


def _stats_from(d: Mapping[str, Any] | None) -> Statistics | None:
    if d is None:
        return None
    values: dict[str, Any] = {k: (_unfrac(v) if k in _STAT_FRACTIONS else v)
                              for k, v in d.items()}
    return Statistics(**values)


def _entity_dict(e: EntityResult) -> dict[str, Any]:
    return {
        "entity": e.entity, "level": e.level, "verdict": e.verdict.value,
        "observed": _frac(e.observed), "numerator": e.numerator, "denominator": e.denominator,
        "gap": _frac(e.gap), "gap_units": e.gap_units, "periods": list(e.periods),
        "observations": list(e.observations),
    }


def _entity_from(d: Mapping[str, Any]) -> EntityResult:
    return EntityResult(
        entity=d["entity"], level=d["level"], verdict=Verdict(d["verdict"]),
        observed=_unfrac(d["observed"]), numerator=d["numerator"], denominator=d["denominator"],
        gap=_unfrac(d["gap"]), gap_units=d["gap_units"], periods=tuple(d["periods"]),
        observations=tuple(d["observations"]),
    )


def _areas_of_1(areas: Mapping[str, Mapping[str, str]],
                findings: Sequence[Finding]) -> dict[str, dict[str, Text]]:
    """The areas of a schema 1.x report, which named them by area code alone, under the plan
    its findings give each; under ``""`` where they give none or several (one name was kept
    for two plans' areas of one code, and whose it is cannot be told)."""
    plans: dict[str, set[str]] = {}
    for f in findings:
        if f.area is not None and f.plan is not None:
            plans.setdefault(f.area, set()).add(f.plan)
    out: dict[str, dict[str, Text]] = {}
    for code, name in areas.items():
        of = plans.get(code, set())
        out.setdefault(next(iter(of)) if len(of) == 1 else "", {})[code] = Text(**name)
    return out


def _json_safe(value: Any) -> Any:
    """``value`` as JSON holds it: exact numbers and dates tagged (:data:`_TAGS`), mappings
    with text keys, sequences as lists."""
    if isinstance(value, Fraction):
        return {"$fraction": _frac(value)}
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if all(type(v) is int for v in value):
            return list(value)  # positions of observations: often long, never nested
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _typed(value: Any) -> Any:
    """What :func:`_json_safe` made of a value, as the value again."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, text),) = value.items()
            if key in _TAGS and isinstance(text, str):
                return (Fraction(text) if key == "$fraction" else
                        date.fromisoformat(text) if key == "$date" else
                        datetime.fromisoformat(text))
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        if all(type(v) is int for v in value):
            return value  # positions of observations: often long, never tagged
        return [_typed(v) for v in value]
    return value


def _finding_dict(f: Finding, *, streamed: bool = False) -> dict[str, Any]:
    """A finding's JSON form; ``streamed``: its unit results and observations in pieces."""
    return {
        "code": f.code, "kind": f.kind, "verdict": f.verdict.value,
        "message": _text(f.message), "indicator": f.indicator, "area": f.area, "plan": f.plan,
        "plugin": f.plugin, "scope": f.scope,
        "window": None if f.window is None else
        {"start": f.window.start.isoformat(), "end": f.window.end.isoformat(),
         "label": f.window.label},
        "aggregation": None if f.aggregation is None else f.aggregation.value,
        "comparator": None if f.comparator is None else f.comparator.value,
        "threshold": _frac(f.threshold), "observed": _frac(f.observed),
        "statistics": _stats_dict(f.statistics), "gap": _frac(f.gap),
        "gap_units": f.gap_units,
        "entities": (_Pieces(list(map(_entity_dict, piece))
                             for piece in _slices(f.entities, _ENTITIES_PER_PIECE))
                     if streamed else [_entity_dict(e) for e in f.entities]),
        "observations": (_Pieces(map(list, _slices(f.observations, _SOURCES_PER_PIECE)))
                         if streamed else list(f.observations)),
        "progress": None if f.progress is None else f.progress.value,
        "details": _details(f.details) if streamed else _json_safe(dict(f.details)),
        "assessments": [_assessment_dict(a) for a in f.assessments],
        "history": [_point_dict(p) for p in f.history],
        "coverage": None if f.coverage is None else _coverage_dict(f.coverage),
    }


def _coverage_dict(c: Coverage) -> dict[str, Any]:
    return {
        "expected": c.expected, "reported": c.reported,
        "missing": [{"code": m.code, "name": m.name, "verdict": m.verdict.value}
                    for m in c.missing],
        "rule": c.rule.strategy.value, "min_coverage": _frac(c.rule.min_coverage),
    }


def _coverage_from(d: Mapping[str, Any] | None) -> Coverage | None:
    if d is None:
        return None
    return Coverage(
        expected=d["expected"], reported=d["reported"],
        missing=tuple(MissingUnit(code=m["code"], name=m["name"], verdict=m["verdict"])
                      for m in d["missing"]),
        rule=MissingUnits(strategy=d["rule"], min_coverage=_unfrac(d["min_coverage"])))


def _details(details: Mapping[str, Any]) -> dict[str, Any]:
    """A finding's details as :func:`_json_safe` makes them, each long list in pieces: a
    check may list a violation per figure there."""
    keyed = {str(k): v for k, v in dict(details).items()}
    return {k: _Pieces(_json_safe(piece) for piece in _slices(v, _DETAILS_PER_PIECE))
            if isinstance(v, list | tuple) and len(v) > _DETAILS_PER_PIECE else _json_safe(v)
            for k, v in keyed.items()}


def _finding_from(d: Mapping[str, Any], *, tagged: bool = True) -> Finding:
    """A finding from its JSON form; ``tagged``: its details hold tagged values (since 2.0;
    a 1.x report wrote exact numbers and dates in them as plain texts, read as texts)."""
    w = d["window"]
    return Finding(
        code=d["code"], kind=d["kind"], verdict=Verdict(d["verdict"]),
        message=Text(**d["message"]), indicator=d["indicator"], area=d["area"],
        plan=d["plan"], plugin=d["plugin"], scope=d["scope"],
        window=None if w is None else Period.between(
            date.fromisoformat(w["start"]), date.fromisoformat(w["end"])),
        aggregation=None if d["aggregation"] is None else Aggregation(d["aggregation"]),
        comparator=None if d["comparator"] is None else Comparator(d["comparator"]),
        threshold=_unfrac(d["threshold"]), observed=_unfrac(d["observed"]),
        statistics=_stats_from(d["statistics"]), gap=_unfrac(d["gap"]),
        gap_units=d["gap_units"], entities=tuple(_entity_from(e) for e in d["entities"]),
        observations=tuple(d["observations"]),
        progress=None if d["progress"] is None else Progress(d["progress"]),
        details=_typed(d["details"]) if tagged else d["details"],
        # Optional since schema 1.1: a 1.0 report has neither.
        assessments=tuple(_assessment_from(a) for a in d.get("assessments", ())),
        history=tuple(_point_from(p) for p in d.get("history", ())),
        # Since schema 2.1: a report of an earlier version says no coverage.
        coverage=_coverage_from(d.get("coverage")),
    )


def _date(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _undate(d: str | None) -> date | None:
    return None if d is None else date.fromisoformat(d)


def _point_dict(p: Point) -> dict[str, Any]:
    return {"on": p.on.isoformat(), "value": _frac(p.value), "source": _text(p.source)}


def _point_from(d: Mapping[str, Any]) -> Point:
    source = d.get("source")
    return Point(on=date.fromisoformat(d["on"]), value=Fraction(d["value"]),
                 source=None if source is None else Text(**source))


_ASSESSMENT_FRACTIONS = ("target", "expected", "projected", "observed_pace", "required_pace",
                         "planned_pace", "pace_ratio")
_ASSESSMENT_DATES = ("deadline", "projected_date", "next_due")


def _assessment_dict(a: ProgressAssessment) -> dict[str, Any]:
    return {
        "method": a.method, "method_version": a.method_version,
        "parameters": dict(a.parameters), "plugin": a.plugin, "status": a.status.value,
        "grade": a.grade, "message": _text(a.message),
        "baseline": None if a.baseline is None else _point_dict(a.baseline),
        "latest": None if a.latest is None else _point_dict(a.latest), "pace": a.pace,
        "exact": a.exact,
        **{k: _frac(getattr(a, k)) for k in _ASSESSMENT_FRACTIONS},
        **{k: _date(getattr(a, k)) for k in _ASSESSMENT_DATES},
    }


def _assessment_from(d: Mapping[str, Any]) -> ProgressAssessment:
    exact: dict[str, Any] = {k: _unfrac(d[k]) for k in _ASSESSMENT_FRACTIONS}
    dates: dict[str, Any] = {k: _undate(d[k]) for k in _ASSESSMENT_DATES}
    return ProgressAssessment(
        method=d["method"], method_version=d["method_version"], parameters=d["parameters"],
        plugin=d["plugin"], status=Progress(d["status"]), grade=d["grade"],
        message=Text(**d["message"]),
        baseline=None if d["baseline"] is None else _point_from(d["baseline"]),
        latest=None if d["latest"] is None else _point_from(d["latest"]), pace=d["pace"],
        exact=d["exact"], **exact, **dates,
    )


def _issue_dict(i: DataIssue) -> dict[str, Any]:
    out: dict[str, Any] = attrs.asdict(i)
    out["message"] = _text(i.message)
    return out


def _issue_from(d: Mapping[str, Any]) -> DataIssue:
    return DataIssue(**{**d, "message": Text(**d["message"])})


def _summary_dict(s: IssueSummary) -> dict[str, Any]:
    return {
        "code": s.code, "severity": s.severity, "count": s.count, "listed": s.listed,
        "message": _text(s.message()),
        "rows": [{"file": file, "ranges": [list(r) for r in spans]} for file, spans in s.rows],
        "observations": [list(r) for r in s.observations],
    }


def _summary_from(d: Mapping[str, Any]) -> IssueSummary:
    # The message is made from the rest; it is written for readers of the JSON alone.
    return IssueSummary(code=d["code"], severity=d["severity"], count=d["count"],
                        listed=d["listed"],
                        rows=tuple((r["file"], r["ranges"]) for r in d["rows"]),
                        observations=d["observations"])


# -- JSON a piece at a time ----------------------------------------------------------------

#: How many items of a long list :meth:`Report.write_json` encodes in one ``json.dumps``:
#: enough that the call's own cost is spread thin, few enough that a piece of text stays
#: well under a megabyte (a unit result is some 300 characters, a source some 25).
_ENTITIES_PER_PIECE = 1_000
_ISSUES_PER_PIECE = 1_000
_SOURCES_PER_PIECE = 10_000
_DETAILS_PER_PIECE = 1_000


def _slices(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in consecutive slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _Pieces:
    """A JSON list given as consecutive pieces, each a list of plain JSON data."""

    __slots__ = ("pieces",)

    def __init__(self, pieces: Iterable[list[Any]]) -> None:
        self.pieces = pieces


class _Items:
    """A JSON list given item by item, each item written as :class:`_JsonStream` writes a
    value (a dict holding pieces is written a key at a time)."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


class _JsonStream:
    """Writes JSON text as ``json.dumps(value, ensure_ascii=False, indent=indent)`` would,
    in pieces: each plain value is given to ``json.dumps`` and re-indented to its depth.

    With an indent, ``json.dumps`` puts each item of a non-empty list or dict on a line of
    its own, indented one level deeper than the container, closes it on a line at the
    container's own level, joins items with ``","`` and writes an empty one as ``[]`` or
    ``{}``; without, it joins items with ``", "`` on one line. Keys go ``"key": value``
    either way. A line break inside the text of a plain value is only ever indentation (a
    string's line breaks are escaped), so re-indenting is a replacement.
    """

    def __init__(self, write: Callable[[str], object], indent: int | None) -> None:
        self.write = write
        self.indent = indent
        self.separator = ", " if indent is None else ","

    def _newline(self, depth: int) -> str:
        """What comes before an item at ``depth`` (and before the closing bracket of a
        container at ``depth``): nothing without an indent."""
        return "" if self.indent is None else "\n" + " " * (self.indent * depth)

    def _dumps(self, value: Any, depth: int) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=self.indent)
        if self.indent is None or depth == 0:
            return text
        return text.replace("\n", self._newline(depth))

    def value(self, value: Any, depth: int) -> None:
        """Write ``value`` as the value at ``depth`` (0: the whole document)."""
        if isinstance(value, _Pieces):
            self._pieces(value, depth)
        elif isinstance(value, _Items):
            self._items(value, depth)
        elif isinstance(value, dict) and any(isinstance(v, _Pieces | _Items)
                                             for v in value.values()):
            self._fields(value, depth)
        else:
            self.write(self._dumps(value, depth))

    def _fields(self, fields: dict[str, Any], depth: int) -> None:
        write = self.write
        write("{")
        for n, (key, value) in enumerate(fields.items()):
            write(("" if n == 0 else self.separator) + self._newline(depth + 1)
                  + json.dumps(key, ensure_ascii=False) + ": ")
            self.value(value, depth + 1)
        write(self._newline(depth) + "}" if fields else "}")

    def _items(self, items: _Items, depth: int) -> None:
        write = self.write
        empty = True
        for item in items.items:
            write(("[" if empty else self.separator) + self._newline(depth + 1))
            empty = False
            self.value(item, depth + 1)
        write("[]" if empty else self._newline(depth) + "]")

    def _pieces(self, pieces: _Pieces, depth: int) -> None:
        write = self.write
        empty = True
        for piece in pieces.pieces:
            if not piece:
                continue
            # "[" + the items (each on its line, when indented) + the closing line + "]":
            # the items are what lies between the brackets, less the closing line break.
            text = self._dumps(piece, depth)
            inner = text[1:-1] if self.indent is None else text[1:text.rindex("\n")]
            write(("[" if empty else self.separator) + inner)
            empty = False
        write("[]" if empty else self._newline(depth) + "]")
