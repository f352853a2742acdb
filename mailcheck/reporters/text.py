"""Human output: `path:line:col: severity ID [name] message`, the hint, the line and a caret.

`check` shows each finding and a summary line; `probe` shows the lint findings, then a
line per profile probed with its failures under it, then both summaries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailcheck.findings import Finding
from mailcheck.reporters.base import Reporter
from mailcheck.text import visible

if TYPE_CHECKING:
    from mailcheck.excerpt import Excerpt
    from mailcheck.probe.report import NotProbed, ProbeReport, ProbeResult
    from mailcheck.report import CheckReport, Report

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def format_finding(finding: Finding, source: Excerpt | None, *, color: bool) -> str:
    """A finding as text; everything that came from a file or a server made visible."""
    severity = _paint(finding.severity.value, "1;" + _COLORS[finding.severity.value], color)
    head = f"{_paint(f'{visible(finding.file)}:{finding.line}:{finding.column}', '1', color)}: {severity} "
    head += f"{finding.rule} [{finding.name}] {visible(finding.message)}"
    lines = [head, f"  {_paint('hint', '32', color)}: {visible(finding.hint)}"]
    if source is not None:
        gutter = str(finding.line)
        text = source.text.replace("\t", " ").rstrip()  # one column per character, as the caret counts
        lines.append(f"  {gutter} | {text}")
        lines.append(
            f"  {' ' * len(gutter)} | {' ' * (source.caret - 1)}{_paint('^', '1;' + _COLORS[finding.severity.value], color)}"
        )
    return "\n".join(lines)


def summary_line(summary: dict[str, int]) -> str:
    counts = [(summary["errors"], "error"), (summary["warnings"], "warning"), (summary["infos"], "info")]
    problems = ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts)
    scope = f"{summary['files']} file{'s' if summary['files'] != 1 else ''}, {summary['profiles']} profile{'s' if summary['profiles'] != 1 else ''}"
    if not any(n for n, _ in counts):
        return f"No problems found in {scope}."
    return f"Found {problems} in {scope}."


def finding_block(report: Report, finding: Finding, *, color: bool) -> str:
    """A finding with its source line (secrets masked), as the report has it."""
    return format_finding(finding, report.excerpt(finding), color=color)


class TextReporter(Reporter):
    """For people at a terminal: the only format in colour (when `color` is set)."""

    name = "text"
    renders = frozenset({"check", "probe"})

    def render_check(self, report: CheckReport) -> str:
        blocks = [finding_block(report, finding, color=self.color) for finding in report.findings]
        blocks.append(summary_line(report.summary()))
        return "\n\n".join(blocks) + "\n"

    def render_probe(self, report: ProbeReport) -> str:
        blocks = [finding_block(report, finding, color=self.color) for finding in report.lint_findings]
        width = max((len(probe_label(r)) for r in report.results), default=0)
        lines: list[str] = []
        for result in report.results:
            lines.append(probe_line(result, width, color=self.color))
            if result.findings:
                lines.append(_probe_details(report, result, color=self.color))
        lines += [_skipped_line(skipped, color=self.color) for skipped in report.not_probed]
        if lines:
            blocks.append("\n".join(lines))
        blocks.append(probe_summary_line(report))
        return "\n\n".join(blocks) + "\n"


_STATUS = {"ok": ("PASS", "32"), "warning": ("WARN", "33"), "failed": ("FAIL", "31")}


def probe_label(result: ProbeResult) -> str:
    """`name (file)`: two files may each have an `outgoing` profile, so every line says whose."""
    return f"{visible(result.profile)} ({visible(result.file)})"


def probe_line(result: ProbeResult, width: int, *, color: bool) -> str:
    """One profile: status, name and file, where, mode, TLS, certificate, AUTH, login, time."""
    word, code = _STATUS[result.status]
    fields = [
        _paint(word, "1;" + code, color),
        probe_label(result).ljust(width),
        f"{result.protocol} {visible(result.host)}:{result.port} {result.security}",
    ]
    if result.tls is not None:
        fields.append(f"TLS {result.tls.version}")
        if result.tls.certificate is not None:
            fields.append(f"cert {result.tls.certificate.days_left} days left")
    if result.auth_mechanisms is not None:  # what the server advertised: shown escaped
        fields.append("AUTH " + visible(", ".join(result.auth_mechanisms)) if result.auth_mechanisms else "no AUTH")
    if result.login != "not configured":
        fields.append(f"login {result.login}")
    if result.test_message is not None:
        fields.append(f"test message {visible(result.test_message.reply)}")
        trip = result.test_message.round_trip
        if trip is not None and trip.found and trip.latency is not None:
            fields.append(
                f"delivered in {trip.latency:.2f}s" + (f" to {visible(trip.folder or '')}" if trip.junk else "")
            )
        elif trip is not None:
            fields.append(f"not delivered after {trip.waited:.1f}s")
    fields.append(f"{result.seconds:.2f}s")
    return "  ".join(fields)


def _probe_details(report: ProbeReport, result: ProbeResult, *, color: bool) -> str:
    """Under a failure or warning: the step it stopped at, then each finding with its hint."""
    lines: list[str] = []
    step = result.failed_step
    if step is not None:
        lines.append(f"  stopped at {step.name} after {step.seconds:.2f}s ({result.seconds:.2f}s in all)")
    for finding in result.findings:
        block = finding_block(report, finding, color=color)
        lines.append("\n".join("  " + line for line in block.splitlines()))
    return "\n".join(lines)


def probe_summary_line(report: ProbeReport) -> str:
    summary = report.summary()
    probed = summary["probed"]
    head = f"Probed {probed} profile{'s' if probed != 1 else ''} in {report.seconds:.1f}s: "
    head += f"{summary['ok']} passed, {summary['warning']} with warnings, {summary['failed']} failed"
    if summary["not_probed"]:
        head += f", {summary['not_probed']} not probed"
    return f"{head}. Lint: {summary_line(report.lint_summary())}"


def _skipped_line(skipped: NotProbed, *, color: bool) -> str:
    where = f"{skipped.profile} ({skipped.file})" if skipped.profile else skipped.file
    return f"{_paint('SKIP', '1;31', color)}  {visible(where)}: not probed: {visible(skipped.reason)}"
