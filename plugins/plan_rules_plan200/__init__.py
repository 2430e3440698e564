"""Plan 200/KH-UBND of Hưng Yên province (digital transformation in 2025) as plan_rules plugins.

The plan itself is contributed by :mod:`plan_rules_plan200.plan`; each of its five areas —
infrastructure, internal IT, public services, digital economy and society, security and
training — is a separate plugin module, registered under its own entry point in the
``plan_rules`` group, so that a host can block or allow one area without the others. Every
indicator quotes the clause of the published text it comes from, and says in its description
how the plan's wording was read where the wording leaves a choice.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
