'''The profile expects implicit TLS, but the port speaks plaintext first.

## What it does
With `security: tls`, `mailcheck probe` starts a TLS handshake as soon as the connection
opens. When the server answers with its plaintext greeting instead (the client reports
`[SSL: WRONG_VERSION_NUMBER]`), the probe opens a second connection, listens without
sending anything, and names the mode the port speaks.

## Why is this bad?
Clients fail at once with a TLS error that does not say what is wrong. The port is a
STARTTLS port (587, 143, 110) used with the implicit-TLS setting.

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
- RFC 8314, section 3 (implicit TLS)
- RFC 3207 (SMTP STARTTLS), RFC 2595 (IMAP and POP3 STARTTLS)
'''

from __future__ import annotations

from mailcheck.findings import Rule, Severity
from mailcheck.probe.outcome import Outcome, quote

RULE = Rule("MC504", "tls-expected-plaintext-found", Severity.ERROR, __doc__, stage="probe")


def outcome(port: int, speaks: str, sample: str) -> Outcome:
    """`speaks`: what answered, e.g. "a plaintext SMTP greeting"."""
    return Outcome(
        RULE,
        (("security",),),
        f"security is tls, but port {port} speaks plaintext first: it sent '{quote(sample, 80)}' "
        "where a TLS handshake was expected (WRONG_VERSION_NUMBER)",
        f"port {port} answered with {speaks}: set security: starttls",
    )
