"""The benchmark script runs as documented: a small slice, the stdlib jobs, every goal line."""

from __future__ import annotations

import csv
import importlib.util
import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def test_benchmark_prints_every_goal_on_a_small_slice(tmp_path: Path) -> None:
    data = tmp_path / "national.csv"
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--out", str(data),
                    "--months", "1"], check=True, capture_output=True, text=True)
    raw = tmp_path / "raw.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--data", str(data), "--rows", "3000",
         "--repeat", "1", "--jobs", "hand,plan_rules", "--json", str(raw)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "3,000 rows" in out
    for goal in ("goal 1: plan_rules / hand loop = ", "goal 2:", "goal 3:", "goal 4:"):
        assert goal in out, out
    measured = json.loads(raw.read_text(encoding="utf-8"))
    assert measured["workload"]["rows"] == 3000
    for job in ("hand", "plan_rules"):
        median = measured["jobs"][job]["median"]
        assert median["seconds"] > 0 and median["peak_rss_mb"] > 0


# -- the polars job that reproduces plan_rules' report (benchmarks/polars_full.py) ----------
# polars is a benchmark dependency only (benchmarks/requirements.txt): without it these skip.

needs_polars = pytest.mark.skipif(importlib.util.find_spec("polars") is None,
                                  reason="polars is not installed (benchmarks only)")

RATES = ("HY25.IIT.1", "HY25.IIT.2", "HY25.INF.1", "HY25.PS.9", "HY25.SEC.1", "HY25.PS.2",
         "HY25.DE.1", "HY25.PS.3", "HY25.PS.6")
#: Units that come and go: a district that ends on 30 June 2025, a commune from 1 July, a
#: department that ends on 30 September, a commune with no figures; groups in each separator.
ENTITIES = (
    ("p00", "province", "", "", ""), ("p01", "province", "", "", ""),
    ("p00-h1", "district", "localities", "", "30/06/2025"),
    ("p00-c1", "commune", "localities;departments_and_localities", "01/07/2025", ""),
    ("p00-c2", "commune", "localities|departments_and_localities", "", ""),
    ("p00-c3", "commune", "localities", "", ""),
    ("p00-d1", "department", "departments, departments_and_localities", "", ""),
    ("p00-d2", "department", "departments", "2025-01-01", "2025-09-30"),
)


def _edge_files(folder: Path, parents: bool = False) -> tuple[Path, Path]:
    """A small file with every case the national one lacks: units valid only part of the
    year, a zero denominator, a province giving its own rate, a count and milestones; with
    ``parents``, each unit under its province (rolled up into it, one silent)."""
    rng = random.Random(7)
    entities = folder / "edge-entities.csv"
    with entities.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(("code", "name", "level", "groups", "parent", "valid_from", "valid_to"))
        for code, level, groups, start, end in ENTITIES:
            parent = code[:3] if parents and level != "province" else ""
            out.writerow((code, code, level, groups, parent, start, end))
    rows: list[tuple[object, ...]] = []
    for month in range(1, 13):
        period = f"{month:02d}/2025"
        for code, level, *_ in ENTITIES[2:]:
            if code == "p00-c3":
                continue
            for ind in RATES:
                den = 0 if (code, month, ind) == ("p00-c2", 12, "HY25.PS.9") else \
                    rng.randint(5, 40)
                num = min(den, int(den * rng.uniform(0.5, 1.05)))
                rows.append((ind, code, level, period, num, den, "", "", "", ""))
        rows.append(("HY25.DE.1", "p00", "province", period, rng.randint(50, 90), 100,
                     "", "", "", ""))
        rows.append(("HY25.IIT.5", "p00", "province", period, "", "",
                     str(rng.randint(120, 140)), "", "", ""))
        rows.append(("HY25.INF.2", "p00", "province", period, "", "",
                     "done" if month > 6 else "not done", "", "QĐ 1/2025", ""))
        rows.append(("HY25.IIT.0", "p01", "province", period, "", "", "hoàn thành", "",
                     "QĐ 2/2025", ""))
    rng.shuffle(rows)  # positions in the report follow the file, not the period
    figures = folder / "edge.csv"
    with figures.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(("indicator", "entity", "level", "period", "numerator", "denominator",
                      "value", "reported_on", "source", "note"))
        out.writerows(rows)
    return figures, entities


def _report(figures: Path, entities: Path, as_of: date) -> dict[str, Any]:
    import plan_rules as pr

    registry = pr.load_registry()
    read = pr.read_observations(figures, registry=registry)
    report = pr.evaluate(read.observations, registry=registry, issues=read.issues,
                         entities=pr.read_entities(entities).entities, as_of=as_of)
    result: dict[str, Any] = json.loads(report.to_json(indent=None))
    return result


def _polars_full() -> Any:
    sys.path.insert(0, str(BENCH))
    import polars_full

    return polars_full


