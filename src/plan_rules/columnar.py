"""The pyarrow reader, under the name it has always had: :mod:`plan_rules.readers.columnar`.

``plan_rules.columnar.read_observations(path)`` and ``plan_rules.columnar.available()`` are
that module's; importing this one does not import pyarrow.
"""

from __future__ import annotations

from .readers.columnar import INSTALL_HINT, available, read_observations

__all__ = ["INSTALL_HINT", "available", "read_observations"]
