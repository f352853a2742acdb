"""A suppression comment suppresses nothing in this run.

## What it does
Notes each rule named in a `# mailcheck: disable-line`, `disable-next-line` or
`disable-file` comment that hid no finding: the finding it was written for is gone (the
profile was fixed, the line moved), or it never was on that line. A comment that names
several rules is judged rule by rule, `disable-file` too, and a rule named twice in one
comment is reported the second time.

It stays silent where a run cannot tell: about rules turned off by `disable` in the
configuration or `--disable` (they did not run, so the comment may still be needed when
they do), about the probe's rules MC501-MC525 (`mailcheck check` does not probe, and a
server's answer changes from run to run), and about MC004 itself, which a comment may
name to keep a suppression that is unused on purpose, as ruff's `# noqa: RUF100` does.

## Why is this bad?
A stale suppression reads as a warning that is still there: reviewers believe the profile
needs an exception it no longer needs, and the comment will silence the same rule if the
mistake comes back on that line later, unnoticed. Remove what no longer applies.

## Example
```yaml
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 587   # mailcheck: disable-line MC203 -- was 2525 before the migration
    security: starttls
```

## Use instead
```yaml
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 587
    security: starttls
```

## References
- ruff, RUF100 unused-noqa: <https://docs.astral.sh/ruff/rules/unused-noqa/>
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mailcheck.rules.base import Problem, Rule, SettledContext, Severity

if TYPE_CHECKING:
    from mailcheck.suppressions import Entry

RULE = Rule("MC004", "unused-suppression", Severity.INFO, __doc__)


def check(context: SettledContext) -> Iterator[Problem]:
    """Each rule named in a directive that hid nothing, where this run can tell: the rule
    ran (it is not disabled), `check` runs it (not a probe rule), and it is not MC004."""
    from mailcheck.rules import find_rule

    for entry in context.suppressions.unused():
        if entry.rule in context.disabled or entry.rule == RULE.id:
            continue
        named = find_rule(entry.rule)
        if named is not None and named.stage == "lint":
            yield _described(entry)


def _described(entry: Entry) -> Problem:
    """Why one rule named in a directive suppresses nothing."""
    if entry.duplicate:
        again = entry.rule if entry.text.upper() == entry.rule else f"{entry.text} ({entry.rule})"
        message = f"{again} is named a second time in this suppression comment: it adds nothing"
        hint = f"remove this {entry.text}"
    else:
        where = {
            "disable-line": "on this line",
            "disable-next-line": f"on line {entry.target}",
            "disable-file": "in this file",
        }[entry.scope]
        message = f"`{entry.scope} {entry.text}` suppresses nothing: there is no {entry.rule} finding {where}"
        hint = f"remove {entry.text} from the comment, or the whole comment if it names nothing else"
    return Problem(entry.line, entry.column, (), message, hint)
