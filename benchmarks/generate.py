"""Generate the national-scale workload: every province, commune and department, 12 months.

About 3,300 communes and 700 departments in 34 provinces report every rate indicator of the
loaded plans each month (≈1.3 million rows); each province reports the counts and milestones,
and its province-wide rates are pooled from its units. An entities file beside the figures
gives every unit its level, its parent and the groups the plan's "mean over departments /
localities" targets read: the country ``vn`` (level ``country``) above the 34 provinces, each
province above its own departments and communes, so that a national plan with territory
``vn`` reads the whole file and each province's plan (:func:`plan_rules.per_territory`) its
own units. The data are random but seeded, so every run measures the same files.

    python benchmarks/generate.py [--out benchmarks/data/national.csv] [--seed 2025]
        [--years 1] [--communes 3321] [--departments 696]

``--communes 68 --departments 34 --months 2`` writes a national-shaped file of a few thousand
rows (two communes and one department per province), for tests.

``--years 10`` writes ten years of monthly figures (2016 to 2025) for the same units, ten
times the rows (about 13 million, 640 MB): the scaling benchmark of ``docs/scaling.md``. Write
it outside the repository (e.g. ``--out /tmp/national-10y.csv``); it is never committed.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import plan_rules as pr

PROVINCES = 34
COMMUNES = 3321
DEPARTMENTS = 696
#: The country: the root of the entity tree, the provinces' parent.
COUNTRY = "vn"


#: The groups each level belongs to, as the Plan 200 plugins' mean targets name them.
GROUPS = {
    "department": "departments;departments_and_localities",
    "commune": "localities;departments_and_localities",
}


def provinces() -> list[str]:
    """The provinces' codes, ``p00`` … ``p33``."""
    return [f"p{p:02d}" for p in range(PROVINCES)]


#: The plan template the national workload instantiates per province.
TEMPLATE = "HY25"
#: The workloads a benchmark evaluates the national file with: ``provinces``, the template's
#: targets applied to each of the 34 provinces (:func:`plan_rules.per_territory`, the way a
#: ministry monitors every province: 45 targets × 34 provinces, each province's figures its
#: own units'); ``plan``, the loaded plans as they are (one plan pooling every unit of every
#: province, the workload measured before per-province plans).
WORKLOADS = ("provinces", "plan")


def registry(workload: str = "provinces") -> pr.Registry:
    """The registry the benchmarks evaluate the national file with under ``workload``."""
    if workload not in WORKLOADS:
        raise ValueError(f"unknown workload {workload!r}; choose from {', '.join(WORKLOADS)}")
    loaded = pr.load_registry()
    return loaded if workload == "plan" else pr.per_territory(loaded, TEMPLATE, provinces())


def units(communes: int = COMMUNES, departments: int = DEPARTMENTS) -> list[tuple[str, str]]:
    """(code, level) of every department and commune."""
    out = [(f"p{n % PROVINCES:02d}-d{n:03d}", "department") for n in range(departments)]
    out += [(f"p{n % PROVINCES:02d}-c{n:04d}", "commune") for n in range(communes)]
    return out


def entities_path(figures: Path) -> Path:
    """Where the entities file of a figures file lives."""
    return figures.with_name(figures.stem + "-entities.csv")


def write_entities(path: Path, reporting: list[tuple[str, str]] | None = None) -> None:
    """The entities file: the country, its provinces, their departments and communes with
    their groups."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(("code", "name", "level", "groups", "parent", "valid_from", "valid_to"))
        out.writerow((COUNTRY, "Việt Nam", "country", "", "", "", ""))
        for p in range(PROVINCES):
            out.writerow((f"p{p:02d}", f"Province {p}", "province", "", COUNTRY, "", ""))
        for code, level in units() if reporting is None else reporting:
            out.writerow((code, code, level, GROUPS[level], code[:3], "", ""))


#: Denominators that never exceed another indicator's of the same unit and month, as a
#: province's own figures do (Plan 200's check HY25.PS.C3: the procedures eligible for full
#: online service are some of all the procedures). Every 997th unit's are left as drawn, so
#: that the check has figures that break it to name.
AT_MOST = {"HY25.PS.2": "HY25.PS.1"}


def generate(path: Path, seed: int = 2025, months: int = 12, years: int = 1,
             communes: int = COMMUNES, departments: int = DEPARTMENTS) -> int:
    """Write the workload to ``path``: ``months`` months of each of ``years`` years ending
    with 2025 (one year gives the file it always gave), for ``communes`` communes and
    ``departments`` departments spread over the provinces; returns the number of figure
    rows."""
    registry = pr.load_registry()
    rng = random.Random(seed)
    rates = [i for i in registry.indicators.values() if i.kind is pr.Kind.RATE]
    others = [i for i in registry.indicators.values() if i.kind is not pr.Kind.RATE]
    reporting = units(communes, departments)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_entities(entities_path(path), reporting)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(pr.readers.FIELDS)
        for year, month in ((y, m) for y in range(2026 - years, 2026)
                            for m in range(1, months + 1)):
            period = f"{month:02d}/{year}"
            for n, (code, level) in enumerate(reporting):
                dens: dict[str, int] = {}
                for ind in rates:
                    den = rng.randint(20, 400)
                    cap = dens.get(AT_MOST.get(ind.code, ""))
                    if cap is not None and n % 997:
                        den = min(den, cap)
                    dens[ind.code] = den
                    # Most units are near the plan's thresholds, so verdicts are mixed.
                    num = min(den, int(den * rng.uniform(0.45, 1.02)))
                    out.writerow((ind.code, code, level, period, num, den, "", "", "", ""))
                    rows += 1
            for p in range(PROVINCES):
                for ind in others:
                    if ind.kind is pr.Kind.COUNT:
                        value, source = str(rng.randint(100, 160)), ""
                    else:
                        value, source = rng.choice(("done", "not done")), f"QĐ {month}/{year}"
                    out.writerow((ind.code, f"p{p:02d}", "province", period, "", "", value,
                                  "", source, ""))
                    rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" /
                        "national.csv")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--years", type=int, default=1,
                        help="years of monthly figures, the last one 2025 (default 1)")
    parser.add_argument("--communes", type=int, default=COMMUNES,
                        help=f"communes, spread over the provinces (default {COMMUNES})")
    parser.add_argument("--departments", type=int, default=DEPARTMENTS,
                        help=f"departments, spread over the provinces (default {DEPARTMENTS})")
    args = parser.parse_args()
    rows = generate(args.out, args.seed, args.months, args.years, args.communes,
                    args.departments)
    print(f"wrote {rows} rows to {args.out}")


if __name__ == "__main__":
    main()
