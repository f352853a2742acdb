"""A review as Markdown (a pull request comment) or JSON (for bots and dashboards).

Every text that reaches the output passes through the redactor of both sides as a last
guard; the review itself already holds no secret value (see settings.py).
"""

from __future__ import annotations

import json
from typing import Any

from mailcheck import __version__
from mailcheck.findings import Finding
from mailcheck.review.classify import Effect
from mailcheck.review.compare import Change, ProfileKey, Rename, Review

_EFFECT_LABEL = {
    Effect.WEAKENING: "**weakening**",
    Effect.STRENGTHENING: "strengthening",
    Effect.NEUTRAL: "neutral",
}


def markdown(review: Review) -> str:
    summary = review.summary()
    lines = [
        f"### mailcheck review: {_code(review.base)} → {_code(review.head)}",
        "",
        _headline(summary),
        "",
    ]
    if review.changes:
        lines += [
            "| Effect | Profile | Setting | Before | After | Why |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [_change_row(c) for c in review.changes]
        lines.append("")
    profile_lines = (
        [f"- added {_profile(k)}" for k in review.added]
        + [f"- removed {_profile(k)}" for k in review.removed]
        + [
            f"- renamed {_profile(r.before)} → {_profile(r.after)} ({_rename_note(r)})"
            for r in review.renamed
        ]
    )
    if profile_lines:
        lines += ["**Profiles**", "", *profile_lines, ""]
    for title, findings in (
        ("Findings introduced", review.introduced),
        ("Findings fixed", review.fixed),
    ):
        if findings:
            lines += [f"**{title}**", "", *(_finding_line(f) for f in findings), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _rename_note(rename: Rename) -> str:
    return "same settings" if rename.same_settings else "and changed: see the table"


def _headline(summary: dict[str, int]) -> str:
    if not any(summary.values()):
        return "No profile changes."
    weak = summary["weakening"]
    lead = (
        f"**{weak} weakening change{'s' if weak != 1 else ''}**"
        if weak
        else "No weakening change"
    )
    rest = (
        f"{summary['strengthening']} strengthening, {summary['neutral']} neutral; "
        f"profiles: {summary['added']} added, {summary['removed']} removed, {summary['renamed']} renamed; "
        f"findings: {summary['introduced']} introduced, {summary['fixed']} fixed."
    )
    return f"{lead}, {rest}"


def _change_row(change: Change) -> str:
    cells = [
        _EFFECT_LABEL[change.effect],
        _profile((change.file, change.profile)),
        _code(change.setting),
        _code(change.before) if change.before is not None else "*not set*",
        _code(change.after) if change.after is not None else "*not set*",
        _cell(change.reason),
    ]
    return "| " + " | ".join(cells) + " |"


def _finding_line(finding: Finding) -> str:
    where = _code(f"{finding.file}:{finding.line}")
    return f"- {finding.severity.value} {finding.rule} {finding.name} at {where}: {_cell(finding.message)}"


def _profile(key: ProfileKey) -> str:
    return f"{_code(key[1])} ({_code(key[0])})"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    """A Markdown code span that survives backticks and table pipes in the value."""
    text = _cell(text)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def to_json(review: Review) -> str:
    document: dict[str, Any] = {
        "tool": "mailcheck",
        "version": __version__,
        "base": review.base,
        "head": review.head,
        "summary": review.summary(),
        "profiles": {
            "added": [_key(k) for k in review.added],
            "removed": [_key(k) for k in review.removed],
            "renamed": [
                {
                    "from": _key(r.before),
                    "to": _key(r.after),
                    "same_settings": r.same_settings,
                }
                for r in review.renamed
            ],
        },
        "changes": [
            {
                "file": c.file,
                "profile": c.profile,
                "setting": c.setting,
                "before": c.before,
                "after": c.after,
                "effect": c.effect.value,
                "reason": c.reason,
            }
            for c in review.changes
        ],
        "findings": {
            "introduced": [f.as_dict() for f in review.introduced],
            "fixed": [f.as_dict() for f in review.fixed],
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _key(key: ProfileKey) -> dict[str, str]:
    return {"file": key[0], "profile": key[1]}
