"""The benchmark's job written idiomatically in pandas, polars (lazy) and duckdb.

The job is the one ``hand_written`` in ``run.py`` does: read ``national.csv``; per row whose
indicator and level have a threshold and whose denominator is not empty, the verdict by
integer cross-multiplication (``num * t_den >= t_num * den``, or ``>``) and the count of rows
met; then per indicator, level and period the pooled ratio ``sum(num) / sum(den)`` and the
mean of the row rates. Every peer returns JSON text shaped like the hand loop's::

    {"met": 123, "groups": {"IND|level|MM/YYYY": {"pooled": "n/d", "mean": 0.83}}}

The verdicts and the pooled sums are exact (int64 columns, no overflow at this scale: values
are at most a few hundred times a threshold's denominator); the pooled ratio is reduced by gcd
and written like ``str(Fraction(n, d))``. The **mean is a float** in every peer (the hand loop
and plan_rules give an exact fraction): that is what these libraries compute.

A peer's package is imported only when its job is loaded (``load``), so a child process that
runs one peer carries only that peer's memory; ``installed`` asks ``importlib`` without
importing. This module itself needs only the standard library.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import math
import tempfile
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

#: Threshold per (indicator, level): (operator, numerator, denominator).
Thresholds = dict[tuple[str, str], tuple[str, int, int]]
#: A job: the figures file and the thresholds in, JSON text out.
Job = Callable[[Path, Thresholds], str]

#: key → (name in the table, module that must import).
PEERS: dict[str, tuple[str, str]] = {
    "pandas": ("pandas", "pandas"),
    "polars": ("polars (lazy)", "polars"),
    "duckdb": ("duckdb", "duckdb"),
}

#: The columns every peer reads.
COLUMNS = ["indicator", "level", "period", "numerator", "denominator"]


def installed(key: str) -> bool:
    """Whether the peer's package can be imported (without importing it)."""
    return importlib.util.find_spec(PEERS[key][1]) is not None


def load(key: str) -> Job:
    """Import the peer's package and return its job (only then is the job defined)."""
    loaders: dict[str, Callable[[], Job]] = {
        "pandas": _pandas, "polars": _polars, "duckdb": _duckdb}
    return loaders[key]()


def pooled(num: int, den: int) -> str | None:
    """``num/den`` reduced by gcd (just ``num`` when the denominator reduces to 1)."""
    if not den:
        return None
    g = math.gcd(num, den)
    num, den = num // g, den // g
    if den < 0:
        num, den = -num, -den
    return f"{num}/{den}" if den != 1 else str(num)


def _result(met: int, groups: Iterable[tuple[str, str, str, int, int, float | None]]) -> str:
    """The JSON text of a peer from its per-group sums (a few hundred rows, in Python)."""
    out: dict[str, dict[str, Any]] = {}
    for ind, level, period, num, den, mean in groups:
        ok_mean = mean is not None and not math.isnan(mean)
        out[f"{ind}|{level}|{period}"] = {
            "pooled": pooled(int(num), int(den)),
            "mean": float(mean) if ok_mean and mean is not None else None,
        }
    return json.dumps({"met": int(met), "groups": out})


def _rule_rows(thresholds: Thresholds) -> list[tuple[str, str, str, int, int]]:
    return [(ind, level, op, t_num, t_den)
            for (ind, level), (op, t_num, t_den) in thresholds.items()]


# -- pandas ---------------------------------------------------------------------------------