@needs_polars
@pytest.mark.parametrize("as_of", ["2025-12-31", "2025-09-30", "2025-06-30", "2025-05-15",
                                   "2024-12-31"])
def test_polars_job_equals_the_report_as_units_come_and_go(tmp_path: Path, as_of: str) -> None:
    import plan_rules as pr

    pf = _polars_full()
    figures, entities = _edge_files(tmp_path)
    when = date.fromisoformat(as_of)
    out = pf.evaluate(figures, entities, pr.load_registry(), as_of=when)
    assert pf.compare(_report(figures, entities, when), out) == []


@needs_polars
@pytest.mark.parametrize("as_of", ["2025-12-31", "2025-06-30", "2025-05-15"])
def test_polars_job_equals_the_report_with_units_rolled_up_into_their_province(
        tmp_path: Path, as_of: str) -> None:
    import plan_rules as pr

    pf = _polars_full()
    figures, entities = _edge_files(tmp_path, parents=True)
    when = date.fromisoformat(as_of)
    report = _report(figures, entities, when)
    rolled = next(f for f in report["findings"] if f["code"] == "HY25.PS.3.province")
    assert rolled["details"]["derived_from"]["p00"]  # the case is there to be compared
    assert pf.compare(report, pf.evaluate(figures, entities, pr.load_registry(),
                                          as_of=when)) == []


@needs_polars
def test_polars_job_check_names_the_first_field_that_differs(tmp_path: Path) -> None:
    import plan_rules as pr

    pf = _polars_full()
    figures, entities = _edge_files(tmp_path)
    report = _report(figures, entities, date(2025, 12, 31))
    out = pf.evaluate(figures, entities, pr.load_registry(), as_of=date(2025, 12, 31))
    target = next(f for f in report["findings"] if f["code"] == "HY25.IIT.1.commune")
    target["entities"][1]["gap_units"] = -1
    assert pf.compare(report, out) == [
        f"HY25.IIT.1.commune: entities[1] ({target['entities'][1]['entity']}).gap_units: "
        f"report -1, job {pf.parse(out)['HY25.IIT.1.commune']['entities'][1]['gap_units']}"]


@needs_polars
@pytest.mark.parametrize(("row", "why"), [
    (("HY25.IIT.1", "p00-c2", "commune", "01/2026", 9, 8), "bad rate"),
    (("HY25.IIT.1", "p00-c2", "department", "01/2026", 1, 8), "level mismatch"),
    (("HY25.IIT.1", "p00-c9", "commune", "01/2026", 1, 8), "unknown unit"),
    (("HY25.IIT.1", "p00-c2", "commune", "01/2025", 1, 8), "duplicate"),
    (("HY25.INF.2", "p00", "province", "01/2026", "", ""), "bad value"),
])
def test_polars_job_refuses_a_row_plan_rules_would_not_use_as_given(
        tmp_path: Path, row: tuple[object, ...], why: str) -> None:
    import plan_rules as pr

    pf = _polars_full()
    figures, entities = _edge_files(tmp_path)
    with figures.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow((*row, "", "", "", ""))
    with pytest.raises(pf.Unmodelled, match=why):
        pf.evaluate(figures, entities, pr.load_registry())


@needs_polars
def test_benchmark_times_the_polars_job_once_it_equals_the_report(tmp_path: Path) -> None:
    data = tmp_path / "national.csv"
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--out", str(data),
                    "--months", "1"], check=True, capture_output=True, text=True)
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--data", str(data), "--rows", "3000",
         "--repeat", "1", "--jobs", "polars_full"],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "report check: polars (lazy), plan_rules' results equals plan_rules' report" \
        in done.stdout, done.stdout
    assert "same job, polars (lazy), plan_rules' results: plan_rules / it = not measured" \
        in done.stdout, done.stdout


# -- the national workload: the plan's targets for each province --------------------------


def _national(folder: Path, *extra: str) -> Path:
    """A small national-shaped file (two communes and one department per province)."""
    data = folder / "national.csv"
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--out", str(data),
                    "--communes", "68", "--departments", "34", "--months", "2", *extra],
                   check=True, capture_output=True, text=True)
    return data


def _workload(name: str) -> Any:
    sys.path.insert(0, str(BENCH))
    import generate

    return generate.registry(name)


