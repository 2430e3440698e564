"""Reporting schedules: how often figures for a target are reported and when they fall due.

A schedule is a frequency (monthly, quarterly, half-yearly, yearly) and a lag: the figures of a
reporting period are due ``lag_days`` after it ends. The calendar work is done by
python-dateutil's ``rrule`` (the last day of every month, quarter, half-year or year), so the
due dates of any window, and the next one after a date, come from one recurrence rule. Progress
uses it twice: a target with no figures before its first due date is ``not_yet_due``, and a
target's history is read at the end of each reporting period.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from functools import lru_cache

import attrs
from dateutil.rrule import MONTHLY, rrule

__all__ = ["DEFAULT_SCHEDULE", "Frequency", "Schedule"]


class Frequency(enum.StrEnum):
    """How often figures are reported; each period ends on the last day of a month."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


#: The months whose last day ends a reporting period.
_MONTHS: dict[Frequency, tuple[int, ...]] = {
    Frequency.MONTHLY: tuple(range(1, 13)),
    Frequency.QUARTERLY: (3, 6, 9, 12),
    Frequency.HALF_YEARLY: (6, 12),
    Frequency.YEARLY: (12,),
}


def _days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{attribute.name} must be a whole number of days >= 0, got {value!r}")


@attrs.frozen(kw_only=True)
class Schedule:
    """A reporting schedule: periods of ``frequency``, due ``lag_days`` after they end.

    ``Schedule(frequency="quarterly", lag_days=15)`` says the figures of Q1 are due on
    15 April. The default is quarterly with no lag: a quarter's figures are due on its last day.
    """

    frequency: Frequency = attrs.field(default=Frequency.QUARTERLY, converter=Frequency)
    lag_days: int = attrs.field(default=0, validator=_days)

    def period_ends(self, start: date, end: date) -> list[date]:
        """The last days of the reporting periods that end from ``start`` to ``end``."""
        return list(_period_ends(self.frequency, start, end))

    def period_end(self, day: date) -> date:
        """The end of the reporting period that ``day`` falls in (``day`` itself when it ends
        one)."""
        return _period_end(self.frequency, day)

    def due_dates(self, start: date, end: date) -> list[date]:
        """When the figures of each period ending from ``start`` to ``end`` are due."""
        lag = timedelta(days=self.lag_days)
        return [e + lag for e in self.period_ends(start, end)]

    def next_due(self, after: date, start: date, end: date) -> date | None:
        """The first due date strictly after ``after`` among the periods ending from ``start``
        to ``end``; None when every one is already due."""
        return next((d for d in self.due_dates(start, end) if d > after), None)


def _rule(frequency: Frequency, start: date, until: date | None = None) -> rrule:
    return rrule(MONTHLY, bymonth=_MONTHS[frequency], bymonthday=-1,
                 dtstart=datetime(start.year, start.month, start.day),
                 until=None if until is None else datetime(until.year, until.month, until.day))


# The two calendar look-ups below are pure functions of their arguments, kept for the dates
# asked again: every target's history asks the end of the period of each of its figures'
# ends, and a plan instantiated per province asks the same few dates for each of its 34
# copies. On the national benchmark evaluated per province (1,530 targets), building a
# recurrence rule each time took 7.6 s of the run under a profiler; a few hundred distinct
# dates are asked.
@lru_cache(maxsize=4096)
def _period_ends(frequency: Frequency, start: date, end: date) -> tuple[date, ...]:
    if end < start:
        return ()
    return tuple(d.date() for d in _rule(frequency, start, end))


@lru_cache(maxsize=4096)
def _period_end(frequency: Frequency, day: date) -> date:
    found = _rule(frequency, day).after(datetime(day.year, day.month, day.day), inc=True)
    assert found is not None  # the rule has no end, so there is always a next one
    return found.date()


#: The schedule of a target that states none: quarterly, due on the quarter's last day.
DEFAULT_SCHEDULE = Schedule()
