"""The entity tree as of a date: which units lie within a territory, and which unit stands
above another, on each day.

An entities file may give one code several rows whose validity does not overlap: a unit that
changes parent, level or group on a date (Thái Bình's communes joining Hưng Yên on 1 July
2025) is a row that ends the day before and a row that starts that day. Two rows of one code
valid on one day (overlapping validity, or two parents on one date) and a parent chain that
comes back to where it started are data issues naming the rows; the tree keeps what can be
kept and never loops. Which row comes first in the file never decides what is kept.

A figure belongs where its unit stood on the last day of its period on which the unit existed
(the nearest day it existed, for a figure of a period it did not exist in): a unit's place is
read through the parent chain *as of that day*, each ancestor's row being the one valid then.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from itertools import islice
from operator import lt
from typing import cast

import attrs

from .dataissues import IssueSink
from .figures import FigureTable
from .model import DataIssue, Entity, Plan, Scope, Text
from .periods import Period
from .window import Series

__all__ = ["EntityRow", "Tree", "enforced", "merged", "scope_within", "split_series",
           "within_territory"]

_FIRST, _LAST = date.min, date.max


@attrs.frozen
class EntityRow:
    """An entity row with where it was read (``file``, ``row``; None when given in code)."""

    entity: Entity
    file: str | None = None
    row: int | None = None


def _start(e: Entity) -> date:
    return e.valid_from or _FIRST


def _end(e: Entity) -> date:
    return e.valid_to or _LAST


def _content(e: Entity) -> tuple[object, ...]:
    # What a row says, to order rows without their position: the same rows in another
    # order keep the same ones.
    return (_start(e), _end(e), e.level, e.parent or "", sorted(e.groups), e.name or "")


def _where(r: EntityRow) -> str:
    if r.row is None:
        return r.file or "(given in code)"
    return f"{r.file}:{r.row}" if r.file else f"row {r.row}"


def _span_words(e: Entity) -> tuple[str, str]:
    start = f"{e.valid_from:%d/%m/%Y}" if e.valid_from else "…"
    end = f"{e.valid_to:%d/%m/%Y}" if e.valid_to else "…"
    return f"{start}–{end}", f"{start}–{end}"


def merged(rows: Sequence[Entity]) -> Entity:
    """One entity standing for all the rows of a code (in order of validity): the latest
    row's level, name, groups and parent, valid from the first row's start to the last row's
    end (the stages that read one row per unit see this one)."""
    last = rows[-1]
    first = rows[0]
    if len(rows) == 1:
        return last
    return attrs.evolve(last, valid_from=first.valid_from, valid_to=last.valid_to)


class Tree:
    """The units and their rows of validity, with the parent chain as of any date.

    ``issues`` holds what was wrong with the rows given (each issue names the row it is
    about and the row it clashes with); ``kept`` the rows the tree stands on.
    """

    def __init__(self, rows: Iterable[Entity | EntityRow]) -> None:
        given = [r if isinstance(r, EntityRow) else EntityRow(r) for r in rows]
        self.issues: list[DataIssue] = []
        by_code: dict[str, list[EntityRow]] = {}
        for r in given:
            by_code.setdefault(r.entity.code, []).append(r)
        kept: dict[str, list[EntityRow]] = {}
        for code, group in by_code.items():
            kept[code] = self._without_overlaps(group)
        self._rows: dict[str, list[Entity]] = {}
        self._starts: dict[str, list[date]] = {}
        self._where: dict[tuple[str, date], EntityRow] = {}
        self._set(kept)
        self._break_cycles(kept)
        self.kept: tuple[EntityRow, ...] = tuple(r for code in sorted(kept) for r in kept[code])
        self._chains: dict[tuple[str, date], tuple[str, ...]] = {}
        self._stable: dict[str, bool] = {}
        self._settled: dict[frozenset[str], dict[str, str | None]] = {}
        self._codes: list[str] | None = None
        self._memos: dict[str, dict[object, object]] = {}

    # -- building --------------------------------------------------------------------------

    def _set(self, kept: Mapping[str, list[EntityRow]]) -> None:
        for code, group in kept.items():
            self._rows[code] = [r.entity for r in group]
            self._starts[code] = [_start(r.entity) for r in group]
            for r in group:
                self._where[(code, _start(r.entity))] = r

    def _issue(self, code: str, r: EntityRow, field: str, vi: str, en: str, text: str | None,
               expected: str, severity: str = "error") -> None:
        self.issues.append(DataIssue(
            code=code, message=Text(vi=vi, en=en), file=r.file, row=r.row, field=field,
            text=text, expected=expected, severity=severity, entity=r.entity.code))

    def _without_overlaps(self, group: list[EntityRow]) -> list[EntityRow]:
        """The rows of one code that can stand together: in order of validity (then of what
        they say), each row that starts on or before the end of the last one kept is named
        and left out."""
        out: list[EntityRow] = []
        for r in sorted(group, key=lambda r: _content(r.entity)):
            if not out or _start(r.entity) > _end(out[-1].entity):
                out.append(r)
                continue
            kept, e = out[-1], r.entity
            code = e.code
            if e == kept.entity:
                self._issue("duplicate_entity", r, "code",
                            f"mã đơn vị {code} đã có ở {_where(kept)}; dòng này bị bỏ qua",
                            f"entity code {code} was already given at {_where(kept)}; this "
                            "row is ignored", code, "each code once")
                continue
            vi_span, en_span = _span_words(kept.entity)
            if (e.parent or None) != (kept.entity.parent or None):
                self._issue(
                    "two_parents", r, "parent",
                    f"đơn vị {code} có hai đơn vị cấp trên cùng một ngày: '{e.parent or ''}' "
                    f"ở dòng này và '{kept.entity.parent or ''}' ở {_where(kept)} "
                    f"(hiệu lực {vi_span}); dòng này bị bỏ qua",
                    f"entity {code} has two parents on one date: '{e.parent or ''}' on this "
                    f"row and '{kept.entity.parent or ''}' at {_where(kept)} (valid "
                    f"{en_span}); this row is ignored", e.parent,
                    f"a valid_from after {_end(kept.entity):%d/%m/%Y}")
                continue
            self._issue(
                "overlapping_validity", r, "valid_from",
                f"thời hạn hiệu lực của đơn vị {code} chồng lên dòng {_where(kept)} "
                f"(hiệu lực {vi_span}); dòng này bị bỏ qua",
                f"the validity of entity {code} overlaps the row at {_where(kept)} (valid "
                f"{en_span}); this row is ignored",
                f"{e.valid_from:%d/%m/%Y}" if e.valid_from else None,
                f"a valid_from after {_end(kept.entity):%d/%m/%Y}")
        return out

    def _break_cycles(self, kept: dict[str, list[EntityRow]]) -> None:
        """Name the rows whose parent chain comes back to them on some date, and read them
        without their parent: a cycle has no top, so none of its units can be placed."""
        graph = {code: {e.parent for e in rows if e.parent}
                 for code, rows in self._rows.items()}
        suspects = _on_cycles(graph)
        if not suspects:
            return
        days = sorted({d for code in suspects for e in self._rows[code]
                       for d in (_start(e), _end(e) + timedelta(days=1)
                                 if _end(e) < _LAST else _start(e))})
        broken: dict[tuple[str, date], str] = {}
        for day in days:
            for code in sorted(suspects):
                loop = self._loop_from(code, day)
                if loop is None:
                    continue
                for member in loop:
                    e = self.row_on(member, day)
                    assert e is not None
                    broken.setdefault((member, _start(e)), " → ".join((*loop, loop[0])))
        for (member, start), path in sorted(broken.items()):
            r = self._where[(member, start)]
            self._issue("parent_cycle", r, "parent",
                        f"chuỗi đơn vị cấp trên quay vòng ({path}); cấp trên của dòng này "
                        "bị bỏ qua",
                        f"the parent chain goes round in a circle ({path}); this row's parent "
                        "is ignored", r.entity.parent, "a parent chain that ends at the top",
                        "warning")
            fixed = EntityRow(attrs.evolve(r.entity, parent=None), r.file, r.row)
            kept[member] = [fixed if x is r else x for x in kept[member]]
        self._where.clear()
        self._set(kept)

    def _loop_from(self, code: str, day: date) -> tuple[str, ...] | None:
        """The units of the loop ``code``'s chain runs into on ``day``, if it does and
        ``code`` is on it."""
        path = [code]
        seen = {code}
        current = code
        while True:
            e = self.row_on(current, day)
            if e is None or not e.parent:
                return None
            parent = e.parent
            if parent == code:
                return tuple(path)
            if parent in seen:
                return None  # a loop further up, found from one of its own units
            seen.add(parent)
            path.append(parent)
            current = parent

    # -- reading ---------------------------------------------------------------------------

    def codes(self) -> list[str]:
        """The codes of every unit the tree has a row of, in code order."""
        if self._codes is None:
            self._codes = sorted(self._rows)
        return self._codes

    def memo(self, name: str) -> dict[object, object]:
        """A memo the later stages keep with the tree under ``name``: what they work out
        from the tree alone, the same for every target that asks."""
        return self._memos.setdefault(name, {})

    def knows(self, code: str) -> bool:
        """Whether the tree has a row of ``code``."""
        return code in self._rows

    def rows_of(self, code: str) -> Sequence[Entity]:
        """The rows of ``code`` in order of validity (none for a unit the tree does not
        know)."""
        return self._rows.get(code, ())

    def entities(self) -> dict[str, Entity]:
        """One entity per code (see :func:`merged`), by code."""
        return {code: merged(rows) for code, rows in sorted(self._rows.items())}

    def levels(self, code: str) -> frozenset[str]:
        """Every level a row of ``code`` gives."""
        return frozenset(e.level for e in self.rows_of(code))

    def row_on(self, code: str, day: date) -> Entity | None:
        """The row of ``code`` valid on ``day``, if one is."""
        rows = self._rows.get(code)
        if not rows:
            return None
        k = bisect.bisect_right(self._starts[code], day) - 1
        if k < 0:
            return None
        e = rows[k]
        return e if day <= _end(e) else None

    def place_day(self, code: str, period: Period) -> date | None:
        """The day a figure of ``code`` for ``period`` is placed on: the last day of the
        period on which the unit existed; for a period it did not exist in, the nearest day
        it existed (None for a unit the tree does not know)."""
        rows = self._rows.get(code)
        if not rows:
            return None
        best: date | None = None
        for e in rows:
            if _start(e) <= period.end and _end(e) >= period.start:
                day = min(period.end, _end(e))
                if best is None or day > best:
                    best = day
        if best is not None:
            return best
        before = [_end(e) for e in rows if _end(e) < period.start]
        if before:
            return max(before)
        return min(_start(e) for e in rows)

    def chain(self, code: str, day: date) -> tuple[str, ...]:
        """The ancestors of ``code`` on ``day``, nearest first: each parent as the row of its
        child valid that day names it, up to a unit with no parent, a parent the tree does
        not know or has no row for that day. Never loops."""
        key = (code, day)
        found = self._chains.get(key)
        if found is not None:
            return found
        out: list[str] = []
        seen = {code}
        current = code
        while True:
            e = self.row_on(current, day)
            if e is None or not e.parent or e.parent in seen:
                break
            out.append(e.parent)
            seen.add(e.parent)
            if self.row_on(e.parent, day) is None:
                break
            current = e.parent
        chain = tuple(out)
        self._chains[key] = chain
        return chain

    def stable(self, code: str) -> bool:
        """Whether ``code`` and each of its ancestors has one row valid on every date: its
        place is then the same whatever the day."""
        known = self._stable.get(code)
        if known is not None:
            return known
        result = True
        seen = set()
        current: str | None = code
        while current is not None and current not in seen:
            seen.add(current)
            rows = self._rows.get(current)
            if rows is None:
                break
            if len(rows) != 1 or rows[0].valid_from is not None \
                    or rows[0].valid_to is not None:
                result = False
                break
            current = rows[0].parent
        self._stable[code] = result
        return result

    def parents(self) -> frozenset[str]:
        """The codes some row names as its parent: the units that have units below them on
        some date."""
        memo = self.memo("tree.parents")
        found = memo.get(None)
        if found is None:
            found = memo[None] = frozenset(e.parent for rows in self._rows.values()
                                           for e in rows if e.parent)
        return found  # type: ignore[return-value]

    def ever_within(self, territory: str) -> frozenset[str]:
        """The codes of the units whose parent chain reaches ``territory`` on some date (by
        any of their rows), and ``territory`` itself: the only units that can lie within it
        on a day, worked out once per territory."""
        memo = self.memo("tree.ever_within")
        found = memo.get(territory)
        if found is not None:
            return found  # type: ignore[return-value]
        children = cast("dict[str, set[str]] | None", memo.get(None))
        if children is None:
            children = {}
            for code, rows in self._rows.items():
                for e in rows:
                    if e.parent:
                        children.setdefault(e.parent, set()).add(code)
            memo[None] = children
        seen = {territory}
        pending = [territory]
        while pending:
            for child in children.get(pending.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    pending.append(child)
        out = memo[territory] = frozenset(seen)
        return out

    def settled_heads(self, heads: frozenset[str]) -> dict[str, str | None]:
        """A memo for the callers of :meth:`ancestor_among` with ``heads``: the nearest of
        ``heads`` above each :meth:`stable` unit put in it (the same on every date)."""
        return self._settled.setdefault(heads, {})

    def within(self, code: str, territory: str, day: date) -> bool:
        """Whether unit ``code`` lies within ``territory`` on ``day`` (a territory lies
        within itself)."""
        if code == territory:
            return self.row_on(code, day) is not None or not self.knows(code)
        return territory in self.chain(code, day)

    def within_for(self, code: str, territory: str, period: Period) -> bool:
        """Whether a figure of ``code`` for ``period`` lies within ``territory``: where the
        unit stood on its period's place day (:meth:`place_day`)."""
        if code == territory:
            return True
        day = self.place_day(code, period)
        return day is not None and territory in self.chain(code, day)

    def ancestor_among(self, code: str, candidates: frozenset[str],
                       period: Period) -> str | None:
        """The nearest ancestor of ``code`` among ``candidates`` as its figure for
        ``period`` is placed (None if no ancestor is one)."""
        day = _FIRST if self.stable(code) else self.place_day(code, period)
        if day is None:
            return None
        return next((a for a in self.chain(code, day) if a in candidates), None)

    def span_within(self, code: str, territory: str, period: Period,
                    ) -> tuple[date, date] | None:
        """The first and last day of ``period`` on which ``code`` lies within
        ``territory`` (None: on none of them)."""
        boundaries = {period.start}
        pending, seen = [code], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            for e in self.rows_of(current):
                for day in (e.valid_from, e.valid_to + timedelta(days=1)
                            if e.valid_to and e.valid_to < _LAST else None):
                    if day is not None and period.start < day <= period.end:
                        boundaries.add(day)
                if e.parent:
                    pending.append(e.parent)
        cuts = sorted(boundaries)
        first = last = None
        for k, day in enumerate(cuts):
            if self.within(code, territory, day):
                end = cuts[k + 1] - timedelta(days=1) if k + 1 < len(cuts) else period.end
                if first is None:
                    first = day
                last = end
        return None if first is None or last is None else (first, last)

    def descendants(self, territory: str, window: Period, scope: Scope | None = None,
                    ) -> list[str]:
        """The codes of the units within ``territory`` on some day of ``window`` whose row
        on such a day is in ``scope`` (a level, a group: every unit if None), in code
        order. The territory itself is among them when it is in ``scope``."""
        out = []
        for code in sorted(self._rows):
            for e in self._rows[code]:
                if _start(e) > window.end or _end(e) < window.start:
                    continue
                if scope is not None and not e.in_scope(scope):
                    continue
                piece = Period.between(max(window.start, _start(e)),
                                       min(window.end, _end(e)))
                if self.span_within(code, territory, piece) is not None:
                    out.append(code)
                    break
        return out


