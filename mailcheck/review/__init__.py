"""`mailcheck diff`: a security-aware review of profile changes between two revisions or files.

result = run_review("main", None, cwd=Path.cwd())   # main against the work tree
print(result.render("markdown"))                    # or "json"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from mailcheck.config import ConfigError, find_config, load_settings
from mailcheck.excerpt import Excerpt
from mailcheck.findings import Finding, Severity
from mailcheck.review import snapshot
from mailcheck.review.compare import Review, compare
from mailcheck.review.git import ReviewError, toplevel
from mailcheck.secrets import Redactor

__all__ = ["ReviewError", "ReviewResult", "run_review"]


@dataclass
class ReviewResult:
    """The diff's report (mailcheck.report.Report): its findings are those the change
    introduces; the changes, profiles and fixed findings are in `shown()`."""

    command: ClassVar[Literal["diff"]] = "diff"

    review: Review
    redact: Redactor  # every secret written on either side: the last guard on the output

    def shown(self) -> Review:
        """The review as every format shows it: each text redacted as it came from the
        files, before a format escapes it for Markdown or JSON. Escaping could split a
        secret (`\\|`, `\\"`) so that a pass over the finished output misses it, and such a
        pass could mask a number of the JSON structure (`"line": 1` for a secret `1`)."""
        return self.review.with_text(self.redact)

    @property
    def findings(self) -> list[Finding]:
        """The findings the change introduces, sorted, redacted."""
        return self.shown().introduced

    def summary(self) -> dict[str, int]:
        return self.review.summary()

    def excerpt(self, finding: Finding) -> Excerpt | None:
        return None  # a review shows settings and findings, not source lines

    def source_path(self, finding: Finding) -> Path | None:
        return None  # a finding's file may be a git blob: no file on disk to name

    def fails(self, level: Severity) -> bool:
        """A change that weakens security fails the review, at every level: the findings
        it introduces are `check`'s to judge (`diff --fail-on-weakening`)."""
        return self.review.weakens

    def render(self, format_name: str) -> str:
        """The review in the format named `format_name` (markdown or json)."""
        from mailcheck.reporters import reporter_for

        return reporter_for(format_name, self.command)().render(self)


def run_review(base: str, head: str | None, *, cwd: Path) -> ReviewResult:
    """Compare BASE and HEAD: two files when both are files, else git revisions (HEAD None: work tree)."""
    try:
        settings = load_settings(find_config(cwd))
    except ConfigError as err:
        raise ReviewError(str(err)) from None
    if head is not None and (cwd / base).is_file() and (cwd / head).is_file():
        old = snapshot.from_file(cwd / base, base, head, settings)
        new = snapshot.from_file(cwd / head, head, head, settings)
    else:
        top = toplevel(cwd)
        old = snapshot.from_revision(base, top, settings)
        new = snapshot.from_revision(head, top, settings) if head is not None else snapshot.from_worktree(top, settings)
    redact = Redactor()
    old.add_secrets_to(redact)
    new.add_secrets_to(redact)
    return ReviewResult(compare(old, new), redact)
