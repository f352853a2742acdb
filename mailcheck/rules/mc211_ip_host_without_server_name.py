"""The host is an IP address and no certificate name is given.

## What it does
Warns about a profile whose `host` is an IP address, that uses TLS with verification on,
and has no `tls.server_name`.

## Why is this bad?
Certificates are issued for names. Verifying one against an IP address fails with
"IP address mismatch, certificate is not valid for '192.0.2.10'" unless the certificate
lists that address, which public CAs rarely do. The usual reaction is `verify: false`;
`tls.server_name` keeps verification and connects to the IP.

## Example
```yaml
outgoing:
  protocol: smtp
  host: 192.0.2.10
  security: starttls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: 192.0.2.10
  security: starttls
  tls: {server_name: smtp.example.com}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.hosts import parse_ip
from mailcheck.protocols import Security
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC211", "ip-host-without-server-name", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if profile.security is Security.NONE or parse_ip(profile.host) is None:
        return
    if profile.setting("tls", "verify") is False or profile.written("tls", "server_name"):
        return
    yield ctx.problem(
        ("host",),
        f"host {profile.host} is an IP address: certificate verification needs the name the certificate is issued for",
        f"set tls.server_name to the name on the server's certificate (e.g. {profile.protocol.value}.example.com)",
    )
