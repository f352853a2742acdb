"""GitLab Code Quality: the CodeClimate-style JSON array that merge request widgets read.

GitLab shows each entry on the changed line when `location.path` is relative to the
project root, and tells new findings from old ones by `fingerprint`, so both come from
`mailcheck.locations` (the same identity as SARIF's partialFingerprints).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mailcheck.findings import Finding
from mailcheck.locations import fingerprints, repo_path, repo_root

# GitLab's levels are info, minor, major, critical, blocker. An error fails the job, so it is
# at least "major"; "critical" and "blocker" are left for the user's own severity overrides
# to mean something, as other linters' GitLab formatters do.
SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render_check(report: Any, *, color: bool = False) -> str:
    return render(report)


def render_probe(report: Any, *, color: bool = False) -> str:
    return render(report)


def render(report: Any, root: Path | None = None) -> str:
    root = root or repo_root()
    findings: list[Finding] = list(report.findings)
    paths = [repo_path(f.file, root) or f.file for f in findings]
    issues = [
        _issue(f, path, fp)
        for f, path, fp in zip(
            findings, paths, fingerprints(findings, paths), strict=True
        )
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, path: str, fingerprint: str) -> dict[str, Any]:
    return {
        "type": "issue",
        "description": f"{finding.rule} {finding.name}: {finding.message} (fix: {finding.hint})",
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity.value],
        "location": {"path": path, "lines": {"begin": finding.line}},
    }
