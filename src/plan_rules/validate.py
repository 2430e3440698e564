"""Every figure is used or named: the figures fit for evaluation, and an issue for each other.

A figure is refused when its indicator is unknown, when it is not what its indicator's kind
takes (a numerator above its denominator, a rate above 100%, a count that is not whole, a
milestone done without evidence), or when its unit cannot be told. Of figures given more than
once for the same indicator, unit and period the latest report is used (when every one gives
its report date) and the others are named duplicates; the same figure given twice is one
figure; different figures that no report date orders are each named
``conflicting_duplicates`` and none is used: the order of the rows never decides.

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
from .numbers import format_percent
from .resolve import Units
from .words import show_value

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
    # The figures of each (indicator, unit, period) given more than once, in input order.
    duplicates: dict[int, list[int]] = {}
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
        else:
            duplicates.setdefault(key, [other]).append(i)
    for key, group in duplicates.items():
        ind = by_code[table.indicator[group[0]]]
        assert ind is not None  # a figure of an unknown indicator is never a duplicate
        latest[key] = _duplicates(table, group, ind.kind, sink)
    usable: dict[str, list[int]] = {}
    codes = table.indicators.values
    for i in sorted(latest.values()):
        if i not in sink.blocked:
            usable.setdefault(codes[table.indicator[i]], []).append(i)
    return Valid(usable=usable, unit_of=unit_of,
                 given=dict(zip(table.indicators.values, given, strict=True)))


def _duplicates(table: FigureTable, group: list[int], kind: Kind, sink: IssueSink) -> int:
    """Which of ``group``, figures of one indicator, unit and period, is the one: the latest
    report when every row gives its date; of the rest (all, when a date is missing) one
    figure when they agree, and none when they do not (each named with the others: which
    came first in the file must not decide). Returns the position kept (blocked, when none
    is used)."""
    dates = [d for d in (table.reported_on[i] for i in group) if d is not None]
    last = max(dates) if len(dates) == len(group) else None
    latest = [i for i in group if last is None or table.reported_on[i] == last]
    # Among the same figures, which row is kept is decided by what the rows say (the latest
    # report date first), and by position only between rows that say the same.
    keep = max(latest, key=lambda i: _said(table, i))
    o_ind = table.indicators.values[table.indicator[keep]]
    o_ent = table.entities.values[table.entity[keep]]
    period = table.period_of(keep)
    conflict = len({_figure(table, i) for i in latest}) > 1
    latest_set = set(latest)  # a million copies of one row are one group
    if conflict:
        # Each figure once, in order of figure, with its rows by file and row: whichever
        # came first in the input, the words are the same.
        rows: dict[tuple[int, int, Fraction], list[int]] = {}
        for i in sorted(latest, key=lambda i: _where_key(table, i)):
            num, den, value = _figure(table, i)
            rows.setdefault((num, den, Fraction(-1) if value is None else value), []).append(i)
        given = {lang: ", ".join(
            f"{_shown(table, idxs[0], kind, lang)} ({', '.join(map(table.where, idxs))})"
            for _, idxs in sorted(rows.items())) for lang in ("vi", "en")}
        for i in latest:
            sink.issue("conflicting_duplicates", i,
                       f"số liệu {o_ind}/{o_ent}/{period} được báo cáo khác nhau: "
                       f"{given['vi']}; không có ngày báo cáo sau hơn nên không dùng dòng nào",
                       f"figures for {o_ind}/{o_ent}/{period} disagree: {given['en']}; "
                       "no later report date tells which stands, so none is used",
                       field="period", text=str(period),
                       expected="one figure per indicator, entity and period, or report "
                                "dates that tell which is later")
    for i in group:
        if i == keep or (conflict and i in latest_set):
            continue
        later = i not in latest_set
        sink.issue("duplicate", i,
                   f"trùng số liệu {o_ind}/{o_ent}/{period}; dùng "
                   f"{'dòng báo cáo sau' if later else 'dòng cùng số liệu'} "
                   f"({table.where(keep)})",
                   f"duplicate figure for {o_ind}/{o_ent}/{period}; "
                   f"{'the later report' if later else 'the same figure'} "
                   f"({table.where(keep)}) is used",
                   field="period", text=str(period),
                   expected="one figure per indicator, entity and period")
    return keep


def _said(table: FigureTable, i: int) -> tuple[date, str, str, str, str, str, int]:
    level = table.levels.values[table.level[i]]
    return (table.reported_on[i] or date.min, table.files.values[table.file[i]] or "",
            table.period_of(i).label, level or "", table.source[i] or "", table.note[i] or "",
            i)


def _where_key(table: FigureTable, i: int) -> tuple[str, int, int]:
    file, row = table.source_of(i)
    return file or "", -1 if row is None else row, i


def _figure(table: FigureTable, i: int) -> tuple[int, int, Fraction | None]:
    return table.numerator[i], table.denominator[i], table.value[i]


def _shown(table: FigureTable, i: int, kind: Kind, lang: str) -> str:
    num, den = table.numerator[i], table.denominator[i]
    return f"{num}/{den}" if num != NONE else show_value(table.value[i], kind, lang)


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
            if value is not None and den and Fraction(num, den) != value:
                sink.issue("value_disagrees_with_counts", i,
                           "giá trị không khớp với tử số/mẫu số; dùng tử số/mẫu số",
                           "the value disagrees with numerator/denominator; the counts are "
                           "used", field="value", blocking=False, severity="warning")
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
