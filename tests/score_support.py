"""Reports with a score and a rank target on the service index of ``composite_plugin``, for
the tests of the HTML score breakdown (writers and browser).

Commune ``c1`` scores 24.6875 of 30: 7.5 points submitted online (3/8, full points at 1/2),
3.1875 digital (102 of 160 dossiers), 10 on time (9/10 reaches the top band) and 4 satisfied
(8/10). As shares of the bar: 25.00%, 10.63%, 33.33%, 13.33%, and 17.71% missing.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import attrs

import composite_plugin as cp
import plan_rules as pr
from plan_rules import formats

AS_OF = date(2025, 12, 31)

#: A component name, a group name and an entity name that try to run in the page.
HOSTILE = "<img src=x onerror=alert(1)>"

#: The widths of c1's segments, in the index's order, and of the missing points.
C1_WIDTHS = {"SQ.IDX.online.submitted": "25.00%", "SQ.IDX.online.digital": "10.63%",
             "SQ.IDX.handling.ontime": "33.33%", "SQ.IDX.handling.satisfied": "13.33%",
             "rest": "17.71%"}
C1_SCORE = Fraction(395, 16)


def hostile_index() -> object:
    """The service index with a hostile name on its first group and on a component."""
    online, handling = cp.INDEX.groups
    digital = attrs.evolve(online.components[1], name=pr.Text.same(HOSTILE))
    online = attrs.evolve(online, name=pr.Text.same(HOSTILE + " group"),
                          components=[online.components[0], digital])
    return attrs.evolve(cp.INDEX, groups=[online, handling])


def registry(hostile: bool = False) -> pr.Registry:
    index = hostile_index() if hostile else cp.INDEX
    return cp.registry([cp.DIGITAL, index, cp.SCORE, cp.RANK])


def communes(n: int) -> tuple[pr.Entity, ...]:
    """The provinces of ``composite_plugin`` and ``n`` communes of ``hy``: c1, c2, … ."""
    provinces = tuple(e for e in cp.ENTITIES if e.level != "commune")
    return provinces + tuple(pr.Entity(code=f"c{i}", level="commune", parent="hy",
                                       name=HOSTILE if i == 2 else None)
                             for i in range(1, n + 1))


def observations(n: int = 2) -> list[pr.Observation]:
    """c1 as the module says; c2 … cn without a satisfaction figure once every third, with
    scores that differ; provinces to rank."""
    out = cp.figures("c1", "commune", (30, 80), (72, 80), (8, 10))
    for i in range(2, n + 1):
        out += cp.figures(f"c{i}", "commune", (i % 50, 100), (60 + i % 40, 100),
                          None if i % 3 == 0 else (7, 10))
    out += (cp.figures("hy", "province", (50, 100), (90, 100), (9, 10))
            + cp.figures("hn", "province", (40, 100), (90, 100), (9, 10))
            + cp.figures("hp", "province", (60, 100), (99, 100), (10, 10)))
    return out


def report(n: int = 2, hostile: bool = False) -> tuple[pr.Report, formats.Catalogue]:
    """The report of ``n`` communes and the provinces, and the catalogue a writer sees."""
    reg = registry(hostile)
    entities = communes(n)
    rep = pr.evaluate(observations(n), registry=reg, as_of=AS_OF, entities=entities)
    cat = formats.Catalogue(indicators=reg.indicators, targets=reg.targets, plans=reg.plans,
                            composites=reg.composites, entities={e.code: e for e in entities})
    return rep, cat
