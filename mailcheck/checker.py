"""Check one profile file: the engine that runs the lint rules and settles their findings.

It knows kinds of rule, not rules (see mailcheck.rules): the load rule when the file cannot
be loaded; otherwise the document rules, then the profile rules on every profile that is a
mapping, then, once configuration and suppression comments have been applied to all of
those, the settled rules. It stamps each rule's ID, name and severity on what the rule
reports, masks secrets, and applies the settings and suppressions. Nothing here prints,
exits or touches the network. A structural finding about one field never hides what the
profile rules find in the others (see profile.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mailcheck.config import Settings
from mailcheck.excerpt import Excerpt, SourceLines
from mailcheck.findings import Finding, Problem, iter_unique, sort_key
from mailcheck.format import profiles_of, strip_extensions
from mailcheck.loader import Document, UnreadableDocument
from mailcheck.profile import FieldUnavailable, ProfileView
from mailcheck.rules import LintRules, find_rule, lint_rules
from mailcheck.rules.base import Checks, DocumentContext, ProfileContext, Seen, SettledContext
from mailcheck.rules.structure import unreadable_fields, violations_of
from mailcheck.secrets import Redactor
from mailcheck.sources import Source, read_source
from mailcheck.suppressions import Suppressions, parse_suppressions


@dataclass
class FileResult:
    file: str  # as shown to the user (escaped where the name is not UTF-8, see text.display_path)
    path: Path | None = None  # the file itself
    profiles: int = 0
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None
    redact: Redactor = field(default_factory=Redactor)
    # the structurally valid profiles, by name: the ones rules ran on and the probe may use
    valid_profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    _source: SourceLines | None = field(default=None, repr=False)

    def excerpt(self, line: int, column: int) -> Excerpt | None:
        """The source line a finding is on, as shown: secrets masked, cut around `column`."""
        if self.document is None:
            return None
        if self._source is None:
            self._source = SourceLines(self.document.lines, self.document.secret_spans, self.redact)
        return self._source.excerpt(line, column)


def check_file(
    path: Path, shown: str, settings: Settings, *, content: bytes | None = None, source: Source | None = None
) -> FileResult:
    """Check the profile file at `path`, or the app's config file there when `source` names
    the app, shown to the user as `shown`. With `content` (read from standard input), that is
    the file's text and `path` only names it: the folder a relative `tls.ca_file` is found in."""
    rules = lint_rules()
    result = FileResult(shown, path)
    try:
        document = read_source(path, source, content)
    except UnreadableDocument as err:
        result.findings = settle(_run(_enabled((rules.load,), settings), err.problem, shown), settings, None)
        return result
    result.document = document
    for secret in document.secret_values:
        result.redact.add(secret)
    suppressions = _suppressions(document)
    found = _in_app_terms(_lint(document, rules, settings, suppressions, result), document)
    kept = _apply(_redacted(found, result.redact), settings, suppressions)
    # after every other finding has had its chance to use a suppression; what the settled
    # rules report can itself be suppressed (`# mailcheck: disable-line MC203, MC004`)
    late = _run(_enabled(rules.settled, settings), SettledContext(suppressions, settings.disable), shown)
    kept += _apply(_redacted(late, result.redact), settings, suppressions)
    result.findings = sorted(kept, key=sort_key)
    return result


def _lint(
    document: Document, rules: LintRules, settings: Settings, suppressions: Suppressions, result: FileResult
) -> list[Finding]:
    """What the document rules find in the file and the profile rules in its profiles."""
    data = strip_extensions(document.data)
    context = DocumentContext(document, data, violations_of(data), suppressions)
    shown = result.file
    found = _run(_enabled(rules.document, settings), context, shown)
    profiles = profiles_of(data)
    if profiles is None:
        return found
    result.profiles = len(profiles)
    invalid = unreadable_fields(context.violations)
    profile_rules = _enabled(rules.profile, settings)
    for name, body in profiles.items():
        if not isinstance(body, dict):
            continue
        deferred = document.deferred.get(name, frozenset())
        if name not in invalid and not deferred:  # the probe uses only what is whole and known
            result.valid_profiles[name] = body
        view = ProfileView(name, body, frozenset(invalid.get(name, ())), deferred)
        found += _run(profile_rules, ProfileContext(document, shown, view), shown)
    return found


def _enabled(rules: Iterable[Checks[Seen]], settings: Settings) -> list[Checks[Seen]]:
    """The rules the settings leave on: a rule turned off is not run, since its findings
    would be dropped anyway."""
    return [rule for rule in rules if rule.RULE.id not in settings.disable]


def _run(rules: Iterable[Checks[Seen]], seen: Seen, shown: str) -> list[Finding]:
    """What each rule finds in `seen`, stamped with that rule's ID, name and severity."""
    found: list[Finding] = []
    for rule in rules:
        problems = _checked(rule, seen)
        if problems:
            found += (rule.RULE.stamp(problem, shown) for problem in problems)
    return found


def _checked(rule: Checks[Seen], seen: Seen) -> list[Problem]:
    """What `rule` finds; a profile rule stops, silently, at a field that cannot be read
    (the field's own structural finding is reported instead), keeping what it found before."""
    found: list[Problem] = []
    with contextlib.suppress(FieldUnavailable):
        found.extend(rule.check(seen))
    return found


def _redacted(findings: list[Finding], redact: Redactor) -> list[Finding]:
    if not redact:
        return findings
    return [replace(f, message=redact(f.message), hint=redact(f.hint)) for f in findings]


def settle(findings: list[Finding], settings: Settings, document: Document | None) -> list[Finding]:
    """Apply configuration and suppression comments, and sort: for lint and probe findings alike.
    (check_file applies them itself, so that the settled rules see which suppressions were used.)"""
    suppressions = _suppressions(document) if document is not None else None
    return sorted(_apply(findings, settings, suppressions), key=sort_key)


def _apply(findings: list[Finding], settings: Settings, suppressions: Suppressions | None) -> list[Finding]:
    """The findings neither disabled nor suppressed, with configured severities; a
    suppression that hides one is marked used."""
    kept: list[Finding] = []
    for finding in iter_unique(findings):
        if finding.rule in settings.disable or (suppressions is not None and suppressions.hide(finding)):
            continue
        override = settings.severity.get(finding.rule)
        kept.append(finding.with_severity(override) if override else finding)
    return kept


def _suppressions(document: Document) -> Suppressions:
    return parse_suppressions(document.comments, _rule_id, document.lines, document.comment_markers)


def _in_app_terms(findings: list[Finding], document: Document) -> list[Finding]:
    """Findings in an app's file with the fix spelt in the app's settings, where the
    adapter knows it: "set security: starttls" means nothing in grafana.ini."""
    if document.app is None:
        return findings
    fixed = []
    for finding in findings:
        app = document.profile_apps.get(finding.profile or "", document.app)
        fixed.append(replace(finding, hint=app.hints[finding.rule]) if finding.rule in app.hints else finding)
    return fixed


def _rule_id(token: str) -> str | None:
    rule = find_rule(token)
    return rule.id if rule else None
