"""plan_rules' per-target results recomputed with polars lazy frames, and the check against it.

``evaluate`` computes, for every target of the registry, what ``plan-rules evaluate FILE
--entities ENT --as-of DATE -f json`` reports for it: the window (the target's measurement
period cut at the as-of date; ``not_applicable`` before the target's validity), per unit the
combined figure (flow: numerators and denominators summed over the unit's periods inside the
window; stock and milestone: the latest snapshot, the older ones set aside as history), the
unit's verdict, gap and gap in units; then per target the statistics beside the one its
aggregation uses (each / pooled / mean / reported, the province-wide figure derived from the
units when the province gave none), the verdict by integer cross-multiplication, the gap and
the gap in units. ``compare`` holds that output to the report field by field and names the
first field that differs.

The work is polars, in a few materialised steps: one ``collect`` reads the CSV (the read
stage) and maps every text to an integer id; a lazy plan joins every row with the targets of
its indicator, the flags of its period and its (target, unit) scope and is collected once;
the per-(target, unit) grouping is collected once; one ``collect_all`` makes every
aggregate from it. Python works only on what is small: the
dozen distinct period labels are parsed by ``plan_rules.periods.Period`` and each target's flags
per period are computed with the target's own methods; the distinct value texts of counts and
milestones are read once; and the finishing step per target (45 rows) turns sums into exact
fractions. Three statistics need exact arithmetic that int64 columns cannot hold and are
finished in Python on aggregated rows: the **mean** of unit rates (polars sums the numerators
per distinct denominator, Python adds those few thousand fractions over their lcm, as
``plan_rules.aggregation.mean`` does), the **minimum and maximum** (polars keeps the units
whose float rate is within 1e-9, relative, of the float extreme, Python picks the exact one
among them), and the reduction of each unit's fractions to lowest terms (``numpy.gcd`` on the
collected columns). Every other number is int64 in polars; ``evaluate`` asserts that the
largest sum and cross-product it can form stays below 2**62, so nothing overflows.

What it does not model it refuses (``Unmodelled``) instead of guessing: rows that would be data
issues (unknown indicator or unit, level mismatch, numerator above denominator, percentages
for rates, counts for counts or milestones, a milestone done without evidence, a duplicate),
units not in the entities file, and periods that overlap one another (flows add up only over
periods that do not).

Each target's ``history`` is reproduced too: the statistic at the end of each earlier
reporting period of its schedule in which its figures ended (quarter ends by default), then its
latest figure. Every (target, cut-off) pair is one more job of the same plan, all evaluated
in one more ``collect_all``. Not reproduced yet: messages, progress assessments, data issues,
the plugins' checks.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plan_rules as pr

AS_OF = date(2025, 12, 31)
#: Sums and cross-products stay below this, so int64 arithmetic is exact.
INT_LIMIT = 2**62
#: A float figure this close to the float extreme (relative to its size, or absolute below 1)
#: may be the exact extreme: far wider than float64's rounding (about 1e-16), so the exact
#: extreme is always among the candidates, which Python then tells apart exactly.
EXTREME_TOLERANCE = 1e-9

#: The report fields ``evaluate`` reproduces per target finding, in the report's order.
FINDING_FIELDS = ("code", "kind", "verdict", "indicator", "area", "plan", "plugin", "scope",
                  "window", "aggregation", "comparator", "threshold", "observed",
                  "statistics", "gap", "gap_units", "observations", "details", "entities",
                  "history")
#: Those not reproduced yet.
NOT_REPRODUCED = ("message", "progress", "assessments")
ENTITY_FIELDS = ("entity", "level", "verdict", "observed", "numerator", "denominator", "gap",
                 "gap_units", "periods", "observations")


#: The statistics of a finding with no figures.
EMPTY_STATS: Mapping[str, Any] = {
    "n_entities": 0, "n_observations": 0, "numerator": None, "denominator": None,
    "pooled": None, "mean": None, "reported": None, "minimum": None, "maximum": None,
    "met": 0, "not_met": 0, "no_data": 0, "not_applicable": 0, "invalid": 0}


class Unmodelled(ValueError):
    """The file holds something this job does not reproduce (e.g. a row plan_rules would
    turn into a data issue): its timing would not be of the same job."""


def _frac(num: int, den: int) -> str:
    f = Fraction(num, den)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _text(x: Fraction | None) -> str | None:
    if x is None:
        return None
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _holds(op: str, left: Fraction, right: Fraction) -> bool:
    return {">=": left >= right, ">": left > right, "<=": left <= right, "<": left < right,
            "==": left == right}[op]


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def _rate_units(num: int, den: int, t_num: int, t_den: int, op: str) -> int:
    """Numerator units to add (or remove) with the denominator fixed; integers only."""
    scaled = t_num * den  # the threshold times the denominator, over t_den
    up, down = _ceil_div(scaled, t_den), scaled // t_den
    return {">=": max(0, up - num), ">": max(0, down + 1 - num), "<=": max(0, num - down),
            "<": max(0, num - (up - 1)), "==": abs(up - num)}[op]


def _count_units(value: int, t_num: int, t_den: int, op: str) -> int:
    """Whole units a count is short of (or over) the threshold; integers only."""
    a = t_num - value * t_den  # (threshold - value) * t_den
    return {">=": max(0, _ceil_div(a, t_den)), ">": max(0, a // t_den + 1),
            "<=": max(0, _ceil_div(-a, t_den)), "<": max(0, (-a) // t_den + 1),
            "==": _ceil_div(abs(a), t_den)}[op]


def load() -> Any:
    """The benchmark job: import polars and plan_rules, load the registry; ``(path, _) → str``."""
    import polars  # noqa: F401  (imported with the job, as the other peers are)

    import plan_rules as pr

    registry = pr.load_registry()

    def with_polars_full(path: Path, _thresholds: object) -> str:
        from generate import entities_path

        return evaluate(path, entities_path(path), registry)

    return with_polars_full


# -- the evaluation -------------------------------------------------------------------------


def evaluate(path: Path, entities_file: Path, registry: pr.Registry,
             as_of: date = AS_OF) -> str:
    """Every target's finding, as the report gives it, in the fields ``FINDING_FIELDS``.

    Returns text: a first line ``{"findings": [...]}`` with each finding's scalar fields,
    then one JSON line per finding with its lists (``record: "lists"``) and one per unit
    result (``record: "entity"``), in the report's order.
    """
    import numpy as np
    import polars as pl

    import plan_rules as pr

    indicators = registry.indicators
    ind_codes = list(indicators)
    # -- read: one pass over the CSV; positions as the reader numbers its observations ----
    text_cols = ("indicator", "entity", "level", "period", "value")
    try:
        df = (pl.scan_csv(path, schema_overrides={
            **{c: pl.Categorical for c in text_cols}, "numerator": pl.Int64,
            "denominator": pl.Int64, "reported_on": pl.String, "source": pl.String,
            "note": pl.String})
            .with_row_index("pos")
            .select(pl.col("pos").cast(pl.Int64), *text_cols, "numerator", "denominator",
                    "source")
            .collect())
    except pl.exceptions.ComputeError as exc:
        raise Unmodelled(f"a count that is not a plain whole number: {exc}") from exc
    entity_frame = _entities(pl, entities_file)

    # -- the small dictionaries, in Python: a dozen periods, a few hundred value texts ----
    distinct = df.select(pl.col("period").unique().cast(pl.String)).to_series().to_list()
    periods: dict[str, pr.Period] = {}
    for text in distinct:
        try:
            periods[text] = pr.Period.parse(text)
        except Exception as exc:
            raise Unmodelled(f"period {text!r} does not parse: {exc}") from exc
    spans = sorted((p.start, p.end) for p in set(periods.values()))
    for (_s0, e0), (s1, _e1) in itertools.pairwise(spans):
        if s1 <= e0:
            raise Unmodelled("periods overlap one another (flows would need the engine's "
                             "overlap rule)")
    period_texts = list(periods)
    milestone_words, count_words = _value_words(
        df.filter(pl.col("value").is_not_null())
        .select(pl.col("value").unique().cast(pl.String)).to_series().to_list())
    kind_ids = {k: [i for i, c in enumerate(ind_codes) if indicators[c].kind.value == k]
                for k in ("rate", "count", "milestone")}
    level_of = dict(zip(entity_frame["entity"].to_list(), entity_frame["e_level"].to_list(),
                        strict=True))

    # -- integer ids for indicators, units and periods; what the job assumes, checked -----
    def ids(col: str, keys: list[str]) -> pl.Expr:
        # Straight from the categorical column: no text is materialised per row.
        return pl.col(col).replace_strict(keys, list(range(len(keys))), default=None,
                                          return_dtype=pl.UInt32)

    iid = pl.col("iid")
    is_rate, is_milestone = iid.is_in(kind_ids["rate"]), iid.is_in(kind_ids["milestone"])
    value_text = pl.col("value")
    base = df.with_columns(
        iid=ids("indicator", ind_codes), eid=ids("entity", list(level_of)),
        pid=ids("period", period_texts),
    ).with_columns(
        val=pl.when(is_milestone).then(value_text.replace_strict(
            milestone_words, default=None, return_dtype=pl.Int64))
        .otherwise(value_text.replace_strict(count_words, default=None,
                                             return_dtype=pl.Int64)))
    del df
    num, den, val = pl.col("numerator"), pl.col("denominator"), pl.col("val")
    n_e, n_p = max(len(level_of), 1), max(len(periods), 1)
    problems = base.select(
        unknown_indicator=iid.is_null().sum(),
        unknown_unit=pl.col("eid").is_null().sum(),
        level_mismatch=pl.lit(0),
        bad_rate=(is_rate & (num.is_null() | den.is_null() | pl.col("value").is_not_null()
                             | (num > den))).sum(),
        bad_value=(~is_rate & (num.is_not_null() | den.is_not_null() | val.is_null())).sum(),
        no_evidence=pl.col("source").filter(is_milestone & (val == 1)).str.strip_chars()
        .fill_null("").eq("").sum(),
        duplicate=pl.len() - ((iid.cast(pl.Int64) * n_e + pl.col("eid")) * n_p
                              + pl.col("pid")).n_unique(),
        max_num=num.max(), max_den=den.max(), max_val=val.max(), n=pl.len(),
    ).row(0, named=True)
    # A level given in a row must be the unit's: checked on the distinct pairs.
    pairs_given = base.select("entity", "level").unique().drop_nulls()
    problems["level_mismatch"] = sum(
        level_of.get(code) != level
        for code, level in pairs_given.select(pl.all().cast(pl.String)).iter_rows())
    for name in ("unknown_indicator", "unknown_unit", "level_mismatch", "bad_rate",
                 "bad_value", "no_evidence", "duplicate"):
        if problems[name]:
            raise Unmodelled(f"{problems[name]} rows: {name.replace('_', ' ')}")
    base = base.select("pos", "iid", "eid", "pid", "numerator", "denominator", "val")

    biggest_t = max([abs(t.threshold.numerator) for t in registry.targets.values()]
                    + [t.threshold.denominator for t in registry.targets.values()] + [1])
    biggest = max(problems["max_num"] or 0, problems["max_den"] or 0, problems["max_val"] or 0)
    # A unit's sum, a target's sum and a cross-product all stay below rows × value × threshold.
    assert (problems["n"] + 1) * (biggest + 1) * biggest_t < INT_LIMIT, "int64 could overflow"
    prep = {"indicators": indicators, "ind_codes": ind_codes, "periods": periods,
            "period_texts": period_texts, "entity_frame": entity_frame, "base": base}
    targets = list(registry.targets.values())
    main = _core(pl, prep, [(target, as_of) for target in targets], full=True)
    early, res, lst, excl, der = (main[k] for k in ("early", "res", "lists", "excl", "der"))
    label_of = [periods[text].label for text in period_texts]
    res = res.with_columns(periods=pl.col("pids").list.eval(
        pl.element().replace_strict(list(range(len(label_of))), label_of,
                                    return_dtype=pl.String)))

    # -- lowest terms for the units' fractions (numpy.gcd, exact on int64) ------------------
    def reduced(n_col: str, d_col: str) -> pl.Series:
        n_arr = res[n_col].fill_null(0).to_numpy()
        d_arr = res[d_col].fill_null(1).to_numpy()
        g = np.gcd(n_arr, d_arr)
        g[g == 0] = 1
        n_red, d_red = n_arr // g, d_arr // g
        text = pl.DataFrame({"n": n_red, "d": d_red}).select(
            pl.when(pl.col("d") == 1).then(pl.col("n").cast(pl.String))
            .otherwise(pl.concat_str(pl.col("n"), pl.lit("/"), pl.col("d"))))
        absent = res[d_col].is_null() | (res[d_col] == 0)
        return text.to_series().set(absent, None)

    res = res.with_columns(observed=reduced("fn", "fd"), gap=reduced("gap_n", "gap_d"))

    # -- per target, in Python: 45 rows ----------------------------------------------------
    finished = _findings(pl, main, [(target, as_of) for target in targets], indicators)
    lists_of = {t: (o, h) for t, o, h in lst.iter_rows()}
    excl_of = {t: e for t, e in excl.iter_rows()}
    derived_t = {t for t, d in der.iter_rows() if d}
    histories = _histories(pl, prep, targets, as_of, main, finished)

    heads: list[dict[str, Any]] = []
    list_lines: list[dict[str, Any]] = []
    for t, target in enumerate(targets):
        ind = indicators[target.indicator]
        head: dict[str, Any] = {
            "code": target.code, "kind": "target", "indicator": ind.code, "area": ind.area,
            "plan": ind.plan, "plugin": target.plugin, "scope": target.scope.describe(),
            "window": None, "aggregation": target.aggregation.value,
            "comparator": target.comparator.value, "threshold": _text(target.threshold)}
        if t in early:
            head.update(verdict=early[t], observed=None, statistics=dict(EMPTY_STATS),
                        gap=None, gap_units=None, details={}, history=histories[t])
            heads.append(head)
            list_lines.append({"record": "lists", "target": target.code, "observations": []})
            continue
        head.update(finished[t], history=histories[t])
        measure = target.measurement
        window = pr.Period.between(measure.start, min(measure.end, as_of))
        head["window"] = {"start": window.start.isoformat(), "end": window.end.isoformat(),
                          "label": window.label}
        details: dict[str, Any] = {"excluded": None, "history": None}
        if t in derived_t:
            details["derived"] = True
        if ind.plan in registry.plans:
            details["deadline"] = target.deadline.isoformat()
        head["details"] = details
        heads.append(head)
        obs_list, hist_list = lists_of.get(t, ([], []))
        list_lines.append({"record": "lists", "target": target.code, "observations": obs_list,
                           "excluded": excl_of.get(t, []), "history": hist_list})

    codes = pl.DataFrame({"t": list(range(len(targets))),
                          "target": [tg.code for tg in targets]})
    entity_lines = (res.join(codes, on="t", how="left").sort("t", "rank", "entity").select(
        record=pl.lit("entity"), target="target", entity="entity", level="e_level",
        verdict="verdict", observed="observed", numerator="numerator",
        denominator="denominator", gap="gap", gap_units="gap_units", periods="periods",
        observations="used"))
    return (json.dumps({"findings": heads}, ensure_ascii=False) + "\n"
            + "\n".join(json.dumps(line) for line in list_lines) + "\n"
            + str(entity_lines.write_ndjson()))


def _core(pl: Any, prep: Mapping[str, Any], jobs: Sequence[tuple[Any, date]],
          full: bool) -> dict[str, Any]:
    """Each job's (a target as of a date) per-unit results and aggregates, in one
    ``collect_all``; ``full=False`` collects only what a point of a history needs."""
    import plan_rules as pr

    indicators, ind_codes = prep["indicators"], prep["ind_codes"]
    periods, period_texts = prep["periods"], prep["period_texts"]
    entity_frame, base = prep["entity_frame"], prep["base"]
    num, den, val = pl.col("numerator"), pl.col("denominator"), pl.col("val")
    # -- the targets, and what each distinct period means for each ------------------------
    target_rows: list[dict[str, Any]] = []
    flag_rows: list[tuple[Any, ...]] = []
    early: dict[int, str] = {}
    for t, (target, as_of) in enumerate(jobs):
        measure = target.measurement
        if target.valid_from and as_of < target.valid_from:
            early[t] = "not_applicable"
            continue
        if as_of < measure.start:
            early[t] = "no_data"
            continue
        window = pr.Period.between(measure.start, min(measure.end, as_of))
        ind = indicators[target.indicator]
        target_rows.append({
            "t": t, "kind": ind.kind.value,
            "snapshot": ind.temporal.value == "stock" or ind.kind.value == "milestone",
            "reported": target.aggregation.value == "reported",
            "op": target.comparator.value, "t_num": target.threshold.numerator,
            "t_den": target.threshold.denominator, "scope_level": target.scope.level,
            "scope_group": target.scope.group, "scope_entity": target.scope.entity,
            "w_start": window.start, "w_end": window.end})
        for pid, text in enumerate(period_texts):
            p = periods[text]
            if p.end <= as_of:  # later figures are not seen at all
                flag_rows.append((t, ind_codes.index(target.indicator), pid, p.start, p.end,
                                  target.valid_during(p),
                                  measure.start.year <= p.start.year <= measure.end.year,
                                  window.covers(p)))
    tframe = pl.DataFrame(target_rows, schema={
        "t": pl.Int64, "kind": pl.String, "snapshot": pl.Boolean,
        "reported": pl.Boolean, "op": pl.String, "t_num": pl.Int64, "t_den": pl.Int64,
        "scope_level": pl.String, "scope_group": pl.String, "scope_entity": pl.String,
        "w_start": pl.Date, "w_end": pl.Date})
    flags = pl.DataFrame(flag_rows, orient="row", schema={
        "t": pl.Int64, "iid": pl.UInt32, "pid": pl.UInt32, "p_start": pl.Date,
        "p_end": pl.Date, "target_valid": pl.Boolean, "in_years": pl.Boolean,
        "covered": pl.Boolean})
    tlazy = tframe.lazy()

    # Per (target, unit): in its scope or not (a reported target also reads the units
    # outside its scope, to derive the province's figure), and, for a stock, whether the
    # unit ceased before the window ends. Units × targets: a few hundred thousand pairs.
    pairs = (entity_frame.lazy().join(tlazy, how="cross").with_columns(
        in_scope=(pl.col("scope_level").is_null()
                  | (pl.col("e_level") == pl.col("scope_level")).fill_null(False))
        & (pl.col("scope_group").is_null()
           | pl.col("groups").list.contains(pl.col("scope_group")).fill_null(False))
        & (pl.col("scope_entity").is_null()
           | (pl.col("entity") == pl.col("scope_entity")).fill_null(False)),
        ceased=pl.col("snapshot") & pl.col("e_to").is_not_null()
        & (pl.col("e_to") < pl.col("w_end")))
        .filter(pl.col("in_scope") | pl.col("reported"))
        .select("t", "eid", "in_scope", "ceased", "e_from", "e_to", "w_start", "w_end",
                "snapshot", "reported")
        .collect())
    # Whether a unit existed during a period: all did, unless the entities file says when.
    dated = entity_frame.filter(pl.col("e_from").is_not_null() | pl.col("e_to").is_not_null())

    # -- every row with every target of its indicator: used, excluded or neither -----------
    rows = (base.lazy()
            .join(flags.lazy(), on=["iid", "pid"], how="inner")
            .join(pairs.lazy().select("t", "eid", "in_scope", "ceased"), on=["t", "eid"],
                  how="inner"))
    if dated.height:
        validity = (dated.lazy().select("eid", "e_from", "e_to")
                    .join(pl.LazyFrame({"pid": list(range(len(period_texts)))},
                                       schema={"pid": pl.UInt32}), how="cross")
                    .join(flags.lazy().select("pid", "p_start", "p_end").unique(), on="pid")
                    .select("eid", "pid", exists=(pl.col("e_from").is_null()
                                                  | (pl.col("p_end") >= pl.col("e_from")))
                            & (pl.col("e_to").is_null()
                               | (pl.col("p_start") <= pl.col("e_to")))))
        rows = (rows.join(validity, on=["eid", "pid"], how="left")
                .with_columns(pl.col("exists").fill_null(True)))
    else:
        rows = rows.with_columns(exists=pl.lit(True))
    ok = pl.col("target_valid") & pl.col("exists")
    x = (rows.with_columns(
        excluded=pl.col("in_scope") & ((~ok & pl.col("in_years")) | (ok & pl.col("ceased"))),
        used=ok & ~pl.col("ceased") & pl.col("covered"))
        .filter(pl.col("used") | pl.col("excluded"))
        .select("t", "eid", "pos", "pid", "p_end", "numerator", "denominator", "val",
                "in_scope", "used", "excluded")
        # In input order, so that each unit's positions and periods come out sorted.
        .sort("pos")
        .collect())

    last = pl.col("p_end").arg_max()
    # Period ends are distinct per unit (no duplicates, no overlaps): the latest snapshot
    # is the one row ending last, the rest are its history.
    # A point of a history needs no lists of positions, periods or ends.
    lists_of_unit = dict(
        pos_list=pl.col("pos"), pids=pl.col("pid"),
        older=pl.col("pos").filter(pl.col("p_end") != pl.col("p_end").max()),
        ends=pl.col("p_end").unique()) if full else {}
    # One integer key per (job, unit): grouping on it is twice as fast as on the pair.
    n_units = entity_frame.height
    grouped = (
        x.lazy().filter(pl.col("used"))
        .group_by(key=pl.col("t") * n_units + pl.col("eid"))
        .agg(pl.col("t").first(), pl.col("eid").first(), pl.col("in_scope").first(),
             n=pl.len(), num_sum=num.sum(), den_sum=den.sum(),
             val_sum=val.sum(), last_num=num.get(last), last_den=den.get(last),
             last_val=val.get(last), last_pos=pl.col("pos").get(last),
             last_pid=pl.col("pid").get(last), last_end=pl.col("p_end").max(),
             **lists_of_unit)
        .join(tlazy, on="t", how="left")
        # The province's own figure, or (a rate it gave none of) its units' pooled.
        .with_columns(n_own=pl.col("in_scope").sum().over("t"))
        .with_columns(derived=pl.col("reported") & (pl.col("kind") == "rate")
                      & (pl.col("n_own") == 0))
        .filter(pl.col("in_scope") | pl.col("derived"))
    )
    units = _unit_results(pl, grouped, full).collect().lazy()
    excluded = x.lazy().filter(pl.col("excluded")).select("t", "eid", "pos", "p_end")
    excluded_by_unit = (excluded.group_by("t", "eid")
                        .agg(excl=pl.col("pos").sort_by("p_end", "pos")))
    # In-scope units with nothing combined: not applicable (figures outside their validity),
    # left out (not existing in the window), or no data.
    with_units = units.group_by("t").agg(n_combined=pl.len())
    missing = (
        pairs.lazy().filter(pl.col("in_scope"))
        .join(with_units, on="t", how="left")
        .filter(~pl.col("reported") | pl.col("n_combined").is_null())
        .join(units.select("t", "eid"), on=["t", "eid"], how="anti")
        .join(excluded_by_unit, on=["t", "eid"], how="left")
        .with_columns(
            exists=(pl.col("e_from").is_null() | (pl.col("w_end") >= pl.col("e_from")))
            & (pl.col("e_to").is_null() | (pl.col("w_start") <= pl.col("e_to")))
            & ~(pl.col("snapshot") & pl.col("e_to").is_not_null()
                & (pl.col("e_to") < pl.col("w_end"))))
        .filter(pl.col("excl").is_not_null() | pl.col("exists"))
        .select("t", "eid",
                verdict=pl.when(pl.col("excl").is_not_null()).then(pl.lit("not_applicable"))
                .otherwise(pl.lit("no_data")),
                used=pl.col("excl").fill_null(pl.lit([], pl.List(pl.Int64))),
                pids=pl.lit([], pl.List(pl.UInt32)), rank=pl.lit(1, pl.Int8))
    )
    unit_cols = ["t", "eid", "verdict", "fn", "fd", "numerator", "denominator",
                 "gap_n", "gap_d", "gap_units", "n_used", "rank",
                 *(["pids", "used"] if full else [])]
    results = (pl.concat([units.select(unit_cols), missing], how="diagonal_relaxed")
               .join(entity_frame.lazy().select("eid", "entity", "e_level"), on="eid",
                     how="left")
               .sort("t", "rank", "entity"))
    fn, fd = pl.col("fn"), pl.col("fd")
    figure = results.filter(fd.is_not_null() & (fd != 0))
    per_target = results.group_by("t").agg(
        n_entities=pl.len(), n_observations=pl.col("n_used").sum(),
        n_combined=(pl.col("rank") == 0).sum(),
        numerator=pl.col("numerator").sum(), denominator=pl.col("denominator").sum(),
        **{v: (pl.col("verdict") == v).sum()
           for v in ("met", "not_met", "no_data", "not_applicable", "invalid")})
    mean_parts = figure.group_by("t", "fd").agg(sum_n=fn.sum(), count=pl.len())
    rate_f = fn.cast(pl.Float64) / fd.cast(pl.Float64)
    extremes = (figure.with_columns(f=rate_f)
                .with_columns(lo=pl.col("f").min().over("t"), hi=pl.col("f").max().over("t"))
                .filter((pl.col("f") <= pl.col("lo") + EXTREME_TOLERANCE
                         * pl.max_horizontal(pl.lit(1.0), pl.col("lo").abs()))
                        | (pl.col("f") >= pl.col("hi") - EXTREME_TOLERANCE
                           * pl.max_horizontal(pl.lit(1.0), pl.col("hi").abs())))
                .select("t", "fn", "fd").unique())
    flat = {"keep_nulls": False, "empty_as_null": False}
    lists = units.group_by("t").agg(
        observations=pl.col("used").list.explode(**flat).sort(),
        history=pl.col("history").list.explode(**flat).sort())
    excluded_lists = excluded.group_by("t").agg(excluded=pl.col("pos").sort())
    derived_of = units.group_by("t").agg(derived=pl.col("derived").any())

    dates = units.group_by("t").agg(
        on=pl.col("last_end").max(),
        **({"ends": pl.col("ends").list.explode(**flat).unique().sort()} if full else {}))
    if not full:
        # A point of a target's history needs only its verdict, figure and date.
        stats, means, ext, excl, der, on = pl.collect_all(
            [per_target, mean_parts, extremes, excluded_lists, derived_of, dates])
        return {"early": early, "stats": stats, "means": means, "ext": ext, "excl": excl,
                "der": der, "dates": on, "res": None, "lists": None}
    res, stats, means, ext, lst, excl, der, on = pl.collect_all(
        [results, per_target, mean_parts, extremes, lists, excluded_lists, derived_of, dates])
    return {"early": early, "stats": stats, "means": means, "ext": ext, "excl": excl,
            "der": der, "dates": on, "res": res, "lists": lst}


def _findings(pl: Any, out: Mapping[str, Any], jobs: Sequence[tuple[Any, date]],
              indicators: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """Each job's verdict, observed figure, statistics and gaps (``_finish``), for the jobs
    not settled before any figure is read."""
    stat_of = {r["t"]: r for r in out["stats"].iter_rows(named=True)}
    sums_of: dict[int, dict[int, tuple[int, int]]] = {}
    for t, d, total, count in out["means"].iter_rows():
        sums_of.setdefault(t, {})[d] = (total, count)
    ext_of: dict[int, list[Fraction]] = {}
    for t, n_, d_ in out["ext"].iter_rows():
        ext_of.setdefault(t, []).append(Fraction(n_, d_))
    excluded = {t for t, e in out["excl"].iter_rows() if e}
    derived = {t for t, d in out["der"].iter_rows() if d}
    units_gap: dict[int, list[int | None]] = {}
    if out["res"] is not None:
        for t, g_u in out["res"].filter(pl.col("verdict") == "not_met").select(
                "t", "gap_units").iter_rows():
            units_gap.setdefault(t, []).append(g_u)
    return {t: _finish(target, indicators[target.indicator].kind.value, stat_of.get(t),
                       sums_of.get(t, {}), ext_of.get(t, []), t in derived, t in excluded,
                       units_gap.get(t, []), EMPTY_STATS)
            for t, (target, _when) in enumerate(jobs) if t not in out["early"]}


def _histories(pl: Any, prep: Mapping[str, Any], targets: Sequence[Any], as_of: date,
               main: Mapping[str, Any], finished: Mapping[int, Mapping[str, Any]],
               ) -> list[list[dict[str, Any]]]:
    """Each target's history as the report gives it: the statistic at the end of each earlier
    reporting period of its schedule in which its figures ended, then its own latest figure.

    Every (target, cut-off) pair is evaluated at once, as a job of its own.
    """
    from plan_rules.schedule import DEFAULT_SCHEDULE

    dates = {t: (on, ends) for t, on, ends in main["dates"].iter_rows()}
    latest: dict[int, dict[str, Any]] = {}
    cuts: list[tuple[int, date]] = []
    for t, target in enumerate(targets):
        done = finished.get(t)
        if done is None and main["early"].get(t) == "not_applicable":
            continue  # no progress, so no history, for a target that does not apply yet
        if done is not None and done["verdict"] == "not_applicable":
            continue
        on, ends = dates.get(t, (None, []))
        if done is not None and done["verdict"] in ("met", "not_met") \
                and done["observed"] is not None and on is not None:
            latest[t] = {"on": on.isoformat(), "value": done["observed"], "source": None}
        limit = on if t in latest else as_of
        schedule = target.schedule or DEFAULT_SCHEDULE
        cuts.extend((t, b) for b in sorted({schedule.period_end(e) for e in ends}) if b < limit)
    jobs = [(targets[t], b) for t, b in cuts]
    out = _core(pl, prep, jobs, full=False) if jobs else None
    points: dict[int, dict[date, str]] = {}
    if out is not None:
        found = _findings(pl, out, jobs, prep["indicators"])
        on_of = {j: on for j, on in out["dates"].iter_rows()}
        for j, (t, _b) in enumerate(cuts):
            past = found.get(j)
            if past is not None and past["verdict"] in ("met", "not_met") \
                    and past["observed"] is not None and on_of.get(j) is not None:
                points.setdefault(t, {})[on_of[j]] = past["observed"]
    return [[{"on": on.isoformat(), "value": value, "source": None}
             for on, value in sorted(points.get(t, {}).items())]
            + ([latest[t]] if t in latest else []) for t in range(len(targets))]


def _entities(pl: Any, path: Path) -> Any:
    """The entities file as a frame: ``eid`` (row number), code, level, groups, validity.

    Read with polars; the few distinct levels and dates are read by plan_rules' own rules
    (``level_key``, ``parse_date``). Headers must be the English ones.
    """
    from plan_rules.readers import level_key, parse_date

    raw = pl.read_csv(path, infer_schema=False)
    wanted = ("code", "level", "groups", "valid_from", "valid_to")
    if any(c not in raw.columns for c in wanted):
        raise Unmodelled(f"the entities file needs the columns {', '.join(wanted)}")
    raw = raw.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in wanted)
    if raw["code"].null_count() or raw["level"].null_count() or raw["code"].n_unique() != \
            raw.height:
        raise Unmodelled("an entity without code or level, or a code given twice")
    levels = raw["level"].unique().to_list()
    dates: dict[str, date] = {}
    for text in pl.concat([raw["valid_from"], raw["valid_to"]]).drop_nulls().unique():
        try:
            dates[text] = parse_date(text)
        except (ValueError, OverflowError) as exc:
            raise Unmodelled(f"entity date {text!r} does not parse") from exc
    return raw.select(
        "code",
        pl.col("level").replace_strict(levels, [level_key(lv) for lv in levels]),
        pl.col("groups").fill_null("").str.replace_all(r"[,|]", ";").str.split(";"),
        pl.col("valid_from").replace_strict(dates, default=None, return_dtype=pl.Date),
        pl.col("valid_to").replace_strict(dates, default=None, return_dtype=pl.Date),
    ).select(
        entity="code", e_level="level",
        groups=pl.col("groups").list.eval(pl.element().str.strip_chars())
        .list.filter(pl.element() != ""),
        e_from="valid_from", e_to="valid_to",
    ).with_row_index("eid")


def _value_words(texts: Iterable[str]) -> tuple[dict[str, int], dict[str, int]]:
    """The distinct value texts read as milestones (done 1, not done 0) and as counts."""
    import unicodedata

    from plan_rules.numbers import NumberParseError, parse_int
    from plan_rules.readers import _DONE, _NOT_DONE  # the reader's own words for milestones

    milestones: dict[str, int] = {}
    counts: dict[str, int] = {}
    for text in texts:
        folded = unicodedata.normalize("NFC", text.strip()).casefold()
        if folded in _DONE or folded in _NOT_DONE:
            milestones[text] = 1 if folded in _DONE else 0
        try:
            number = parse_int(text.strip())
        except NumberParseError:
            continue
        if number >= 0:
            counts[text] = number
    return milestones, counts


def _unit_results(pl: Any, grouped: Any, full: bool) -> Any:
    """Each unit's figure, verdict, gap and gap in units, from its combined rows (with the
    positions and periods used, and the older snapshots set aside, when ``full``)."""
    snap, is_rate = pl.col("snapshot"), pl.col("kind") == "rate"
    units = grouped.with_columns(
        fn=pl.when(is_rate).then(pl.when(snap).then("last_num").otherwise("num_sum"))
        .otherwise(pl.when(snap).then("last_val").otherwise("val_sum")),
        fd=pl.when(is_rate).then(pl.when(snap).then("last_den").otherwise("den_sum"))
        .otherwise(pl.lit(1, pl.Int64)),
        n_used=pl.when(snap).then(pl.lit(1, pl.UInt32)).otherwise("n"),
        rank=pl.lit(0, pl.Int8),
    )
    if full:
        units = units.with_columns(
            used=pl.when(snap).then(pl.concat_list("last_pos")).otherwise("pos_list"),
            pids=pl.when(snap).then(pl.concat_list("last_pid")).otherwise("pids"),
            history=pl.when(snap).then("older").otherwise(pl.lit([], pl.List(pl.Int64))))
    fn, fd = pl.col("fn"), pl.col("fd")
    t_num, t_den, op = pl.col("t_num"), pl.col("t_den"), pl.col("op")
    lhs, rhs = fn * t_den, t_num * fd

    def holds(a: Any, b: Any) -> Any:
        return (pl.when(op == ">=").then(a >= b).when(op == ">").then(a > b)
                .when(op == "<=").then(a <= b).when(op == "<").then(a < b).otherwise(a == b))

    # Integer ceilings and floors: -((-a) // b) is ceil(a / b) for b > 0.
    scaled = t_num * fd
    up, down = -((-scaled) // t_den), scaled // t_den
    a = t_num - fn * t_den  # (threshold - count) * t_den
    zero = pl.lit(0, pl.Int64)
    rate_units = (pl.when(op == ">=").then(pl.max_horizontal(zero, up - fn))
                  .when(op == ">").then(pl.max_horizontal(zero, down + 1 - fn))
                  .when(op == "<=").then(pl.max_horizontal(zero, fn - down))
                  .when(op == "<").then(pl.max_horizontal(zero, fn - (up - 1)))
                  .otherwise((up - fn).abs()))
    count_units = (pl.when(op == ">=").then(pl.max_horizontal(zero, -((-a) // t_den)))
                   .when(op == ">").then(pl.max_horizontal(zero, a // t_den + 1))
                   .when(op == "<=").then(pl.max_horizontal(zero, -(a // t_den)))
                   .when(op == "<").then(pl.max_horizontal(zero, (-a) // t_den + 1))
                   .otherwise(-((-a.abs()) // t_den)))
    has_figure = fd != 0
    met = has_figure & holds(lhs, rhs)
    no_gap = ~has_figure | (pl.col("kind") == "milestone")
    return units.with_columns(
        verdict=pl.when(~has_figure).then(pl.lit("no_data"))
        .when(met).then(pl.lit("met")).otherwise(pl.lit("not_met")),
        numerator=pl.when(is_rate).then(fn), denominator=pl.when(is_rate).then(fd),
        gap_n=pl.when(no_gap).then(None).when(met).then(zero).otherwise((rhs - lhs).abs()),
        gap_d=pl.when(no_gap).then(None).when(met).then(pl.lit(1, pl.Int64))
        .otherwise(t_den * fd),
        gap_units=pl.when(no_gap).then(None).when(met).then(zero)
        .when(is_rate).then(rate_units).otherwise(count_units),
    )


def _finish(target: Any, kind: str, stat: Mapping[str, Any] | None,
            sums: Mapping[int, tuple[int, int]], candidates: Sequence[Fraction],
            derived: bool, excluded: bool, not_met_units: Sequence[int | None],
            empty: Mapping[str, Any]) -> dict[str, Any]:
    """A target's statistics, verdict, observed figure and gaps from its aggregated rows."""
    stats = dict(empty)
    n_combined = 0
    if stat is not None:
        n_combined = stat["n_combined"]
        for key in ("n_entities", "n_observations", "met", "not_met", "no_data",
                    "not_applicable", "invalid"):
            stats[key] = stat[key]
    figures = sum(c for _s, c in sums.values())
    mean = figure_sum = None
    if figures:
        common = math.lcm(*sums)
        total = sum(s * (common // d) for d, (s, _c) in sums.items())
        mean = Fraction(total, common * figures)
        figure_sum = Fraction(total, common)
    low = min(candidates) if candidates else None
    high = max(candidates) if candidates else None
    numerator = denominator = None
    pooled: Fraction | None = None
    if kind == "rate" and n_combined:
        numerator, denominator = stat["numerator"], stat["denominator"]  # type: ignore[index]
        pooled = Fraction(numerator, denominator) if denominator else None
    elif kind == "count" and figures:
        pooled = figure_sum
    stats.update(numerator=numerator, denominator=denominator, pooled=_text(pooled),
                 mean=_text(mean), minimum=_text(low), maximum=_text(high))
    op, threshold, agg = target.comparator.value, target.threshold, target.aggregation.value
    observed: Fraction | None
    verdict: str
    if agg == "each":
        observed = low if op in (">=", ">") else high
        present = {v for v in ("not_met", "invalid", "no_data", "met", "not_applicable")
                   if stats[v]}
        verdict = next((v for v in ("not_met", "invalid", "no_data", "met", "not_applicable")
                        if v in present), "not_applicable" if excluded else "no_data")
    else:
        if agg == "reported":
            single = n_combined == 1 and not derived
            observed = (low if single else pooled)  # one unit: its own figure
            stats["reported"] = _text(observed) if not derived else None
        elif agg == "pooled":
            observed = pooled
        else:
            observed = mean
        if observed is None:
            verdict = ("not_applicable" if excluded and not n_combined else "no_data")
        else:
            verdict = "met" if _holds(op, observed, threshold) else "not_met"
    gap: Fraction | None = None
    units: int | None = None
    if observed is not None:
        if kind != "milestone":
            met_already = _holds(op, observed, threshold)
            gap = Fraction(0) if met_already else abs(threshold - observed)
            if agg == "each":
                if not_met_units and all(u is not None for u in not_met_units):
                    units = sum(u or 0 for u in not_met_units)
            elif agg == "mean":
                pass
            elif met_already:
                units = 0
            elif kind == "count":
                units = _count_units(int(observed), threshold.numerator, threshold.denominator,
                                     op)
            elif numerator is not None and denominator:
                units = _rate_units(numerator, denominator, threshold.numerator,
                                    threshold.denominator, op)
        if verdict == "met":
            gap, units = Fraction(0), 0
    return {"verdict": verdict, "observed": _text(observed), "statistics": stats,
            "gap": _text(gap), "gap_units": units}


# -- the check ------------------------------------------------------------------------------


def parse(text: str) -> dict[str, dict[str, Any]]:
    """The job's output as findings by target code, lists and unit results filled in."""
    lines = iter(text.splitlines())
    findings = {f["code"]: f for f in json.loads(next(lines))["findings"]}
    for f in findings.values():
        f["entities"] = []
    for line in lines:
        if not line:
            continue
        rec = json.loads(line)
        f = findings[rec.pop("target")]
        kind = rec.pop("record")
        if kind == "lists":
            f["observations"] = rec.get("observations", [])
            if f["details"]:
                f["details"]["excluded"] = rec.get("excluded", [])
                f["details"]["history"] = rec.get("history", [])
        else:
            f["entities"].append(rec)
    return findings


def compare(report: Mapping[str, Any], output: str) -> list[str]:
    """How the job's ``output`` differs from plan_rules' JSON ``report``: empty if it agrees
    in every field of ``FINDING_FIELDS`` of every target; else the first differing field."""
    got = parse(output)
    expected = [f for f in report["findings"] if f["kind"] == "target"]
    if [f["code"] for f in expected] != list(got):
        return [f"targets differ: report {len(expected)}, job {len(got)}"]
    for ref in expected:
        mine = got[ref["code"]]
        for field in FINDING_FIELDS:
            if field == "entities":
                found = _first_entity_difference(ref["entities"], mine["entities"])
                if found:
                    return [f"{ref['code']}: {found}"]
            elif ref.get(field) != mine.get(field):
                path = field
                a, b = ref.get(field), mine.get(field)
                if isinstance(a, dict) and isinstance(b, dict):
                    key = next(k for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k))
                    path, a, b = f"{field}.{key}", a.get(key), b.get(key)
                return [f"{ref['code']}: {path}: report {_short(a)}, job {_short(b)}"]
    return []


def _first_entity_difference(ref: Sequence[Mapping[str, Any]],
                             mine: Sequence[Mapping[str, Any]]) -> str | None:
    for k, (a, b) in enumerate(zip(ref, mine, strict=False)):
        for field in ENTITY_FIELDS:
            if a.get(field) != b.get(field):
                return (f"entities[{k}] ({a.get('entity')}).{field}: report "
                        f"{_short(a.get(field))}, job {_short(b.get(field))}")
    if len(ref) != len(mine):
        return f"entities: report {len(ref)} units, job {len(mine)}"
    return None


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


def summary(report: Mapping[str, Any]) -> dict[str, int]:
    """How many fields the check compares (targets, unit results)."""
    found = [f for f in report["findings"] if f["kind"] == "target"]
    return {"targets": len(found), "unit_results": sum(len(f["entities"]) for f in found)}


def main(argv: Iterable[str] | None = None) -> None:
    """``polars_full.py FIGURES [REPORT.json] [--as-of YYYY-MM-DD]``: evaluate (the output on
    stdout); with plan_rules' JSON report of the same file, check against it instead."""
    import argparse
    import sys
    import time

    import plan_rules as pr

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import entities_path

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("figures", type=Path)
    parser.add_argument("report", type=Path, nargs="?")
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    args = parser.parse_args(None if argv is None else list(argv))
    registry = pr.load_registry()
    start = time.perf_counter()
    out = evaluate(args.figures, entities_path(args.figures), registry, as_of=args.as_of)
    print(f"evaluated in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    if args.report is None:
        sys.stdout.write(out)
        return
    report = json.loads(args.report.read_text(encoding="utf-8"))
    problems = compare(report, out)
    print("agrees with the report" if not problems else "DIFFERS: " + problems[0])
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
