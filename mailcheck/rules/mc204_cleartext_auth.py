"""Credentials would be sent without encryption.

## What it does
Reports a profile with `auth` and `security: none`, unless the host is loopback
(`localhost`, 127.0.0.0/8, `::1`), where nothing crosses a network.

## Why is this bad?
Without TLS, the username and password cross the network readable by anyone on the path:
AUTH PLAIN and LOGIN are only base64. Mail servers that follow RFC 8314 refuse such logins,
so the setting either leaks the password or does not work.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 25
  security: none
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
- RFC 8314, section 3 (use TLS for all mail access and submission)
- RFC 3207, section 4.1; RFC 2595, section 3.1
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.hosts import is_loopback
from mailcheck.protocols import Security, default_port
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC204", "cleartext-auth", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if profile.security is not Security.NONE or not profile.has_auth or is_loopback(profile.host):
        return
    tls_port = default_port(profile.protocol, Security.TLS)
    starttls_port = default_port(profile.protocol, Security.STARTTLS)
    yield ctx.problem(
        ("security",),
        f"auth is set but security is none: the password for {profile.host} would cross the network in cleartext",
        f"set security: starttls (port {starttls_port}) or security: tls (port {tls_port})",
    )
