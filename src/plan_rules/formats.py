"""The built-in report writers for people and spreadsheets: a terminal table, Markdown and CSV,
and what they (and the HTML report) share: a report seen as rows of display text.

Numbers are shown here, never decided: the exact values stay in the report and in its JSON
form. A writer knows an indicator's kind and unit from the catalogue it is given (the command
line passes the registry's; a library caller passes ``catalogue=``); without one, the kind is
inferred from the finding itself. CSV cells that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a NUL, and not a plain number) are
neutralised with a leading apostrophe (:mod:`plan_rules.cells`), every field is quoted, and the
file starts with a byte-order mark so that Excel reads it as UTF-8. Text and Markdown show
control characters, bidirectional overrides and lone surrogates from the data as visible
escapes (:func:`plan_rules.cells.printable`), so a report cannot drive the terminal.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from fractions import Fraction

import attrs

from .cells import neutralise, printable, spreadsheet_csv
from .derive import Composite
from .model import (
    Aggregation,
    Comparator,
    DataIssue,
    Entity,
    Finding,
    Indicator,
    Kind,
    Plan,
    Target,
    Text,
    Verdict,
)
from .numbers import format_number
from .progress_view import progress_line
from .report import Report
from .terminal import colour, pad, paint, width
from .words import (
    COVERAGE_WORDS,
    GAP_WORDS,
    SEVERITY_WORDS,
    STATUS_WORDS,
    gap_direction,
    show_value,
    singular,
    unit_word,
    verdict_words,
)

__all__ = [
    "LABELS",
    "Catalogue",
    "TargetRow",
    "catalogue",
    "neutralise",
    "render_csv",
    "render_markdown",
    "render_text",
    "requirement",
    "show_value",
    "target_rows",
]



@attrs.frozen(kw_only=True)
class Catalogue:
    """What writers describe findings with: the indicators (kind, unit, name), the
    entities (names) and the composites (the names of an index's groups and components) of
    the run. The JSON report does not need it; people do."""

    indicators: Mapping[str, Indicator] = attrs.field(factory=dict)
    entities: Mapping[str, Entity] = attrs.field(factory=dict)
    targets: Mapping[str, Target] = attrs.field(factory=dict)
    plans: Mapping[str, Plan] = attrs.field(factory=dict)
    composites: Mapping[str, Composite] = attrs.field(factory=dict)

    def entity_name(self, code: str) -> str:
        """The entity's name, or its code when the name is not known."""
        e = self.entities.get(code)
        return e.name if e is not None and e.name else code


#: The catalogue of the current run (set by the command line; empty by default).
catalogue: ContextVar[Catalogue | None] = ContextVar("plan_rules_catalogue", default=None)


def current(given: Catalogue | None) -> Catalogue:
    """``given``, else the run's catalogue, else an empty one."""
    return given if given is not None else (catalogue.get() or Catalogue())

_SYMBOLS = {Comparator.GE: "≥", Comparator.GT: ">", Comparator.LE: "≤", Comparator.LT: "<",
            Comparator.EQ: "="}

def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


#: Static words of the reports, in both languages.
LABELS: Mapping[str, Text] = {k: Text(vi=vi, en=en) for k, (vi, en) in {
    "title": ("Báo cáo đánh giá thực hiện chỉ tiêu", "Target evaluation report"),
    "validation": ("Kiểm tra số liệu", "Data validation"),
    "as_of": ("Ngày đánh giá", "As of"),
    "figures": ("số liệu", "figures"),
    "summary": ("Tổng hợp theo lĩnh vực", "Summary by area"),
    "area": ("Lĩnh vực", "Area"),
    "targets": ("Chỉ tiêu", "Targets"),
    "target": ("Chỉ tiêu", "Target"),
    "indicator": ("Chỉ số", "Indicator"),
    "observed": ("Đạt được", "Observed"),
    "threshold": ("Yêu cầu", "Required"),
    "verdict": ("Kết luận", "Verdict"),
    "gap": ("Còn thiếu", "Gap"),
    "entities": ("Đơn vị", "Entities"),
    "entity": ("Đơn vị", "Entity"),
    "level": ("Cấp", "Level"),
    "periods": ("Kỳ", "Periods"),
    "rows": ("Dòng số liệu", "Source rows"),
    "checks": ("Kiểm tra tính nhất quán", "Consistency checks"),
    "check": ("Kiểm tra", "Check"),
    "issues": ("Vấn đề về số liệu", "Data issues"),
    "no_issues": ("Không có vấn đề nào về số liệu.", "No data issues."),
    "file": ("Tệp", "File"),
    "row": ("Dòng", "Row"),
    "field": ("Cột", "Field"),
    "code": ("Mã", "Code"),
    "found": ("Nội dung", "Found"),
    "expected": ("Cần", "Expected"),
    "message": ("Diễn giải", "Message"),
    "severity": ("Mức", "Severity"),
    "problems": ("Plugin không nạp được", "Plugin problems"),
    "plugins": ("Plugin đã dùng", "Plugins used"),
    "version": ("Phiên bản", "Version"),
    "total": ("Tổng", "Total"),
    "meet": ("đạt", "meet"),
    "units_reported": ("đã báo cáo", "reported"),
    "missing": ("thiếu số liệu", "missing"),
    "points": ("điểm %", "points"),
    "window": ("Kỳ đánh giá", "Window"),
    "scope": ("Phạm vi", "Scope"),
    "aggregation": ("Cách tính", "Aggregation"),
    "progress": ("Tiến độ", "Progress"),
    "generated": ("Tạo bởi", "Generated by"),
    "none": ("không có", "none"),
    "headline": ("chỉ tiêu đạt", "targets met"),
    "each": ("từng đơn vị phải đạt", "each entity must meet it"),
    "pooled": ("gộp: tổng tử số / tổng mẫu số", "pooled: ratio of sums"),
    "mean": ("trung bình các đơn vị", "mean of entities"),
    "reported": ("số liệu báo cáo của phạm vi", "as reported for the scope"),
    # The breakdown of a score or rank target's units (the HTML report).
    "breakdown": ("Điểm theo thành phần", "Score breakdown"),
    "score": ("Điểm", "Score"),
    "rank": ("Hạng", "Rank"),
    "group": ("Nhóm", "Group"),
    "component": ("Thành phần", "Component"),
    "components": ("Các thành phần", "Components"),
    "score_points": ("điểm", "points"),
    "missing_points": ("Điểm còn thiếu", "Missing points"),
    "no_figure": ("chưa có số liệu", "no figure"),
    "reweighted": ("Tính lại tỷ trọng: {points} điểm của các thành phần có số liệu, quy đổi "
                   "thành {score}", "Re-weighted: {points} points of the components with a "
                   "figure, scaled to {score}"),
    "not_ranked": ("không xếp hạng", "not ranked"),
    "lowest_first": ("Đơn vị điểm thấp nhất trước.", "Lowest scores first."),
    "scope_first": ("Đơn vị của chỉ tiêu trước, sau đó các đơn vị so sánh theo hạng.",
                    "The target's units first, then its peers by rank."),
    "more_units": ("và {n} đơn vị khác không hiển thị (tối đa {limit} đơn vị mỗi chỉ tiêu; "
                   "đầy đủ trong báo cáo JSON)",
                   "and {n} more units not shown (at most {limit} per target; all are in the "
                   "JSON report)"),
}.items()} | {
    # A data issue's severity by its code.
    severity: word.text for severity, word in SEVERITY_WORDS.items()
} | {
    # A progress status by its code.
    status.value: word.text for status, word in STATUS_WORDS.items()
} | {
    # An `each` target's figure is its worst unit's: the label says so where "Observed"
    # would stand.
    "worst_unit": Text(vi=_capital(COVERAGE_WORDS["worst_unit"].text.vi),
                       en=_capital(COVERAGE_WORDS["worst_unit"].text.en)),
}

_VERDICT_STYLE = {
    Verdict.MET: "green", Verdict.NOT_MET: "red", Verdict.INCOMPLETE: "cyan",
    Verdict.NO_DATA: "yellow",
    Verdict.NOT_APPLICABLE: "grey", Verdict.INVALID: "magenta", Verdict.ERROR: "magenta",
}
#: The order verdicts are counted and shown in.
VERDICT_ORDER = (Verdict.MET, Verdict.NOT_MET, Verdict.INCOMPLETE, Verdict.NO_DATA,
                 Verdict.INVALID, Verdict.ERROR, Verdict.NOT_APPLICABLE)


def label(key: str, lang: str) -> str:
    """A static word of the reports in ``lang``."""
    return LABELS[key].get(lang)


# -- the shared view -----------------------------------------------------------------------


def kind_of(finding: Finding, indicators: Mapping[str, Indicator]) -> Kind:
    """The kind of the finding's indicator, from the catalogue or, failing that, inferred."""
    if finding.indicator in indicators:
        return indicators[finding.indicator or ""].kind
    s = finding.statistics
    threshold = finding.threshold
    if (s is not None and s.denominator is not None) or any(
            e.denominator is not None for e in finding.entities):
        return Kind.RATE
    if threshold is not None and (threshold.denominator != 1 or threshold < 1):
        return Kind.RATE
    if finding.observed is not None and finding.observed.denominator != 1:
        return Kind.RATE
    return Kind.COUNT


@attrs.frozen(kw_only=True)
class TargetRow:
    """A target finding as display text, for every writer's table."""

    finding: Finding
    kind: Kind
    name: str
    verdict: str
    observed: str
    threshold: str
    gap: str
    entities: str
    unit: str
    #: The unit for one of them (English singular; Vietnamese the same word).
    unit_one: str = ""
    #: The label of ``observed``: ``observed``, or ``worst_unit`` for an ``each`` target.
    observed_label: str = "observed"

    @property
    def style(self) -> str:
        """The colour of the verdict."""
        return _VERDICT_STYLE[self.finding.verdict]


def _unit(finding: Finding, indicators: Mapping[str, Indicator], lang: str,
          n: int = 2) -> str:
    """The finding's indicator's unit for ``n`` of them (several by default)."""
    ind = indicators.get(finding.indicator or "")
    return unit_word(ind.unit, n, lang, one=ind.unit_one) if ind else ""


def _name(finding: Finding, cat: Catalogue, lang: str) -> str:
    """``<indicator name> — <target name>`` (the target's scope when it has no name)."""
    ind = cat.indicators.get(finding.indicator or "")
    target = cat.targets.get(finding.code)
    if ind is None or target is None:
        # The engine's message starts with "<indicator name> — <target name>: …".
        return finding.message.get(lang).split(":", 1)[0]
    return f"{ind.name.get(lang)} — " + (target.name.get(lang) if target.name
                                          else target.scope.describe())


def requirement(comparator: Comparator | None, threshold: Fraction | None, kind: Kind,
                lang: str) -> str:
    """What a target requires, for people: ``≥ 90%``, ``≥ 130``, ``done``."""
    if threshold is None or comparator is None:
        return "—"
    if kind is Kind.MILESTONE:
        return show_value(1, kind, lang)
    return f"{_SYMBOLS[comparator]} {show_value(threshold, kind, lang)}"


def observed_cell(row: TargetRow, lang: str) -> str:
    """The figure in a table's ``Observed`` column: an ``each`` target's is its worst
    unit's, and says so (``0% (worst unit)``)."""
    if row.observed_label == "observed":
        return row.observed
    return f"{row.observed} ({COVERAGE_WORDS['worst_unit'].text.get(lang)})"


def gap_text(finding: Finding, kind: Kind, unit: str, lang: str, *,
             unit_one: str | None = None) -> str:
    """How far from the threshold: ``12 more dossiers``, ``1 more dossier``, ``2.5 points``,
    or nothing when met. ``unit`` is the word for several, ``unit_one`` for one (by default
    :func:`~plan_rules.words.singular` of ``unit`` in English).

    Never starts with a sign, so that a spreadsheet does not take it for a formula."""
    if finding.verdict is not Verdict.NOT_MET:
        return ""
    direction = GAP_WORDS[gap_direction(finding.comparator)].text
    amount: int | Fraction | None = finding.gap_units or None
    if amount is None and finding.gap and kind is Kind.COUNT:
        amount = abs(finding.gap)
    if amount is not None:
        n = format_number(amount, lang=lang)
        if amount == 1 and lang != "vi":
            unit = unit_one if unit_one is not None else singular(unit)
        if lang == "vi":
            return f"{direction.vi} {n} {unit}".rstrip()
        return f"{n} {direction.en} {unit}".rstrip()
    if not finding.gap or kind is not Kind.RATE:
        return ""
    return f"{format_number(abs(finding.gap) * 100, lang=lang, digits=1)} {label('points', lang)}"


def entities_text(finding: Finding, lang: str) -> str:
    """``3/5 meet`` for an ``each`` target, with the units that sent nothing (``39/40 meet,
    1 sent nothing``); ``2/20 reported`` for another target over several units or with
    units missing; empty otherwise."""
    s, c = finding.statistics, finding.coverage
    missing = ""
    if c is not None and c.missing:
        missing = f", {format_number(len(c.missing), lang=lang)} " + (
            COVERAGE_WORDS["sent_nothing"].text.get(lang) if len(c.silent) == len(c.missing)
            else label("missing", lang))
    if finding.aggregation is not Aggregation.EACH:
        if c is None or (c.expected <= 1 and not c.missing):
            return ""
        return (f"{format_number(c.reported, lang=lang)}/{format_number(c.expected, lang=lang)}"
                f" {label('units_reported', lang)}{missing}")
    if s is None or not s.n_entities - s.not_applicable:
        return ""
    # Units outside their validity (districts after 1 July 2025) are not counted.
    return f"{s.met}/{s.n_entities - s.not_applicable} {label('meet', lang)}{missing}"


def target_rows(report: Report, lang: str, cat: Catalogue | None = None) -> list[TargetRow]:
    """The report's target findings as display rows, in the report's order."""
    cat = current(cat)
    indicators = cat.indicators
    rows = []
    for f in report.target_findings():
        kind = kind_of(f, indicators)
        unit, one = _unit(f, indicators, lang), _unit(f, indicators, lang, 1)
        rows.append(TargetRow(
            finding=f, kind=kind, name=_name(f, cat, lang),
            verdict=verdict_words(f.verdict).get(lang),
            observed=show_value(f.observed, kind, lang),
            threshold=requirement(f.comparator, f.threshold, kind, lang),
            gap=gap_text(f, kind, unit, lang, unit_one=one), entities=entities_text(f, lang),
            unit=unit, unit_one=one,
            observed_label="worst_unit" if f.aggregation is Aggregation.EACH
            and f.observed is not None else "observed",
        ))
    return rows


#: An area of a plan: (plan code, area code). Two plans may both have an area ``PS``.
AreaKey = tuple[str, str]


def by_area(rows: Sequence[TargetRow]) -> dict[AreaKey, list[TargetRow]]:
    """Rows grouped by plan and area, in the order first seen."""
    out: dict[AreaKey, list[TargetRow]] = {}
    for r in rows:
        out.setdefault((r.finding.plan or "", r.finding.area or "-"), []).append(r)
    return out


def area_titles(report: Report, keys: Iterable[AreaKey], lang: str,
                cat: Catalogue | None = None) -> dict[AreaKey, str]:
    """``PS — Information and public services…`` per area; prefixed by the plan's code when
    the report covers several plans."""
    keys = list(keys)
    plans = current(cat).plans
    several = len({plan for plan, _ in keys}) > 1
    out = {}
    for plan, area in keys:
        found = plans[plan].area(area) if plan in plans else None
        name = found.name if found is not None else (
            report.areas.get(plan, {}).get(area) or report.areas.get("", {}).get(area))
        prefix = f"{plan} · " if several and plan else ""
        out[plan, area] = f"{prefix}{area} — {name.get(lang)}" if name else f"{prefix}{area}"
    return out


def verdict_counts(groups: Mapping[AreaKey, Sequence[TargetRow]],
                   ) -> dict[AreaKey, dict[Verdict, int]]:
    """Per area, how many targets have each verdict."""
    out: dict[AreaKey, dict[Verdict, int]] = {}
    for key, rows in groups.items():
        out[key] = {v: 0 for v in VERDICT_ORDER}
        for r in rows:
            out[key][r.finding.verdict] += 1
    return out


def title(report: Report, lang: str) -> str:
    """The report's title: an evaluation, or a data validation when it has no findings."""
    return label("title" if report.findings else "validation", lang)


def subtitle(report: Report, lang: str) -> str:
    """As-of date, number of figures and the library's version."""
    return (f"{label('as_of', lang)} {report.as_of:%d/%m/%Y} · "
            f"{format_number(report.n_observations, lang=lang)} {label('figures', lang)} · "
            f"plan_rules {report.library_version}")


def issue_cells(issue: DataIssue, lang: str) -> list[str]:
    """A data issue as cells: file, row, field, code, severity, message, found, expected."""
    return [issue.file or "", "" if issue.row is None else str(issue.row), issue.field or "",
            issue.code, label(issue.severity, lang), issue.message.get(lang), issue.text or "",
            issue.expected or ""]


_ISSUE_HEAD = ("file", "row", "field", "code", "severity", "message", "found", "expected")


def summary_line(report: Report, lang: str) -> str:
    """``Summary: met 12, not met 3, …`` over every area."""
    totals = {v: 0 for v in VERDICT_ORDER}
    for f in report.target_findings():
        totals[f.verdict] += 1
    parts = [f"{verdict_words(v).get(lang)} {n}" for v, n in totals.items() if n]
    issues = report.issue_count("error")
    warnings = report.issue_count() - issues
    parts.append(f"{label('issues', lang).lower()} {issues}"
                 + (f" (+{warnings} {label('warning', lang)})" if warnings else ""))
    return f"{label('total', lang)}: " + ", ".join(parts)


# -- terminal table ------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]],
           styles: Sequence[str | None] = (), indent: str = "  ") -> list[str]:
    """Columns padded to the widest cell; the last column is cut to the terminal on a TTY."""
    # Data shows its control characters as escapes, and is measured as it is shown.
    header = [printable(h) for h in header]
    rows = [[printable(c) for c in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]
    limit = shutil.get_terminal_size((10_000, 24)).columns if colour.get() else 10_000
    out = [indent + paint("  ".join(pad(h, w) for h, w in zip(header, widths, strict=True))
                          .rstrip(), "bold")]
    for n, row in enumerate(rows):
        cells = [pad(c, w) for c, w in zip(row, widths, strict=True)]
        if n < len(styles) and styles[n]:
            cells[0] = paint(cells[0], styles[n])
        line = indent + "  ".join([*cells[:-1], row[-1]])
        used = len(indent) + sum(w + 2 for w in widths[:-1])
        if colour.get() and used + width(row[-1]) > limit and limit - used > 10:
            line = indent + "  ".join([*cells[:-1], row[-1][:limit - used - 1] + "…"])
        out.append(line.rstrip())
    return out


def render_text(report: Report, lang: str = "en", *,
                catalogue: Catalogue | None = None) -> str:
    """The report as terminal tables: per area a row per target, the message under each
    target that is not met; then checks, data issues and a total. Colour only when
    :data:`plan_rules.terminal.colour` is on."""
    rows = target_rows(report, lang, catalogue)
    out = [paint(title(report, lang), "bold"), printable(subtitle(report, lang)), ""]
    head = [label(k, lang) for k in ("verdict", "target", "observed", "threshold", "gap",
                                     "entities", "indicator")]
    groups = by_area(rows)
    titles = area_titles(report, groups, lang, catalogue)
    for area, area_rows in groups.items():
        out.append(paint(titles[area], "bold"))
        table = [[r.verdict, r.finding.code, observed_cell(r, lang), r.threshold, r.gap,
                  r.entities, r.name] for r in area_rows]
        lines = _table(head, table, [r.style for r in area_rows])
        out.append(lines[0])
        for r, line in zip(area_rows, lines[1:], strict=True):
            out.append(line)
            if r.finding.verdict in (Verdict.NOT_MET, Verdict.INCOMPLETE, Verdict.INVALID,
                                     Verdict.ERROR):
                out.append(paint(f"      {r.finding.message.get(lang)}", "dim"))
            progress = progress_line(r.finding, r.kind, lang)
            if progress:
                out.append(paint(f"      {progress}", "dim"))
        out.append("")
    checks = report.check_findings()
    if checks:
        out.append(paint(label("checks", lang), "bold"))
        out.extend(_table(
            [label("verdict", lang), label("check", lang), label("message", lang)],
            [[verdict_words(f.verdict).get(lang), f.code, f.message.get(lang)] for f in checks],
            [_VERDICT_STYLE[f.verdict] for f in checks]))
        out.append("")
    out.extend(_issues_text(report, lang))
    if report.problems:
        out.append(paint(f"{label('problems', lang)} ({len(report.problems)})", "bold"))
        out.extend(printable(f"  {p.plugin}: {p.message}") for p in report.problems)
        out.append("")
    out.append(paint(summary_line(report, lang), "bold"))
    return "\n".join(out) + "\n"


def _issues_text(report: Report, lang: str) -> list[str]:
    issues = report.issues
    if not issues and not report.issue_summaries:
        return [label("no_issues", lang), ""]
    out = [paint(f"{label('issues', lang)} ({report.issue_count()})", "bold")]
    cells = []
    for i in issues:
        file, row, field, code, severity, message, found, _expected = issue_cells(i, lang)
        where = ":".join(p for p in (file, row) if p)
        extra = f" [{label('found', lang)}: {found}]" if found else ""
        cells.append([severity, where or "-", field, code, message + extra])
    out.extend(_table([label(k, lang) for k in ("severity", "file", "field", "code",
                                                "message")],
                      cells, ["red" if i.severity == "error" else "yellow" for i in issues]))
    # Issues past the limit: one line per code, naming their rows as ranges.
    out.extend(paint(f"  {label(s.severity, lang)} {s.code}: {s.message().get(lang)}",
                     "red" if s.severity == "error" else "yellow")
               for s in report.issue_summaries)
    out.append("")
    return out


# -- Markdown ------------------------------------------------------------------------------


def md(text: str) -> str:
    """Text safe in a Markdown table cell: no HTML, no formatting, no column breaks, no
    control characters."""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]|#":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _md_table(header: Sequence[str], rows: Iterator[Sequence[str]] | Sequence[Sequence[str]],
              ) -> list[str]:
    out = ["| " + " | ".join(md(h) for h in header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out.extend("| " + " | ".join(md(c) for c in row) + " |" for row in rows)
    return [*out, ""]


def render_markdown(report: Report, lang: str = "en", *,
                    catalogue: Catalogue | None = None) -> str:
    """The report in Markdown: a summary table by area, a table of targets per area with the
    entities behind each ``each`` target, then checks and data issues."""
    rows = target_rows(report, lang, catalogue)
    out = [f"# {md(title(report, lang))}", "", f"*{md(subtitle(report, lang))}*", ""]
    groups = by_area(rows)
    titles = area_titles(report, groups, lang, catalogue)
    if groups:
        out += [f"## {md(label('summary', lang))}", ""]
        out += _md_table(
            [label("area", lang)] + [verdict_words(v).get(lang) for v in VERDICT_ORDER],
            [[titles[a]] + [str(n) for n in by.values()]
             for a, by in verdict_counts(groups).items()])
    for area, area_rows in groups.items():
        out += [f"## {md(titles[area])}", ""]
        out += _md_table(
            [label(k, lang) for k in ("target", "indicator", "observed", "threshold",
                                      "verdict", "gap", "entities")],
            [[r.finding.code, r.name, observed_cell(r, lang), r.threshold, r.verdict, r.gap,
              r.entities] for r in area_rows])
        for r in area_rows:
            if r.finding.verdict is not Verdict.MET or r.finding.entities:
                out += [f"- **{md(r.finding.code)}** — {md(r.finding.message.get(lang))}"]
            progress = progress_line(r.finding, r.kind, lang)
            if progress:
                out.append(f"  - {md(progress)}")
            for e in r.finding.entities if r.finding.aggregation is Aggregation.EACH else ():
                name = current(catalogue).entity_name(e.entity)
                out.append(f"  - {md(name)}: {md(show_value(e.observed, r.kind, lang))} "
                           f"({md(verdict_words(e.verdict).get(lang))})")
        out.append("")
    checks = report.check_findings()
    if checks:
        out += [f"## {md(label('checks', lang))}", ""]
        out += _md_table([label(k, lang) for k in ("check", "verdict", "message")],
                         [[f.code, verdict_words(f.verdict).get(lang), f.message.get(lang)]
                          for f in checks])
    out += [f"## {md(label('issues', lang))} ({report.issue_count()})", ""]
    if report.issues or report.issue_summaries:
        out += _md_table([label(k, lang) for k in _ISSUE_HEAD],
                         (issue_cells(i, lang) for i in report.issues))
        if report.issue_summaries:
            out += [f"- {md(s.code)}: {md(s.message().get(lang))}"
                    for s in report.issue_summaries] + [""]
    else:
        out += [md(label("no_issues", lang)), ""]
    out += [md(summary_line(report, lang)), ""]
    return "\n".join(out)


# -- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = ("record", "code", "plan", "area", "indicator", "name", "scope", "aggregation",
               "verdict", "verdict_text", "observed", "observed_text", "comparator",
               "threshold", "threshold_text", "gap_text", "gap_units", "entities_met",
               "entities_total", "units_expected", "units_reported", "units_missing", "entity",
               "file", "row", "field", "severity", "message")


def _decimal(x: Fraction | None) -> str:
    """A machine-readable decimal (``.`` mark, up to 6 places) for a spreadsheet column."""
    return "" if x is None else format_number(x, lang="en", digits=6).replace(",", "")


def render_csv(report: Report, lang: str = "en", *,
               catalogue: Catalogue | None = None) -> str:
    """The report as one CSV table: a ``target`` row per target, an ``entity`` row per
    entity of an ``each`` target, a ``check`` row per check and an ``issue`` row per data
    issue. ``observed``/``threshold`` are decimals (rates as fractions of one); ``*_text``
    columns are as people read them in ``lang``."""
    rows: list[list[str]] = []

    def put(**cells: object) -> None:
        rows.append(["" if cells.get(c) is None else str(cells.get(c)) for c in CSV_COLUMNS])

    for r in target_rows(report, lang, catalogue):
        f, s = r.finding, r.finding.statistics
        put(record="target", code=f.code, plan=f.plan, area=f.area, indicator=f.indicator,
            name=r.name,
            scope=f.scope, aggregation=f.aggregation and f.aggregation.value,
            verdict=f.verdict.value, verdict_text=r.verdict, observed=_decimal(f.observed),
            observed_text=r.observed, comparator=f.comparator and f.comparator.value,
            threshold=_decimal(f.threshold), threshold_text=r.threshold, gap_text=r.gap,
            gap_units=f.gap_units, entities_met=s.met if s else None,
            entities_total=s.n_entities if s else None,
            units_expected=f.coverage and f.coverage.expected,
            units_reported=f.coverage and f.coverage.reported,
            units_missing=f.coverage and ";".join(m.code for m in f.coverage.missing),
            message=f.message.get(lang))
        for e in f.entities if f.aggregation is Aggregation.EACH else ():
            files = sorted({str(report.source(i)[0] or "") for i in e.observations})
            put(record="entity", code=f.code, plan=f.plan, area=f.area, indicator=f.indicator,
                entity=e.entity,
                name=current(catalogue).entity_name(e.entity),
                verdict=e.verdict.value, verdict_text=verdict_words(e.verdict).get(lang),
                observed=_decimal(e.observed), observed_text=show_value(e.observed, r.kind, lang),
                gap_units=e.gap_units, file=";".join(files),
                row=";".join(str(report.source(i)[1]) for i in e.observations))
    for f in report.check_findings():
        put(record="check", code=f.code, plan=f.plan, indicator=f.indicator,
            verdict=f.verdict.value,
            verdict_text=verdict_words(f.verdict).get(lang), message=f.message.get(lang))
    for i in report.issues:
        put(record="issue", code=i.code, indicator=i.indicator, entity=i.entity, file=i.file,
            row=i.row, field=i.field, severity=i.severity, message=i.message.get(lang),
            observed_text=i.text)
    for summary in report.issue_summaries:
        put(record="issue_summary", code=summary.code, severity=summary.severity,
            message=summary.message().get(lang),
            file=";".join(f or "" for f, _ in summary.rows),
            row=";".join(",".join(f"{a}–{b}" for a, b in spans) for _, spans in summary.rows))
    return spreadsheet_csv(CSV_COLUMNS, rows)
