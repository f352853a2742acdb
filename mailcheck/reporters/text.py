"""Human output: `path:line:col: severity ID [name] message`, the hint, the line and a caret."""

from __future__ import annotations

from typing import Any

from mailcheck.findings import Finding

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def format_finding(finding: Finding, source: str | None, *, color: bool) -> str:
    severity = _paint(finding.severity.value, "1;" + _COLORS[finding.severity.value], color)
    head = f"{_paint(f'{finding.file}:{finding.line}:{finding.column}', '1', color)}: {severity} "
    head += f"{finding.rule} [{finding.name}] {finding.message}"
    lines = [head, f"  {_paint('hint', '32', color)}: {finding.hint}"]
    if source is not None:
        gutter = str(finding.line)
        text = source.expandtabs(1).rstrip()
        lines.append(f"  {gutter} | {text}")
        lines.append(f"  {' ' * len(gutter)} | {' ' * (finding.column - 1)}{_paint('^', '1;' + _COLORS[finding.severity.value], color)}")
    return "\n".join(lines)


def summary_line(summary: dict[str, int]) -> str:
    counts = [(summary["errors"], "error"), (summary["warnings"], "warning"), (summary["infos"], "info")]
    problems = ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts)
    scope = f"{summary['files']} file{'s' if summary['files'] != 1 else ''}, {summary['profiles']} profile{'s' if summary['profiles'] != 1 else ''}"
    if not any(n for n, _ in counts):
        return f"No problems found in {scope}."
    return f"Found {problems} in {scope}."


def render_check(report: Any, *, color: bool = False) -> str:
    blocks = []
    for finding in report.findings:
        result = report.result_for(finding.file)
        source = result.source_line(finding.line) if result is not None else None
        blocks.append(format_finding(finding, source, color=color))
    blocks.append(summary_line(report.summary()))
    return "\n\n".join(blocks[:-1]) + ("\n\n" if len(blocks) > 1 else "") + blocks[-1] + "\n"
