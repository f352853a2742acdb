"""Machine-readable output: the documented JSON shapes, stable across versions.

Each command has its own document: `check` its summary and findings, `probe` each profile's
steps and facts as well, `diff` the changes, profiles and findings of the review.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from mailcheck import __version__
from mailcheck.findings import Finding
from mailcheck.reporters.base import Reporter
from mailcheck.text import display_path

if TYPE_CHECKING:
    from mailcheck.probe.report import ProbeReport
    from mailcheck.report import CheckReport
    from mailcheck.review import ReviewResult
    from mailcheck.review.compare import Change, ProfileKey, Rename, Review

_TOOL = {"tool": "mailcheck", "version": __version__}


class JsonReporter(Reporter):
    name = "json"
    renders = frozenset({"check", "probe", "diff"})

    def render_check(self, report: CheckReport) -> str:
        document = {
            **_TOOL,
            "summary": report.summary(),
            "findings": [f.as_dict() for f in report.findings],
        }
        return _dumps(document)

    def render_probe(self, report: ProbeReport) -> str:
        document = {
            **_TOOL,
            "summary": report.summary(),
            "seconds": round(report.seconds, 3),
            "results": [r.as_dict() for r in report.results],
            "not_probed": [n.as_dict() for n in report.not_probed],
            "lint": [f.as_dict() for f in report.lint_findings],
        }
        return _dumps(document)

    def render_diff(self, report: ReviewResult) -> str:
        return review_json(report.shown())


def _dumps(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def review_json(review: Review) -> str:
    """A review (already redacted, see ReviewResult.shown) as `diff --format json` writes it;
    file names are shown as every report shows them (`display_path`)."""
    document = {
        **_TOOL,
        "base": review.base,
        "head": review.head,
        "summary": review.summary(),
        "profiles": {
            "added": [_key(k) for k in review.added],
            "removed": [_key(k) for k in review.removed],
            "renamed": [_rename(r) for r in review.renamed],
        },
        "changes": [_change(c) for c in review.changes],
        "findings": {
            "introduced": [_finding(f) for f in review.introduced],
            "fixed": [_finding(f) for f in review.fixed],
        },
    }
    return _dumps(_encodable(document))


def _key(key: ProfileKey) -> dict[str, str]:
    return {"file": display_path(key[0]), "profile": key[1]}


def _rename(rename: Rename) -> dict[str, object]:
    return {"from": _key(rename.before), "to": _key(rename.after), "same_settings": rename.same_settings}


def _change(change: Change) -> dict[str, object]:
    return {
        "file": display_path(change.file),
        "profile": change.profile,
        "setting": change.setting,
        "before": change.before,
        "after": change.after,
        "effect": change.effect.value,
        "reason": change.reason,
        "new_profile": change.new_profile,
    }


def _finding(finding: Finding) -> dict[str, object]:
    return {**finding.as_dict(), "file": display_path(finding.file)}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(node: object) -> object:
    """`node` with any lone surrogate (a byte that was not UTF-8) in its texts escaped as
    display_path does: JSON text is UTF-8 (RFC 8259, section 8.1), which cannot hold one."""
    if isinstance(node, str):
        return _SURROGATE.sub(lambda m: display_path(m.group()), node)
    if isinstance(node, dict):
        return {_encodable(k): _encodable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_encodable(v) for v in node]
    return node
