"""Records from a JSON file, under the name they have always had:
:mod:`plan_rules.readers.json`."""

from __future__ import annotations

from .readers.json import json_records

__all__ = ["json_records"]
