"""The test message was delivered, but into the Junk folder.

## What it does
With `mailcheck probe --round-trip` and an imap receiving profile, the test message is
looked for in INBOX and in the Junk folder: the mailbox LIST marks with `\\Junk` (RFC 6154
special use), or else one named `Junk` or `Spam`. Found in Junk, it is deleted there as
in INBOX, and this warning reports where it was and how long it took to arrive.

## Why is this bad?
Mail from this profile reaches the mailbox but not the reader: spam filtering judged it
junk, typically for a sender domain without SPF, DKIM or DMARC alignment for the server
that sent it, a `from.address` of another domain than the login's, or a sending IP on a
block list. Users never see notifications filed there.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
  from: {address: noreply@unrelated.example}
  test: {send_to: app@example.com, receive_with: incoming}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
  from: {address: app@example.com}
  test: {send_to: app@example.com, receive_with: incoming}
```

## References
- RFC 6154, section 2 (the `\\Junk` special-use attribute)
- RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC523", "test-message-in-junk", Severity.WARNING, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(receiver: str, folder: str, latency: float) -> Outcome:
    return Outcome(
        (("test", "receive_with"), ("test", "send_to")),
        f"the test message arrived after {latency:.2f}s, but in the folder {folder!r} of {receiver}, not in INBOX",
        "check SPF, DKIM and DMARC for from.address's domain and the sending server, and that from.address "
        "is of the domain this login sends for; the receiving server's spam headers in the message say why",
    )
