"""No TCP answer from the server within the timeout.

## What it does
`mailcheck probe` reports a connection attempt that gets neither an acceptance nor a
refusal before the profile's `timeout` runs out: the connection request is silently
dropped somewhere on the way.

## Why is this bad?
Every client using the profile hangs for its whole timeout and then fails. A firewall
that drops packets (often one that blocks outgoing port 25 or 465 from cloud hosts), a
host that is down, or an address that routes nowhere are the usual causes.

## Example
```yaml
outgoing:
  protocol: smtp
  host: 192.0.2.25
  port: 25
  security: starttls
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
- RFC 9293 (TCP connection establishment)
- RFC 6409, section 3.1 (use the submission port 587, not 25, for sending)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import PORT_OR_HOST

RULE = Rule("MC503", "connect-timeout", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(host: str, port: int, timeout: float) -> Outcome:
    return Outcome(
        PORT_OR_HOST,
        f"no TCP answer from {host} port {port} within the timeout of {timeout:g}s",
        f"the connection request was dropped: a firewall blocks outgoing port {port} from here, "
        "or the host is down; check host and port, and try from another network",
    )
