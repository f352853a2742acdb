"""The server's certificate is not valid for the name the profile connects to.

## What it does
`mailcheck probe` checks the certificate against `tls.server_name`, or `host` when that
is not set (OpenSSL verify errors 62, hostname mismatch, and 64, IP address mismatch).
It then looks again without the name check (never logging in) to list the names the
certificate is valid for.

## Why is this bad?
A certificate for another name proves nothing about this server: clients refuse it, or,
told not to verify, would accept any impostor. Usually the profile uses an alias or an
IP address while the certificate names the server's canonical name.

## Example
```yaml
outgoing:
  protocol: smtp
  host: 198.51.100.7
  security: tls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: 198.51.100.7
  security: tls
  tls:
    server_name: smtp.example.com
```

## References
- RFC 6125 and RFC 9525 (service identity in certificates)
- RFC 7817 (TLS server identity checks for mail protocols)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC508", "certificate-name-mismatch", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(name: str, reason: str, names: list[str], via_server_name: bool) -> Outcome:
    """`via_server_name`: suggest tls.server_name (the host is an IP, or the profile sets it)."""
    if not names:
        hint = "use the name the server's certificate was issued for as host (or tls.server_name)"
    elif via_server_name:
        hint = f"the certificate is valid for {', '.join(names)}: set tls.server_name: {names[0]}"
    else:
        hint = f"the certificate is valid for {', '.join(names)}: set host to one of these names"
    return Outcome(
        (("tls", "server_name"), ("host",)),
        f"the server's certificate is not valid for {name}: {reason}",
        hint,
    )
