"""The benchmark script runs as documented: a small slice, the stdlib jobs, every goal line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
