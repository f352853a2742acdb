"""A review as Markdown, for a pull request comment (`diff --format markdown`).

Every text from the files (profile and file names, values, finding messages) is untrusted:
it is shown through `visible` (control characters as escapes), values and names in code
spans that no backtick can close, prose with Markdown's active characters escaped. The
review holds no secret value (see review/settings.py); the redactor ran over every text
before this (see ReviewResult.shown).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mailcheck.findings import Finding
from mailcheck.reporters.base import Reporter
from mailcheck.review.classify import Effect
from mailcheck.text import display_path, visible

if TYPE_CHECKING:
    from mailcheck.review import ReviewResult
    from mailcheck.review.compare import Change, ProfileKey, Rename, Review


class MarkdownReporter(Reporter):
    name = "markdown"
    renders = frozenset({"diff"})

    def render_diff(self, report: ReviewResult) -> str:
        return markdown(report.shown())


_EFFECT_LABEL = {
    Effect.WEAKENING: "**weakening**",
    Effect.STRENGTHENING: "strengthening",
    Effect.NEUTRAL: "neutral",
}


def markdown(review: Review) -> str:
    """A review (already redacted, see ReviewResult.shown) as a pull request comment."""
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
        [f"- added {_profile(k)} ({_added_note(review.weak_settings(k))})" for k in review.added]
        + [f"- removed {_profile(k)}" for k in review.removed]
        + [f"- renamed {_profile(r.before)} → {_profile(r.after)} ({_rename_note(r)})" for r in review.renamed]
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


def _added_note(weak: int) -> str:
    if not weak:
        return "reviewed against the safe baseline: nothing weaker"
    return f"{weak} weak setting{'s' if weak != 1 else ''} against the safe baseline: see the table"


def _rename_note(rename: Rename) -> str:
    return "same settings" if rename.same_settings else "and changed: see the table"


def _headline(summary: dict[str, int]) -> str:
    if not any(summary.values()):
        return "No profile changes."
    weak = summary["weakening"]
    lead = f"**{weak} weakening change{'s' if weak != 1 else ''}**" if weak else "No weakening change"
    rest = (
        f"{summary['strengthening']} strengthening, {summary['neutral']} neutral; "
        f"profiles: {summary['added']} added, {summary['removed']} removed, {summary['renamed']} renamed; "
        f"findings: {summary['introduced']} introduced, {summary['fixed']} fixed."
    )
    return f"{lead}, {rest}"


def _change_row(change: Change) -> str:
    cells = [
        _EFFECT_LABEL[change.effect],
        _profile((change.file, change.profile), in_table=True),
        _code(change.setting, in_table=True),
        "*new profile*" if change.new_profile else _value(change.before),
        _value(change.after),
        _prose(change.reason),
    ]
    return "| " + " | ".join(cells) + " |"


def _value(shown: str | None) -> str:
    if shown is None:
        return "*not set*"
    return _code(shown, in_table=True) if shown else "*empty*"


def _finding_line(finding: Finding) -> str:
    where = _code(f"{display_path(finding.file)}:{finding.line}")
    return (
        f"- {_prose(finding.severity.value)} {_prose(finding.rule)} {_prose(finding.name)}"
        f" at {where}: {_prose(finding.message)}"
    )


def _profile(key: ProfileKey, *, in_table: bool = False) -> str:
    return f"{_code(key[1], in_table=in_table)} ({_code(display_path(key[0]), in_table=in_table)})"


# Characters that start Markdown syntax inside a line: code spans, emphasis, links, raw
# HTML and entities, GFM strikethrough and table pipes. Any ASCII punctuation may be
# backslash-escaped (CommonMark 0.31.2, section 2.4), so escaping them always is safe.
_MARKDOWN_ACTIVE = re.compile(r"[\\`*_\[\]<&~|]")
_BACKTICK_RUN = re.compile("`+")


def _prose(text: str) -> str:
    """Untrusted text shown as plain text on one line: no formatting, link or HTML."""
    return _MARKDOWN_ACTIVE.sub(lambda m: "\\" + m.group(), visible(text))


def _code(text: str, *, in_table: bool = False) -> str:
    """`text` as one code span showing it exactly (CommonMark 0.31.2, section 6.1).

    The span ends at the first backtick string as long as the one that opened it, so the
    fence is one backtick longer than the longest run in the text; the parser strips one
    space from each end when both ends are spaces, so a text that starts or ends with a
    backtick (which would join the fence) or with spaces on both ends is padded with one.
    In a table a pipe would end the cell even inside a code span, so it is written `\\|`,
    which the table reads as a pipe (GFM spec, section 4.10, example 200).
    """
    shown = visible(text)
    if in_table:
        shown = shown.replace("|", "\\|")
    longest = max((len(run) for run in _BACKTICK_RUN.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    padded = (
        shown.startswith("`")
        or shown.endswith("`")
        or (shown.startswith(" ") and shown.endswith(" ") and shown.strip(" ") != "")
    )
    pad = " " if padded else ""
    return f"{fence}{pad}{shown}{pad}{fence}"
