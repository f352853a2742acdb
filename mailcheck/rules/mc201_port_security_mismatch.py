"""A protocol's own well-known port is used with the other security mode.

## What it does
Checks `security` against the port's standard mode: SMTP 465, IMAP 993 and POP3 995 speak
implicit TLS (`security: tls`); SMTP 587 and 25, IMAP 143 and POP3 110 start in plaintext
and upgrade with STARTTLS (`security: starttls`).

## Why is this bad?
Implicit TLS against a STARTTLS port fails at once with `[SSL: WRONG_VERSION_NUMBER]`: the
server sent its plaintext greeting where the client expected a TLS handshake. STARTTLS
against an implicit-TLS port hangs until the timeout: both sides wait for the other to
speak first. Both are among the most common mail configuration errors.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 587
  security: tls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 587
  security: starttls
```

## References
- RFC 8314, section 3 (implicit TLS on 465, 993, 995)
- RFC 6409 (submission on 587), RFC 3207 (SMTP STARTTLS), RFC 2595 (IMAP and POP3 STARTTLS)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.protocols import Security, default_port, suggested_security, well_known
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC201", "port-security-mismatch", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    known = well_known(profile.port)
    if known is None or known.protocol is not profile.protocol or profile.security in known.modes:
        return
    speaks = "implicit TLS" if known.implicit_tls else "plaintext first, then STARTTLS"
    right_mode = suggested_security(known)
    other_port = default_port(profile.protocol, profile.security)
    keys = ("port",) if profile.written("port") else ("security",)
    yield ctx.problem(
        keys,
        f"{profile.protocol.value} port {profile.port} ({known.name}) speaks {speaks}, "
        f"but security is {profile.security.value}",
        f"set security: {right_mode.value}, or keep security: {profile.security.value} and use port {other_port}"
        + (
            " (expect [SSL: WRONG_VERSION_NUMBER] as it is)"
            if profile.security is Security.TLS
            else " (expect a hang as it is)"
        ),
    )
