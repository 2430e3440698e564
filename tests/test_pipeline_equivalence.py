"""The staged pipeline against the engine it replaces, on generated figures: the JSON reports
must be byte for byte the same, awkward rows included (duplicates, overlapping periods,
percentage-only rates, units outside their validity, blocked figures, unknown levels).

This test lives only as long as the old engine does; the recorded digests of
``test_equivalence.py`` hold the reports after it is gone.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules import _engine_old, engine
from plan_rules import strategies as prs

EXAMPLES = int(os.environ.get("PIPELINE_EXAMPLES", "60"))


@pytest.fixture(scope="module")
def registry() -> pr.Registry:
    return pr.load_registry()


def _both(observations: list[pr.Observation], registry: pr.Registry, as_of: date,
          entities: list[pr.Entity] | None) -> tuple[str, str]:
    old = _engine_old.evaluate(observations, registry=registry, as_of=as_of,
                               entities=entities).to_json()
    new = engine.evaluate(observations, registry=registry, as_of=as_of,
                          entities=entities).to_json()
    return old, new


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), clean=st.booleans(), described=st.booleans(),
       as_of=st.dates(date(2024, 10, 1), date(2026, 3, 31)))
def test_the_pipeline_reports_what_the_old_engine_did(
        registry: pr.Registry, data: st.DataObject, clean: bool, described: bool,
        as_of: date) -> None:
    units = data.draw(prs.entity_sets(levels=("province", "department", "district",
                                              "commune")))
    rows = data.draw(prs.observations_for(registry, entities=units, clean=clean,
                                          max_size=40))
    old, new = _both(rows, registry, as_of, list(units) if described else None)
    assert new == old
