"""Check one profile file: load, validate the structure, run the rules, apply suppressions.

Every problem becomes a Finding; nothing here prints, exits or touches the network. Rules
run on every profile that is a mapping, whatever else is wrong with it: a structural
finding about one field never hides what the rules find in the others (see profile.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailcheck.config import Settings
from mailcheck.excerpt import Excerpt, SourceLines
from mailcheck.findings import Finding, Rule, dotted, iter_unique, sort_key
from mailcheck.format import strip_extensions
from mailcheck.loader import Document, UnreadableDocument, parse_document, read_document
from mailcheck.profile import FieldUnavailable, Keys, ProfileView
from mailcheck.rules import all_rules, find_rule, profile_rules
from mailcheck.rules import mc003_invalid_suppression as mc003
from mailcheck.rules import mc004_unused_suppression as mc004
from mailcheck.rules.base import ProfileContext
from mailcheck.schema import validator
from mailcheck.secrets import Redactor, secret_key_index
from mailcheck.suppressions import Suppressions, parse_suppressions
from mailcheck.validator import Violation


@dataclass
class FileResult:
    file: str  # as shown to the user (escaped where the name is not UTF-8, see text.display_path)
    path: Path | None = None  # the file itself
    profiles: int = 0
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None
    redact: Redactor = field(default_factory=Redactor)
    # the structurally valid profiles, by name: the ones rules ran on and the probe may use
    valid_profiles: dict[str, dict] = field(default_factory=dict)

    _source: SourceLines | None = field(default=None, repr=False)

    def excerpt(self, line: int, column: int) -> Excerpt | None:
        """The source line a finding is on, as shown: secrets masked, cut around `column`."""
        if self.document is None:
            return None
        if self._source is None:
            self._source = SourceLines(self.document.lines, self.document.secret_spans, self.redact)
        return self._source.excerpt(line, column)


def check_file(path: Path, shown: str, settings: Settings, *, content: bytes | None = None) -> FileResult:
    """Check the profile file at `path`, shown to the user as `shown`. With `content` (read
    from standard input), that is the file's text and `path` only names it: the folder a
    relative `tls.ca_file` is found in."""
    result = FileResult(shown, path)
    try:
        document = read_document(path) if content is None else parse_document(content, path)
    except UnreadableDocument as err:
        problem = err.problem
        result.findings = settle(
            [_at(all_rules()["MC001"], shown, problem.mark, (), problem.message, problem.hint)], settings, None
        )
        return result
    result.document = document
    for secret in document.secret_values:
        result.redact.add(secret)
    suppressions = parse_suppressions(document.comments, _rule_id, document.lines)
    raw = [_at(all_rules()[p.rule], shown, p.mark, p.path, p.message, p.hint) for p in document.problems]
    raw += _lint_document(document, shown, result)
    raw += [mc003.finding(problem, shown) for problem in suppressions.problems]
    findings = [_redacted(f, result.redact) for f in raw] if result.redact else raw
    kept = _apply(findings, settings, suppressions)
    # after every other finding has had its chance to use a suppression; MC004 findings can
    # themselves be suppressed (`# mailcheck: disable-line MC203, MC004`)
    kept += _apply(_unused_suppressions(suppressions, settings, shown), settings, suppressions)
    result.findings = sorted(kept, key=sort_key)
    return result


def _lint_document(document: Document, shown: str, result: FileResult) -> list[Finding]:
    data = strip_extensions(document.data)
    violations = _without_typo_echoes(validator().violations(data))
    findings = _structural_findings(violations, document, shown, data)
    profiles = data.get("profiles")
    if not isinstance(profiles, dict):
        return findings
    result.profiles = len(profiles)
    invalid = _invalid_fields(violations)
    rules = profile_rules()
    for name, body in profiles.items():
        if not isinstance(body, dict):
            continue
        if name not in invalid:
            result.valid_profiles[name] = body
        context = ProfileContext(document, shown, ProfileView(name, body, frozenset(invalid.get(name, ()))))
        for rule in rules:
            findings.extend(_run_rule(rule, context))
    return findings


def _run_rule(rule: Rule, context: ProfileContext) -> list[Finding]:
    """What `rule` finds in one profile; it stops, silently, at a field that cannot be read."""
    found: list[Finding] = []
    try:
        found.extend(rule.check(context))  # type: ignore[misc]
    except FieldUnavailable:
        pass  # the field's own structural finding is reported instead
    return found


def _invalid_fields(violations: list[Violation]) -> dict[str, set[Keys]]:
    """By profile name, the profile-relative paths that rules cannot read. A profile listed
    here, even with no path (an unknown key, a bad name), is not structurally valid."""
    invalid: dict[str, set[Keys]] = {}
    for v in violations:
        if v.path[:1] != ("profiles",):
            continue
        if len(v.path) == 1:  # about a name in `profiles` (bad-name, or not a mapping at all)
            invalid.setdefault(str(v.key), set())
            continue
        keys = tuple(str(k) for k in v.path[2:])
        fields = invalid.setdefault(str(v.path[1]), set())
        if v.kind == "missing":
            fields.add((*keys, str(v.key)))
        elif v.kind != "unknown-key":
            fields.add(keys)
        elif (secret := secret_key_index(v.path)) is not None:  # `{env: X, default: ...}` is no reference
            fields.add(keys[: secret - 1])
    return invalid


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
    message += _skipped_checks(violation)
    return _at(mc101.RULE, shown, mark, target, message, mc101.hint_for(violation, _value_at(data, path)))


def _structural_findings(violations: list[Violation], document: Document, shown: str, data: dict) -> list[Finding]:
    """One finding per violation, and one per broken password or token, whatever is wrong
    inside it: that is not shown anyway."""
    findings, secrets_seen = [], set()
    for violation in violations:
        field = _secret_field(violation)
        if field is None:
            findings.append(_structural(violation, document, shown, data))
        elif field not in secrets_seen:
            secrets_seen.add(field)
            findings.append(_in_secret(violation, document, shown, field))
    return findings


def _secret_field(violation: Violation) -> tuple | None:
    """The password or token field a violation lies inside (or is about the value of)."""
    on_key = violation.kind in ("unknown-key", "bad-name")
    target = violation.path + (violation.key,) if on_key else violation.path
    secret = secret_key_index(target)
    if secret is None or (on_key and secret == len(target) - 1):
        return None  # no secret, or an unknown key that merely looks like one (`pasword:`)
    return target[: secret + 1]


def _in_secret(violation: Violation, document: Document, shown: str, field: tuple) -> Finding:
    """A violation inside a password or token: reported at the field, with neither the value
    nor the keys written in it in the message, the path or the fingerprint. What is said is
    decided by the value's shape (the first violation of a broken mapping may be any of its
    several): the forms a reference takes, and rotation only where a secret may be written."""
    from mailcheck.rules import mc101_schema_violation as mc101
    from mailcheck.rules import mc102_unknown_key as mc102
    from mailcheck.rules.mc303_inline_secret import may_hold_secret

    mark = document.locate(field)
    name, key = dotted(field), str(field[-1])
    value = _value_at(document.data, field)
    if violation.kind == "pattern" and violation.path[-1:] == ("env",):
        message = f"{name}: the environment variable name is not valid (not shown)"
        return _at(mc101.RULE, shown, mark, field, message, mc101.hint_for(violation, None))
    if isinstance(value, dict) and ("env" in value or "file" in value) and len(value) > 1:
        message = f"{name}: a secret reference takes `env` or `file` alone; it holds other keys (not shown)"
        return _at(mc102.RULE, shown, mark, field, message, mc102.secret_reference_hint(may_hold_secret(value)))
    if isinstance(value, dict) and value.get("file") == "":
        message = f"{name}: the secret file's path is empty"
        hint = (
            "write {file: PATH} with the path of the file holding the secret, relative to the profile file "
            '(or use {env: NAME} or "${NAME}")'
        )
        return _at(mc101.RULE, shown, mark, field, message, hint)
    if isinstance(value, dict):  # {vault: ...}, {secretKeyRef: ...}, {}: another store's way, or nothing
        message = f"{name}: a secret reference is {{env: NAME}} or {{file: PATH}}; this mapping has neither (keys not shown)"
        rule = mc102.RULE if value else mc101.RULE
        return _at(rule, shown, mark, field, message, mc101.secret_reference_hint(key, rotate=False))
    message = f"{name}: expected {{env: NAME}}, {{file: PATH}} or a \"${{NAME}}\" string (the value is not shown)"
    return _at(mc101.RULE, shown, mark, field, message, mc101.secret_reference_hint(key, rotate=may_hold_secret(value)))


def _skipped_checks(violation: Violation) -> str:
    """Said on the finding that makes a profile's other checks impossible."""
    path = violation.path
    if len(path) == 2 and path[0] == "profiles" and violation.kind == "type":
        return "; no other check can run on this profile"
    about_protocol = (len(path) == 2 and violation.kind == "missing" and violation.key == "protocol") or (
        len(path) == 3 and path[2] == "protocol"
    )
    return "; the checks that depend on the protocol were skipped for this profile" if about_protocol else ""


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
    """Apply configuration and suppression comments, and sort: for lint and probe findings alike.
    (check_file applies them itself, to tell which suppressions were used: MC003, MC004.)"""
    suppressions = parse_suppressions(document.comments, _rule_id, document.lines) if document is not None else None
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


def _unused_suppressions(suppressions: Suppressions, settings: Settings, shown: str) -> list[Finding]:
    """MC004 for each rule named in a directive that hid nothing, except where this run
    cannot tell: a rule that did not run (disabled: the comment may be needed again when it
    runs, in another run's settings or after the configuration changes), a probe rule
    (`check` does not probe; a server's answer varies from run to run), and MC004 itself,
    named to keep a suppression on purpose (ruff's `# noqa: RUF100`)."""
    if mc004.RULE.id in settings.disable:
        return []
    rules = all_rules()
    return [
        mc004.finding(entry, shown)
        for entry in suppressions.unused()
        if entry.rule not in settings.disable and rules[entry.rule].stage == "lint" and entry.rule != mc004.RULE.id
    ]


def _rule_id(token: str) -> str | None:
    rule = find_rule(token)
    return rule.id if rule else None
