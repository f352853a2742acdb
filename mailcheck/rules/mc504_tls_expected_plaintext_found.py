"""The profile expects implicit TLS, but the port speaks plaintext first.

## What it does
With `security: tls`, `mailcheck probe` starts a TLS handshake as soon as the connection
opens. When the server answers with its plaintext greeting instead (the client reports
`[SSL: WRONG_VERSION_NUMBER]`), the probe opens a second connection, listens without
sending anything, and names the mode the port speaks. On a third connection it reads the
plaintext side's capabilities (EHLO, CAPABILITY or CAPA: no credentials, nothing else)
to tell whether the port offers STARTTLS, so the hint never suggests a mode the server
does not have.

## Why is this bad?
Clients fail at once with a TLS error that does not say what is wrong. The port is a
STARTTLS port (587, 143, 110) used with the implicit-TLS setting, or a port that speaks
plaintext only: then `security: starttls` would fail next (MC506) and `security: none`
would send the credentials in cleartext, and the fix is the server's implicit-TLS port.

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
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import quote
from mailcheck.protocols import PROTOCOLS, Protocol, Security

RULE = Rule("MC504", "tls-expected-plaintext-found", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(port: int, speaks: str, sample: str, protocol: Protocol, starttls: bool | None) -> Outcome:
    """`speaks`: what answered, e.g. "a plaintext SMTP greeting"; `starttls`: whether that
    plaintext side advertises STARTTLS (STLS), None when its capabilities could not be read."""
    return Outcome(
        (("security",),),
        f"security is tls, but port {port} speaks plaintext first: it sent '{quote(sample, 80)}' "
        "where a TLS handshake was expected (WRONG_VERSION_NUMBER)",
        _hint(port, speaks, protocol, starttls),
    )


def _hint(port: int, speaks: str, protocol: Protocol, starttls: bool | None) -> str:
    info = PROTOCOLS[protocol]
    implicit = (
        f"the server's implicit-TLS port ({info.default_ports[Security.TLS]} for {info.title}) with security: tls"
    )
    if starttls:
        return f"port {port} answered with {speaks}: set security: starttls"
    if starttls is None:
        return (
            f"port {port} answered with {speaks}, but its capabilities could not be read: set security: starttls "
            f"if it offers {info.starttls_verb}, otherwise use {implicit}"
        )
    return (
        f"port {port} answered with {speaks} and does not offer {info.starttls_verb}: it speaks plaintext only, "
        f"so security: starttls would fail (MC506) and security: none would send credentials and mail in "
        f"cleartext; use {implicit}"
    )
