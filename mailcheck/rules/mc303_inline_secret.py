'''A password or token is written in the file.

## What it does
Reports `auth.password` or `auth.token` given as a literal value instead of a reference:
`{env: NAME}`, `{file: PATH}` or `"${NAME}"`. The finding names the field, never the value.

## Why is this bad?
Profile files live in git: a committed password is readable by everyone with access to
the repository, its forks, its CI logs and its history, long after it is removed. It must
be treated as leaked and rotated.

## Example
```yaml
auth:
  username: app@example.com
  password: hunter2
```

## Use instead
```yaml
auth:
  username: app@example.com
  password: {env: SMTP_PASSWORD}
```
'''

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import Finding, ProfileContext, Rule, Severity
from mailcheck.secrets import parse_secret

RULE = Rule("MC303", "inline-secret", Severity.ERROR, __doc__)


@RULE.checks
def check(ctx: ProfileContext) -> Iterator[Finding]:
    if not ctx.profile.has_auth:
        return
    for field in ("password", "token"):
        if parse_secret(ctx.profile.setting("auth", field)).kind == "inline":
            yield ctx.finding(
                RULE,
                ("auth", field),
                f"auth.{field} is written inline: the secret is stored in the file (value not shown)",
                f"use {field}: {{env: NAME}} or {{file: PATH}}, and rotate the secret: it is in the file's history",
            )
