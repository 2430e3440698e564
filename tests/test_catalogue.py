"""The committed indicator catalogue is exactly what the registry generates."""

from __future__ import annotations

from pathlib import Path

import plan_rules as pr
from plan_rules.catalogue import render_catalogue

CATALOGUE = Path(__file__).parents[1] / "docs" / "indicators.md"


def test_committed_catalogue_is_not_stale() -> None:
    expected = render_catalogue(pr.load_registry(), "HY25")
    assert CATALOGUE.read_text(encoding="utf-8") == expected, (
        "docs/indicators.md is stale: run "
        "`python -m plan_rules.catalogue --plan HY25 --output docs/indicators.md`")


def test_catalogue_lists_every_indicator_with_its_vietnamese_wording() -> None:
    registry = pr.load_registry()
    text = render_catalogue(registry, "HY25")
    for ind in registry.indicators.values():
        if ind.plan == "HY25":
            assert f"### {ind.code} — {ind.name.vi}" in text
            assert ind.clause.text_vi in text
            assert ind.name.en in text
    for code, target in registry.targets.items():
        if registry.indicators[target.indicator].plan == "HY25":
            assert f"`{code}`" in text
