"""`auth` has no username.

## What it does
Reports an `auth` block without `username`, or with an empty one.

## Why is this bad?
Every SASL mechanism mailcheck supports needs a login name: the application fails at the
first login, or sends an empty name that the server rejects as a failed login (and
may count towards locking the account).

## Example
```yaml
auth:
  password: {env: SMTP_PASSWORD}
```

## Use instead
```yaml
auth:
  username: app@example.com
  password: {env: SMTP_PASSWORD}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC301", "missing-username", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    if not ctx.profile.has_auth or (ctx.profile.username or "").strip():
        return
    yield ctx.problem(
        ctx.first_written(("auth", "username"), ("auth",)),
        "auth has no username",
        "add `username:` under auth, usually the mailbox's full e-mail address",
    )
