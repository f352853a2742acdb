"""`mailcheck diff`: a security-aware review of profile changes between two revisions or files.

review = run_review("main", None, cwd=Path.cwd())   # main against the work tree
print(render_review(review, "markdown"))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mailcheck.config import ConfigError, find_config, load_settings
from mailcheck.review import render, snapshot
from mailcheck.review.compare import Review, compare
from mailcheck.review.git import ReviewError, toplevel
from mailcheck.secrets import Redactor

__all__ = ["FORMATS", "ReviewError", "ReviewResult", "run_review"]

FORMATS = {"markdown": render.markdown, "json": render.to_json}


@dataclass
class ReviewResult:
    review: Review
    redact: Redactor  # every secret written on either side: the last guard on the output

    def render(self, format_name: str) -> str:
        # Each text is redacted as it came from the files, before it is escaped for Markdown
        # or JSON: escaping could split a secret (`\|`, `\"`) so that a pass over the
        # finished output misses it, and such a pass could mask a number of the JSON
        # structure (`"line": 1` for a secret `1`).
        return FORMATS[format_name](self.review.with_text(self.redact))


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
        new = (
            snapshot.from_revision(head, top, settings)
            if head is not None
            else snapshot.from_worktree(top, settings)
        )
    redact = Redactor()
    old.add_secrets_to(redact)
    new.add_secrets_to(redact)
    return ReviewResult(compare(old, new), redact)
