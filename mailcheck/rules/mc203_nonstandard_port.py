"""The port is not a standard port of the protocol, so its mode cannot be checked offline.

## What it does
Notes a port outside the protocol's well-known set (for SMTP 25, 465, 587; IMAP 143, 993;
POP3 110, 995), such as 2525 or 1025. It is informational: many providers and test
servers use such ports on purpose.

## Why is this bad?
On a standard port, mailcheck knows whether the server expects implicit TLS or STARTTLS.
On another port only the server knows, and a wrong `security` shows up as a hang or a
`WRONG_VERSION_NUMBER` error at run time. `mailcheck probe` finds out which mode the port
speaks, so it leaves this finding out of its report for the profiles it probes.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 2525
  security: starttls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 587
  security: starttls
```
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.protocols import Security, ports_of, well_known
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC203", "nonstandard-port", Severity.INFO, __doc__)
# What the server must speak for each mode: "whether it speaks none" says nothing.
_SPOKEN = {
    Security.TLS: "implicit TLS (security: tls)",
    Security.STARTTLS: "STARTTLS (security: starttls)",
    Security.OPPORTUNISTIC: "STARTTLS when offered (security: opportunistic)",
    Security.NONE: "plaintext (security: none)",
}


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if well_known(profile.port) is not None:
        return
    standard = ", ".join(str(p.port) for p in ports_of(profile.protocol))
    yield ctx.problem(
        ("port",),
        f"port {profile.port} is not a standard {profile.protocol.value} port ({standard}); "
        f"whether it speaks {_SPOKEN[profile.security]} cannot be checked offline",
        f"run `mailcheck probe --profile {profile.name}` to confirm the port speaks {_SPOKEN[profile.security]}",
    )
