"""A plan's territory: its targets use only the figures of units within it, through the
entities' parent chain as of each date; every other figure is named ``outside_territory`` once
and still accounted for.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

import plan_rules as pr

EXAMPLE = Path(__file__).parents[1] / "examples" / "hung-yen-2025"
JUNE_30, JULY_1 = date(2025, 6, 30), date(2025, 7, 1)


def entity(code: str, level: str, parent: str | None = None, **kw: object) -> pr.Entity:
    return pr.Entity(code=code, level=level, parent=parent, **kw)  # type: ignore[arg-type]


OTHERS = [
    # Another province, with a department and a commune of its own.
    entity("ha-giang", "province"),
    entity("so-tu-phap-ha-giang", "department", "ha-giang",
           groups={"departments", "departments_and_localities"}),
    entity("xa-ha-giang", "commune", "ha-giang",
           groups={"localities", "departments_and_localities"}),
    # Thái Bình before the merger, with a commune that ended on 30 June 2025.
    entity("thai-binh", "province", valid_to=JUNE_30),
    entity("xa-dong-hung", "commune", "thai-binh", valid_to=JUNE_30),
]

#: A commune of Thái Bình's that is Hưng Yên's from 1 July 2025.
JOINED = [
    entity("thai-binh", "province", valid_to=JUNE_30),
    entity("xa-dong-hung", "commune", "thai-binh", valid_to=JUNE_30),
    entity("xa-dong-hung", "commune", "hung-yen", valid_from=JULY_1,
           groups={"localities", "departments_and_localities"}),
]


def _obs(indicator: str, unit: str, level: str, period: str, num: int | None = None,
         den: int | None = None, value: Fraction | int | None = None,
         source: str | None = None) -> pr.Observation:
    return pr.Observation(indicator=indicator, entity=unit, level=level,
                          period=pr.Period.parse(period), numerator=num, denominator=den,
                          value=value, source=source)


def _foreign_rows() -> list[pr.Observation]:
    """Figures that are not Hưng Yên's: another province's units, the province itself, the
    country, and Thái Bình's commune before it joined."""
    out = [
        _obs("HY25.PS.1", "so-tu-phap-ha-giang", "department", "Q3/2025", 10, 90),
        _obs("HY25.PS.3", "xa-ha-giang", "commune", "Q3/2025", 5, 500),
        _obs("HY25.PS.3", "ha-giang", "province", "Q3/2025", 1, 100),
        _obs("HY25.PS.3", "viet-nam", "national", "Q3/2025", 2, 1000),
        _obs("HY25.INF.1", "xa-ha-giang", "commune", "Q3/2025", 0, 40),
        _obs("HY25.PS.3", "xa-dong-hung", "commune", "Q2/2025", 3, 300),
        _obs("HY25.DE.2", "ha-giang", "province", "Q3/2025", value=1, source="QĐ 1/2025"),
    ]
    return out


def _example() -> tuple[list[pr.Observation], list[pr.DataIssue], list[pr.Entity]]:
    read = pr.read_observations(EXAMPLE / "figures.csv")
    entities = pr.read_entities(EXAMPLE / "entities.csv")
    return list(read.observations), list(read.issues), list(entities.entities)


def _verdicts(report: pr.Report) -> dict[str, tuple[object, ...]]:
    return {f.code: (f.verdict, f.observed, f.statistics, f.gap, f.gap_units,
                     tuple((r.entity, r.verdict, r.observed) for r in f.entities))
            for f in report.findings if f.kind == "target"}


@pytest.fixture(scope="module")
def plan200() -> pr.Registry:
    return pr.load_registry()


def test_other_provinces_and_the_country_leave_hung_yens_verdicts_as_its_own_rows_give_them(
        plan200: pr.Registry) -> None:
    rows, issues, entities = _example()
    foreign = _foreign_rows()
    alone = pr.evaluate(rows, registry=plan200, as_of=date(2025, 12, 31),
                        entities=entities, issues=issues)
    mixed = pr.evaluate(rows + foreign, registry=plan200, as_of=date(2025, 12, 31),
                        entities=entities + OTHERS, issues=issues)
    assert _verdicts(mixed) == _verdicts(alone)


def test_each_row_outside_the_territory_is_named_once_and_accounted_for(
        plan200: pr.Registry) -> None:
    rows, issues, entities = _example()
    foreign = _foreign_rows()
    report = pr.evaluate(rows + foreign, registry=plan200, as_of=date(2025, 12, 31),
                         entities=entities + OTHERS, issues=issues, max_issues=None)
    outside = [i for i in report.issues if i.code == "outside_territory"]
    assert sorted(i.observation or 0 for i in outside) == list(
        range(len(rows), len(rows) + len(foreign)))
    assert all(i.severity == "warning" and i.field == "entity" for i in outside)
    assert all(i.message.vi and i.message.en and i.expected == "a unit within hung-yen"
               for i in outside)
    conservation = report.conservation()
    assert conservation.lost == ()
    assert conservation.used + conservation.reported == conservation.given


