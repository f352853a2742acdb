"""Findings and the rules that produce them: the shape every check and probe reports in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, NamedTuple


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    file: str
    line: int
    column: int
    profile: str | None
    path: str
    message: str
    hint: str

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "profile": self.profile,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


class Problem(NamedTuple):
    """What a rule found and where, without naming a rule: the engine stamps the ID, name
    and severity of the rule that reported it (Rule.stamp), as yamllint's linter does.
    A NamedTuple: every run imports this module, and a dataclass costs a millisecond."""

    line: int
    column: int
    path: tuple[Any, ...]  # from the document's root: ("profiles", NAME, ...) for a profile's value
    message: str
    hint: str


@dataclass(frozen=True)
class Rule:
    """A rule's identity and documentation; its module holds the check (see mailcheck.rules).

    The documentation is the module docstring, written like ruff's: a summary line, then
    sections "What it does", "Why is this bad?", "Example", "Use instead", "References".
    """

    id: str
    name: str
    severity: Severity
    doc: str
    stage: str = "lint"  # lint: offline; probe: reported by `mailcheck probe`
    blocks_probe: bool = False  # a profile with this finding is not probed: its values are unsafe to send

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].rstrip(".")

    def sections(self) -> dict[str, str]:
        """The docstring's sections by heading, e.g. {"Why is this bad?": "..."}."""
        parts = _SECTION.split(self.doc.strip())
        return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}

    def finding(
        self,
        *,
        file: str,
        line: int,
        column: int,
        profile: str | None,
        path: tuple[Any, ...],
        message: str,
        hint: str,
    ) -> Finding:
        """A finding of this rule: its ID, name and default severity stamped on the rest."""
        return Finding(self.id, self.name, self.severity, file, line, column, profile, dotted(path), message, hint)

    def stamp(self, problem: Problem, file: str) -> Finding:
        """`problem`, found in `file`, as a finding of this rule (the engine's only way to
        make one): the profile is the one its path lies in."""
        return self.finding(
            file=file,
            line=problem.line,
            column=problem.column,
            profile=profile_of(problem.path),
            path=problem.path,
            message=problem.message,
            hint=problem.hint,
        )


def profile_of(path: tuple[Any, ...]) -> str | None:
    """The profile a document path lies in: NAME for ("profiles", NAME, ...)."""
    return str(path[1]) if len(path) > 1 and path[0] == "profiles" else None


def dotted(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path)


def sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.file, finding.line, finding.column, finding.rule)


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {"errors": 0, "warnings": 0, "infos": 0}
    for f in findings:
        counts[f.severity.value + "s"] += 1
    return counts


def iter_unique(findings: Iterable[Finding]) -> Iterator[Finding]:
    """Drop exact repeats (a merged value reached through several profiles is reported once each)."""
    seen: set[Finding] = set()
    for f in findings:
        if f not in seen:
            seen.add(f)
            yield f
