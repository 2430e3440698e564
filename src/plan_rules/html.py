"""The HTML report: one self-contained page a leader can read, in Vietnamese or English.

A summary card per area, then per target a bar showing the observed value against the
threshold, the verdict in words (never colour alone), the message with the gap in the
indicator's units, the entities behind it and the rows they came from; then the consistency
checks and every data issue. No script, no external asset: inline CSS and plain elements, and a
Content-Security-Policy that forbids loading anything, so the file can be mailed or archived and
opens the same anywhere. Every value that came from a plugin or a data file goes through
:func:`html.escape`.

A score or rank target on a composite index gets its units' breakdowns: per unit a bar of one
segment per component sized by its points out of the index's maximum, the components of a group
side by side with the group's subtotal written under the bar, and the missing points left empty
at the end; the bar's label, each segment's title and a table per unit say the same in numbers.
At most :data:`BREAKDOWN_LIMIT` units are shown per target (a line counts the rest; the JSON
report holds them all), so an index over thousands of units keeps the page readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from html import escape
from pathlib import PurePath
from typing import Any

import attrs

from .cells import printable
from .composite import Index
from .formats import (
    AreaKey,
    Catalogue,
    TargetRow,
    area_titles,
    by_area,
    current,
    issue_cells,
    label,
    show_value,
    subtitle,
    summary_line,
    target_rows,
    title,
    verdict_counts,
)
from .model import Aggregation, EntityResult, Finding, Kind, Verdict
from .numbers import format_number
from .progress_view import progress_svg
from .report import Report
from .words import status_words, verdict_words

__all__ = ["BREAKDOWN_LIMIT", "render_html", "shares"]

#: The most units whose score breakdown a score or rank target shows in the HTML report.
BREAKDOWN_LIMIT = 50

_CSS = """
:root{--met:#1a7f37;--not_met:#cf222e;--incomplete:#bc4c00;--no_data:#9a6700;
--not_applicable:#6e7781;
--invalid:#8250df;--error:#8250df;--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font-family:"Segoe UI","Noto Sans","DejaVu Sans","Liberation Sans",Arial,sans-serif;
color:var(--ink);margin:0 auto;max-width:1100px;padding:24px;line-height:1.45}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.25rem;margin:32px 0 12px;
border-bottom:2px solid var(--line);padding-bottom:4px}h3{font-size:1rem;margin:0}
.sub{color:var(--muted);margin:0}.headline{font-size:1.3rem;margin:16px 0 0}
.headline b{font-size:2rem;color:var(--met)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px;background:#fff}
.card h3{font-size:.95rem;margin-bottom:8px}.card a{color:inherit;text-decoration:none}
.stack{display:flex;height:12px;border-radius:6px;overflow:hidden;background:var(--bg)}
.counts{list-style:none;padding:0;margin:8px 0 0;font-size:.85rem;display:flex;
flex-wrap:wrap;gap:4px 12px}
.dot{display:inline-block;width:.7em;height:.7em;border-radius:50%;margin-right:4px}
.target{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:8px;
padding:12px 16px;margin:12px 0;background:#fff;break-inside:avoid}
.target header{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 12px}
.badge{display:inline-block;padding:1px 10px;border-radius:12px;color:#fff;
background:var(--c);font-size:.85rem;font-weight:600;white-space:nowrap}
.code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85rem;color:var(--muted)}
.name{font-weight:600}
.bar{position:relative;height:18px;background:var(--bg);border:1px solid var(--line);
border-radius:4px;margin:10px 0 4px}
.fill{position:absolute;left:0;top:0;bottom:0;background:var(--c);border-radius:3px 0 0 3px}
.mark{position:absolute;top:-5px;bottom:-5px;width:0;border-left:2px dashed var(--ink)}
.mini{height:8px;margin:0;min-width:120px}.mini .mark{top:-3px;bottom:-3px}
.scale{display:flex;justify-content:space-between;font-size:.75rem;color:var(--muted)}
dl.figs{display:flex;flex-wrap:wrap;gap:4px 24px;margin:8px 0}
dl.figs div{display:flex;gap:6px}dt{color:var(--muted)}dd{margin:0;font-weight:600}
.msg{margin:6px 0}.prov{font-size:.8rem;color:var(--muted);margin:4px 0}
details{margin:6px 0}summary{cursor:pointer;color:#0969da}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{background:var(--bg);white-space:nowrap}td.num,td.lvl{white-space:nowrap}
td.num{text-align:right}
.v{font-weight:600;color:var(--c);white-space:nowrap}
.sev-error{color:var(--not_met);font-weight:600;white-space:nowrap}.sev-warning{color:var(--no_data)}
footer{margin-top:40px;font-size:.8rem;color:var(--muted)}
@media print{body{padding:0}details{display:block}.target{border-left-width:4px}}
"""

#: The style of the score breakdowns, added to a page that has one (so a report without a score
#: target stays what it was).
_SCORE_CSS = """
.units td.sb{width:55%}
.sbar{display:flex;height:16px;background:var(--bg);border:1px solid var(--line);
border-radius:4px;overflow:hidden;margin:2px 0}
.seg{flex:none;height:100%;box-shadow:inset -1px 0 #fff}.seg.rest{box-shadow:none}
.subs{font-size:.75rem;color:var(--muted)}.legend{list-style:none;padding:0;margin:6px 0;
font-size:.8rem;display:flex;flex-wrap:wrap;gap:2px 16px}
.sw{display:inline-block;width:.8em;height:.8em;margin:0 3px 0 8px;vertical-align:-1px}
.more{font-size:.85rem;color:var(--muted)}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(value: object) -> str:
    # Control characters and bidirectional overrides are shown, not obeyed (cells.printable).
    return escape(printable("" if value is None else str(value)), quote=True)


def _var(verdict: Verdict) -> str:
    return f"--c:var(--{verdict.value})"


def _pct(x: Fraction, scale: Fraction) -> str:
    share = min(Fraction(1), max(Fraction(0), x / scale)) if scale else Fraction(0)
    return f"{float(share) * 100:.2f}%"  # display only


def _scale(kind: Kind, observed: Iterable[Fraction | None], threshold: Fraction | None,
           ) -> Fraction:
    if kind is Kind.RATE:
        return Fraction(1)
    top = max([x for x in (*observed, threshold) if x is not None] or [Fraction(1)])
    return _nice(top * Fraction(11, 10))


def _nice(x: Fraction) -> Fraction:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least ``x`` (an axis people read)."""
    step = Fraction(1)
    while step * 10 <= x:
        step *= 10
    return next(step * m for m in (Fraction(1), Fraction(2), Fraction(5, 2), Fraction(5),
                                   Fraction(10)) if step * m >= x)


def _bar(verdict: Verdict, kind: Kind, observed: Fraction | None, threshold: Fraction | None,
         scale: Fraction, label_text: str, mini: bool = False) -> str:
    fill = "" if observed is None else \
        f'<div class="fill" style="width:{_pct(observed, scale)}"></div>'
    mark = "" if threshold is None else \
        f'<div class="mark" style="left:{_pct(threshold, scale)}"></div>'
    cls = "bar mini" if mini else "bar"
    return (f'<div class="{cls}" role="img" aria-label="{_e(label_text)}" '
            f'style="{_var(verdict)}">{fill}{mark}</div>')


def _sources(report: Report, indices: Sequence[int]) -> str:
    """``figures.csv: 3–5, 9`` — the rows behind a finding, by file, runs compressed."""
    by_file: dict[str, list[int]] = {}
    for i in indices:
        file, row = report.source(i)
        if row is not None:
            by_file.setdefault(file or "-", []).append(row)
    parts = []
    for file, rows in by_file.items():
        runs: list[str] = []
        file = PurePath(file).name or file
        ordered = sorted(set(rows))
        start = prev = ordered[0]
        for r in [*ordered[1:], None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            runs.append(str(start) if start == prev else f"{start}–{prev}")
            if r is not None:
                start = prev = r
        parts.append(f"{file}: {', '.join(runs)}")
    return "; ".join(parts)


def _entities(report: Report, row: TargetRow, cat: Catalogue, lang: str) -> str:
    f = row.finding
    results: Sequence[EntityResult] = f.entities
    if not results:
        return ""
    scale = _scale(row.kind, (e.observed for e in results), f.threshold)
    head = "".join(f"<th>{_e(label(k, lang))}</th>" for k in
                   ("entity", "level", "observed", "threshold", "verdict", "gap", "rows"))
    body = []
    for e in results:
        observed = show_value(e.observed, row.kind, lang)
        unit = row.unit_one if e.gap_units == 1 else row.unit
        gap = f"{e.gap_units} {unit}".strip() if e.gap_units else ""
        bar = _bar(e.verdict, row.kind, e.observed, f.threshold, scale,
                   f"{observed} / {row.threshold}", mini=True) \
            if row.kind is not Kind.MILESTONE else ""
        name = cat.entity_name(e.entity)
        shown = _e(name) if name == e.entity else \
            f'{_e(name)} <span class="code">{_e(e.entity)}</span>'
        body.append(
            f'<tr style="{_var(e.verdict)}"><td>{shown}</td><td class="lvl">{_e(e.level)}</td>'
            f'<td class="num">{_e(observed)}</td><td>{bar}</td>'
            f'<td class="v">{_e(verdict_words(e.verdict).get(lang))}</td>'
            f'<td class="num">{_e(gap)}</td>'
            f'<td>{_e(_sources(report, e.observations))}</td></tr>')
    counted = f" — {row.entities}" if row.entities else ""
    opened = " open" if f.aggregation is Aggregation.EACH and f.verdict is Verdict.NOT_MET \
        else ""
    return (f"<details{opened}><summary>{_e(label('entities', lang))} ({len(results)})"
            f"{_e(counted)}</summary><table><thead><tr>{head}</tr></thead><tbody>"
            f"{''.join(body)}</tbody></table></details>")


def _target(report: Report, row: TargetRow, cat: Catalogue, lang: str) -> str:
    f = row.finding
    verdict = verdict_words(f.verdict).get(lang)
    if row.kind is Kind.MILESTONE:
        bar = ""
    else:
        scale = _scale(row.kind, [f.observed], f.threshold)
        bar = _bar(f.verdict, row.kind, f.observed, f.threshold, scale,
                   f"{label(row.observed_label, lang)} {row.observed}; "
                   f"{label('threshold', lang)} {row.threshold}")
        low = show_value(0, row.kind, lang)
        high = show_value(scale, row.kind, lang)
        bar += f'<div class="scale"><span>{_e(low)}</span><span>{_e(high)}</span></div>'
    figs = [(row.observed_label, row.observed), ("threshold", row.threshold)]
    if row.gap:
        figs.append(("gap", row.gap))
    if row.entities:
        figs.append(("entities", row.entities))
    if f.window is not None:
        figs.append(("window", f"{f.window.start:%d/%m/%Y} – {f.window.end:%d/%m/%Y}"))
    if f.aggregation is not None:
        figs.append(("aggregation", label(f.aggregation.value, lang)))
    if f.progress is not None:
        figs.append(("progress", status_words(f.progress).get(lang)))
    dl = "".join(f"<div><dt>{_e(label(k, lang))}</dt><dd>{_e(v)}</dd></div>" for k, v in figs)
    sources = _sources(report, f.observations)
    prov = f'<p class="prov">{_e(label("rows", lang))}: {_e(sources)}</p>' if sources else ""
    return (f'<article class="target" id="{_e(_anchor(f.code))}" data-code="{_e(f.code)}" '
            f'data-verdict="{_e(f.verdict.value)}" style="{_var(f.verdict)}">'
            f'<header><span class="badge">{_e(verdict)}</span><h3 class="name">{_e(row.name)}'
            f'</h3><span class="code">{_e(f.code)}</span></header>{bar}'
            f'{progress_svg(f, row.kind, lang)}'
            f'<dl class="figs">{dl}</dl><p class="msg">{_e(f.message.get(lang))}</p>'
            f'{_entities(report, row, cat, lang)}{prov}</article>')


def _anchor(code: str, prefix: str = "t-") -> str:
    return prefix + "".join(c if c.isalnum() else "-" for c in code)


def _area_anchor(key: AreaKey) -> str:
    return _anchor(f"{key[0]}-{key[1]}" if key[0] else key[1], "area-")


def _summary(report: Report, rows: Sequence[TargetRow], titles: Mapping[AreaKey, str],
             lang: str) -> str:
    counts = verdict_counts(by_area(rows))
    cards = []
    for key, by in counts.items():
        total = sum(by.values())
        stack = "".join(
            f'<div style="width:{n / total * 100:.2f}%;background:var(--{v.value})" '
            f'title="{_e(verdict_words(v).get(lang))}: {n}"></div>'
            for v, n in by.items() if n)
        items = "".join(
            f'<li><span class="dot" style="background:var(--{v.value})"></span>'
            f"{_e(verdict_words(v).get(lang))}: <b>{n}</b></li>" for v, n in by.items() if n)
        cards.append(f'<article class="card" data-plan="{_e(key[0])}" data-area="{_e(key[1])}">'
                     f'<h3><a href="#'
                     f'{_e(_area_anchor(key))}">{_e(titles[key])}</a></h3>'
                     f'<div class="stack" role="img" aria-label="{_e(titles[key])}">{stack}'
                     f'</div><ul class="counts">{items}</ul></article>')
    met = sum(by[Verdict.MET] for by in counts.values())
    headline = (f'<p class="headline"><b>{met}</b>/{len(rows)} {_e(label("headline", lang))}'
                "</p>")
    return (f'<section id="summary">{headline}<h2>{_e(label("summary", lang))}</h2>'
            f'<div class="cards">{"".join(cards)}</div>'
            f"<p><b>{_e(summary_line(report, lang))}</b></p></section>")


def _checks(report: Report, lang: str) -> str:
    checks = report.check_findings()
    if not checks:
        return ""
    rows = "".join(
        f'<tr style="{_var(f.verdict)}" data-code="{_e(f.code)}"><td class="code">{_e(f.code)}'
        f'</td><td class="v">{_e(verdict_words(f.verdict).get(lang))}</td>'
        f"<td>{_e(f.message.get(lang))}</td></tr>" for f in checks)
    head = "".join(f"<th>{_e(label(k, lang))}</th>" for k in ("check", "verdict", "message"))
    return (f'<section id="checks"><h2>{_e(label("checks", lang))}</h2><table><thead><tr>'
            f"{head}</tr></thead><tbody>{rows}</tbody></table></section>")


def _issues(report: Report, lang: str) -> str:
    if not report.issues and not report.issue_summaries:
        return (f'<section id="issues"><h2>{_e(label("issues", lang))}</h2>'
                f"<p>{_e(label('no_issues', lang))}</p></section>")
    # "expected" is a short English phrase; the Vietnamese message already says it.
    keys = ["file", "row", "field", "code", "severity", "message", "found", "expected"]
    shown = keys if lang == "en" else keys[:-1]
    head = "".join(f"<th>{_e(label(k, lang))}</th>" for k in shown)
    rows = []
    for issue in report.issues:
        cells = dict(zip(keys, issue_cells(issue, lang), strict=True))
        tds = [f'<td title="{_e(issue.file)}">{_e(PurePath(issue.file or "").name)}</td>']
        tds += [f'<td class="sev-{_e(issue.severity)}">{_e(cells[k])}</td>' if k == "severity"
                else f"<td>{_e(cells[k])}</td>" for k in shown[1:]]
        rows.append(f'<tr data-issue="{_e(issue.code)}">{"".join(tds)}</tr>')
    # Issues past the limit: a line per code, naming their rows as ranges.
    summaries = "".join(f'<p class="sev-{_e(s.severity)}" data-issue-summary="{_e(s.code)}">'
                        f"{_e(s.message().get(lang))}</p>" for s in report.issue_summaries)
    return (f'<section id="issues"><h2>{_e(label("issues", lang))} ({report.issue_count()})'
            f"</h2><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"{summaries}</section>")


def _footer(report: Report, lang: str) -> str:
    plugins = ", ".join(f"{p.name} {p.version or ''}".strip() for p in report.plugins)
    problems = "".join(f"<li>{_e(p.plugin)}: {_e(p.message)}</li>" for p in report.problems)
    extra = (f"<p><b>{_e(label('problems', lang))}</b></p><ul>{problems}</ul>"
             if problems else "")
    return (f"<footer>{extra}<p>{_e(label('plugins', lang))}: {_e(plugins or '-')}</p>"
            f"<p>{_e(label('generated', lang))} plan_rules {_e(report.library_version)}, "
            f"schema {_e(report.schema_version)}</p></footer>")


# -- score breakdowns ------------------------------------------------------------------------


def shares(parts: Sequence[Fraction], whole: Fraction) -> list[int]:
    """Each of ``parts`` and then what is left of ``whole`` as hundredths of a percent of
    ``whole``, summing to exactly 10000: each share rounded down, and the hundredths still
    missing given to the largest remainders (the earlier part on a tie). A part that is 0
    stays 0. ``whole`` must be above 0 and at least the sum of ``parts``, none negative."""
    exact = [p * 10000 / whole for p in parts]
    exact.append(10000 - sum(exact, Fraction(0)))
    floors = [x.numerator // x.denominator for x in exact]
    left = 10000 - sum(floors)
    ahead = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in ahead[:left]:
        floors[i] += 1
    return floors


def _width(share: int) -> str:
    return f"{share // 100}.{share % 100:02d}%"


#: A number of a breakdown with more bits than this in its numerator or denominator is no
#: number a score can be (a report read from a file may hold anything): it is shown as none.
_MAX_BITS = 4096


def _exact_or_none(x: object) -> Fraction | None:
    """A number of a finding's details: an int or a Fraction, as evaluating gives them and
    the JSON report reads them back, within :data:`_MAX_BITS`; anything else is none."""
    if isinstance(x, bool) or not isinstance(x, int | Fraction):
        return None
    f = Fraction(x)
    if max(f.numerator.bit_length(), f.denominator.bit_length()) > _MAX_BITS:
        return None
    return f


@attrs.frozen
class _Part:
    code: str
    points: Fraction | None
    maximum: Fraction | None
    no_figure: bool = False


@attrs.frozen
class _Group:
    code: str
    points: Fraction | None
    maximum: Fraction | None
    parts: tuple[_Part, ...]


@attrs.frozen
class _Reweighted:
    """A re-weighted score's basis: the points of the components with a figure out of their
    maxima, which the score scales to the index's maximum."""

    points: Fraction
    maximum: Fraction


@attrs.frozen
class _Unit:
    entity: str
    score: Fraction | None
    groups: tuple[_Group, ...]
    reweighted: _Reweighted | None = None


def _reweighted(raw: object) -> _Reweighted | None:
    if not isinstance(raw, Mapping):
        return None
    points, maximum = _exact_or_none(raw.get("points")), _exact_or_none(raw.get("maximum"))
    if points is None or maximum is None:
        return None
    return _Reweighted(points, maximum)


def _units(details: Mapping[str, Any]) -> list[_Unit] | None:
    """The units of a score or rank finding's details, or None when they are not a breakdown
    (a check of another kind, or details of a shape this writer does not know)."""
    raw = details.get("units")
    if not isinstance(raw, list | tuple) or not isinstance(details.get("index"), str):
        return None
    out = []
    for u in raw:
        if not isinstance(u, Mapping) or not isinstance(u.get("groups"), list | tuple):
            return None
        groups = []
        for g in u["groups"]:
            if not isinstance(g, Mapping) or not isinstance(g.get("components"), list | tuple):
                return None
            parts = tuple(_Part(str(c.get("code", "")), _exact_or_none(c.get("points")),
                                _exact_or_none(c.get("maximum")), c.get("no_figure") is True)
                          for c in g["components"] if isinstance(c, Mapping))
            groups.append(_Group(str(g.get("code", "")), _exact_or_none(g.get("points")),
                                 _exact_or_none(g.get("maximum")), parts))
        out.append(_Unit(str(u.get("entity", "")), _exact_or_none(u.get("score")),
                         tuple(groups), _reweighted(u.get("reweighted"))))
    return out


def _names(index: Index | None, lang: str) -> dict[str, str]:
    """The names of an index's groups and components by code (none when it is not known)."""
    if index is None:
        return {}
    out = {g.code: g.name.get(lang) for g in index.groups}
    out.update({c.code: c.name.get(lang) for c in index.components})
    return out


#: A hue per group, in the order the index declares its groups; components of a group share
#: it in shades. Text always says what colour shows.
_HUES = (212, 28, 140, 280, 350, 48, 190, 100)


def _colour(group: int, part: int, parts: int) -> str:
    light = 32 + (40 * part // max(parts - 1, 1) if parts > 1 else 0)
    return f"hsl({_HUES[group % len(_HUES)]} 62% {light}%)"


def _pts(x: Fraction | None, lang: str) -> str:
    return "-" if x is None else format_number(x, lang=lang)


def _of(x: Fraction | None, top: Fraction | None, lang: str) -> str:
    return f"{_pts(x, lang)} / {_pts(top, lang)}"


def _short(p: _Part) -> Fraction | None:
    return None if p.maximum is None else p.maximum - (p.points or 0)


def _unit_bar(unit: _Unit, maximum: Fraction, names: Mapping[str, str], shown: str,
              lang: str) -> str:
    """A unit's stacked bar, its group subtotals and its table of components."""
    parts = [(gi, pi, len(g.parts), g, p) for gi, g in enumerate(unit.groups)
             for pi, p in enumerate(g.parts)]
    points = [max(p.points or Fraction(0), Fraction(0)) for *_, p in parts]
    got = sum(points, Fraction(0))
    whole = max(maximum, got)
    widths = shares(points, whole)
    missing = whole - got
    no_figure = label("no_figure", lang)
    pts = label("score_points", lang)

    def said(p: _Part) -> str:
        name = names.get(p.code, p.code)
        text = f"{name} {_of(p.points, p.maximum, lang)}"
        return f"{text} ({no_figure})" if p.points is None or p.no_figure else text

    segs = []
    for (gi, pi, n, g, p), w in zip(parts, widths, strict=False):
        segs.append(f'<div class="seg" data-group="{_e(g.code)}" data-component="{_e(p.code)}" '
                    f'data-points="{_e(p.points)}" style="width:{_width(w)};'
                    f'background:{_colour(gi, pi, n)}" title="{_e(said(p))}"></div>')
    missing_words = f"{label('missing_points', lang)}: {_pts(missing, lang)}"
    segs.append(f'<div class="seg rest" data-points="{_e(missing)}" '
                f'style="width:{_width(widths[-1])}" title="{_e(missing_words)}"></div>')
    groups = [f"{names.get(g.code, g.code)} {_of(g.points, g.maximum, lang)}"
              for g in unit.groups]
    # A re-weighted score is not the sum of the segments: the bar shows the points earned,
    # and this line how the score was scaled from them.
    scaled = "" if unit.reweighted is None else label("reweighted", lang).format(
        points=_of(unit.reweighted.points, unit.reweighted.maximum, lang),
        score=_of(unit.score, maximum, lang))
    aria = (f"{shown}: {_of(unit.score, maximum, lang)} {pts}. "
            + (f"{scaled}. " if scaled else "")
            + " ".join(f"{names.get(g.code, g.code)} {_of(g.points, g.maximum, lang)}: "
                       f"{', '.join(said(p) for p in g.parts)}." for g in unit.groups)
            + f" {missing_words}.")
    head = "".join(f"<th>{_e(label(k, lang))}</th>" for k in
                   ("group", "component", "score", "missing_points"))
    rows = "".join(
        f'<tr data-component="{_e(p.code)}"><td>{_e(names.get(g.code, g.code))}</td>'
        f"<td>{_e(names.get(p.code, p.code))}</td>"
        f'<td class="num">{_e(_of(p.points, p.maximum, lang))}'
        f'{_e(f" ({no_figure})") if p.points is None or p.no_figure else ""}</td>'
        f'<td class="num">{_e(_pts(_short(p), lang))}</td></tr>'
        for g in unit.groups for p in g.parts)
    return (f'<div class="sbar" role="img" aria-label="{_e(aria)}">{"".join(segs)}</div>'
            f'<div class="subs">{_e(" · ".join(groups))}</div>'
            + (f'<div class="subs reweighted">{_e(scaled)}</div>' if scaled else "")
            + f"<details><summary>{_e(label('components', lang))} ({len(parts)})</summary>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></details>")


def _breakdown(f: Finding, units: Sequence[_Unit], cat: Catalogue, lang: str) -> str:
    """A score or rank finding's article: its verdict and message, a legend of the index's
    groups and components, and each shown unit's bar."""
    maximum = _exact_or_none(f.details.get("maximum"))
    if maximum is None or maximum <= 0:
        return ""
    found = cat.composites.get(str(f.details["index"]))
    index = found if isinstance(found, Index) else None
    names = _names(index, lang)
    results = {e.entity: e for e in f.entities}
    ranking = f.details.get("ranking")
    ranks: dict[str, int] | None = None
    if isinstance(ranking, list | tuple):
        ranks = {str(r.get("entity")): r["rank"] for r in ranking if isinstance(r, Mapping)
                 and isinstance(r.get("rank"), int) and not isinstance(r["rank"], bool)}
    if ranks is None:
        ordered = sorted(units, key=lambda u: (u.score is None, u.score or 0, u.entity))
        note = label("lowest_first", lang)
    else:
        def place(u: _Unit) -> tuple[bool, bool, int, str]:
            r = ranks.get(u.entity) if ranks is not None else None
            return (u.entity not in results, r is None, r or 0, u.entity)
        ordered = sorted(units, key=place)
        note = label("scope_first", lang)
    shown = ordered[:BREAKDOWN_LIMIT]
    rows = []
    for u in shown:
        name = cat.entity_name(u.entity)
        who = _e(name) if name == u.entity else (
            f'{_e(name)} <span class="code">{_e(u.entity)}</span>')
        e = results.get(u.entity)
        style = f' style="{_var(e.verdict)}"' if e is not None else ""
        verdict = _e(verdict_words(e.verdict).get(lang)) if e is not None else ""
        if ranks is not None:
            r = ranks.get(u.entity)
            place_text = (f"{label('rank', lang)} {r}" if r is not None
                          else label("not_ranked", lang))
            verdict = f"{verdict}<br>{_e(place_text)}" if verdict else _e(place_text)
        rows.append(f'<tr data-entity="{_e(u.entity)}"{style}><td>{who}</td>'
                    f'<td class="num">{_e(_of(u.score, maximum, lang))}</td>'
                    f'<td class="v">{verdict}</td>'
                    f'<td class="sb">{_unit_bar(u, maximum, names, name, lang)}</td></tr>')
    more = ""
    if len(ordered) > len(shown):
        words = label("more_units", lang).format(n=len(ordered) - len(shown),
                                                 limit=BREAKDOWN_LIMIT)
        more = f'<p class="more" data-more="{len(ordered) - len(shown)}">{_e(words)}</p>'
    legend = ""
    if units:
        first = units[0]
        items = []
        for gi, g in enumerate(first.groups):
            swatches = "".join(
                f'<span class="sw" style="background:{_colour(gi, pi, len(g.parts))}">'
                f"</span>{_e(names.get(p.code, p.code))} ({_e(_pts(p.maximum, lang))})"
                for pi, p in enumerate(g.parts))
            items.append(f"<li><b>{_e(names.get(g.code, g.code))}</b> "
                         f"({_e(_pts(g.maximum, lang))}){swatches}</li>")
        legend = f'<ul class="legend">{"".join(items)}</ul>'
    head = "".join(f"<th>{_e(label(k, lang))}</th>" for k in
                   ("entity", "score", "verdict", "breakdown"))
    title_text = index.name.get(lang) if index is not None else str(f.details["index"])
    return (f'<article class="target score" id="{_e(_anchor(f.code, "s-"))}" '
            f'data-score="{_e(f.code)}" data-verdict="{_e(f.verdict.value)}" '
            f'style="{_var(f.verdict)}"><header><span class="badge">'
            f'{_e(verdict_words(f.verdict).get(lang))}</span><h3 class="name">'
            f'{_e(title_text)}</h3><span class="code">{_e(f.code)}</span></header>'
            f'<p class="msg">{_e(f.message.get(lang))}</p>{legend}'
            f'<p class="sub">{_e(note)}</p><table class="units"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{more}</article>")


def _scores(report: Report, cat: Catalogue, lang: str) -> str:
    """The breakdowns of every score and rank target, in code order."""
    articles = []
    for f in report.check_findings():
        units = _units(f.details)
        if units is not None:
            articles.append(_breakdown(f, units, cat, lang))
    if not any(articles):
        return ""
    return (f'<section id="scores"><h2>{_e(label("breakdown", lang))}</h2>'
            f'{"".join(articles)}</section>')


def render_html(report: Report, lang: str = "en", *, catalogue: Catalogue | None = None) -> str:
    """The report as one self-contained HTML page in ``lang`` (``vi`` or ``en``)."""
    cat = current(catalogue)
    rows = target_rows(report, lang, cat)
    groups = by_area(rows)
    titles = area_titles(report, groups, lang, cat)
    sections = "".join(
        f'<section class="area" id="{_e(_area_anchor(key))}"><h2>{_e(titles[key])}</h2>'
        + "".join(_target(report, r, cat, lang) for r in area_rows) + "</section>"
        for key, area_rows in groups.items())
    scores = _scores(report, cat, lang)
    css = _CSS + _SCORE_CSS if scores else _CSS
    sections += scores
    page_title = title(report, lang)
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{_e(page_title)} — {report.as_of:%d/%m/%Y}</title><style>{css}</style>"
        f"</head><body><header><h1>{_e(page_title)}</h1>"
        f'<p class="sub">{_e(subtitle(report, lang))}</p></header>'
        f"{_summary(report, rows, titles, lang) if rows else ''}{sections}"
        f"{_checks(report, lang)}"
        f"{_issues(report, lang)}{_footer(report, lang)}</body></html>\n"
    )

