"""GitHub Actions workflow commands: annotations on the pull request's lines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mailcheck.findings import Finding
from mailcheck.reporters.base import Reporter
from mailcheck.text import visible

if TYPE_CHECKING:
    from mailcheck.report import Report

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


class GithubReporter(Reporter):
    """Lint and probe findings alike, each at the line of the profile value it is about."""

    name = "github"
    renders = frozenset({"check", "probe"})

    def render_any(self, report: Report) -> str:
        return workflow_commands(report.findings)


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


def workflow_commands(findings: Iterable[Finding]) -> str:
    """One annotation command per finding, each on its own line."""
    return "".join(annotation(f) + "\n" for f in findings)
