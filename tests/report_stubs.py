"""Reports built by hand for reporter tests: findings without the files they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from mailcheck.excerpt import Excerpt
from mailcheck.findings import Finding, Severity
from mailcheck.report import Command
from mailcheck.reporters.sarif import SarifReporter


class _WithFindings(Protocol):
    @property
    def findings(self) -> list[Finding]: ...

    def summary(self) -> dict[str, int]: ...


@dataclass
class FindingsReport:
    """A report (mailcheck.report.Report) holding findings and no source: no excerpt, no path."""

    command: Command
    findings: list[Finding]
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        return self.counts

    def excerpt(self, finding: Finding) -> Excerpt | None:
        return None

    def source_path(self, finding: Finding) -> Path | None:
        return None

    def fails(self, level: Severity) -> bool:
        return any(f.severity.rank >= level.rank for f in self.findings)


def render_probe(report: _WithFindings) -> str:
    """SARIF for a probe report known by its findings and summary alone."""
    return SarifReporter().render_any(FindingsReport("probe", list(report.findings), report.summary()))
