"""GitLab Code Quality: the CodeClimate-style JSON array that merge request widgets read.

GitLab shows each entry on the changed line when `location.path` is relative to the
project root, and tells new findings from old ones by `fingerprint`, so both come from
`mailcheck.locations` (the same identity as SARIF's partialFingerprints).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mailcheck.findings import Finding
from mailcheck.locations import fingerprints, repo_path, repo_root
from mailcheck.reporters.base import Reporter

if TYPE_CHECKING:
    from mailcheck.report import Report

# GitLab's levels are info, minor, major, critical, blocker. An error fails the job, so it is
# at least "major"; "critical" and "blocker" are left for the user's own severity overrides
# to mean something, as other linters' GitLab formatters do.
SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


class GitlabReporter(Reporter):
    """Lint and probe findings alike, one issue each, paths relative to the repository."""

    name = "gitlab"
    renders = frozenset({"check", "probe"})

    def render_any(self, report: Report) -> str:
        root = repo_root()
        findings = list(report.findings)
        paths = [repo_path(f.file, root) or f.file for f in findings]
        issues = [
            _issue(f, path, fp) for f, path, fp in zip(findings, paths, fingerprints(findings, paths), strict=True)
        ]
        return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, path: str, fingerprint: str) -> dict[str, object]:
    return {
        "type": "issue",
        "description": f"{finding.rule} {finding.name}: {finding.message} (fix: {finding.hint})",
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity.value],
        "location": {"path": path, "lines": {"begin": finding.line}},
    }
