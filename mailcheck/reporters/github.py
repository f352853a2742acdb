"""GitHub Actions workflow commands: annotations on the pull request's lines."""

from __future__ import annotations

from typing import Any, Iterable

from mailcheck.findings import Finding
from mailcheck.text import visible

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    """Workflow-command escaping, after making control characters visible: the log viewer
    would render an ESC sequence from a server reply as colour or cursor movement."""
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, title: str | None = None) -> str:
    props = f"file={_property(finding.file)},line={finding.line},col={finding.column}"
    title = title or f"{finding.rule} {finding.name}"
    return f"::{LEVELS[finding.severity.value]} {props},title={_property(title)}::{_data(f'{finding.message} ({finding.hint})')}"


def annotations(findings: Iterable[Finding]) -> str:
    return "".join(annotation(f) + "\n" for f in findings)


def render_check(report: Any, *, color: bool = False) -> str:
    return annotations(report.findings)


def render_probe(report: Any, *, color: bool = False) -> str:
    """Lint and probe findings alike, each at the line of the profile value it is about."""
    return annotations(report.findings)
