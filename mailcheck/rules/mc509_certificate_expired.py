"""The server's certificate has expired, or is not valid yet.

## What it does
`mailcheck probe` reports the OpenSSL verify errors 10 (certificate has expired) and
9 (certificate is not yet valid) for the certificate the server presents.

## Why is this bad?
Every verifying client refuses the connection until the certificate is renewed. A
certificate that is "not yet valid" usually means a wrong clock on the client or server.

## Example
```yaml
incoming:
  protocol: pop3
  host: pop.example.com
  security: tls
```

## Use instead
The profile is right; the server's administrator must renew the certificate (or fix the
clock). Do not set `tls.verify: false` to get past it.
```yaml
incoming:
  protocol: pop3
  host: pop.example.com
  security: tls
```

## References
- RFC 5280, section 4.1.2.5 (validity period)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC509", "certificate-expired", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


NOT_YET_VALID = 9


def outcome(code: int, reason: str) -> Outcome:
    if code == NOT_YET_VALID:
        hint = "check the clock of this machine and of the server: the certificate's validity starts later"
    else:
        hint = "the server's administrator must renew the certificate; do not set tls.verify: false to get past it"
    return Outcome(
        (("host",),),
        f"the server's certificate is not valid now: {reason} (OpenSSL verify error {code})",
        hint,
    )
