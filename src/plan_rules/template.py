"""The fill-in sheet: the figures format with the indicator and entity columns already filled.

One row per indicator and entity that some target measures in the chosen period, with the
indicator's code and name, the entity's code and name, the target, what the numerator and
denominator count, the unit and how to fill the row; the person filling it types only the
figures (numerator and denominator, or a value), the report date and the source. The explanatory
columns are ones the readers know and ignore, so a filled sheet is evaluated as it is, in CSV
(semicolons for Vietnamese, as a Vietnamese-locale spreadsheet saves them) or ``.xlsx``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from .cells import spreadsheet_csv
from .errors import PlanRulesError
from .formats import label, requirement
from .model import Entity, Indicator, Kind, Target, Temporal, Text
from .periods import Period
from .registry import Registry

__all__ = ["COLUMNS", "TemplateRow", "template_csv", "template_rows", "template_xlsx"]

#: The template's columns: keys, then explanations, then what the person fills in.
COLUMNS = ("indicator", "entity", "level", "period", "indicator_name", "entity_name", "target",
           "numerator_counts", "denominator_counts", "unit", "how_to_fill", "numerator",
           "denominator", "value", "reported_on", "source", "note")
_INPUT = ("numerator", "denominator", "value", "reported_on", "source", "note")
_KEYS = ("indicator", "entity", "level", "period")

#: The header in Vietnamese; every name is a header alias the readers accept.
HEADER_VI = {
    "indicator": "Chỉ tiêu", "entity": "Đơn vị", "level": "Cấp", "period": "Kỳ báo cáo",
    "indicator_name": "Tên chỉ tiêu", "entity_name": "Tên đơn vị", "target": "Mục tiêu",
    "numerator_counts": "Tử số đếm", "denominator_counts": "Mẫu số đếm",
    "unit": "Đơn vị tính", "how_to_fill": "Cách điền", "numerator": "Tử số",
    "denominator": "Mẫu số", "value": "Giá trị", "reported_on": "Ngày báo cáo",
    "source": "Nguồn", "note": "Ghi chú",
}

_HOW = {
    Kind.RATE: Text(
        vi="Điền tử số và mẫu số (số nguyên); nếu chỉ biết tỷ lệ, điền cột giá trị, ví dụ "
           "87,5%.",
        en="Fill numerator and denominator (whole numbers); if only the rate is known, fill "
           "value, e.g. 87.5%."),
    Kind.COUNT: Text(vi="Điền cột giá trị: một số nguyên.",
                     en="Fill value: a whole number."),
    Kind.MILESTONE: Text(
        vi="Điền giá trị 'hoàn thành' hoặc 'chưa'; khi hoàn thành, ghi căn cứ (số, ngày văn "
           "bản hoặc đường dẫn) ở cột nguồn.",
        en="Fill value 'done' or 'not done'; when done, put the evidence (document number "
           "and date, or a link) in source."),
}
_TEMPORAL = {
    Temporal.FLOW: Text(vi="Số phát sinh trong kỳ.", en="Figures for this period only."),
    Temporal.STOCK: Text(vi="Số tại thời điểm cuối kỳ.", en="The position at the period's end."),
}


@attrs.frozen(kw_only=True)
class TemplateRow:
    """One row to fill: an indicator, an entity (or only its level), a period, the targets."""

    indicator: Indicator
    level: str
    period: Period
    entity: Entity | None = None
    targets: tuple[Target, ...] = ()

    def cells(self, lang: str) -> dict[str, str]:
        """The row's pre-filled cells in ``lang``; the input cells are empty."""
        ind = self.indicator
        counts = {"numerator_counts": ind.numerator, "denominator_counts": ind.denominator}
        out = {k: "" for k in COLUMNS}
        out.update(
            indicator=ind.code, entity=self.entity.code if self.entity else "",
            level=self.level, period=self.period.label, indicator_name=ind.name.get(lang),
            entity_name=(self.entity.name or "") if self.entity else "",
            target="; ".join(_target_text(t, ind.kind, lang) for t in self.targets),
            unit=ind.unit.get(lang),
            how_to_fill=f"{_HOW[ind.kind].get(lang)} {_TEMPORAL[ind.temporal].get(lang)}",
        )
        for key, text in counts.items():
            if text is not None:
                out[key] = text.get(lang)
        if ind.excludes is not None:
            out["denominator_counts"] += (" (không tính: " if lang == "vi" else
                                          " (excluding: ") + ind.excludes.get(lang) + ")"
        return out


def _target_text(target: Target, kind: Kind, lang: str) -> str:
    text = requirement(target.comparator, target.threshold, kind, lang)
    return text if kind is Kind.MILESTONE else f"{text} ({label(target.aggregation.value, lang)})"