def test_a_national_row_is_never_pooled_into_the_province_wide_figure(
        plan200: pr.Registry) -> None:
    commune = entity("xa-a", "commune", "hung-yen")
    report = pr.evaluate(
        [_obs("HY25.PS.3", "xa-a", "commune", "Q3/2025", 70, 100),
         _obs("HY25.PS.3", "viet-nam", "national", "Q3/2025", 0, 900)],
        registry=plan200, as_of=date(2025, 12, 31),
        entities=[entity("hung-yen", "province"), commune])
    finding = report.finding("HY25.PS.3.province")
    assert finding.observed == Fraction(7, 10)
    assert [i.entity for i in report.issues if i.code == "outside_territory"] == ["viet-nam"]


def test_a_unit_missing_from_the_entities_file_is_outside_the_territory_and_says_so(
        plan200: pr.Registry) -> None:
    report = pr.evaluate([_obs("HY25.PS.3", "xa-khong-ro", "commune", "Q3/2025", 1, 2)],
                         registry=plan200, as_of=date(2025, 12, 31),
                         entities=[entity("hung-yen", "province")])
    [issue] = [i for i in report.issues if i.code == "outside_territory"]
    assert "xa-khong-ro is not in the entities file" in issue.message.en
    assert "không có trong tệp đơn vị" in issue.message.vi


def test_a_commune_that_joined_on_1_july_counts_for_the_province_only_from_then(
        plan200: pr.Registry) -> None:
    report = pr.evaluate(
        [_obs("HY25.PS.3", "xa-dong-hung", "commune", "Q2/2025", 0, 100),
         _obs("HY25.PS.3", "xa-dong-hung", "commune", "Q3/2025", 80, 100)],
        registry=plan200, as_of=date(2025, 12, 31),
        entities=[entity("hung-yen", "province"), *JOINED])
    finding = report.finding("HY25.PS.3.province")
    assert finding.observed == Fraction(4, 5)
    [issue] = [i for i in report.issues if i.code == "outside_territory"]
    assert issue.observation == 0


def test_a_unit_that_joined_on_1_july_is_not_missing_from_the_scope_before_then(
        plan200: pr.Registry) -> None:
    # INF-1 for communes, as of 30 June: Thái Bình's commune was not Hưng Yên's yet.
    report = pr.evaluate(
        [_obs("HY25.INF.1", "xa-a", "commune", "Q2/2025", 10, 10)],
        registry=plan200, as_of=JUNE_30,
        entities=[entity("hung-yen", "province"), entity("xa-a", "commune", "hung-yen"),
                  *JOINED])
    finding = report.finding("HY25.INF.1.commune")
    assert [r.entity for r in finding.entities] == ["xa-a"]


def test_a_plan_without_a_territory_reads_every_unit(registry: pr.Registry) -> None:
    # The sample plan names no territory: a unit of another province is its own.
    report = pr.evaluate(
        [pr.Observation(indicator="T1.A.1", entity="xa-b", level="commune",
                        period=pr.Period.parse("Q3/2025"), numerator=1, denominator=2)],
        registry=registry, as_of=date(2025, 12, 31),
        entities=[entity("p1", "province"), entity("xa-b", "commune", "p1")])
    assert not [i for i in report.issues if i.code == "outside_territory"]
    assert report.finding("T1.A.1.each").observed == Fraction(1, 2)


def test_a_territory_the_entities_do_not_describe_reads_every_unit(
        plan200: pr.Registry) -> None:
    # No entities file describes Hưng Yên (the national file's provinces are p00 … p33):
    # the figures are taken as the plan's own.
    report = pr.evaluate([_obs("HY25.INF.1", "p00-c0001", "commune", "Q3/2025", 7, 10)],
                         registry=plan200, as_of=date(2025, 12, 31),
                         entities=[entity("p00", "province"),
                                   entity("p00-c0001", "commune", "p00")])
    assert not [i for i in report.issues if i.code == "outside_territory"]
    assert report.finding("HY25.INF.1.commune").observed == Fraction(7, 10)


def test_the_plan_200_plan_names_hung_yen_and_says_what_a_2025_figure_covers(
        plan200: pr.Registry) -> None:
    plan = plan200.plans["HY25"]
    assert plan.territory == "hung-yen"
    assert plan.note is not None and "Thái Bình" in plan.note.vi and "1 July 2025" in plan.note.en
    target = plan200.targets["HY25.PS.3.province"]
    assert target.note is not None and "Thái Bình" in target.note.en
    assert "Thái Bình" in plan200.indicators["HY25.PS.3"].description.vi


