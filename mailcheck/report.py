"""The outcome of one `mailcheck check` run, as every reporter sees it."""

from __future__ import annotations

from dataclasses import dataclass

from mailcheck.checker import FileResult
from mailcheck.findings import Finding, Severity, count_by_severity, sort_key


@dataclass
class CheckReport:
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
        return any(f.severity.rank >= level.rank for f in self.findings)

    def result_for(self, file: str) -> FileResult | None:
        return next((r for r in self.results if r.file == file), None)
