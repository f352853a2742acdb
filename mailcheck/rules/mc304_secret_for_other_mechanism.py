"""A secret is set that the chosen mechanism does not use.

## What it does
Reports `auth.token` with a mechanism other than xoauth2, and `auth.password` with
mechanism xoauth2.

## Why is this bad?
OAuth2 (XOAUTH2) logs in with an access token, the other mechanisms with a password: the
secret that is set is never sent, so the author's intent and the login disagree. Usually
`mechanism: xoauth2` was forgotten, or a password was left behind after moving to OAuth2.

## Example
```yaml
auth:
  username: app@example.com
  token: {env: APP_OAUTH_TOKEN}
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

RULE = Rule("MC304", "secret-for-other-mechanism", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if not profile.has_auth:
        return
    unused = "password" if profile.secret_field == "token" else "token"
    if not profile.written("auth", unused):
        return
    if unused == "token":
        hint = "set mechanism: xoauth2 to log in with the token, or remove `token:`"
    else:
        hint = "xoauth2 logs in with `token:`; remove `password:` or choose another mechanism"
    yield ctx.problem(
        ("auth", unused),
        f"auth.{unused} is set but mechanism {profile.mechanism} does not use it",
        hint,
    )