@needs_polars
@pytest.mark.parametrize("as_of", ["2025-12-31", "2025-01-31"])
def test_polars_job_equals_the_report_for_each_province(tmp_path: Path, as_of: str) -> None:
    import plan_rules as pr

    pf = _polars_full()
    data = _national(tmp_path)
    entities = data.with_name("national-entities.csv")
    registry = _workload("provinces")
    when = date.fromisoformat(as_of)
    read = pr.read_observations(data, registry=registry)
    report: dict[str, Any] = json.loads(pr.evaluate(
        read.observations, registry=registry, issues=read.issues,
        entities=pr.read_entities(entities).entities, as_of=when).to_json(indent=None))
    targets = [f for f in report["findings"] if f["kind"] == "target"]
    # What is compared is per province: 34 plans, each target's units its province's own.
    plans = [p for p in report["summary"]["targets"] if p.startswith("HY25.")]
    assert plans == [f"HY25.p{p:02d}" for p in range(34)]
    template = [t for t in pr.load_registry().targets.values() if t.code.startswith("HY25.")]
    assert len([f for f in targets if f["plan"] in plans]) == 34 * len(template)
    p07 = [f for f in targets if f["plan"] == "HY25.p07"]
    assert p07 and all(e["entity"].startswith("p07") for f in p07 for e in f["entities"])
    assert any(f["entities"] for f in p07)
    assert pf.compare(report, pf.evaluate(data, entities, registry, as_of=when)) == []


@needs_polars
@pytest.mark.parametrize("as_of", ["2025-12-31", "2025-06-30", "2025-05-15"])
def test_polars_job_equals_the_report_per_province_as_units_come_and_go(
        tmp_path: Path, as_of: str) -> None:
    import plan_rules as pr

    pf = _polars_full()
    figures, entities = _edge_files(tmp_path, parents=True)
    registry = pr.per_territory(pr.load_registry(), "HY25", ["p00", "p01"])
    when = date.fromisoformat(as_of)
    read = pr.read_observations(figures, registry=registry)
    report: dict[str, Any] = json.loads(pr.evaluate(
        read.observations, registry=registry, issues=read.issues,
        entities=pr.read_entities(entities).entities, as_of=when).to_json(indent=None))
    # p01 has no unit of its own: its copies of p00's rolled-up targets read nothing of p00's.
    codes = {f["code"]: f for f in report["findings"] if f["kind"] == "target"}
    assert codes["HY25.p00.PS.3.province"]["details"]["derived_from"]["p00"]
    assert not codes["HY25.p01.PS.3.province"]["entities"] or all(
        e["entity"] == "p01" for e in codes["HY25.p01.PS.3.province"]["entities"])
    assert pf.compare(report, pf.evaluate(figures, entities, registry, as_of=when)) == []


@needs_polars
def test_polars_job_check_names_a_province_whose_verdict_differs(tmp_path: Path) -> None:
    import plan_rules as pr

    pf = _polars_full()
    data = _national(tmp_path)
    entities = data.with_name("national-entities.csv")
    registry = _workload("provinces")
    read = pr.read_observations(data, registry=registry)
    report: dict[str, Any] = json.loads(pr.evaluate(
        read.observations, registry=registry, issues=read.issues,
        entities=pr.read_entities(entities).entities, as_of=date(2025, 12, 31))
        .to_json(indent=None))
    out = pf.evaluate(data, entities, registry)
    # The single plan's job is not the per-province one: its targets differ.
    assert pf.compare(report, pf.evaluate(data, entities, _workload("plan"))) != []
    finding = next(f for f in report["findings"] if f["code"] == "HY25.p21.PS.3.province")
    mine = pf.parse(out)["HY25.p21.PS.3.province"]["statistics"]["n_entities"]
    finding["statistics"]["n_entities"] += 1
    assert pf.compare(report, out) == [
        f"HY25.p21.PS.3.province: statistics.n_entities: report {mine + 1}, job {mine}"]


def test_benchmark_prints_the_verdicts_of_each_province(tmp_path: Path) -> None:
    data = _national(tmp_path)
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--data", str(data), "--repeat", "1",
         "--jobs", "findings"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "workload provinces: " in out and "target verdicts per plan" in out, out
    lines = [line.split() for line in out.splitlines() if line.startswith("  HY25.p")]
    assert [words[0] for words in lines] == [f"HY25.p{p:02d}" for p in range(34)]
    registry = _workload("provinces")  # the installed plugins' plans besides the 34
    assert f"({len(registry.plans) - 1} plans, {len(registry.targets):,} targets)" in out, out


def test_benchmark_keeps_the_single_plan_workload(tmp_path: Path) -> None:
    data = _national(tmp_path)
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--data", str(data), "--repeat", "1",
         "--jobs", "findings", "--workload", "plan"], capture_output=True, text=True,
        timeout=600)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "workload plan: " in out
    assert "\n  HY25  met " in out and "  HY25.p" not in out, out
    registry = _workload("plan")
    assert f"({len(registry.plans)} plans, {len(registry.targets):,} targets)" in out, out


def test_run_names_the_workloads_generate_makes_without_importing_plan_rules() -> None:
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import run; "
            "print(','.join(run.WORKLOADS), 'plan_rules' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(BENCH)], capture_output=True,
                          text=True, check=True)
    # The baselines measure the interpreter before plan_rules is imported.
    assert done.stdout.split() == [",".join(_workload_names()), "False"]


def _workload_names() -> tuple[str, ...]:
    sys.path.insert(0, str(BENCH))
    import generate

    names: tuple[str, ...] = generate.WORKLOADS
    return names
