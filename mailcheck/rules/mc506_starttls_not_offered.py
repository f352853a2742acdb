"""The server does not offer STARTTLS, or refuses it.

## What it does
With `security: starttls`, `mailcheck probe` reads the server's capabilities (SMTP EHLO,
IMAP CAPABILITY, POP3 CAPA) and requires STARTTLS (STLS for POP3) among them, then sends
it and requires a positive answer. It never continues without TLS.

## Why is this bad?
Without the upgrade, the session would stay in plaintext. A client that falls back
silently sends the password in clear; a strict one fails with "STARTTLS extension not
supported by server". Either the port is wrong, a middlebox strips STARTTLS from the
capabilities (a downgrade attack), or the server has no certificate configured.

## Example
```yaml
outgoing:
  protocol: smtp
  host: mx.example.com
  port: 25
  security: starttls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 465
  security: tls
```

## References
- RFC 3207 (SMTP STARTTLS), RFC 2595 (IMAP STARTTLS and POP3 STLS)
- RFC 8314, section 3 (prefer implicit TLS)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import quote

RULE = Rule("MC506", "starttls-not-offered", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


_HINT = (
    "use the provider's implicit-TLS port with security: tls (465 SMTP, 993 IMAP, 995 POP3), or have "
    "the server offer {verb}; never switch to security: none while the profile has credentials"
)


def not_offered(verb: str, port: int) -> Outcome:
    return Outcome(
        (("security",),),
        f"security is starttls, but the server on port {port} does not advertise {verb}",
        _HINT.format(verb=verb),
    )


def refused(verb: str, reply: str) -> Outcome:
    return Outcome(
        (("security",),),
        f"the server refused {verb}: '{quote(reply)}'",
        _HINT.format(verb=verb),
    )
