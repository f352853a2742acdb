"""The test message was accepted for delivery but did not arrive in the receiving mailbox.

## What it does
With `mailcheck probe --round-trip`, an SMTP profile whose `test.receive_with` names an
imap or pop3 profile of the same file sends its test message (`--send-test`) with a
unique token, in its Message-ID and in an `X-Mailcheck-Token` header, and then looks for
it with the receiving profile: IMAP `UID SEARCH HEADER X-Mailcheck-Token <token>` in
INBOX and in the Junk folder, POP3 `UIDL` and `TOP n 0` of the messages it has not looked
at yet. It polls on a bounded schedule (0.5 s, 1 s, 2 s, 4 s, then every 5 s) until the
SMTP profile's timeout, or `--round-trip-timeout`, has passed since the server accepted
the message. Not found by then is this finding, with the time waited.

## Why is this bad?
A `250 Ok: queued` reply only says the server took responsibility for the message. Mail
that is queued and then bounced (an unknown local user behind a relay, a full mailbox),
deferred (greylisting, a downstream outage), quarantined or silently discarded (a content
filter, a wrong `virtual_alias_maps`) never reaches anyone, and the application that sent
it believes it did.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
  test: {send_to: app@old.example.com, receive_with: incoming}
incoming:
  protocol: imap
  host: imap.example.com
  security: tls
  auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
  test: {send_to: app@example.com, receive_with: incoming}
incoming:
  protocol: imap
  host: imap.example.com
  security: tls
  auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}
```

## References
- RFC 5321, section 6.1 (reliable delivery: a 250 reply transfers responsibility, not delivery)
- RFC 9051, section 6.4.4 (SEARCH HEADER); RFC 2449 and RFC 1939 (POP3 UIDL, TOP)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC522", "test-message-not-delivered", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(receiver: str, protocol: str, waited: float, polls: int, where: str, note: str = "") -> Outcome:
    return Outcome(
        (("test", "receive_with"), ("test", "send_to")),
        f"the test message was accepted but not found with {receiver} ({protocol}, {where}) after waiting "
        f"{waited:.1f}s ({polls} look{'s' if polls != 1 else ''}){note}",
        "check that test.send_to is the mailbox the receiving profile reads, and the server's mail log for "
        "the Message-ID (bounced, deferred, quarantined); a slow delivery needs a longer --round-trip-timeout",
    )
