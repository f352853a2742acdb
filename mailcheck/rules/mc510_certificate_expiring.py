"""The server's certificate is valid, but expires soon.

## What it does
After a verified handshake, `mailcheck probe` reads the certificate's `notAfter` date and
warns when fewer days are left than `--cert-warn-days` (default 14).

## Why is this bad?
When the certificate expires, every verifying client stops connecting at once.
Automated renewal (ACME) renews 30 days ahead; a certificate this close to its end
usually means renewal is failing.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
```

## Use instead
The profile is right; renew the server's certificate, or fix its automated renewal.
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
```

## References
- RFC 5280, section 4.1.2.5 (validity period)
- RFC 8555 (ACME, automated renewal)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC510", "certificate-expiring", Severity.WARNING, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(days_left: int, not_after: str, warn_days: int) -> Outcome:
    when = "today" if days_left <= 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
    return Outcome(
        (("host",),),
        f"the server's certificate expires {when} (notAfter {not_after})",
        f"renew the certificate (or fix its automated renewal) before {not_after}; "
        f"this warns at fewer than {warn_days} days (--cert-warn-days)",
    )