def _pandas() -> Job:
    import pandas as pd  # type: ignore[import-not-found, import-untyped, unused-ignore]

    def with_pandas(path: Path, thresholds: Thresholds) -> str:
        """``read_csv`` → merge with the thresholds → vectorised verdicts → ``groupby``.

        Numerator and denominator are read as nullable ``Int64`` (an empty denominator is
        missing) and become ``int64`` once those rows are dropped, so the verdict is integer
        cross-multiplication; the mean of the row rates is ``float64``.
        """
        rules = pd.DataFrame(_rule_rows(thresholds),
                             columns=["indicator", "level", "op", "t_num", "t_den"])
        df = pd.read_csv(path, usecols=COLUMNS,
                         dtype={"indicator": str, "level": str, "period": str,
                                "numerator": "Int64", "denominator": "Int64"})
        df = df[df["denominator"].notna()].merge(rules, on=["indicator", "level"])
        num = df["numerator"].astype("int64")
        den = df["denominator"].astype("int64")
        lhs, rhs = num * df["t_den"], df["t_num"] * den
        df = df.assign(
            numerator=num, denominator=den,
            ok=(lhs > rhs) | ((df["op"] == ">=") & (lhs == rhs)),
            rate=(num / den).where(den != 0),
        )
        agg = df.groupby(["indicator", "level", "period"], sort=False).agg(
            met=("ok", "sum"), num=("numerator", "sum"), den=("denominator", "sum"),
            mean=("rate", "mean"))
        return _result(int(agg["met"].sum()),
                       ((i, lv, p, n, d, m) for (i, lv, p), n, d, m
                        in zip(agg.index, agg["num"], agg["den"], agg["mean"], strict=True)))

    return with_pandas


# -- polars ---------------------------------------------------------------------------------


def _polars() -> Job:
    import polars as pl  # type: ignore[import-not-found, unused-ignore]

    def with_polars(path: Path, thresholds: Thresholds) -> str:
        """``scan_csv`` (lazy) → join the thresholds → ``group_by`` → one ``collect``.

        Integer columns are ``Int64`` (the verdict is integer cross-multiplication, summed
        per group); the mean of the row rates is ``Float64``.
        """
        rules = pl.LazyFrame(
            _rule_rows(thresholds), orient="row",
            schema={"indicator": pl.String, "level": pl.String, "op": pl.String,
                    "t_num": pl.Int64, "t_den": pl.Int64})
        num, den = pl.col("numerator"), pl.col("denominator")
        lhs, rhs = num * pl.col("t_den"), pl.col("t_num") * den
        agg = (
            pl.scan_csv(path, schema_overrides={"indicator": pl.String, "level": pl.String,
                                                "period": pl.String, "numerator": pl.Int64,
                                                "denominator": pl.Int64})
            .select(COLUMNS)
            .filter(den.is_not_null())
            .join(rules, on=["indicator", "level"], how="inner")
            .group_by("indicator", "level", "period")
            .agg(met=pl.when(pl.col("op") == ">=").then(lhs >= rhs).otherwise(lhs > rhs).sum(),
                 num=num.sum(), den=den.sum(),
                 mean=(num / den).filter(den != 0).mean())
            .collect()
        )
        return _result(int(agg["met"].sum()),
                       agg.select("indicator", "level", "period", "num", "den", "mean")
                       .iter_rows())

    return with_polars


# -- duckdb ---------------------------------------------------------------------------------

_DUCKDB_QUERY = """
SELECT indicator, level, period,
       count_if(CASE WHEN op = '>=' THEN numerator * t_den >= t_num * denominator
                     ELSE numerator * t_den > t_num * denominator END) AS met,
       sum(numerator) AS num,
       sum(denominator) AS den,
       avg(numerator::DOUBLE / nullif(denominator, 0)) AS mean
FROM read_csv(?, header = true,
              types = {'indicator': 'VARCHAR', 'level': 'VARCHAR', 'period': 'VARCHAR',
                       'numerator': 'BIGINT', 'denominator': 'BIGINT'})
JOIN thresholds USING (indicator, level)
WHERE denominator IS NOT NULL
GROUP BY indicator, level, period
"""


