"""A small report over the sample plan for the writer, CLI and browser tests: every verdict
that data can give, an ``each`` target with entities that disagree, data issues, and values
that try to break out of their cell (a formula, HTML, Markdown)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import plan_rules as pr

AS_OF = date(2025, 12, 31)

#: Values a writer must neutralise or escape, used as entity codes and notes.
FORMULA = "=HYPERLINK(\"http://evil.invalid\",\"x\")"
MARKUP = "<script>alert(1)</script>|**bold**"

ENTITIES = (
    pr.Entity(code="c1", name="Xã Tân Hưng", level="commune"),
    pr.Entity(code="c2", name="Phường Hiến Nam", level="commune"),
    pr.Entity(code=FORMULA, name=MARKUP, level="commune"),
    pr.Entity(code="d1", name="Huyện Kim Động", level="district",
              valid_to=date(2025, 6, 30)),
    pr.Entity(code="hy", name="Tỉnh Hưng Yên", level="province"),
)


def observations() -> list[pr.Observation]:
    q = pr.Period.parse
    rows = [
        ("T1.A.1", "c1", "Q1/2025", 412, 700, None),
        ("T1.A.1", "c2", "Q1/2025", 650, 700, None),
        ("T1.A.1", FORMULA, "Q1/2025", 100, 200, None),
        ("T1.A.1", "d1", "Q1/2025", 80, 100, None),
        ("T1.A.2", "hy", "Q4/2025", None, None, Fraction(7, 8)),
        ("T1.A.3", "hy", "Q4/2025", None, None, Fraction(131)),
        ("T1.A.4", "hy", "Q4/2025", None, None, Fraction(1)),
    ]
    out = []
    for n, (ind, ent, period, num, den, value) in enumerate(rows, start=2):
        source = "Quyết định 12/QĐ-UBND" if ind == "T1.A.4" else None
        out.append(pr.Observation(indicator=ind, entity=ent, period=q(period), numerator=num,
                                  denominator=den, value=value, source=source,
                                  note=MARKUP if ent == FORMULA else None,
                                  file="figures.csv", row=n))
    return out


def issues() -> list[pr.DataIssue]:
    return [pr.DataIssue(code="bad_number", message=pr.Text(vi="không đọc được '=1+1'",
                                                           en="cannot read '=1+1'"),
                         file="figures.csv", row=9, field="numerator", text="=1+1",
                         expected="a whole number")]


def report(registry: pr.Registry) -> pr.Report:
    return pr.evaluate(observations(), registry=registry, as_of=AS_OF, entities=ENTITIES,
                       issues=issues())
