"""The port is another mail protocol's well-known port.

## What it does
Reports a profile whose port belongs to another mail protocol: IMAP on 587, POP3 on 993,
SMTP on 143, and so on.

## Why is this bad?
The client greets a server that speaks another protocol: the login fails with a confusing
protocol error, or the connection hangs. It usually means the incoming and outgoing
settings were swapped, or one was copied from the other.

## Example
```yaml
inbox:
  protocol: imap
  host: mail.example.com
  port: 587
  security: starttls
```

## Use instead
```yaml
inbox:
  protocol: imap
  host: mail.example.com
  port: 143
  security: starttls
```

## References
- RFC 8314, RFC 6409: the ports of SMTP submission, IMAP and POP3
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.protocols import PROTOCOLS, default_port, well_known
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC202", "port-of-other-protocol", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    known = well_known(profile.port)
    if known is None or known.protocol is profile.protocol:
        return
    own = default_port(profile.protocol, profile.security)
    yield ctx.problem(
        ("port",),
        f"port {profile.port} is {PROTOCOLS[known.protocol].title}'s {known.name} port, "
        f"but the profile's protocol is {profile.protocol.value}",
        f"use port {own} for {profile.protocol.value} with security: {profile.security.value}, "
        "or check that the incoming and outgoing settings are not swapped",
    )