def _on_cycles(graph: Mapping[str, set[str]]) -> set[str]:
    """The nodes of ``graph`` on some cycle (its parents over all dates): only these can go
    round on a date."""
    on: set[str] = set()
    state: dict[str, int] = {}
    for root in sorted(graph):
        if root in state:
            continue
        # An iterative walk: a national tree is shallow, but a hostile file need not be.
        stack: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        path = [root]
        state[root] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = todo.pop()
            mark = state.get(nxt)
            if mark == 1:
                on.update(path[path.index(nxt):])
            elif mark is None and nxt in graph:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(graph.get(nxt, ()))))
    return on


def enforced(tree: Tree, plan: Plan | None) -> str | None:
    """The territory ``plan``'s targets keep to: its own, when the entities given describe
    it; None (every unit is the plan's) for a plan without one, or one the entities do not
    describe (no entities file: the figures are taken as the territory's own)."""
    if plan is None or plan.territory is None or not tree.knows(plan.territory):
        return None
    return plan.territory


def within_territory(table: FigureTable, positions: Sequence[int], tree: Tree,
                     territory: str | Sequence[str] | None, sink: IssueSink,
                     ) -> Sequence[int]:
    """The figures among ``positions`` that lie within ``territory`` (all of them for
    None); each other one is named ``outside_territory`` once, and so accounted for.

    Several territories (the plans instantiated per province that read one indicator):
    the figures within one of them at least; a figure is named only when it lies within
    none."""
    if territory is None or not positions:
        return positions
    places = (territory,) if isinstance(territory, str) else tuple(sorted(set(territory)))
    where = _places_words(places)
    names, levels = table.entities.values, table.levels.values
    periods, entity, period = table.periods.values, table.entity, table.period
    verdict: dict[tuple[int, int], bool] = {}
    kept: list[int] = []
    for i in positions:
        key = (entity[i], period[i])
        inside = verdict.get(key)
        if inside is None:
            inside = verdict[key] = any(tree.within_for(names[key[0]], t, periods[key[1]])
                                        for t in places)
        if inside:
            kept.append(i)
            continue
        code, p = names[key[0]], periods[key[1]]
        level = levels[table.level[i]]
        if not tree.knows(code):
            vi_why = f"đơn vị {code} không có trong tệp đơn vị"
            en_why = f"entity {code} is not in the entities file"
        else:
            vi_why = f"theo tệp đơn vị, {code} không thuộc {where} trong kỳ {p}"
            en_why = f"as the entities file places it, {code} is not within {where} in {p}"
        at = f" (cấp {level})" if level else ""
        at_en = f" (level {level})" if level else ""
        if len(places) == 1:
            vi_head = f"số liệu ngoài địa bàn {where} của kế hoạch{at}"
            en_head = f"figure outside the plan's territory {where}{at_en}"
            vi_tail = "không chỉ tiêu nào của kế hoạch dùng số liệu này"
            en_tail = "no target of the plan uses it"
        else:
            vi_head = f"số liệu ngoài địa bàn của mọi kế hoạch dùng chỉ số này ({where}){at}"
            en_head = (f"figure outside the territory of every plan that reads its indicator "
                       f"({where}){at_en}")
            vi_tail = "không chỉ tiêu nào của các kế hoạch đó dùng số liệu này"
            en_tail = "no target of those plans uses it"
        sink.issue("outside_territory", i, f"{vi_head}: {vi_why}; {vi_tail}",
                   f"{en_head}: {en_why}; {en_tail}",
                   field="entity", text=code, expected=f"a unit within {where}",
                   blocking=False, severity="warning")
    return kept


