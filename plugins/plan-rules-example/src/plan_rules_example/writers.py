"""A report writer: the target findings as a Markdown table, in Vietnamese or English."""

from __future__ import annotations

from plan_rules import Report, Writer

__all__ = ["WRITERS", "render_markdown"]

_HEADINGS = {
    "vi": ("Đánh giá chỉ tiêu", "ngày", "Chỉ tiêu", "Kết quả", "Nhận xét"),
    "en": ("Target evaluation", "as of", "Target", "Verdict", "Finding"),
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report, lang: str = "en") -> str:
    """One table row per target finding, in code order, with its verdict and message."""
    title, as_of, target, verdict, finding = _HEADINGS.get(lang, _HEADINGS["en"])
    lines = [f"# {title} — {as_of} {report.as_of.isoformat()}", "",
             f"| {target} | {verdict} | {finding} |", "| --- | --- | --- |"]
    for f in sorted(report.target_findings(), key=lambda f: f.code):
        lines.append(f"| {f.code} | {f.verdict.value} | {_cell(f.message.get(lang))} |")
    return "\n".join(lines) + "\n"


WRITERS: tuple[Writer, ...] = (
    Writer(name="verdict-table", description="Markdown table of target verdicts", suffix=".md",
           render=render_markdown),
)
