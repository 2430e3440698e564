"""Reading an entities file: each row an :class:`~plan_rules.Entity` or named by an issue.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import cast

from ..model import DataIssue, Entity
from ..territory import EntityRow, Tree
from .cells import Cell, _text
from .dates import parse_date
from .header import ENTITY_FIELDS, level_key
from .result import ReadResult, _issue, _unaccounted
from .table import _Table

__all__ = ["read_entities"]


def read_entities(path: str | os.PathLike[str]) -> ReadResult:
    """Read an entities file: ``code, name, level, groups, parent, valid_from, valid_to``
    (groups separated by ``;``, ``,`` or ``|``; dates day-first or ISO).

    One code may have several rows whose validity does not overlap: a unit that changes
    parent, level or group on a date (see :class:`~plan_rules.territory.Tree`, which names
    the rows that overlap, give two parents on one date or go round in a circle)."""
    p = Path(path)
    file = str(p)
    issues: list[DataIssue] = []
    given: list[EntityRow] = []
    lines: list[int] = []
    rows = blank = 0
    for item in _Table(p, ENTITY_FIELDS, ("code", "level"), issues).records():
        if isinstance(item, int):
            blank += 1
            continue
        line, record = cast("tuple[int, dict[str, Cell]]", item)  # records, not lists
        rows += 1
        lines.append(line)
        if not record:
            continue
        entity = _entity(file, line, {k: _text(record.get(k)) for k in ENTITY_FIELDS}, issues)
        if entity is None:
            continue
        given.append(EntityRow(entity, file, line))
    tree = Tree(given)
    issues.extend(tree.issues)
    kept = sorted(tree.kept, key=lambda r: r.row or 0)
    for r in kept:
        e = r.entity
        if e.parent and not tree.knows(e.parent):
            issues.append(_issue(
                "unknown_parent", file, r.row, "parent",
                f"đơn vị cấp trên '{e.parent}' không có trong tệp đơn vị",
                f"parent '{e.parent}' is not an entity of this file", text=e.parent,
                expected="the code of another entity in the file", severity="warning"))
    return ReadResult(observations=(), issues=tuple(issues), rows=rows, blank_rows=blank,
                      entities=tuple(r.entity for r in kept),
                      unaccounted=_unaccounted(lines, {r.row for r in kept}, issues))


def _entity(file: str, line: int, get: Mapping[str, str],
            issues: list[DataIssue]) -> Entity | None:
    row_issues: list[DataIssue] = []
    dates: dict[str, date | None] = {}
    for name in ("valid_from", "valid_to"):
        dates[name] = None
        if get[name]:
            try:
                dates[name] = parse_date(get[name])
            except (ValueError, OverflowError):
                row_issues.append(_issue("bad_date", file, line, name,
                                         f"không đọc được ngày {get[name]!r}",
                                         f"cannot read {get[name]!r} as a date",
                                         text=get[name], expected="a date: 30/06/2025"))
    for name in ("code", "level"):
        if not get[name]:
            row_issues.append(_issue("missing_field", file, line, name,
                                     f"ô '{name}' bị bỏ trống", f"the '{name}' cell is empty",
                                     expected=f"the entity's {name}"))
    start, end = dates.get("valid_from"), dates.get("valid_to")
    if start and end and end < start:
        row_issues.append(_issue(
            "bad_validity", file, line, "valid_to",
            f"ngày hết hiệu lực {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}",
            f"valid_to {end:%d/%m/%Y} is before valid_from {start:%d/%m/%Y}",
            text=get["valid_to"], expected=f"a date on or after {start:%d/%m/%Y}"))
    issues.extend(row_issues)
    if row_issues:
        return None
    return Entity(code=get["code"], name=get["name"] or None, level=level_key(get["level"]),
                  groups=get["groups"], parent=get["parent"] or None,
                  valid_from=start, valid_to=end)
