"""Check one profile file: load, validate the structure, run the rules, apply suppressions.

Every problem becomes a Finding; nothing here prints, exits or touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailcheck.config import Settings
from mailcheck.findings import Finding, Rule, dotted, iter_unique, sort_key
from mailcheck.format import strip_extensions
from mailcheck.loader import Document, UnreadableDocument, read_document
from mailcheck.profile import ProfileView
from mailcheck.rules import all_rules, find_rule, profile_rules
from mailcheck.rules.base import ProfileContext
from mailcheck.schema import validator
from mailcheck.secrets import Redactor, collect_written_secrets
from mailcheck.suppressions import parse_suppressions
from mailcheck.validator import Violation


@dataclass
class FileResult:
    file: str  # as shown to the user
    profiles: int = 0
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None
    redact: Redactor = field(default_factory=Redactor)
    # the structurally valid profiles, by name: the ones rules ran on and the probe may use
    valid_profiles: dict[str, dict] = field(default_factory=dict)

    def source_line(self, number: int) -> str | None:
        """A source line for display, with any secret the file contains masked."""
        if self.document is None or not 1 <= number <= len(self.document.lines):
            return None
        return self.redact(self.document.lines[number - 1])


def check_file(path: Path, shown: str, settings: Settings) -> FileResult:
    result = FileResult(shown)
    try:
        document = read_document(path)
    except UnreadableDocument as err:
        problem = err.problem
        result.findings = settle(
            [_at(all_rules()["MC001"], shown, problem.mark, (), problem.message, problem.hint)], settings, None
        )
        return result
    result.document = document
    collect_written_secrets(document.data, result.redact)
    raw = [_at(all_rules()[p.rule], shown, p.mark, p.path, p.message, p.hint) for p in document.problems]
    raw += _lint_document(document, shown, result)
    findings = [_redacted(f, result.redact) for f in raw] if result.redact else raw
    result.findings = settle(findings, settings, document)
    return result


def _lint_document(document: Document, shown: str, result: FileResult) -> list[Finding]:
    data = strip_extensions(document.data)
    violations = _without_typo_echoes(validator().violations(data))
    findings = [_structural(v, document, shown, data) for v in violations]
    profiles = data.get("profiles")
    if not isinstance(profiles, dict):
        return findings
    result.profiles = len(profiles)
    broken = {v.path[1] if len(v.path) > 1 else v.key for v in violations if v.path[:1] == ("profiles",)}
    rules = profile_rules()
    for name, body in profiles.items():
        if name in broken or not isinstance(body, dict):
            continue
        result.valid_profiles[name] = body
        context = ProfileContext(document, shown, ProfileView(name, body))
        for rule in rules:
            findings.extend(rule.check(context))  # type: ignore[misc]
    return findings


def _without_typo_echoes(violations: list[Violation]) -> list[Violation]:
    """Drop "X is required" where an unknown key at the same place is a misspelling of X:
    the unknown-key finding already says "did you mean X?", one finding per mistake."""
    import difflib

    unknown = {(v.path, v.key) for v in violations if v.kind == "unknown-key"}

    def echoed(v: Violation) -> bool:
        siblings = [key for path, key in unknown if path == v.path and key]
        return v.kind == "missing" and bool(difflib.get_close_matches(v.key or "", siblings, n=1, cutoff=0.75))

    return [v for v in violations if not echoed(v)]


def _structural(violation: Violation, document: Document, shown: str, data: dict) -> Finding:
    """A schema violation as MC101 (shape), MC102 (unknown key) or MC103 (version)."""
    from mailcheck.rules import mc101_schema_violation as mc101
    from mailcheck.rules import mc102_unknown_key as mc102
    from mailcheck.rules import mc103_unsupported_version as mc103

    path = violation.path
    on_key = violation.kind in ("unknown-key", "bad-name")
    target = path + (violation.key,) if on_key else path
    # a missing key belongs to its mapping: point at the mapping's own key (e.g. the profile name)
    mark = document.locate(target, key=on_key or violation.kind == "missing")
    message = f"{dotted(target) or 'the file'}: {violation.message}"
    if path[:1] == ("version",) or (path == () and violation.key == "version" and violation.kind == "missing"):
        return _at(mc103.RULE, shown, mark, ("version",), f"version: {violation.message}", mc103.HINT)
    if violation.kind == "unknown-key":
        return _at(mc102.RULE, shown, mark, target, message, mc102.hint_for(violation))
    return _at(mc101.RULE, shown, mark, target, message, mc101.hint_for(violation, _value_at(data, path)))


def _value_at(data: Any, path: tuple) -> Any:
    for step in path:
        if not isinstance(data, dict) or step not in data:
            return None
        data = data[step]
    return data


def _at(rule: Rule, shown: str, mark: Any, path: tuple, message: str, hint: str) -> Finding:
    profile = str(path[1]) if len(path) > 1 and path[0] == "profiles" else None
    return rule.finding(
        file=shown, line=mark.line, column=mark.column, profile=profile, path=path, message=message, hint=hint
    )


def _redacted(finding: Finding, redact: Redactor) -> Finding:
    from dataclasses import replace

    return replace(finding, message=redact(finding.message), hint=redact(finding.hint))


def settle(findings: list[Finding], settings: Settings, document: Document | None) -> list[Finding]:
    """Apply configuration and suppression comments, and sort: for lint and probe findings alike."""
    suppressions = parse_suppressions(document.lines, _rule_id) if document is not None else None
    kept: list[Finding] = []
    for finding in iter_unique(findings):
        if finding.rule in settings.disable or (suppressions and suppressions.covers(finding)):
            continue
        override = settings.severity.get(finding.rule)
        kept.append(finding.with_severity(override) if override else finding)
    return sorted(kept, key=sort_key)


def _rule_id(token: str) -> str | None:
    rule = find_rule(token)
    return rule.id if rule else None
