"""A suppression comment names an unknown rule or is not a valid directive.

## What it does
Warns about a `# mailcheck:` comment that cannot do what it was written for: a rule that
does not exist (`MC2O5` with the letter O, a misspelt name), a directive other than
`disable-line`, `disable-next-line` and `disable-file` (`# mailcheck: disable MC205`), or a
directive that names no rule. It is reported where the mistake is: at the unknown rule or
directive, or at the `#` when something is missing. The other rules of the same comment
still apply.

## Why is this bad?
A mistyped suppression suppresses nothing, silently: the finding it was meant for stays,
or, worse, the author believes a rule is switched off for a reason written next to it while
it is not, and the next reader trusts the comment. Like ruff's checks on `# noqa`
comments, this makes a suppression either work or say why it does not.

## Example
```yaml
profiles:
  relay:
    protocol: smtp
    host: relay.internal.example.com
    port: 25
    security: none   # mailcheck: disable MC2O5 -- relay on the private network
```

## Use instead
```yaml
profiles:
  relay:
    protocol: smtp
    host: relay.internal.example.com
    port: 25
    security: none   # mailcheck: disable-line MC205 -- relay on the private network
```

## References
- ruff, error suppression (invalid `# noqa` directives are reported): <https://docs.astral.sh/ruff/linter/#error-suppression>
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mailcheck.rules.base import DocumentContext, Problem, Rule, Severity

if TYPE_CHECKING:
    from mailcheck.suppressions import Problem as Malformed

RULE = Rule("MC003", "invalid-suppression", Severity.WARNING, __doc__)

FORMS = (
    "write `# mailcheck: disable-line ID[, ID ...] [-- reason]` for this line, "
    "`disable-next-line` for the line below or `disable-file` for the whole file"
)


def check(context: DocumentContext) -> Iterator[Problem]:
    for malformed in context.suppressions.problems:
        yield _described(malformed)


def _described(problem: Malformed) -> Problem:
    """What is wrong with one directive `parse_suppressions` could not read as meant."""
    text = _shown(problem.text)
    if problem.kind == "unknown-rule":
        message = f"unknown rule {text} in a suppression comment: it suppresses nothing"
        hint = _did_you_mean(problem.text) + "IDs or names as `mailcheck rules` lists them; a reason goes after `--`"
    elif problem.kind == "no-rule":
        message = f"`# mailcheck: {problem.text}` names no rule, so it suppresses nothing"
        hint = "name the rules, separated by commas: `# mailcheck: disable-line MC205 -- reason`"
    elif problem.kind == "unknown-directive":
        message = f"unknown suppression directive {text}: it suppresses nothing"
        hint = FORMS
    else:
        message = "a `# mailcheck:` comment without a directive suppresses nothing"
        hint = FORMS
    return Problem(problem.line, problem.column, (), message, hint)


def _did_you_mean(token: str) -> str:
    import difflib

    from mailcheck.rules import all_rules

    rules = all_rules().values()
    by_id = {rule.id: rule for rule in rules}
    by_name = {rule.name: rule for rule in rules}
    close = difflib.get_close_matches(token.upper(), by_id, n=1, cutoff=0.6) or difflib.get_close_matches(
        token.lower(), by_name, n=1, cutoff=0.6
    )
    if not close:
        return ""
    rule = by_id.get(close[0]) or by_name[close[0]]
    return f"did you mean {rule.id} ({rule.name})? "


def _shown(text: str, limit: int = 40) -> str:
    """`text` quoted for a message, cut to `limit` characters: a comment may be long."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