def test_a_file_read_in_chunks_keeps_to_the_territory_as_one_pass_does(
        tmp_path: Path) -> None:
    from plan_rules.partials import evaluate_in_chunks

    lines = [(EXAMPLE / "figures.csv").read_text(encoding="utf-8").rstrip("\n")]
    for o in _foreign_rows():
        cells = (o.numerator, o.denominator, o.value)
        lines.append(",".join([o.indicator, o.entity, o.level or "", str(o.period),
                               *("" if c is None else str(c) for c in cells), "",
                               o.source or "", ""]))
    figures = tmp_path / "figures.csv"
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entities = list(pr.read_entities(EXAMPLE / "entities.csv").entities) + OTHERS
    read = pr.read_observations(figures)
    one = pr.evaluate(read.observations, as_of=date(2025, 12, 31), entities=entities,
                      issues=read.issues)
    chunked = evaluate_in_chunks(figures, 3, as_of=date(2025, 12, 31), entities=entities)
    assert [(f.code, f.verdict, f.observed) for f in chunked.report.findings] == [
        (f.code, f.verdict, f.observed) for f in one.findings]
    assert sum(i.code == "outside_territory" for i in chunked.report.issues) == len(
        _foreign_rows())


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
@pytest.mark.parametrize("seed", range(3))
def test_an_indicators_series_split_by_territory_are_those_of_the_figures_within_each(
        engine: str, seed: int) -> None:
    """:func:`~plan_rules.territory.split_series` cuts each unit's series by territory
    instead of sorting the figures of each territory again: it gives what
    :func:`~plan_rules.window.series` makes of the figures :meth:`Tree.within_for` places
    in each, for a commune that moves from one province to another on 1 July (split period
    by period), communes that stay (whole), and one in none of them; rows shuffled."""
    import random

    from plan_rules import territory, window
    from plan_rules.dataissues import IssueSink
    from plan_rules.figures import FigureTable
    from plan_rules.report import IssueLedger
    from plan_rules.resolve import Units
    from plan_rules.validate import validate
    from sample_plugin import indicator

    if engine == "pyarrow":
        pytest.importorskip("pyarrow")
    rows = [entity("vn", "country"), entity("a", "province", "vn"),
            entity("b", "province", "vn"), entity("c", "province"),
            entity("xa-a", "commune", "a"), entity("xa-b", "commune", "b"),
            entity("xa-c", "commune", "c"),
            entity("xa-moved", "commune", "a", valid_to=JUNE_30),
            entity("xa-moved", "commune", "b", valid_from=JULY_1)]
    tree = territory.Tree(rows)
    periods = [pr.Period.month(2025, m) for m in range(1, 13)]
    observations = [pr.Observation(indicator="R", entity=unit, level="commune", period=p,
                                   numerator=k, denominator=20)
                    for unit in ("xa-a", "xa-b", "xa-c", "xa-moved")
                    for k, p in enumerate(periods)]
    random.Random(seed).shuffle(observations)
    table = FigureTable.from_observations(observations)
    table.engine = engine
    units = Units(table, tree.entities(), {code: tree.levels(code) for code in tree.entities()})
    valid = validate(table, {"R": indicator("R")}, units,
                     IssueSink(table, IssueLedger(None)))
    usable = valid.usable["R"]

    def plain(made: list[window.Series]) -> list[tuple[object, ...]]:
        return [(s.entity, list(s.positions), list(s.ends), s.first_start) for s in made]

    split = territory.split_series(table, window.series(table, usable, valid.unit_of),
                                   valid.unit_of, tree, ["b", "a"])
    assert list(split) == ["a", "b"]
    names = table.entities.values
    for place, made in split.items():
        within = [i for i in usable
                  if tree.within_for(names[table.entity[i]], place, table.period_of(i))]
        assert plain(made) == plain(window.series(table, within, valid.unit_of))
    moved = {place: [s for s in made if s.entity.code == "xa-moved"]
             for place, made in split.items()}
    # The moving commune's first half is a's and its second b's.
    assert [s.ends[-1] for s in moved["a"]] == [JUNE_30]
    assert [(len(s.positions), s.first_start) for s in moved["b"]] == [(6, JULY_1)]
    assert all(s.entity.code != "xa-c" for made in split.values() for s in made)


def test_split_series_are_in_order_of_first_figure_whatever_the_order_of_the_series_given(
        ) -> None:
    from plan_rules import territory, window
    from plan_rules.figures import FigureTable

    tree = territory.Tree([entity("a", "province"), entity("b", "province"),
                           *(entity(f"xa-{k}", "commune", "ab"[k % 2]) for k in range(4))])
    units = [pr.Entity(code=f"xa-{k}", level="commune") for k in range(4)]
    figures = [(u, pr.Period.month(2025, m)) for m in (1, 2) for u in units]
    table = FigureTable.from_observations(
        pr.Observation(indicator="R", entity=u.code, level="commune", period=p, numerator=1,
                       denominator=2) for u, p in figures)
    unit_of = [u for u, _ in figures]
    made = window.series(table, range(len(figures)), unit_of)
    for given in (made, made[::-1]):
        split = territory.split_series(table, given, unit_of, tree, ["a", "b"])
        assert {t: [s.entity.code for s in part] for t, part in split.items()} == {
            "a": ["xa-0", "xa-2"], "b": ["xa-1", "xa-3"]}