def _places_words(places: Sequence[str], shown: int = 3) -> str:
    """Territories named in a message: the first few, then how many in all."""
    if len(places) <= shown:
        return ", ".join(places)
    return f"{', '.join(places[:shown])}, … ({len(places)})"


def split_series(table: FigureTable, series: Sequence[Series],
                 unit_of: Sequence[Entity | None], tree: Tree, territories: Iterable[str],
                 memo: dict[tuple[int, int], tuple[str, ...]] | None = None,
                 ) -> dict[str, list[Series]]:
    """The series of each unit within each of ``territories``, as :meth:`Tree.within_for`
    places its figures: what :func:`~plan_rules.window.series` makes of the figures within
    each (a national file's figures split among the 34 plans of its provinces), made from
    the indicator's ``series`` (those of :func:`~plan_rules.window.series`, over figures in
    input order) without sorting them again.

    A unit placed alike on every date (:meth:`Tree.stable`) lies in the same territories for
    all its periods: its series is theirs whole. Only a unit that changes parent on a date
    (a commune of Thái Bình's joining Hưng Yên on 1 July 2025) is split period by period;
    each part keeps the series' order. In each territory the units come in the order of
    their first figure, as :func:`~plan_rules.window.series` orders them: by the smallest
    position, the figures being in input order.

    On the national benchmark evaluated per province (34 plans), placing every figure and
    sorting each territory's figures into series again took 28 s of the run under a
    profiler (1.3 M figures placed one by one, 1,122 sorts); cutting the series takes 0.9 s.
    Each series' unit, whether it is stable and its smallest position are then read in one
    C-level pass each, and a territory's series sorted only when they are out of order:
    0.17 s against 0.28 s for a sort of (position, series) pairs by a key function in each
    territory (the stage harness, without a profiler, medians of 3 runs alternating with the
    old code; load average 2 on 2 shared cores).

    ``memo``: the territories of each (unit, period) of ``table`` found so far, kept by the
    caller for the other indicators split among the same territories."""
    wanted = frozenset(territories)
    names, periods = table.entities.values, table.periods.values
    entity, period = table.entity, table.period
    places = {} if memo is None else memo

    def place(key: tuple[int, int]) -> tuple[str, ...]:
        found = places.get(key)
        if found is None:
            code = names[key[0]]
            day = _FIRST if tree.stable(code) else tree.place_day(code, periods[key[1]])
            above = () if day is None else tree.chain(code, day)
            found = places[key] = tuple(sorted(wanted.intersection((code, *above))))
        return found

    order = sorted(wanted)
    made: dict[str, list[Series]] = {t: [] for t in order}
    # The smallest position of each series in ``made``, which orders them.
    smallest: dict[str, list[int]] = {t: [] for t in order}
    firsts = [s.positions[0] for s in series]
    units = [entity[i] for i in firsts]
    stable = list(map(tree.stable, [names[unit] for unit in units]))
    leasts = list(map(min, [s.positions for s in series]))
    for s, unit, first, least, whole_unit in zip(series, units, firsts, leasts, stable,
                                                 strict=True):
        if whole_unit:
            whole: tuple[str, ...] = place((unit, period[first]))
        else:
            split: dict[str, list[int]] = {}
            for k, i in enumerate(s.positions):
                for t in place((unit, period[i])):
                    split.setdefault(t, []).append(k)
            whole = tuple(t for t, ks in split.items() if len(ks) == len(s.positions))
            for t, ks in split.items():
                if len(ks) < len(s.positions):
                    kept = [s.positions[k] for k in ks]
                    entity_of = unit_of[kept[0]]
                    assert entity_of is not None
                    made[t].append(Series(entity_of, tuple(kept),
                                          tuple([s.ends[k] for k in ks]),
                                          min(periods[period[i]].start for i in kept)))
                    smallest[t].append(min(kept))
        for t in whole:
            made[t].append(s)
            smallest[t].append(least)
    out = {}
    for t in order:
        keys = smallest[t]
        # Already in order when ``series`` was and no unit of the territory was split.
        if all(map(lt, keys, islice(keys, 1, None))):
            out[t] = made[t]
        else:
            out[t] = [made[t][k] for k in sorted(range(len(keys)), key=keys.__getitem__)]
    return out


def scope_within(tree: Tree, entities: Iterable[Entity], territory: str,
                 window: Period) -> list[Entity]:
    """The units of ``entities`` that lie within ``territory`` on some day of ``window``,
    each valid only over the days it does (a commune that joined the province on 1 July
    2025 is part of its scope from then: before, its figures are another province's)."""
    out = []
    ever = tree.ever_within(territory)
    for e in entities:
        if e.code not in ever:
            continue  # its chain never reaches the territory, on any date
        span = tree.span_within(e.code, territory, window)
        if span is None:
            continue
        first, last = span
        if first > window.start and (e.valid_from is None or e.valid_from < first):
            e = attrs.evolve(e, valid_from=first)
        if last < window.end and (e.valid_to is None or e.valid_to > last):
            e = attrs.evolve(e, valid_to=last)
        out.append(e)
    return out
