"""The entity tree as of a date: an entities file may give one code several rows, one after
another in time; rows that overlap, two parents on one date and a parent chain that goes round
are data issues naming the rows; a unit is within a territory through the parent chain as of
each date, and a figure lies where its unit stood on the last day of its period.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import plan_rules as pr
from plan_rules.territory import EntityRow, Tree

YEAR = pr.Period.parse("2025")
H1 = pr.Period.parse("H1/2025")
Q2 = pr.Period.parse("Q2/2025")
Q3 = pr.Period.parse("Q3/2025")
JUNE_30, JULY_1 = date(2025, 6, 30), date(2025, 7, 1)


def entity(code: str, level: str, parent: str | None = None, **kw: object) -> pr.Entity:
    return pr.Entity(code=code, level=level, parent=parent, **kw)  # type: ignore[arg-type]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "entities.csv"
    path.write_text("code,name,level,groups,parent,valid_from,valid_to\n" + text,
                    encoding="utf-8")
    return path


MERGER = [
    entity("hung-yen", "province"),
    entity("thai-binh", "province", valid_to=JUNE_30),
    entity("xa-hung-ha", "commune", "thai-binh", valid_to=JUNE_30),
    entity("xa-hung-ha", "commune", "hung-yen", valid_from=JULY_1),
]


def test_a_unit_that_changes_parent_on_a_date_lies_within_each_parent_on_its_own_days() -> None:
    tree = Tree(MERGER)
    assert tree.within("xa-hung-ha", "thai-binh", JUNE_30)
    assert not tree.within("xa-hung-ha", "hung-yen", JUNE_30)
    assert tree.within("xa-hung-ha", "hung-yen", JULY_1)
    assert not tree.within("xa-hung-ha", "thai-binh", JULY_1)
    assert tree.issues == []


def test_a_figure_lies_where_its_unit_stood_on_the_last_day_of_its_period() -> None:
    tree = Tree(MERGER)
    assert not tree.within_for("xa-hung-ha", "hung-yen", Q2)
    assert tree.within_for("xa-hung-ha", "hung-yen", Q3)
    assert tree.within_for("xa-hung-ha", "hung-yen", YEAR)


def test_a_figure_of_a_unit_that_ceased_lies_where_the_unit_stood_on_its_last_day() -> None:
    tree = Tree([entity("hy", "province"),
                 entity("huyen-a", "district", "hy", valid_to=JUNE_30)])
    assert tree.within_for("huyen-a", "hy", YEAR)
    assert tree.within_for("huyen-a", "hy", Q3)


def test_a_territory_lies_within_itself() -> None:
    assert Tree(MERGER).within("hung-yen", "hung-yen", JULY_1)


def test_the_descendants_of_a_territory_of_a_level_are_those_within_it_during_the_window(
        ) -> None:
    tree = Tree([*MERGER, entity("xa-cu", "commune", "hung-yen", valid_to=date(2025, 3, 31)),
                 entity("so-y-te", "department", "hung-yen")])
    communes = pr.Scope(level="commune")
    assert tree.descendants("hung-yen", H1, communes) == ["xa-cu"]
    assert tree.descendants("hung-yen", YEAR, communes) == ["xa-cu", "xa-hung-ha"]
    assert tree.descendants("thai-binh", YEAR, communes) == ["xa-hung-ha"]
    assert tree.descendants("hung-yen", Q3, pr.Scope(level="department")) == ["so-y-te"]


def test_a_unit_that_changes_level_on_a_date_is_of_each_level_on_its_own_days() -> None:
    tree = Tree([entity("hy", "province"),
                 entity("tt-a", "district", "hy", valid_to=JUNE_30),
                 entity("tt-a", "commune", "hy", valid_from=JULY_1)])
    assert tree.descendants("hy", H1, pr.Scope(level="commune")) == []
    assert tree.descendants("hy", Q3, pr.Scope(level="commune")) == ["tt-a"]
    assert tree.descendants("hy", H1, pr.Scope(level="district")) == ["tt-a"]
    assert tree.levels("tt-a") == {"district", "commune"}


def test_the_span_within_a_territory_starts_the_day_a_unit_joins_it() -> None:
    assert Tree(MERGER).span_within("xa-hung-ha", "hung-yen", YEAR) == (JULY_1,
                                                                         date(2025, 12, 31))


def test_a_parent_cycle_is_named_and_walking_the_chain_ends() -> None:
    tree = Tree([EntityRow(entity("a", "commune", "b"), "e.csv", 2),
                 EntityRow(entity("b", "district", "a"), "e.csv", 3)])
    assert sorted((i.code, i.row) for i in tree.issues) == [("parent_cycle", 2),
                                                            ("parent_cycle", 3)]
    assert "a → b → a" in tree.issues[0].message.en
    assert not tree.within("a", "b", JULY_1)
    assert tree.chain("a", JULY_1) == ()


def test_a_parent_cycle_on_one_date_only_leaves_the_other_dates_alone() -> None:
    # b under a until 30 June, a under b from 1 July: the union goes round, no date does.
    tree = Tree([entity("a", "province", valid_from=JULY_1, parent="b"),
                 entity("a", "province", valid_to=JUNE_30),
                 entity("b", "district", "a", valid_to=JUNE_30),
                 entity("b", "province", valid_from=JULY_1)])
    assert tree.issues == []
    assert tree.within("b", "a", JUNE_30) and tree.within("a", "b", JULY_1)


def test_a_unit_that_is_its_own_parent_is_a_cycle() -> None:
    tree = Tree([EntityRow(entity("a", "commune", "a"), "e.csv", 2)])
    assert [(i.code, i.row, i.field) for i in tree.issues] == [("parent_cycle", 2, "parent")]


def test_rows_of_one_code_that_overlap_are_named_with_both_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "hy,,province,,,,\n"
                           "xa,,commune,,hy,01/01/2025,31/07/2025\n"
                           "xa,,district,,hy,01/07/2025,\n")
    read = pr.read_entities(path)
    [issue] = read.issues
    assert (issue.code, issue.row, issue.field) == ("overlapping_validity", 4, "valid_from")
    assert f"{path}:3" in issue.message.en and f"{path}:3" in issue.message.vi
    assert read.accounted
    assert [e.level for e in read.entities if e.code == "xa"] == ["commune"]


def test_two_parents_on_one_date_are_named_with_both_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "hy,,province,,,,\ntb,,province,,,,\n"
                           "xa,,commune,,hy,,\nxa,,commune,,tb,01/07/2025,\n")
    read = pr.read_entities(path)
    [issue] = read.issues
    assert (issue.code, issue.row, issue.text) == ("two_parents", 5, "tb")
    assert f"{path}:4" in issue.message.en


def test_several_rows_of_one_code_one_after_another_are_all_read(tmp_path: Path) -> None:
    path = write(tmp_path, "hung-yen,,province,,,,\nthai-binh,,province,,,,30/06/2025\n"
                           "xa-hung-ha,,commune,,thai-binh,,30/06/2025\n"
                           "xa-hung-ha,,commune,,hung-yen,01/07/2025,\n")
    read = pr.read_entities(path)
    assert read.issues == ()
    assert [e.parent for e in read.entities if e.code == "xa-hung-ha"] == ["thai-binh",
                                                                          "hung-yen"]


def test_which_of_two_overlapping_rows_is_kept_does_not_depend_on_their_order() -> None:
    one = entity("xa", "commune", "hy", valid_from=date(2025, 1, 1))
    two = entity("xa", "commune", "tb", valid_from=date(2025, 3, 1))
    assert Tree([one, two]).rows_of("xa") == Tree([two, one]).rows_of("xa") == [one]


def test_the_descendants_of_a_group_are_read_from_the_row_valid_during_the_window() -> None:
    tree = Tree([entity("hy", "province"),
                 entity("huyen-a", "district", "hy", valid_to=JUNE_30, groups="localities"),
                 entity("xa-b", "commune", "huyen-a", valid_to=JUNE_30),
                 entity("xa-b", "commune", "hy", valid_from=JULY_1, groups="localities")])
    localities = pr.Scope(group="localities")
    assert tree.descendants("hy", H1, localities) == ["huyen-a"]
    assert tree.descendants("hy", Q3, localities) == ["xa-b"]
    assert tree.within("xa-b", "hy", JUNE_30)  # through its district, before 1 July
