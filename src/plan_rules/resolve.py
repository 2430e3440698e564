"""Which reporting unit each figure belongs to: the units given, or those the rows describe.

A unit in the entities file is what the file says. A unit met only in the data takes the level
its rows give, also for its rows that give none; rows that give it different levels are all
refused. Which row came first never decides what the unit is.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from . import _arrow
from .figures import FigureTable
from .model import Entity

__all__ = ["Units", "Unresolved"]


@attrs.frozen
class Unresolved:
    """Why a figure's unit cannot be told: an issue code, its words, the field and text."""

    code: str
    vi: str
    en: str
    field: str
    text: str | None
    expected: str


class Units:
    """The units of one evaluation: those given, and those taken from rows as they come."""

    def __init__(self, table: FigureTable, entities: dict[str, Entity],
                 unit_levels: Mapping[str, frozenset[str]] | None = None) -> None:
        self.table = table
        self.entities = entities
        #: Every level a unit of the entities file has had (a unit may change level on a
        #: date): a row giving any of them is the unit's.
        self.unit_levels = unit_levels or {}
        names, levels = table.entities.values, table.levels.values
        seen: dict[str, set[str]] = {}
        cols = _arrow.columns_of(table)
        pairs = cols.pairs() if cols is not None else set(zip(table.entity, table.level,
                                                              strict=True))
        for e, lv in pairs:
            name, level = names[e], levels[lv]
            if level is not None and name not in entities:
                seen.setdefault(name, set()).add(level)
        #: Units met only in the data whose rows give several levels.
        self.conflicting = {code: sorted(lv) for code, lv in seen.items() if len(lv) > 1}
        #: The level of each unit met only in the data whose rows give one: a row that gives
        #: none is that unit's, whether it comes before or after the rows that say it.
        self.level_of = {code: next(iter(lv)) for code, lv in seen.items() if len(lv) == 1}

    def resolve(self, entity: str, level: str | None) -> Entity | Unresolved:
        """The unit of a figure of ``entity`` whose row gives ``level`` (or none); a unit met
        only in the data joins the units, at the level its rows give, with its first figure
        that is used."""
        conflict = self.conflicting.get(entity)
        if conflict is not None:
            given = ", ".join(conflict)
            return Unresolved(
                "level_conflict",
                f"đơn vị {entity} được ghi nhiều cấp khác nhau ({given}): khai báo trong tệp "
                "đơn vị hoặc sửa cột cấp",
                f"entity {entity} is given different levels ({given}) in different rows: "
                "describe it in the entities file or correct the level column",
                "level", level, "one level per entity")
        known = self.entities.get(entity)
        if known is not None:
            if level is not None and level != known.level \
                    and level not in self.unit_levels.get(entity, ()):
                return Unresolved(
                    "level_mismatch",
                    f"đơn vị {entity} thuộc cấp '{known.level}', dòng ghi '{level}'",
                    f"entity {entity} is at level '{known.level}' but the row says '{level}'",
                    "level", level, known.level)
            return known
        if level is None:
            level = self.level_of.get(entity)
        if level is None:
            return Unresolved(
                "unknown_level",
                f"không rõ cấp của đơn vị {entity}: ghi cột cấp hoặc khai báo trong tệp đơn vị",
                f"the level of entity {entity} is unknown: fill the level column or describe "
                "it in the entities file", "level", None,
                "province, department, district, commune, …")
        unit = Entity(code=entity, level=level)
        self.entities[entity] = unit
        return unit
