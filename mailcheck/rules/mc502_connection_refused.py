"""Nothing accepts connections on the profile's port.

## What it does
`mailcheck probe` opens a TCP connection to `host` and `port` and reports an immediate
refusal (the host answered, but no service listens on that port) or another error that
makes the connection impossible (no route to the host, network unreachable).

## Why is this bad?
The server cannot be reached on this port at all. The port is usually wrong for the
security mode (587 and 465 for submission, 993/143 for IMAP, 995/110 for POP3), the
service is down, or a firewall on the way rejects the connection.

## Example
```yaml
incoming:
  protocol: imap
  host: imap.example.com
  port: 933
  security: tls
```

## Use instead
```yaml
incoming:
  protocol: imap
  host: imap.example.com
  port: 993
  security: tls
```

## References
- RFC 8314, section 3.3 (ports 465, 993 and 995)
- RFC 6409 (submission on port 587)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import PORT_OR_HOST
from mailcheck.protocols import PROTOCOLS, Protocol

RULE = Rule("MC502", "connection-refused", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(protocol: Protocol, host: str, port: int, reason: str) -> Outcome:
    ports = ", ".join(f"{p} ({s.value})" for s, p in PROTOCOLS[protocol].default_ports.items())
    return Outcome(
        PORT_OR_HOST,
        f"connection to {host} port {port} failed: {reason}",
        f"nothing accepts connections on port {port}: check the port ({protocol.value} servers usually "
        f"listen on {ports}) and that the service is running",
    )
