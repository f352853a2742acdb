"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers).

Checked by Microsoft's validator with GitHub's ingestion rules (`Sarif.Multitool validate
--rule-kind "Gh;Sarif"`, see .ci/validate-sarif.sh). Paths are relative to the repository
root under the `SRCROOT` base id, so an upload from any checkout folder lands on the same
files; partialFingerprints come from `mailcheck.locations` and ignore line numbers.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING
from urllib.parse import quote

from mailcheck import __version__
from mailcheck.docs import explain_rule, rule_help_markdown
from mailcheck.findings import Finding, Rule
from mailcheck.locations import fingerprints, repo_path, repo_root
from mailcheck.reporters.base import Reporter
from mailcheck.rules import all_rules

if TYPE_CHECKING:
    from mailcheck.report import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# The project has no web address of its own, so no URI here names one. SARIF 2.1.0 makes
# informationUri and helpUri optional (a toolComponent needs only `name`, a rule only `id`),
# and both must be absolute: helpUri is left out (each rule's `help` carries its text), and
# informationUri is a URN because the validator's SARIF2005 asks for one.
TOOL_URI = "urn:mailcheck:tool"
BASE_ID = "SRCROOT"
FINGERPRINT_KEY = "mailcheck/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


class SarifReporter(Reporter):
    """The SARIF log of one run over the report's findings, lint and probe alike."""

    name = "sarif"
    renders = frozenset({"check", "probe"})

    def render_any(self, report: Report) -> str:
        root = repo_root()
        rules = list(all_rules().values())
        index = {rule.id: i for i, rule in enumerate(rules)}
        findings = list(report.findings)
        real_paths = [_real_path(report, f) for f in findings]
        paths = [repo_path(real, root) for real in real_paths]
        # as GitLab's, from the shown names: one identity per finding in both reports
        prints = fingerprints(findings, [repo_path(f.file, root) or f.file for f in findings])
        run = {
            "tool": {"driver": _driver(rules)},
            # one category per command, so check and probe uploads do not replace each other's alerts
            "automationDetails": {"id": f"mailcheck/{report.command}/"},
            "originalUriBaseIds": {BASE_ID: {"uri": "file://" + _uri(str(root)) + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [
                _result(f, index[f.rule], _artifact(real, path), fp, _snippet(report, f))
                for f, real, path, fp in zip(findings, real_paths, paths, prints, strict=True)
            ],
        }
        log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _driver(rules: list[Rule]) -> dict[str, object]:
    return {
        "name": "mailcheck",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": TOOL_URI,
        "rules": [_descriptor(rule) for rule in rules],
    }


def _descriptor(rule: Rule) -> dict[str, object]:
    sections = rule.sections()
    full = " ".join(sections.get(s, "") for s in ("What it does", "Why is this bad?")).strip()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _sentence(rule.summary)},
        "fullDescription": {"text": _sentence(" ".join(full.split()) or rule.summary)},
        "help": {"text": explain_rule(rule), "markdown": rule_help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"tags": [rule.stage, "mail"]},
    }


def _artifact(real: str, path: str | None) -> dict[str, object]:
    """Relative to SRCROOT inside the repository, an absolute file URI outside it."""
    if path is not None:
        return {"uri": _uri(path), "uriBaseId": BASE_ID}
    return {"uri": "file://" + _uri(os.path.abspath(real))}


def _result(
    finding: Finding,
    rule_index: int,
    artifact: dict[str, object],
    fingerprint: str,
    snippet: str | None,
) -> dict[str, object]:
    region: dict[str, object] = {"startLine": finding.line, "startColumn": finding.column}
    if snippet is not None:
        region["snippet"] = {"text": snippet}
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity.value],
        "message": {"text": _sentence(f"{finding.message}. Fix: {finding.hint}")},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"profile": finding.profile, "path": finding.path},
    }


def _real_path(report: Report, finding: Finding) -> str:
    """The finding's file as the file system names it (which may not be UTF-8)."""
    path = report.source_path(finding)
    return str(path) if path is not None else finding.file


def _uri(path: str) -> str:
    """A URI reference for a file name: its bytes percent-encoded (RFC 3986), so a name
    that is not UTF-8 still names the right file."""
    return quote(os.fsencode(path))


def _snippet(report: Report, finding: Finding) -> str | None:
    """The finding's source line as `check` shows it (secrets masked, long lines cut)."""
    excerpt = report.excerpt(finding)
    return excerpt.text if excerpt is not None else None


def _sentence(text: str) -> str:
    """SARIF viewers show messages as sentences; the validator asks for a closing period."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
