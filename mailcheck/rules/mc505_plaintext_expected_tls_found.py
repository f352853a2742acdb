"""The profile expects a plaintext greeting, but the port speaks implicit TLS.

## What it does
With `security: starttls` or `none`, `mailcheck probe` waits for the server's plaintext
greeting. When the port stays silent, the probe opens a second connection and offers a
TLS handshake (no credentials, no command): if the server answers it, the port speaks
implicit TLS and the profile's mode is wrong.

## Why is this bad?
Both sides wait for the other to speak first, so clients hang until their timeout and
then report a vague "connection timed out". The port is an implicit-TLS port (465, 993,
995) used with the STARTTLS setting.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 465
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
- RFC 8314, section 3.3 (ports 465, 993 and 995 speak implicit TLS)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC505", "plaintext-expected-tls-found", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(port: int, security: str, waited: float) -> Outcome:
    return Outcome(
        (("security",),),
        f"security is {security}, but port {port} speaks implicit TLS: it sent no greeting for "
        f"{waited:.1f}s and answered a TLS handshake on a second connection",
        f"port {port} answered a TLS handshake: set security: tls",
    )
