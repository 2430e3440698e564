"""Every figure is used or named: the figures fit for evaluation, and an issue for each other.

A figure is refused when its indicator is unknown, when it is not what its indicator's kind
takes (a numerator above its denominator, a rate above 100%, a count that is not whole, a
milestone done without evidence), or when its unit cannot be told. Of two figures for the same
indicator, unit and period the later report is used and the other named a duplicate.

The usual figure of a national file, a rate given as counts in order for a known unit, is
recognised from its columns alone; only the others are looked at closely.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from datetime import date
from fractions import Fraction

import attrs

from .dataissues import IssueSink
from .figures import NONE, FigureTable
from .model import Entity, Indicator, Kind
from .numbers import agrees_at_precision, format_percent
from .resolve import Units
from .words import value_beside_counts

__all__ = ["Valid", "validate"]


@attrs.frozen
class Valid:
    """The figures fit for evaluation: their positions by indicator (in input order), and the
    unit of each (None for a figure not used)."""

    usable: Mapping[str, list[int]]
    unit_of: list[Entity | None]
    #: Every figure's position by indicator code, usable or not, in input order.
    given: Mapping[str, array[int]]


def validate(table: FigureTable, indicators: Mapping[str, Indicator], units: Units,
             sink: IssueSink) -> Valid:
    """Sort the figures of ``table`` into those fit for evaluation and those ``sink`` names."""
    by_code = [indicators.get(code) for code in table.indicators.values]
    names, levels = table.entities.values, table.levels.values
    # The start and end of each distinct period: a duplicate is the same dates, whatever the
    # label they were written with.
    spans: dict[tuple[date, date], int] = {}
    span_of = [spans.setdefault((p.start, p.end), len(spans)) for p in table.periods.values]
    n_ent, n_span = len(table.entities), max(len(spans), 1)
    unit_of: list[Entity | None] = [None] * len(table)
    # The unit of each (unit, level) pair once a row of it was taken: every later row of the
    # pair is taken the same way.
    taken: dict[tuple[int, int], Entity] = {}
    latest: dict[int, int] = {}
    rows = zip(table.indicator, table.entity, table.level, table.period, table.numerator,
               table.denominator, table.value, strict=True)
    given = [array("q") for _ in table.indicators.values]
    for i, (ind_c, ent_c, lev_c, per_c, num, den, value) in enumerate(rows):
        given[ind_c].append(i)
        ind = by_code[ind_c]
        if ind is None:
            code = table.indicators.values[ind_c]
            sink.issue("unknown_indicator", i,
                       f"chỉ tiêu '{code}' không có trong các plugin đã nạp",
                       f"indicator '{code}' is not contributed by any loaded plugin",
                       field="indicator", text=code,
                       expected="an indicator code from `plan-rules indicators`")
            continue
        # The usual row, a rate given as counts in order, has nothing to report.
        if not (ind.kind is Kind.RATE and value is None and num != NONE and den != NONE
                and num <= den) and not _valid_for_kind(table, i, ind, sink):
            continue
        entity = taken.get((ent_c, lev_c))
        if entity is None:
            found = units.resolve(names[ent_c], levels[lev_c])
            if not isinstance(found, Entity):
                sink.issue(found.code, i, found.vi, found.en, field=found.field,
                           text=found.text, expected=found.expected)
                continue
            entity = taken[(ent_c, lev_c)] = found
        unit_of[i] = entity
        key = (ind_c * n_ent + ent_c) * n_span + span_of[per_c]
        other = latest.get(key)
        if other is None:
            latest[key] = i
            continue
        # Keep the later report (by date, then by position); the other is a duplicate.
        keep, drop = (i, other) if _later(table, i, other) else (other, i)
        latest[key] = keep
        o_ind, o_ent, period = table.indicators.values[ind_c], names[ent_c], table.period_of(i)
        sink.issue("duplicate", drop,
                   f"trùng số liệu {o_ind}/{o_ent}/{period}; dùng dòng báo cáo sau "
                   f"({table.where(keep)})",
                   f"duplicate figure for {o_ind}/{o_ent}/{period}; the later report "
                   f"({table.where(keep)}) is used",
                   field="period", text=str(period),
                   expected="one figure per indicator, entity and period")
    usable: dict[str, list[int]] = {}
    codes = table.indicators.values
    for i in sorted(latest.values()):
        if i not in sink.blocked:
            usable.setdefault(codes[table.indicator[i]], []).append(i)
    return Valid(usable=usable, unit_of=unit_of,
                 given=dict(zip(table.indicators.values, given, strict=True)))


def _later(table: FigureTable, a: int, b: int) -> bool:
    ra, rb = table.reported_on[a], table.reported_on[b]
    if ra and rb and ra != rb:
        return ra > rb
    return a > b


def _valid_for_kind(table: FigureTable, i: int, ind: Indicator, sink: IssueSink) -> bool:
    num, den, value = table.numerator[i], table.denominator[i], table.value[i]
    if ind.kind is Kind.RATE:
        if num != NONE and den != NONE:
            if num > den:
                sink.issue("numerator_exceeds_denominator", i,
                           f"tử số {num} lớn hơn mẫu số {den}",
                           f"numerator {num} is greater than denominator {den}",
                           field="numerator", text=str(num),
                           expected=f"a whole number from 0 to {den}")
                return False
            if value is not None and den and not agrees_at_precision(
                    value, table.precision[i], Fraction(num, den)):
                both = value_beside_counts(value, table.precision[i], num, den)
                sink.issue("value_disagrees_with_counts", i,
                           f"giá trị {both.vi} không khớp với tử số/mẫu số; dùng tử số/mẫu số",
                           f"the value {both.en} disagrees with numerator/denominator; the "
                           "counts are used",
                           field="value", blocking=False, severity="warning")
        elif value is not None and value > 1:
            sink.issue("rate_above_one", i,
                       f"tỷ lệ {format_percent(value, lang='vi')} vượt 100%",
                       f"rate {format_percent(value)} is above 100%", field="value",
                       expected="a percentage from 0% to 100%")
            return False
        return True
    if num != NONE:
        sink.issue("unexpected_counts", i,
                   f"chỉ tiêu {ind.code} là {ind.kind.value}: chỉ nhập cột giá trị",
                   f"indicator {ind.code} is a {ind.kind.value}: give a value, not "
                   "numerator/denominator", field="numerator", expected="blank")
        return False
    assert value is not None
    if ind.kind is Kind.COUNT and value.denominator != 1:
        sink.issue("count_not_whole", i, f"số lượng phải là số nguyên, nhận {value}",
                   f"a count must be a whole number, got {value}", field="value",
                   text=str(value), expected="a whole number")
        return False
    if ind.kind is Kind.MILESTONE:
        if value not in (0, 1):
            sink.issue("milestone_value", i,
                       "mốc công việc nhận 'hoàn thành' (1) hoặc 'chưa' (0)",
                       "a milestone is 'done' (1) or 'not done' (0)", field="value",
                       text=str(value), expected="done / not done")
            return False
        source = table.source[i]
        if value == 1 and not (source and source.strip()):
            sink.issue("milestone_without_evidence", i,
                       "mốc công việc báo 'hoàn thành' nhưng không có căn cứ (số văn bản, "
                       "ngày hoặc đường dẫn) ở cột nguồn",
                       "a milestone reported done has no evidence (document number, date or "
                       "link) in the source column", field="source",
                       expected="evidence: a document number, a date or a link")
            return False
    return True
