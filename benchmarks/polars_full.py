"""plan_rules' per-target results recomputed with polars lazy frames, and the check against it.

``evaluate`` computes, for every target of the registry, what ``plan-rules evaluate FILE
--entities ENT --as-of DATE -f json`` reports for it: the window (the target's measurement
period cut at the as-of date, or at its last valid day for a closed target; ``not_applicable``
before the target's validity or when it is valid on no day of its window), per unit the
combined figure (flow: numerators and denominators summed over the unit's periods inside the
window; stock and milestone: the latest snapshot, the older ones set aside as history), the
unit's verdict, gap and gap in units; for a ``reported`` target, each scope unit that gave no
figure of its own rolled up from the units under it in the entity tree (a rate: the summed
counts; a count: the sum; a milestone: done when every unit is), one result per scope unit
(each province of a national file from its own units); then per target the statistics beside
the one its aggregation uses (each / pooled / mean / reported), the coverage (the units
expected, those that reported, those that sent nothing, under the target's rule for missing
units), the verdict (``incomplete`` where too few units reported for the rule) by integer
cross-multiplication, the gap and the gap in units. ``compare`` holds that output to the
report field by field and names the first field that differs.

The work is polars, in a few materialised steps: one ``collect`` reads the CSV (the read
stage) and maps every text to an integer id; then ``_core`` evaluates a list of *jobs* — a
target over a window as of a date — at once: a lazy plan joins every row with the jobs of
its indicator, the flags of its period and its (job, unit) scope and is collected once (the
select stage); the per-(job, unit) grouping is collected once (combine); ``_roll_up`` groups
the units outside a ``reported`` job's scope under their nearest ancestor among its scope
units (an ancestor frame of the entity tree, built once by self-joins) and rolls each group
into one figure; and one ``collect_all`` makes every aggregate and coverage from that. A
plan whose territory the entities file describes (``territory.enforced``: each province's plan
of ``plan_rules.per_territory``) keeps its targets to the units within it: a job per (target,
territory), and a frame of (unit, territory) pairs (``_within``, from the ancestor frame)
joined with the rows and with the jobs, so each row meets only the jobs of its own
territory's plans and the 34 provinces' jobs run in the same collects as one plan's.

Python works only on what is small: the dozen distinct period labels are parsed by
``plan_rules.periods.Period`` and each job's flags per period are computed with the target's
own methods (``plan_rules.window.opening`` and ``closure`` give its window and whether it is
closed); the distinct value texts of counts and milestones are read once; and the finishing
step per job turns sums into exact fractions. Three statistics need exact arithmetic that
int64 columns cannot hold and are finished in Python on aggregated rows: the **mean** of
unit rates (polars sums the numerators per distinct denominator, Python adds those few
thousand fractions over their lcm, as ``plan_rules.aggregation.mean`` does), the **minimum
and maximum** (polars keeps the units whose float rate is within 1e-9, relative, of the
float extreme, Python picks the exact one among them), and the reduction of each unit's
fractions to lowest terms (``numpy.gcd`` on the collected columns). Every other number is
int64 in polars; ``evaluate`` asserts that the largest sum and cross-product it can form
stays below 2**62, so nothing overflows.

What it does not model it refuses (``Unmodelled``) instead of guessing: rows that would be data
issues (unknown indicator or unit, level mismatch, numerator above denominator, percentages
for rates, counts for counts or milestones, a milestone done without evidence, a duplicate),
units not in the entities file, periods that overlap one another (flows add up only over
periods that do not), an entity tree that changes with the date (a code on several rows, a
parent with dates of validity) or is cyclic.

Each target's ``history`` is reproduced too: the statistic over each year before its window
that holds figures of its indicator (at most ``HISTORY_YEARS`` back), at the end of each
earlier reporting period of its schedule in which its figures ended (quarter ends by
default), then its latest figure. Every (target, cut-off) and (target, year) pair is one more
job, all evaluated in one more ``_core``. Not reproduced yet: messages, progress assessments,
data issues, the plugins' checks.
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
                  "history", "coverage")
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
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == "<":
        return left < right
    return left == right


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


def load(workload: str = "provinces") -> Any:
    """The benchmark job: import polars and plan_rules, load the registry of ``workload``
    (``generate.registry``: the plan per province, or the single plan); ``(path, _) → str``."""
    import polars  # noqa: F401  (imported with the job, as the other peers are)
    from generate import registry as workload_registry

    registry = workload_registry(workload)

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
    from plan_rules import window as pr_window

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
    # The territory each target keeps to (``territory.enforced``): its plan's, when the
    # entities file describes it; -1 (every unit) otherwise.
    eid_of = dict(zip(entity_frame["entity"].to_list(), entity_frame["eid"].to_list(),
                      strict=True))
    territory_of: dict[str, int] = {}
    for target in registry.targets.values():
        plan = registry.plans.get(target.plan or indicators[target.indicator].plan)
        place = None if plan is None else plan.territory
        territory_of[target.code] = eid_of.get(place, -1) if place is not None else -1

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
            "period_texts": period_texts, "entity_frame": entity_frame, "base": base,
            "ancestors": _ancestors(pl, entity_frame), "n_rows": problems["n"],
            "territory_of": territory_of}
    prep["within"] = _within(pl, entity_frame, prep["ancestors"],
                             sorted(set(territory_of.values())))
    targets = list(registry.targets.values())
    opened = [_opening(target, as_of) for target in targets]
    jobs = [(target, w, as_of) for target, w in zip(targets, opened, strict=True)
            if isinstance(w, pr.Period)]
    t_of = [t for t, w in enumerate(opened) if isinstance(w, pr.Period)]
    main = _core(pl, prep, jobs, full=True)
    res = main["res"]
    # The periods of each unit's figures, from the period rank each position is keyed by.
    ranked = prep["ranked"]
    res = res.with_columns(periods=pl.col("ukeys").list.eval(
        (pl.element() // prep["key_base"]).replace_strict(
            list(range(len(ranked))), [p.label for p in ranked], return_dtype=pl.String)),
        used=pl.when(pl.col("rank") == 1).then("excl")
        .otherwise(pl.col("ukeys").list.eval(pl.element() % prep["key_base"])))

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
    finished = _findings(pl, main, jobs, indicators)
    lists_of = {j: (o, h) for j, o, h in main["lists"].iter_rows()}
    excl_of = {j: e for j, e in main["excl"].iter_rows()}
    histories, cited = _histories(pl, prep, jobs, main, finished)

    heads: list[dict[str, Any]] = []
    list_lines: list[dict[str, Any]] = []
    job_of = {t: j for j, t in enumerate(t_of)}
    for t, target in enumerate(targets):
        ind = indicators[target.indicator]
        head: dict[str, Any] = {
            "code": target.code, "kind": "target", "indicator": ind.code, "area": ind.area,
            "plan": target.plan or ind.plan, "plugin": target.plugin,
            "scope": target.scope.describe(),
            "window": None, "aggregation": target.aggregation.value,
            "comparator": target.comparator.value, "threshold": _text(target.threshold)}
        j = job_of.get(t)
        if j is None:
            opening = opened[t]
            assert not isinstance(opening, pr.Period)
            head.update(verdict="not_applicable" if opening[1] else "no_data",
                        observed=None, statistics=dict(EMPTY_STATS), gap=None,
                        gap_units=None, details={}, history=[], coverage=None)
            heads.append(head)
            list_lines.append({"record": "lists", "target": target.code, "observations": []})
            continue
        done = dict(finished[j])
        derived_from = done.pop("derived_from")
        derived = done.pop("derived")
        head.update(done, history=histories[j])
        window = jobs[j][1]
        head["window"] = {"start": window.start.isoformat(), "end": window.end.isoformat(),
                          "label": window.label}
        details: dict[str, Any] = {"excluded": None, "history": None}
        if derived:
            details["derived"] = True
        if derived_from:
            details["derived_from"] = derived_from
        if ind.plan in registry.plans:
            details["deadline"] = target.deadline.isoformat()
        ended = pr_window.closure(target, as_of)
        if ended is not None:
            details["closed"] = {"on": {"$date": ended.on.isoformat()},
                                 "reason": None if ended.reason is None else
                                 {"vi": ended.reason.vi, "en": ended.reason.en}}
        head["details"] = details
        heads.append(head)
        obs_list, hist_list = lists_of.get(j, ([], []))
        if cited.get(j):
            hist_list = sorted({*hist_list, *cited[j]})
        list_lines.append({"record": "lists", "target": target.code, "observations": obs_list,
                           "excluded": excl_of.get(j, []), "history": hist_list})

    codes = pl.DataFrame({"t": list(range(len(jobs))),
                          "target": [job[0].code for job in jobs]},
                         schema={"t": pl.Int64, "target": pl.String})
    entity_lines = (res.join(codes, on="t", how="left").sort("t", "rank", "entity").select(
        record=pl.lit("entity"), target="target", entity="entity", level="e_level",
        verdict="verdict", observed="observed", numerator="numerator",
        denominator="denominator", gap="gap", gap_units="gap_units", periods="periods",
        observations="used"))
    return (json.dumps({"findings": heads}, ensure_ascii=False) + "\n"
            + "\n".join(json.dumps(line) for line in list_lines) + "\n"
            + str(entity_lines.write_ndjson()))


#: A job: a target measured over a window as of a date (its as-of window, the window of an
#: earlier cut-off of its history, or one of the years before its window).
Job = tuple[Any, "pr.Period", date]


def _core(pl: Any, prep: dict[str, Any], jobs: Sequence[Job], full: bool) -> dict[str, Any]:
    """Each job's per-unit results and aggregates, in one ``collect_all``; ``full=False``
    collects only what a point of a history needs (no lists of positions).

    The stages, as plan_rules runs them: select (each row with each job of its indicator,
    used, set aside as ``excluded``, or neither), combine (per job and unit), roll up (a
    ``reported`` job's scope units that gave no figure, from the units under them in the
    entity tree: ``_roll_up``), compare (each unit's verdict and gaps), aggregate (the
    statistics, and the coverage: ``_coverage``).
    """
    indicators, ind_codes = prep["indicators"], prep["ind_codes"]
    periods, period_texts = prep["periods"], prep["period_texts"]
    entity_frame, base = prep["entity_frame"], prep["base"]
    num, den, val = pl.col("numerator"), pl.col("denominator"), pl.col("val")
    # Period ranks (by end, then start: the order of a unit's series), and a sort key per
    # row that orders by period, then position: positions are recovered as key % base.
    if "ranked" not in prep:
        ranked = sorted(set(periods.values()), key=lambda p: (p.end, p.start))
        prep["ranked"] = ranked
        prep["key_base"] = prep["n_rows"] + 1
    rank_of = {p: k for k, p in enumerate(prep["ranked"])}
    key_base = prep["key_base"]
    # -- the jobs, and what each distinct period means for each ---------------------------
    terr_of, within = prep["territory_of"], prep["within"]
    iid_of = {code: i for i, code in enumerate(ind_codes)}
    # Period ids and ranks are this file's: the flags are remembered with it, in ``prep``.
    flag_memo: dict[tuple[object, ...], list[tuple[Any, ...]]] = prep.setdefault("flags", {})
    target_rows: list[dict[str, Any]] = []
    flag_rows: list[tuple[Any, ...]] = []
    for t, (target, window, when) in enumerate(jobs):
        measure = _measurement(target)
        ind = indicators[target.indicator]
        target_rows.append({
            "t": t, "kind": ind.kind.value,
            "snapshot": ind.temporal.value == "stock" or ind.kind.value == "milestone",
            "reported": target.aggregation.value == "reported",
            "op": target.comparator.value, "t_num": target.threshold.numerator,
            "t_den": target.threshold.denominator, "scope_level": target.scope.level,
            "scope_group": target.scope.group, "scope_entity": target.scope.entity,
            "w_start": window.start, "w_end": window.end, "terr": terr_of[target.code]})
        # What each period means for the job: the same for every province's copy.
        key = (target.indicator, *_dates(target), window, when)
        if key not in flag_memo:
            flag_memo[key] = [
                (iid_of[target.indicator], pid, p.start, p.end, rank_of[p],
                 target.valid_during(p),
                 measure.start.year <= p.start.year <= measure.end.year, window.covers(p))
                for pid, p in ((pid, periods[text]) for pid, text in enumerate(period_texts))
                if p.end <= when]  # later figures are not seen at all
        head = (t, terr_of[target.code])
        flag_rows.extend(head + row for row in flag_memo[key])
    tframe = pl.DataFrame(target_rows, schema={
        "t": pl.Int64, "kind": pl.String, "snapshot": pl.Boolean,
        "reported": pl.Boolean, "op": pl.String, "t_num": pl.Int64, "t_den": pl.Int64,
        "scope_level": pl.String, "scope_group": pl.String, "scope_entity": pl.String,
        "w_start": pl.Date, "w_end": pl.Date, "terr": pl.Int64})
    flags = pl.DataFrame(flag_rows, orient="row", schema={
        "t": pl.Int64, "terr": pl.Int64, "iid": pl.UInt32, "pid": pl.UInt32,
        "p_start": pl.Date, "p_end": pl.Date, "p_rank": pl.Int64, "target_valid": pl.Boolean,
        "in_years": pl.Boolean, "covered": pl.Boolean})
    tlazy = tframe.lazy()

    # Per (job, unit): in its scope or not (a reported target also reads the units outside
    # its scope, to roll its scope units up from them), whether the unit existed during the
    # window, and, for a stock, whether it ceased before the window ends.
    # Only the units within its territory (``within``: each unit's territories, -1 for
    # every unit's): a plan per province is one more key of the same join.
    pairs = (entity_frame.lazy().join(within.lazy(), on="eid")
             .join(tlazy, on="terr").with_columns(
        in_scope=(pl.col("scope_level").is_null()
                  | (pl.col("e_level") == pl.col("scope_level")).fill_null(False))
        & (pl.col("scope_group").is_null()
           | pl.col("groups").list.contains(pl.col("scope_group")).fill_null(False))
        & (pl.col("scope_entity").is_null()
           | (pl.col("entity") == pl.col("scope_entity")).fill_null(False)),
        ceased=pl.col("snapshot") & pl.col("e_to").is_not_null()
        & (pl.col("e_to") < pl.col("w_end")),
        during=(pl.col("e_from").is_null() | (pl.col("w_end") >= pl.col("e_from")))
        & (pl.col("e_to").is_null() | (pl.col("w_start") <= pl.col("e_to"))))
        .filter(pl.col("in_scope") | pl.col("reported"))
        .select("t", "eid", "in_scope", "ceased", "during", "reported")
        .collect())
    # Whether a unit existed during a period: all did, unless the entities file says when.
    dated = entity_frame.filter(pl.col("e_from").is_not_null() | pl.col("e_to").is_not_null())

    # -- select: every row with every job of its indicator: used, excluded or neither -------
    # Each row meets only the jobs of its indicator within the territories of its unit.
    rows = (base.lazy()
            .join(within.lazy(), on="eid", how="inner")
            .join(flags.lazy(), on=["iid", "pid", "terr"], how="inner")
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
        used=ok & ~pl.col("ceased") & pl.col("covered"),
        okey=pl.col("p_rank") * key_base + pl.col("pos"))
        .filter(pl.col("used") | pl.col("excluded"))
        .select("t", "eid", "pos", "okey", "p_end", "numerator", "denominator", "val",
                "in_scope", "used", "excluded"))
    if full:
        # In period order, then position: each unit's figures come out in series order (a
        # point of a history lists none, so its rows stay as they come).
        x = x.sort("okey")
    x = x.collect()

    # -- combine: per (job, unit) ----------------------------------------------------------
    last = pl.col("p_end").arg_max()
    # Period ends are distinct per unit (no duplicates, no overlaps): the latest snapshot
    # is the one row ending last, the rest are its history.
    lists_of_unit = dict(
        all_keys=pl.col("okey"),
        older=pl.col("pos").filter(pl.col("p_end") != pl.col("p_end").max()),
        ends=pl.col("p_end").unique()) if full else {}
    # One integer key per (job, unit): grouping on it is twice as fast as on the pair.
    n_units = entity_frame.height
    snap, is_rate = pl.col("snapshot"), pl.col("kind") == "rate"
    combined = (
        x.lazy().filter(pl.col("used"))
        .group_by(key=pl.col("t") * n_units + pl.col("eid"))
        .agg(pl.col("t").first(), pl.col("eid").first(), pl.col("in_scope").first(),
             n=pl.len(), num_sum=num.sum(), den_sum=den.sum(),
             val_sum=val.sum(), last_num=num.get(last), last_den=den.get(last),
             last_val=val.get(last), last_key=pl.col("okey").get(last),
             last_end=pl.col("p_end").max(), **lists_of_unit)
        .join(tlazy.select("t", "kind", "snapshot"), on="t", how="left")
        .with_columns(
            fn=pl.when(is_rate).then(pl.when(snap).then("last_num").otherwise("num_sum"))
            .otherwise(pl.when(snap).then("last_val").otherwise("val_sum")),
            fd=pl.when(is_rate).then(pl.when(snap).then("last_den").otherwise("den_sum"))
            .otherwise(pl.lit(1, pl.Int64)),
            n_used=pl.when(snap).then(pl.lit(1, pl.UInt32)).otherwise("n").cast(pl.Int64),
            **({"ukeys": pl.when(snap).then(pl.concat_list("last_key"))
                .otherwise("all_keys"),
                "history": pl.when(snap).then("older")
                .otherwise(pl.lit([], pl.List(pl.Int64)))} if full else {}))
        .select("t", "eid", "in_scope", "kind", "fn", "fd", "n_used", "last_end",
                *(["ukeys", "history", "ends"] if full else []))
        .collect())
    rolled = _roll_up(pl, prep, combined, pairs, full)
    units = _unit_results(pl, rolled["combined"].lazy().join(
        tlazy.select("t", "op", "t_num", "t_den"), on="t", how="left")).collect().lazy()

    excluded = x.lazy().filter(pl.col("excluded")).select("t", "eid", "pos", "p_end")
    excluded_by_unit = (excluded.group_by("t", "eid")
                        .agg(excl=pl.col("pos").sort_by("p_end", "pos")))
    # In-scope units with nothing combined: not applicable (figures outside their validity),
    # left out (not existing in the window, or a stock's unit that ceased), or no data; a
    # reported target with a figure lists none of them.
    with_units = units.group_by("t").agg(n_combined=pl.len())
    missing = (
        pairs.lazy().filter(pl.col("in_scope"))
        .join(with_units, on="t", how="left")
        .filter(~pl.col("reported") | pl.col("n_combined").is_null())
        .join(units.select("t", "eid"), on=["t", "eid"], how="anti")
        .join(excluded_by_unit, on=["t", "eid"], how="left")
        .filter(pl.col("excl").is_not_null() | (pl.col("during") & ~pl.col("ceased")))
        .select("t", "eid",
                verdict=pl.when(pl.col("excl").is_not_null()).then(pl.lit("not_applicable"))
                .otherwise(pl.lit("no_data")),
                excl=pl.col("excl").fill_null(pl.lit([], pl.List(pl.Int64))),
                ukeys=pl.lit([], pl.List(pl.Int64)), rank=pl.lit(1, pl.Int8))
    )
    unit_cols = ["t", "eid", "verdict", "fn", "fd", "numerator", "denominator",
                 "gap_n", "gap_d", "gap_units", "n_used", "rank", *(["ukeys"] if full else [])]
    if not full:
        missing = missing.drop("excl", "ukeys")
    results = (pl.concat([units.select(unit_cols), missing], how="diagonal_relaxed")
               .join(entity_frame.lazy().select("eid", "entity", "e_level", "name"),
                     on="eid", how="left")
               .sort("t", "rank", "entity"))
    fn, fd = pl.col("fn"), pl.col("fd")
    figure = results.filter(fd.is_not_null() & (fd != 0))
    is_missing = pl.col("rank") == 1
    per_target = results.group_by("t").agg(
        n_entities=pl.len(), n_observations=pl.col("n_used").sum(),
        n_combined=(pl.col("rank") == 0).sum(),
        numerator=pl.col("numerator").sum(), denominator=pl.col("denominator").sum(),
        n_figures=(fd.is_not_null() & (fd != 0)).sum(),
        n_done=(fd.is_not_null() & (fd != 0) & (fn == fd)).sum(),
        **{v: (pl.col("verdict") == v).sum()
           for v in ("met", "not_met", "no_data", "not_applicable", "invalid")},
        **{f"missing_{v}": (is_missing & (pl.col("verdict") == v)).sum()
           for v in ("no_data", "invalid")})
    mean_parts = figure.group_by("t", "fd").agg(sum_n=fn.sum(), count=pl.len())
    rate_f = fn.cast(pl.Float64) / fd.cast(pl.Float64)
    extremes = (figure.with_columns(f=rate_f)
                .with_columns(lo=pl.col("f").min().over("t"), hi=pl.col("f").max().over("t"))
                .filter((pl.col("f") <= pl.col("lo") + EXTREME_TOLERANCE
                         * pl.max_horizontal(pl.lit(1.0), pl.col("lo").abs()))
                        | (pl.col("f") >= pl.col("hi") - EXTREME_TOLERANCE
                           * pl.max_horizontal(pl.lit(1.0), pl.col("hi").abs())))
                .select("t", "fn", "fd").unique())
    excluded_lists = excluded.group_by("t").agg(excluded=pl.col("pos").sort())
    dates = units.group_by("t").agg(
        on=pl.col("last_end").max(),
        **({"ends": pl.col("ends").list.explode(keep_nulls=False, empty_as_null=False)
            .unique().sort()} if full else {}))
    # The units in scope that sent nothing (a target's coverage names them).
    absent = (results.filter(is_missing & (pl.col("verdict") == "no_data"))
              .group_by("t").agg(absent=pl.struct(code="entity", name="name",
                                                  verdict="verdict").sort_by("entity")))
    queries = {"stats": per_target, "means": mean_parts, "ext": extremes,
               "excl": excluded_lists, "dates": dates, "rolled_cov": rolled["coverage"],
               "derived": rolled["derived"], "absent": absent}
    if full:
        flat = {"keep_nulls": False, "empty_as_null": False}
        queries["lists"] = units.group_by("t").agg(
            observations=(pl.col("ukeys").list.explode(**flat) % key_base).sort(),
            history=pl.col("history").list.explode(**flat).sort())
        queries["res"] = results
        queries["short"] = units.filter(pl.col("verdict") == "not_met").group_by("t").agg(
            short=pl.col("gap_units"))
    out = dict(zip(queries, pl.collect_all(list(queries.values())), strict=True))
    out.setdefault("res", None)
    return out


def _roll_up(pl: Any, prep: Mapping[str, Any], combined: Any, pairs: Any,
             full: bool) -> dict[str, Any]:
    """A ``reported`` job's combined figures with each scope unit that gave none rolled up
    from the units under it, as ``plan_rules.aggregate`` does: the figures of the units
    outside the scope are grouped under their nearest ancestor among the scope units
    lacking a figure, each group's figures rolled into one by the indicator's rule (a rate:
    the summed counts; a count: the sum; a milestone: done when every unit is). A scope of
    one unit keeps the units' own figures; a job whose scope has no unit takes every unit's
    (the figures being the territory's own). Also: each job's ``derived`` flag with the
    units each head came from, and the coverage of the rolled-up figures (``_coverage``).
    """
    ancestors, entity_frame = prep["ancestors"], prep["entity_frame"]
    codes = entity_frame.lazy().select("eid", "entity")
    own = combined.lazy().filter(pl.col("in_scope"))
    others = combined.lazy().filter(~pl.col("in_scope"))
    scope = pairs.lazy().filter(pl.col("in_scope")).select("t", "eid")
    n_scope = scope.group_by("t").agg(n_scope=pl.len())
    lacking = scope.join(own.select("t", "eid"), on=["t", "eid"], how="anti")
    # Nearest ancestor among the lacking scope units (the tree is the same on every date:
    # checked when it was read).
    head_of = (others.select("t", "eid").join(ancestors.lazy(), on="eid")
               .join(lacking.rename({"eid": "anc"}), on=["t", "anc"], how="semi")
               .group_by("t", "eid").agg(head=pl.col("anc").sort_by("depth").first()))
    # Collected once: the coverage reads it five times.
    parts = (others.join(head_of, on=["t", "eid"], how="inner")
             .join(n_scope, on="t", how="left").collect().lazy())
    alone = parts.filter(pl.col("n_scope") == 1).drop("head", "n_scope")
    unplaced = (others.join(n_scope, on="t", how="anti")
                .join(own.select("t").unique(), on="t", how="anti"))
    kind = pl.col("kind")
    full_lists = dict(
        ukeys=pl.col("ukeys").list.explode(keep_nulls=False, empty_as_null=False).sort(),
        history=pl.col("history").list.explode(keep_nulls=False, empty_as_null=False).sort(),
        ends=pl.col("ends").list.explode(keep_nulls=False, empty_as_null=False).unique(),
    ) if full else {}
    heads = (parts.filter(pl.col("n_scope") > 1)
             .group_by("t", "head")
             .agg(kind=kind.first(), n_used=pl.col("n_used").sum(),
                  last_end=pl.col("last_end").max(), fn_sum=pl.col("fn").sum(),
                  fd_sum=pl.col("fd").sum(), all_done=(pl.col("fn") == pl.col("fd")).all(),
                  **full_lists)
             .select("t", eid="head", in_scope=pl.lit(True), kind="kind",
                     fn=pl.when(kind == "milestone").then(pl.col("all_done").cast(pl.Int64))
                     .otherwise("fn_sum"),
                     fd=pl.when(kind == "rate").then("fd_sum").otherwise(pl.lit(1, pl.Int64)),
                     n_used="n_used", last_end="last_end",
                     **{k: k for k in full_lists}))
    result = pl.concat([own, heads, alone, unplaced], how="diagonal_relaxed")
    derived_from = (parts.select("t", "head", "eid").join(codes, on="eid")
                    .group_by("t", "head").agg(units=pl.col("entity").sort())
                    .join(codes.rename({"eid": "head", "entity": "head_code"}), on="head")
                    .sort("t", "head_code")
                    .group_by("t", maintain_order=True)
                    .agg(derived_from=pl.struct("head_code", "units")))
    derived = (pl.concat([parts.select("t"), unplaced.select("t")]).unique()
               .join(derived_from, on="t", how="left"))
    made = result.collect()
    return {"combined": made, "derived": derived,
            "coverage": _coverage(pl, prep, parts, scope, pairs, made.lazy())}


def _coverage(pl: Any, prep: Mapping[str, Any], parts: Any, scope: Any, pairs: Any,
              result: Any) -> Any:
    """The coverage of the jobs whose scope units were rolled up (``rollup.below`` and
    ``aggregate.rolled_coverage``): under each rolled-up scope unit, the units at the levels
    its figures came from, valid during the window (a stock's, still there at its end),
    each placed under its nearest scope unit; one is covered when it reported, or a unit
    above or below it did. A scope unit with a figure of its own is one unit reported, and
    one with neither is one unit missing. Per job: expected, reported, the missing units."""
    ancestors, entity_frame = prep["ancestors"].lazy(), prep["entity_frame"].lazy()
    given = parts.select("t", "head", "eid")
    info = entity_frame.select("eid", "e_level", "e_from", "e_to")
    levels = given.join(info.select("eid", "e_level"), on="eid").select(
        "t", "head", "e_level").unique()
    wanted = levels.select("t", "e_level").unique()
    jobs = given.select("t").unique()
    windows = pairs.lazy().join(jobs, on="t", how="semi").select(
        "t", "eid", "during", "ceased")
    candidates = (wanted.join(info, on="e_level")
                  .join(windows, on=["t", "eid"])
                  .filter(pl.col("during") & ~pl.col("ceased"))
                  .select("t", "eid", "e_level"))
    heads = scope.join(jobs, on="t", how="semi").rename({"eid": "anc"})
    placed = (candidates.join(ancestors, on="eid")
              .join(heads, on=["t", "anc"], how="semi")
              .group_by("t", "eid", "e_level").agg(head=pl.col("anc").sort_by("depth").first())
              .join(levels, on=["t", "head", "e_level"], how="semi")
              .select("t", "head", "eid")
              # Collected once: read four times below.
              .collect().lazy())
    above_given = (given.join(ancestors, on="eid").select("t", "head", eid="anc"))
    covered = pl.concat([
        placed.join(given, on=["t", "head", "eid"], how="semi"),
        placed.join(above_given, on=["t", "head", "eid"], how="semi"),
        placed.join(ancestors, on="eid").join(
            given.rename({"eid": "anc"}), on=["t", "head", "anc"], how="semi")
        .select("t", "head", "eid"),
    ]).unique()
    silent = placed.join(covered, on=["t", "head", "eid"], how="anti")
    under = placed.group_by("t", "head").agg(expected=pl.len()).join(
        silent.group_by("t", "head").agg(n_silent=pl.len()), on=["t", "head"], how="left")
    with_figure = pl.concat([result.select("t", "eid"),
                             given.select("t", eid="head")]).unique()
    per_scope = (scope.join(jobs, on="t", how="semi")
                 .join(under.rename({"head": "eid"}), on=["t", "eid"], how="left")
                 .join(with_figure.with_columns(has=pl.lit(True)), on=["t", "eid"],
                       how="left")
                 .join(pairs.lazy().select("t", "eid", "during", "ceased"), on=["t", "eid"])
                 .with_columns(
                     e=pl.when(pl.col("expected") > 0).then("expected")
                     .when(pl.col("has").is_not_null() | (pl.col("during") & ~pl.col("ceased")))
                     .then(1).otherwise(0),
                     r=pl.when(pl.col("expected") > 0)
                     .then(pl.col("expected") - pl.col("n_silent").fill_null(0))
                     .when(pl.col("has").is_not_null()).then(1).otherwise(0),
                     alone_missing=pl.col("expected").is_null() & pl.col("has").is_null()
                     & pl.col("during") & ~pl.col("ceased")))
    names = entity_frame.select("eid", code="entity", name="name")
    gone = (pl.concat([silent.select("t", "eid"),
                       per_scope.filter(pl.col("alone_missing")).select("t", "eid")])
            .join(names, on="eid")
            .group_by("t").agg(missing=pl.struct("code", "name").sort_by("code")))
    return (per_scope.group_by("t").agg(expected=pl.col("e").sum(), reported=pl.col("r").sum())
            .join(gone, on="t", how="left"))


def _findings(pl: Any, out: Mapping[str, Any], jobs: Sequence[Job],
              indicators: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """Each job's verdict, observed figure, statistics, gaps and coverage (``_finish``)."""
    stat_of = {r["t"]: r for r in out["stats"].iter_rows(named=True)}
    sums_of: dict[int, dict[int, tuple[int, int]]] = {}
    for t, d, total, count in out["means"].iter_rows():
        sums_of.setdefault(t, {})[d] = (total, count)
    ext_of: dict[int, list[Fraction]] = {}
    for t, n_, d_ in out["ext"].iter_rows():
        ext_of.setdefault(t, []).append(Fraction(n_, d_))
    excluded = {t for t, e in out["excl"].iter_rows() if e}
    derived = {t: [] if d is None else d for t, d in out["derived"].iter_rows()}
    rolled = {r["t"]: r for r in out["rolled_cov"].iter_rows(named=True)}
    absent = {t: a for t, a in out["absent"].iter_rows()}
    short = {t: s for t, s in out["short"].iter_rows()} if "short" in out else {}
    found = {}
    for t, (target, _window, _when) in enumerate(jobs):
        kind = indicators[target.indicator].kind.value
        done = _finish(target, kind, stat_of.get(t), sums_of.get(t, {}), ext_of.get(t, []),
                       t in derived, t in excluded, short.get(t, []), rolled.get(t),
                       absent.get(t) or [])
        done["derived"] = t in derived
        done["derived_from"] = {d["head_code"]: d["units"] for d in derived.get(t, [])}
        found[t] = done
    return found


def _histories(pl: Any, prep: dict[str, Any], jobs: Sequence[Job],
               main: Mapping[str, Any], finished: Mapping[int, Mapping[str, Any]],
               ) -> tuple[list[list[dict[str, Any]]], dict[int, list[int]]]:
    """Each job's history as the report gives it: the statistic over each year before the
    target's window that holds figures of its indicator (at most ``HISTORY_YEARS`` back),
    at the end of each earlier reporting period of its schedule in which its figures ended,
    then its own latest figure; and the positions the years before were made of (cited in
    the finding's ``details["history"]``).

    Every (target, cut-off) and (target, year) pair is evaluated at once, as a job of its own.
    """
    from plan_rules import Period
    from plan_rules import window as pr_window
    from plan_rules.schedule import DEFAULT_SCHEDULE

    dates = {t: (on, ends) for t, on, ends in main["dates"].iter_rows()}
    # The earliest figure of each indicator, as its series give it.
    first_of = dict(prep["base"].lazy().group_by("iid").agg(pl.col("pid").unique())
                    .collect().iter_rows())
    ind_codes, periods, texts = prep["ind_codes"], prep["periods"], prep["period_texts"]
    latest: dict[int, dict[str, Any]] = {}
    cuts: list[tuple[int, Job, bool]] = []
    for t, (target, _window, as_of) in enumerate(jobs):
        done = finished[t]
        if done["verdict"] == "not_applicable":
            continue  # no progress, so no history, for a target that does not apply
        on, ends = dates.get(t, (None, []))
        if done["verdict"] in ("met", "not_met") and done["observed"] is not None \
                and on is not None:
            latest[t] = {"on": on.isoformat(), "value": done["observed"], "source": None}
        opens = _measurement(target).start
        pids = first_of.get(ind_codes.index(target.indicator), [])
        first = min((periods[texts[p]].start for p in pids), default=None)
        if first is not None and first < opens:
            cuts.extend((t, (target, w, w.end), True)
                        for w in pr_window.earlier_years(target, first))
        limit = on if t in latest else as_of
        schedule = target.schedule or DEFAULT_SCHEDULE
        for b in sorted({_period_end(schedule, e) for e in ends}):
            w = _opening(target, b)
            if b < limit and isinstance(w, Period):
                cuts.append((t, (target, w, b), False))
    points: dict[int, dict[date, str]] = {}
    cited: dict[int, list[int]] = {}
    if cuts:
        past_jobs = [job for _t, job, _y in cuts]
        out = _core(pl, prep, past_jobs, full=False)
        found = _findings(pl, out, past_jobs, prep["indicators"])
        on_of = {j: on for j, on in out["dates"].iter_rows()}
        years = [j for j, (_t, _job, y) in enumerate(cuts) if y]
        judged = [j for j in range(len(cuts))
                  if found[j]["verdict"] in ("met", "not_met")
                  and found[j]["observed"] is not None and on_of.get(j) is not None]
        for j in judged:
            points.setdefault(cuts[j][0], {})[on_of[j]] = found[j]["observed"]
        if years:
            cited_of = _cited(pl, prep, [past_jobs[j] for j in years],
                              [j in set(judged) for j in years])
            for k, j in enumerate(years):
                cited.setdefault(cuts[j][0], []).extend(cited_of.get(k, []))
    return [[{"on": on.isoformat(), "value": value, "source": None}
             for on, value in sorted(points.get(t, {}).items())]
            + ([latest[t]] if t in latest else []) for t in range(len(jobs))], cited


def _cited(pl: Any, prep: dict[str, Any], jobs: Sequence[Job],
           judged: Sequence[bool]) -> dict[int, list[int]]:
    """The positions each judged year-before job was made of (used, or set aside as an
    older snapshot): a few jobs, collected in full."""
    wanted = [job for job, ok in zip(jobs, judged, strict=True) if ok]
    if not wanted:
        return {}
    index = [k for k, ok in enumerate(judged) if ok]
    out = _core(pl, prep, wanted, full=True)
    return {index[j]: sorted({*o, *h}) for j, o, h in out["lists"].iter_rows()}


def _entities(pl: Any, path: Path) -> Any:
    """The entities file as a frame: ``eid`` (row number), code, name, level, groups,
    validity, parent (its ``eid``).

    Read with polars; the few distinct levels and dates are read by plan_rules' own rules
    (``level_key``, ``parse_date``). Headers must be the English ones. The tree must be the
    same on every date: one row per code, and no unit that is another's parent has dates of
    validity (the place of every unit is then its parent chain, whatever the day).
    """
    from plan_rules.readers import level_key, parse_date

    raw = pl.read_csv(path, infer_schema=False)
    wanted = ("code", "name", "level", "groups", "parent", "valid_from", "valid_to")
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
    frame = raw.select(
        "code", "name", "parent",
        pl.col("level").replace_strict(levels, [level_key(lv) for lv in levels]),
        pl.col("groups").fill_null("").str.replace_all(r"[,|]", ";").str.split(";"),
        pl.col("valid_from").replace_strict(dates, default=None, return_dtype=pl.Date),
        pl.col("valid_to").replace_strict(dates, default=None, return_dtype=pl.Date),
    ).select(
        entity="code", name="name", e_level="level",
        groups=pl.col("groups").list.eval(pl.element().str.strip_chars())
        .list.filter(pl.element() != ""),
        e_from="valid_from", e_to="valid_to", parent_code="parent",
    ).with_row_index("eid")
    frame = frame.join(frame.select(parent_code="entity", parent="eid"), on="parent_code",
                       how="left", maintain_order="left")
    dated_parents = frame.join(frame.select(eid="parent").drop_nulls().unique(), on="eid",
                               how="semi").filter(pl.col("e_from").is_not_null()
                                                  | pl.col("e_to").is_not_null())
    if dated_parents.height:
        raise Unmodelled("a parent unit with dates of validity (the tree changes with the "
                         "date)")
    return frame.drop("parent_code")


#: How deep the entity tree may be (deeper, or a cycle, is refused).
MAX_DEPTH = 64


def _ancestors(pl: Any, entity_frame: Any) -> Any:
    """Every (unit, ancestor, depth) of the entity tree, depth 1 for the parent."""
    step = entity_frame.select("eid", anc="parent").drop_nulls()
    found = [step.with_columns(depth=pl.lit(1, pl.Int32))]
    current = step
    for depth in range(2, MAX_DEPTH + 2):
        current = current.join(step.rename({"eid": "anc", "anc": "next"}), on="anc").select(
            "eid", anc="next")
        if not current.height:
            break
        if depth > MAX_DEPTH:
            raise Unmodelled("the entity tree is cyclic or deeper than "
                             f"{MAX_DEPTH} levels")
        found.append(current.with_columns(depth=pl.lit(depth, pl.Int32)))
    return pl.concat(found)


# The plans per province copy one template target 34 times: its measurement period and its
# window as of a date depend only on the fields below (not on any file), so each is worked
# out once per distinct value of them.
_MEMO: dict[tuple[object, ...], Any] = {}


def _dates(target: Any) -> tuple[object, ...]:
    """The fields ``Target.measurement`` and ``window.opening`` read."""
    return (target.window_start, target.deadline, target.valid_from, target.valid_to)


def _measurement(target: Any) -> Any:
    key = ("measurement", *_dates(target))
    if key not in _MEMO:
        _MEMO[key] = target.measurement
    return _MEMO[key]


def _opening(target: Any, when: date) -> Any:
    from plan_rules import window as pr_window

    key = ("opening", *_dates(target), when)
    if key not in _MEMO:
        _MEMO[key] = pr_window.opening(target, when)
    return _MEMO[key]


def _period_end(schedule: Any, day: date) -> date:
    key = ("end", schedule, day)
    if key not in _MEMO:
        _MEMO[key] = schedule.period_end(day)
    return _MEMO[key]  # type: ignore[no-any-return]


def _within(pl: Any, entity_frame: Any, ancestors: Any, territories: Sequence[int]) -> Any:
    """Each (unit, territory) pair for the ``territories`` asked (entity ids): the territory
    itself and every unit under it (the tree is the same on every date: checked when it was
    read); -1 pairs every unit with the jobs that keep to no territory."""
    wanted = pl.DataFrame({"terr": [t for t in territories if t >= 0]},
                          schema={"terr": pl.Int64})
    own = entity_frame.select(eid="eid", terr=pl.col("eid").cast(pl.Int64))
    above = ancestors.select("eid", terr=pl.col("anc").cast(pl.Int64))
    parts = [pl.concat([own, above]).join(wanted, on="terr", how="semi")]
    if -1 in territories:
        parts.append(entity_frame.select("eid", terr=pl.lit(-1, pl.Int64)))
    return pl.concat(parts)


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


def _unit_results(pl: Any, units: Any) -> Any:
    """Each combined unit's verdict, gap and gap in units (``compare.UnitResults``), from its
    figure ``fn / fd`` and its job's threshold."""
    is_rate = pl.col("kind") == "rate"
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
    has_figure = fd.is_not_null() & (fd != 0)
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
        rank=pl.lit(0, pl.Int8),
    )


#: Which verdict wins when units disagree (``aggregate._PRECEDENCE``).
PRECEDENCE = ("not_met", "invalid", "incomplete", "no_data", "met", "not_applicable")


def _finish(target: Any, kind: str, stat: Mapping[str, Any] | None,
            sums: Mapping[int, tuple[int, int]], candidates: Sequence[Fraction],
            derived: bool, excluded: bool, short_units: Sequence[int | None],
            rolled: Mapping[str, Any] | None, absent: Sequence[Mapping[str, Any]],
            ) -> dict[str, Any]:
    """A job's statistics, verdict, observed figure, gaps and coverage from its aggregated
    rows (``aggregate.statistics``, ``headline``, ``coverage``; ``compare.target_gap``)."""
    stats = dict(EMPTY_STATS)
    n_combined = n_figures = n_done = m_no_data = m_invalid = 0
    if stat is not None:
        n_combined, n_figures, n_done = stat["n_combined"], stat["n_figures"], stat["n_done"]
        m_no_data, m_invalid = stat["missing_no_data"], stat["missing_invalid"]
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
    rule = target.missing_rule(target_kind(kind))
    strategy, k = rule.strategy.value, rule.min_coverage

    def allows(reported: int, expected: int) -> bool:
        if reported >= expected or strategy == "skip_missing":
            return True
        if strategy == "require_all":
            return False
        return bool(reported * k.denominator >= k.numerator * expected)

    absent_n = m_no_data + m_invalid
    short = bool(n_combined) and not allows(n_combined, n_combined + absent_n)
    observed: Fraction | None
    verdict: str
    if agg == "each":
        observed = low if op in (">=", ">") else high
        # The combined units' verdicts, and the missing units' other than no data.
        present = {v for v in ("met", "not_met", "not_applicable", "invalid")
                   if stats[v]}
        if stats["no_data"] > m_no_data:
            present.add("no_data")
        if short:
            present.add("incomplete")
        elif not n_combined and m_no_data:
            present.add("no_data")
        verdict = next((v for v in PRECEDENCE if v in present),
                       "not_applicable" if excluded else "no_data")
    else:
        if agg == "reported":
            if n_combined == 1 and not derived:
                observed = low  # its own figure
            elif kind == "milestone":
                observed = None if not n_figures else Fraction(int(n_done == n_figures))
            else:
                observed = pooled
            stats["reported"] = _text(observed) if not derived else None
        elif agg == "pooled":
            observed = pooled
        else:
            observed = mean
        if observed is None:
            verdict = ("not_applicable" if excluded and not n_combined and not m_no_data
                       else "no_data")
        elif (short and not derived) or (
                derived and rolled is not None and rolled["reported"]
                and not allows(rolled["reported"], rolled["expected"])):
            # Too few units reported for the rule: of the scope's units, or (rolled up) of
            # the units under the scope units.
            verdict = "incomplete"
        else:
            verdict = "met" if _holds(op, observed, threshold) else "not_met"
    gap: Fraction | None = None
    units: int | None = None
    if observed is None or verdict == "incomplete":
        pass
    elif verdict == "met":
        gap, units = Fraction(0), 0
    elif agg == "each":
        gap = _gap(kind, op, threshold, observed, None, None)[0]
        if short_units and all(u is not None for u in short_units):
            units = sum(u or 0 for u in short_units)
    elif agg == "mean":
        gap = _gap(kind, op, threshold, observed, None, None)[0]
    else:
        gap, units = _gap(kind, op, threshold, observed, numerator, denominator)
    if rolled is not None:
        missing = [{"code": m["code"], "name": m["name"], "verdict": "no_data"}
                   for m in rolled["missing"] or []]
        coverage = {"expected": rolled["expected"], "reported": rolled["reported"],
                    "missing": missing}
    elif derived:
        # Pooled from every unit, no scope unit being placed: the scope reported.
        coverage = {"expected": 1, "reported": 1, "missing": []}
    else:
        missing = [dict(m) for m in absent]
        coverage = {"expected": n_combined + len(missing), "reported": n_combined,
                    "missing": missing}
    coverage.update(rule=strategy, min_coverage=_text(k))
    return {"verdict": verdict, "observed": _text(observed), "statistics": stats,
            "gap": _text(gap), "gap_units": units, "coverage": coverage}


def _gap(kind: str, op: str, threshold: Fraction, figure: Fraction, num: int | None,
         den: int | None) -> tuple[Fraction | None, int | None]:
    """How far ``figure`` is from the threshold, and in units where known (``compare.gap``)."""
    if kind == "milestone":
        return None, None
    if _holds(op, figure, threshold):
        return Fraction(0), 0
    distance = abs(threshold - figure)
    if kind == "count":
        return distance, _count_units(int(figure), threshold.numerator, threshold.denominator,
                                      op)
    if num is not None and den:
        return distance, _rate_units(num, den, threshold.numerator, threshold.denominator, op)
    return distance, None


def target_kind(kind: str) -> Any:
    """The ``plan_rules.Kind`` named ``kind``."""
    import plan_rules as pr

    return pr.Kind(kind)



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
    """``polars_full.py FIGURES [REPORT.json | --check] [--as-of YYYY-MM-DD]
    [--workload provinces|plan]``: evaluate (the output on stdout); with plan_rules' JSON
    report of the same file and workload, check against it instead; with ``--check``, make
    that report with plan_rules first (the workload's registry, in this process)."""
    import argparse
    import sys
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import WORKLOADS, entities_path
    from generate import registry as workload_registry

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("figures", type=Path)
    parser.add_argument("report", type=Path, nargs="?")
    parser.add_argument("--check", action="store_true",
                        help="evaluate with plan_rules too and check against its report")
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--workload", choices=WORKLOADS, default="provinces",
                        help="the plan per province (default), or the single plan as loaded")
    args = parser.parse_args(None if argv is None else list(argv))
    if args.check and args.report is not None:
        parser.error("give a report or --check, not both")
    registry = workload_registry(args.workload)
    entities = entities_path(args.figures)
    start = time.perf_counter()
    out = evaluate(args.figures, entities, registry, as_of=args.as_of)
    print(f"evaluated in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    if args.report is None and not args.check:
        sys.stdout.write(out)
        return
    if args.check:
        import plan_rules as pr

        start = time.perf_counter()
        read = pr.read_observations(args.figures, registry=registry)
        report = json.loads(pr.evaluate(
            read.observations, registry=registry, issues=read.issues,
            entities=pr.read_entities(entities).entities, as_of=args.as_of,
        ).to_json(indent=None))
        print(f"plan_rules evaluated in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    else:
        report = json.loads(args.report.read_text(encoding="utf-8"))
    problems = compare(report, out)
    counted = summary(report)
    print(f"agrees with the report: {counted['targets']:,} targets, "
          f"{counted['unit_results']:,} unit results" if not problems
          else "DIFFERS: " + problems[0])
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
