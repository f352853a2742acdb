"""`auth` has no password (or, for xoauth2, no token).

## What it does
Reports an `auth` block without the secret its mechanism needs: `password` for plain,
login, cram-md5 and auto; `token` for xoauth2. An empty value counts as missing.

## Why is this bad?
The login fails at run time, and with some servers an empty password is tried and counted
as a failed attempt against the account.

## Example
```yaml
auth:
  username: app@example.com
  mechanism: xoauth2
  password: {env: APP_PASSWORD}
```

## Use instead
```yaml
auth:
  username: app@example.com
  mechanism: xoauth2
  token: {env: APP_OAUTH_TOKEN}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity
from mailcheck.secrets import parse_secret

RULE = Rule("MC302", "missing-secret", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if not profile.has_auth:
        return
    field = profile.secret_field
    if parse_secret(profile.setting("auth", field)).kind != "empty":
        return
    yield ctx.problem(
        ctx.first_written(("auth", field), ("auth",)),
        f"auth has no {field}" + (" (mechanism xoauth2 takes a token)" if field == "token" else ""),
        f"add `{field}: {{env: VARIABLE}}` under auth, or `{{file: path}}` for a mounted secret",
    )
