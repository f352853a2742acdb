"""The profile has credentials, but the server offers no usable way to log in.

## What it does
After TLS, `mailcheck probe` reads the authentication the server offers: SMTP's EHLO
`AUTH` line, IMAP's `AUTH=` capabilities and the LOGIN command (unless `LOGINDISABLED`),
POP3's `SASL` and `USER` capabilities. When none is offered, the credentials cannot be
tested, and this is reported instead of a pass.

## Why is this bad?
A "Test connection" that passes without logging in proves nothing: "with some ports, an
SMTP server may disregard login and password". Port 25 of a relay often offers no AUTH;
many servers offer AUTH only after STARTTLS; some accept no logins on a given port.

## Example
```yaml
outgoing:
  protocol: smtp
  host: mx.example.com
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
- RFC 4954 (SMTP AUTH), RFC 9051 section 6.2 (IMAP LOGINDISABLED, AUTHENTICATE)
- RFC 5034 (POP3 SASL), RFC 2449 (POP3 CAPA)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC512", "auth-not-offered", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(encrypted: bool, starttls_offered: bool, verb: str) -> Outcome:
    where = "after TLS" if encrypted else "on this unencrypted connection"
    if not encrypted and starttls_offered:
        hint = f"the server offers {verb}: set security: starttls, it may offer login once the connection is encrypted"
    else:
        hint = (
            "use the server's submission or mailbox port that accepts logins (SMTP 587/465, IMAP 993, POP3 995), "
            "or remove auth if this server really takes no credentials"
        )
    return Outcome(
        (("auth",),),
        f"the server advertises no usable authentication {where}: the credentials were not tested, "
        "so a pass would prove nothing",
        hint,
    )
