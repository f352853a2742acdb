"""A step after the TCP connection ran past the profile's timeout.

## What it does
The profile's `timeout` bounds the whole probe of the profile. When the server stops
answering after the connection is open, `mailcheck probe` names the step that was
waiting: the greeting, the capabilities, STARTTLS, the TLS handshake, the login, the
test message. A server that sends one byte a second ends here too.

## Why is this bad?
Clients hang for their whole timeout, then fail with "timed out" and no reason. A
server that accepts connections but never greets is often an implicit-TLS port used
without TLS (see MC505), a tarpit, or an overloaded server.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: starttls
  timeout: 1
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: starttls
  timeout: 15
```

## References
- RFC 5321, section 4.5.3.2 (SMTP timeouts: 5 minutes for the greeting)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC518", "step-timeout", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(step: str, timeout: float) -> Outcome:
    return Outcome(
        (("timeout",), ("port",), ("host",)),
        f"the {step} step ran past the deadline: the probe's timeout of {timeout:g}s ran out waiting for the server",
        f"the server accepted the connection but stopped answering at {step}: check that the port speaks "
        f"this protocol and security mode, or raise timeout (now {timeout:g}s) for a slow server",
    )
