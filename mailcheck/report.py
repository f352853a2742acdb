"""The report contract every output format reads, and the outcome of one `mailcheck check` run.

`Report` is what a reporter may read of any command's report: which command made it, the
findings, a summary, the source line under a finding and whether the run fails. CheckReport
(here), ProbeReport (mailcheck.probe.report) and ReviewResult (mailcheck.review) implement
it; formats whose layout differs by command also read the concrete report (see
mailcheck.reporters.base).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, Protocol

from mailcheck.checker import FileResult
from mailcheck.excerpt import Excerpt
from mailcheck.findings import Finding, Severity, count_by_severity, sort_key

Command = Literal["check", "probe", "diff"]


class Report(Protocol):
    """What every format may read of a report, whichever command made it."""

    @property
    def command(self) -> Command:
        """The command whose outcome this is: the formats that render it depend on it."""

    @property
    def findings(self) -> Sequence[Finding]:
        """The findings the report shows, sorted by file, line, column and rule."""

    def summary(self) -> dict[str, int]:
        """Counts for the report's headline; the keys depend on the command."""

    def excerpt(self, finding: Finding) -> Excerpt | None:
        """The source line `finding` is on as it may be shown (secrets masked, cut around
        the column); None when the report holds no source for that line."""

    def source_path(self, finding: Finding) -> Path | None:
        """The finding's file as the file system names it (`finding.file` is escaped for
        display where the name is not UTF-8); None when the report read no such file."""

    def fails(self, level: Severity) -> bool:
        """Whether the run fails at `level` (exit code 1); each command says what fails."""


@dataclass
class CheckReport:
    """The linter's outcome: one FileResult per file checked."""

    command: ClassVar[Literal["check"]] = "check"

    results: list[FileResult]

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for r in self.results for f in r.findings), key=sort_key)

    def summary(self) -> dict[str, int]:
        return {
            "files": len(self.results),
            "profiles": sum(r.profiles for r in self.results),
            **count_by_severity(self.findings),
        }

    def fails(self, level: Severity) -> bool:
        """A finding at `level` or above fails the run."""
        return any(f.severity.rank >= level.rank for f in self.findings)

    def excerpt(self, finding: Finding) -> Excerpt | None:
        result = self.result_for(finding.file)
        return result.excerpt(finding.line, finding.column) if result is not None else None

    def source_path(self, finding: Finding) -> Path | None:
        result = self.result_for(finding.file)
        return result.path if result is not None else None

    def result_for(self, file: str) -> FileResult | None:
        """The result of the file shown as `file`."""
        return next((r for r in self.results if r.file == file), None)