def template_rows(registry: Registry, *, period: Period, level: str | None = None,
                  group: str | None = None, entities: Iterable[Entity] = (),
                  areas: Sequence[str] = (), indicators: Sequence[str] = (),
                  ) -> list[TemplateRow]:
    """The rows of a fill-in sheet for ``period``.

    With ``entities``, one row per entity (of ``level``/``group`` when given) and per
    indicator that a target measures for it; without, one row per indicator that a target
    measures at ``level`` (the entity column is left for the person to fill).

    :raises PlanRulesError: neither a level nor entities was given.
    """
    chosen = [t for t in registry.targets.values()
              if t.measurement.overlaps(period) and t.valid_during(period)
              and (not areas or registry.indicators[t.indicator].area in areas)
              and (not indicators or t.indicator in indicators)]
    units = [e for e in entities
             if (level is None or e.level == level) and (group is None or group in e.groups)
             and e.valid_during(period)]
    rows: list[TemplateRow] = []
    if units:
        for e in units:
            by_indicator: dict[str, list[Target]] = {}
            for t in chosen:
                if e.in_scope(t.scope):
                    by_indicator.setdefault(t.indicator, []).append(t)
            rows.extend(TemplateRow(indicator=registry.indicators[code], level=e.level,
                                    period=period, entity=e, targets=tuple(ts))
                        for code, ts in sorted(by_indicator.items()))
        return rows
    if level is None and group is None:
        raise PlanRulesError(
            "say whom the sheet is for: --level LEVEL, --group GROUP, or --entities FILE "
            "(with --entity CODE for single units) — hãy cho biết mẫu dành cho ai: --level, "
            "--group hoặc --entities")
    by_code: dict[str, list[Target]] = {}
    for t in chosen:
        if (level is None or t.scope.level == level) and (group is None or t.scope.group ==
                                                           group):
            by_code.setdefault(t.indicator, []).append(t)
    return [TemplateRow(indicator=registry.indicators[code], level=level or "", period=period,
                        targets=tuple(ts)) for code, ts in sorted(by_code.items())]


def _header(lang: str) -> list[str]:
    return [HEADER_VI[c] if lang == "vi" else c for c in COLUMNS]


def _values(row: TemplateRow, lang: str) -> list[str]:
    cells = row.cells(lang)
    return [cells[c] for c in COLUMNS]


def template_csv(rows: Sequence[TemplateRow], lang: str = "en") -> str:
    """The sheet as CSV text with a byte-order mark: semicolons in Vietnamese (what a
    Vietnamese-locale spreadsheet opens directly), commas in English.

    Every field is quoted, so that a spreadsheet splitting on another separator than the
    file's still sees each cell whole, and every cell a spreadsheet would run as a formula
    (an entity code from the entities file too) is neutralised; the readers undo exactly
    that (:mod:`plan_rules.cells`), so a filled sheet reads back the codes it was made from.
    """
    return spreadsheet_csv(_header(lang), (_values(r, lang) for r in rows),
                           delimiter=";" if lang == "vi" else ",")


_WIDTHS = {"indicator": 16, "entity": 24, "level": 12, "period": 12, "indicator_name": 40,
           "entity_name": 28, "target": 22, "numerator_counts": 34, "denominator_counts": 34,
           "unit": 14, "how_to_fill": 44, "numerator": 12, "denominator": 12, "value": 12,
           "reported_on": 14, "source": 30, "note": 24}


def template_xlsx(rows: Sequence[TemplateRow], lang: str = "en") -> bytes:
    """The sheet as an ``.xlsx`` workbook: the figures on the first sheet (key columns as
    text, explanatory columns shaded), the meaning of each column on the second. Every text
    is a typed string cell, never a formula (see :func:`plan_rules.xlsx.workbook_bytes`)."""
    from .readers.xlsx import Sheet, workbook_bytes

    guide = [[HEADER_VI[c] if lang == "vi" else c, _GUIDE[c].get(lang)] for c in COLUMNS]
    return workbook_bytes([
        Sheet("Số liệu" if lang == "vi" else "Figures", _header(lang),
              [_values(r, lang) for r in rows],
              text_columns=[COLUMNS.index(c) for c in (*_KEYS, "source", "note")],
              input_columns=[COLUMNS.index(c) for c in _INPUT],
              widths=[_WIDTHS[c] for c in COLUMNS]),
        Sheet("Hướng dẫn" if lang == "vi" else "Guide",
              ["Cột" if lang == "vi" else "column",
               "Ý nghĩa" if lang == "vi" else "meaning"], guide, widths=[22, 100]),
    ])


_GUIDE = {k: Text(vi=vi, en=en) for k, (vi, en) in {
    "indicator": ("Mã chỉ tiêu (không sửa).", "Indicator code (do not change)."),
    "entity": ("Mã đơn vị báo cáo (không sửa).", "Reporting unit's code (do not change)."),
    "level": ("Cấp của đơn vị.", "The unit's level."),
    "period": ("Kỳ báo cáo: 2025, Q3/2025, Quý III/2025, T6/2025, 6 tháng đầu năm 2025…",
               "Reporting period: 2025, Q3/2025, T6/2025, 2025-06, …"),
    "indicator_name": ("Tên chỉ tiêu (để tham khảo).", "Indicator name (for reference)."),
    "entity_name": ("Tên đơn vị (để tham khảo).", "Unit name (for reference)."),
    "target": ("Mục tiêu kế hoạch (để tham khảo).", "The plan's target (for reference)."),
    "numerator_counts": ("Tử số đếm gì.", "What the numerator counts."),
    "denominator_counts": ("Mẫu số đếm gì.", "What the denominator counts."),
    "unit": ("Đơn vị tính.", "Unit of measure."),
    "how_to_fill": ("Cách điền dòng này.", "How to fill the row."),
    "numerator": ("Tử số: số nguyên, ví dụ 1.234.", "Numerator: a whole number, e.g. 1,234."),
    "denominator": ("Mẫu số: số nguyên.", "Denominator: a whole number."),
    "value": ("Giá trị: tỷ lệ (87,5%), số lượng, hoặc 'hoàn thành'/'chưa'.",
              "Value: a rate (87.5%), a count, or 'done'/'not done'."),
    "reported_on": ("Ngày báo cáo, ví dụ 31/12/2025.", "Date reported, e.g. 31/12/2025."),
    "source": ("Nguồn số liệu hoặc căn cứ (bắt buộc khi mốc công việc hoàn thành).",
               "Source or evidence (required for a milestone reported done)."),
    "note": ("Ghi chú.", "Notes."),
}.items()}


def default_period(today: date) -> Period:
    """The quarter that contains ``today``."""
    return Period.quarter(today.year, (today.month - 1) // 3 + 1)
