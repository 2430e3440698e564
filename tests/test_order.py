"""The order of the rows never decides: a figures file and the same rows shuffled give the same
JSON report, except for the documented positions.

A report names figures by position (``observations``, ``details.excluded``, ``sources``) and by
file and row (``issues``, and the ``file:row`` of a message), and lists its data issues by file
and row. Those are the only places the order of the rows shows: here each position and row is
replaced by the text of the row it points to, and the issues are sorted by that text, before
the two reports are compared.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules import strategies
from plan_rules.numbers import format_percent

HEADER = ["indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note"]
FILE = "figures.csv"


def _value_text(value: Fraction, kind: pr.Kind) -> str:
    if kind is pr.Kind.MILESTONE:
        return "hoàn thành" if value else "chưa"
    if kind is pr.Kind.RATE:
        return format_percent(value, digits=3)
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def _cells(o: pr.Observation, kind: pr.Kind) -> list[str]:
    return [o.indicator, o.entity, o.level or "", o.period.label,
            "" if o.numerator is None else str(o.numerator),
            "" if o.denominator is None else str(o.denominator),
            "" if o.value is None else _value_text(o.value, kind),
            "" if o.reported_on is None else o.reported_on.isoformat(),
            o.source or "", o.note or ""]


def _other_figure(row: list[str]) -> list[str]:
    """The row with another figure: a count one more, or another value."""
    if row[4]:
        return [*row[:4], str(int(row[4]) + 1), *row[5:]]
    return [*row[:6], "0" if row[6] not in ("0", "chưa", "0%") else "1", *row[7:]]


@st.composite
def _files(draw: st.DrawFn, registry: pr.Registry,
           ) -> tuple[list[list[str]], list[list[str]], strategies.Scenario]:
    """Rows drawn by plan_rules.strategies with duplicates among them (the same row again,
    another figure for the same period, a later report), and the same rows shuffled."""
    scenario = draw(strategies.scenarios(registry, clean=False, max_observations=12))
    rows = [_cells(o, registry.indicators[o.indicator].kind) for o in scenario.observations]
    if rows:
        for k, how in draw(st.lists(st.tuples(st.integers(0, len(rows) - 1),
                                              st.sampled_from(["same", "other", "later"])),
                                    max_size=4)):
            row = rows[k]
            if how == "same":
                rows.append(list(row))
            elif how == "other":
                rows.append(_other_figure(row))
            else:
                dated = [*row[:7], date(2026, 1, 15).isoformat(), *row[8:]]
                rows.append(_other_figure(dated))
    return rows, draw(st.permutations(rows)), scenario


def _write(path: Path, rows: Sequence[Sequence[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def _report(path: Path, rows: Sequence[Sequence[str]], registry: pr.Registry,
            scenario: strategies.Scenario) -> dict[str, Any]:
    _write(path, rows)
    read = pr.read_observations(path, registry=registry)
    report = pr.evaluate(read.observations, registry=registry, as_of=scenario.as_of,
                         entities=scenario.entities, issues=read.issues)
    return _without_positions(json.loads(report.to_json()), rows, str(path))


def _without_positions(report: dict[str, Any], rows: Sequence[Sequence[str]],
                       file: str) -> dict[str, Any]:
    """``report`` with every position and row replaced by the text of its row (rows given
    the same text are the same figure), and the issues sorted by it. A text naming rows
    (``file:row``) keeps its words, not the rows: which rows a message names first (in
    file-and-row order, the first five of a check's) are positions, and the finding's or
    issue's own positions say which rows it is about."""
    def text(row: int | None) -> str:
        return "-" if row is None else ",".join(rows[row - 2]) if row >= 2 else "<header>"

    sources = [row for _, row in report["sources"]]

    def at(positions: Sequence[int]) -> list[str]:
        return [text(sources[i]) for i in positions]

    where = re.compile(re.escape(file) + r":(\d+)")

    def said(value: Any) -> Any:
        """``value`` without the ``file:row`` in its texts (a message, a check's
        details)."""
        if isinstance(value, str):
            return where.sub("<row>", value)
        if isinstance(value, list):
            return [said(v) for v in value]
        if isinstance(value, dict):
            return {k: said(v) for k, v in value.items()}
        return value

    for f in report["findings"]:
        f["observations"] = sorted(at(f["observations"]))
        for name in ("excluded", "history"):
            if name in f["details"]:
                f["details"][name] = sorted(at(f["details"][name]))
        for e in f["entities"]:
            e["observations"] = at(e["observations"])
    issues = []
    for i in report["issues"]:
        i["row"] = text(i["row"])
        i["observation"] = None if i["observation"] is None else at([i["observation"]])[0]
        issues.append(i)
    report["issues"] = sorted(issues, key=lambda i: json.dumps(said(i), sort_keys=True))
    report["sources"] = sorted(text(row) for row in sources)
    return dict(said(report))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_shuffling_the_rows_of_a_file_leaves_the_report_equal_but_for_positions(
        tmp_path: Path, registry: pr.Registry, data: st.DataObject) -> None:
    rows, shuffled, scenario = data.draw(_files(registry))
    path = tmp_path / FILE
    assert _report(path, shuffled, registry, scenario) == _report(path, rows, registry,
                                                                   scenario)
