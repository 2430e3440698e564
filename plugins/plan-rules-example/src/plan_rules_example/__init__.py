"""An example plan_rules plugin: the made-up Example Province plan for 2026 (code ``EX26``).

Everything a plugin contributes is data (:mod:`.plan`, and the score index of
:mod:`.service_index`), a consistency check (:mod:`.checks`), a report writer
(:mod:`.writers`) and a progress method (:mod:`.progress`); :mod:`.plugin` hands them to
plan_rules through its hooks, and the ``plan_rules`` entry point in ``pyproject.toml`` names
that module. The plan is an illustration, not a real document.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
