"""Where every stage says what is wrong with a figure: one sink for the run's data issues.

A stage names the position of the figure and the words; the sink adds the figure's file, row,
indicator and unit, keeps the first issue of each code per figure, hands it to the report's
:class:`~plan_rules.report.IssueLedger` (which lists the first ones of a code in full and
counts the rest), and remembers which figures an issue blocks: a blocked figure is kept out
of every target, and a target with nothing but blocked figures is ``invalid``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .figures import FigureTable
from .model import DataIssue, Text

if TYPE_CHECKING:
    from .report import IssueLedger

__all__ = ["IssueSink"]


class IssueSink:
    """The data issues of one evaluation of ``table``, in the order the stages found them."""

    def __init__(self, table: FigureTable, ledger: IssueLedger) -> None:
        self.table = table
        self.ledger = ledger
        #: The positions named by issues, listed or not, by code: a million duplicates cost
        #: an int each here, not an issue object.
        self.named: dict[str, set[int | None]] = {}
        self.blocked: set[int] = set()
        #: The positions of the blocked figures of each (indicator, unit) pair, in the order
        #: blocked: where each lies (its period, its level) says which targets it blocks.
        self.blocked_by: dict[tuple[str, str], list[int]] = {}

    def issue(self, code: str, index: int | None, vi: str, en: str, *,
              field: str | None = None, text: str | None = None, expected: str | None = None,
              blocking: bool = True, severity: str = "error") -> None:
        """Say ``code`` of the figure at ``index`` (None: of no figure), once per figure."""
        seen = self.named.setdefault(code, set())
        if index in seen:
            return
        seen.add(index)
        t = self.table
        file, row = t.source_of(index) if index is not None else (None, None)
        indicator = t.indicators.values[t.indicator[index]] if index is not None else None
        entity = t.entities.values[t.entity[index]] if index is not None else None
        if self.ledger.wants(code, severity, file=file, row=row, observation=index):
            self.ledger.add(DataIssue(
                code=code, message=Text(vi=vi, en=en), file=file, row=row, field=field,
                text=text, expected=expected, severity=severity, observation=index,
                indicator=indicator, entity=entity,
            ))
        else:
            self.ledger.note(code, severity, file=file, row=row, observation=index)
        if blocking and index is not None:
            self.blocked.add(index)
            self.blocked_by.setdefault((str(indicator), str(entity)), []).append(index)

    def names(self, index: int) -> bool:
        """Whether an issue already names the figure at ``index``."""
        return any(index in seen for seen in self.named.values())

    def blocks_indicator(self, indicator: str) -> bool:
        """Whether an issue blocks some figure of ``indicator``."""
        return any(ind == indicator for ind, _ in self.blocked_by)