def _duckdb() -> Job:
    import duckdb  # type: ignore[import-not-found, unused-ignore]

    def with_duckdb(path: Path, thresholds: Thresholds) -> str:
        """One SQL query over ``read_csv`` joined with a thresholds table, in memory.

        ``BIGINT`` products for the verdict (duckdb raises on overflow rather than wrap);
        ``sum`` gives exact ``HUGEINT`` totals; the mean of the row rates is a ``DOUBLE``.
        """
        con = duckdb.connect()
        try:
            con.execute("CREATE TABLE thresholds (indicator VARCHAR, level VARCHAR, "
                        "op VARCHAR, t_num BIGINT, t_den BIGINT)")
            con.executemany("INSERT INTO thresholds VALUES (?, ?, ?, ?, ?)",
                            _rule_rows(thresholds))
            rows = con.execute(_DUCKDB_QUERY, [str(path)]).fetchall()
        finally:
            con.close()
        return _result(sum(int(r[3]) for r in rows),
                       ((r[0], r[1], r[2], r[4], r[5], r[6]) for r in rows))

    return with_duckdb


# -- agreement with the hand loop -----------------------------------------------------------


def compare(reference: str, other: str, *, rel_tol: float = 1e-9) -> list[str]:
    """How ``other``'s JSON differs from the hand loop's ``reference``; empty if it agrees.

    ``met`` and the pooled ratios must be equal exactly; the float means within ``rel_tol``
    of the exact ones.
    """
    ref, got = json.loads(reference), json.loads(other)
    problems: list[str] = []
    if ref["met"] != got["met"]:
        problems.append(f"met {got['met']} ≠ {ref['met']}")
    ref_groups: dict[str, dict[str, Any]] = ref["groups"]
    got_groups: dict[str, dict[str, Any]] = got["groups"]
    missing = sorted(ref_groups.keys() - got_groups.keys())
    extra = sorted(got_groups.keys() - ref_groups.keys())
    if missing:
        problems.append(f"{len(missing)} groups missing (e.g. {missing[0]})")
    if extra:
        problems.append(f"{len(extra)} groups extra (e.g. {extra[0]})")
    pooled_off: list[str] = []
    mean_off: list[str] = []
    for key in ref_groups.keys() & got_groups.keys():
        r, g = ref_groups[key], got_groups[key]
        if _fraction(r["pooled"]) != _fraction(g["pooled"]):
            pooled_off.append(f"{key}: {g['pooled']} ≠ {r['pooled']}")
        rm, gm = _fraction(r["mean"]), g["mean"]
        if (rm is None) != (gm is None) or (
                rm is not None and gm is not None
                and not math.isclose(float(rm), float(gm), rel_tol=rel_tol)):
            mean_off.append(f"{key}: {gm} vs {r['mean']}")
    if pooled_off:
        problems.append(f"pooled differs in {len(pooled_off)} groups (e.g. {min(pooled_off)})")
    if mean_off:
        problems.append(f"mean differs in {len(mean_off)} groups (e.g. {min(mean_off)})")
    return problems


def _fraction(value: object) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, int | float | str):
        return Fraction(value)
    raise TypeError(f"not a number: {value!r}")


def write_slice(source: Path, target: Path, rows: int) -> int:
    """Copy the header and the first ``rows`` data rows of a CSV file; returns rows copied."""
    with source.open(newline="", encoding="utf-8") as src, \
            target.open("w", newline="", encoding="utf-8") as dst:
        reader, writer = csv.reader(src), csv.writer(dst)
        writer.writerow(next(reader))
        count = 0
        for row in itertools.islice(reader, rows):
            writer.writerow(row)
            count += 1
    return count


def self_check(path: Path, thresholds: Thresholds, reference: Job, keys: Iterable[str],
               rows: int = 20_000) -> dict[str, list[str]]:
    """Run the hand loop and each peer on the first ``rows`` rows; each peer's disagreements.

    ``reference`` is ``run.hand_written``.
    """
    out: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="plan-rules-check-") as tmp:
        part = Path(tmp) / path.name
        write_slice(path, part, rows)
        expected = reference(part, thresholds)
        for key in keys:
            out[key] = compare(expected, load(key)(part, thresholds))
    return out
