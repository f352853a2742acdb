"""An authenticated SMTP profile submits on port 25.

## What it does
Warns about an smtp profile with `auth` on port 25.

## Why is this bad?
Port 25 is for relaying between mail servers. Clients submitting mail with a login belong
on 587 (STARTTLS) or 465 (implicit TLS): many networks and cloud providers block outgoing
port 25, and many servers do not offer AUTH there at all.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 25
  security: starttls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 587
  security: starttls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
```

## References
- RFC 6409 (message submission on 587), RFC 8314 section 3.3 (465)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.protocols import Protocol
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC208", "submission-on-port-25", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if profile.protocol is not Protocol.SMTP or profile.port != 25 or not profile.has_auth:
        return
    yield ctx.problem(
        ctx.first_written(("port",), ("security",)),
        "an authenticated smtp profile submits on port 25, the relay port",
        "submit on port 587 with security: starttls, or port 465 with security: tls",
    )
