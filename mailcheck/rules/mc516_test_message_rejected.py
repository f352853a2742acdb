"""The server refused the probe's test message.

## What it does
With `mailcheck probe --send-test`, an SMTP profile that sets `test.send_to` sends a
short test message from `from.address` (or the username) with a unique Message-ID.
A refusal at MAIL FROM, RCPT TO or DATA is reported with the server's reply; a success
reports the server's queue reply.

## Why is this bad?
Logging in is not sending: the server may refuse the sender address for this login
(`553 sender address rejected: not owned by user`), refuse to relay
(`554 5.7.1 Relay access denied`), or refuse the content.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
  from: {address: noreply@other.example}
  test: {send_to: ops@example.com}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
  from: {address: app@example.com}
  test: {send_to: ops@example.com}
```

## References
- RFC 5321, sections 3.3 and 4.2 (mail transactions and reply codes)
- RFC 6409, section 6 (submission: sender checks)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import Keys, quote

RULE = Rule("MC516", "test-message-rejected", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


_WHERE: dict[str, tuple[tuple[Keys, ...], str]] = {
    "MAIL": (
        (("from", "address"), ("auth", "username"), ("test", "send_to")),
        "the server refused the sender: from.address must be an address this login may send as",
    ),
    "RCPT": (
        (("test", "send_to"),),
        (
            "the server refused the recipient: check test.send_to; 'Relay access denied' means this login "
            "may not send to other domains (or did not log in)"
        ),
    ),
    "DATA": ((("test", "send_to"),), "the server refused the message itself: its reply says why"),
}


def outcome(command: str, reply: str) -> Outcome:
    keys, hint = _WHERE[command]
    return Outcome(keys, f"the test message was refused at {command}: '{quote(reply)}'", hint)
