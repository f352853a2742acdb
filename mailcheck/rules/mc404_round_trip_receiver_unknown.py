"""`test.receive_with` names no IMAP or POP3 profile of the same file.

## What it does
Reports an smtp profile whose `test.receive_with` is not the name of an imap or pop3
profile in the same file: a name no profile has (a typo, a profile renamed or moved to
another file), or one of an smtp profile. `mailcheck probe --round-trip` reads the test
message back with that profile, so it must be a profile that reads mail, in the same file.

## Why is this bad?
The round trip cannot run: `mailcheck probe --round-trip` lists the profile as not
probed (SKIP) instead of proving that mail sent with it arrives, and the file promises a
check nobody makes.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
  test: {send_to: app@example.com, receive_with: incomming}
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
- RFC 9051 (IMAP), RFC 1939 (POP3): the protocols a receiving profile can speak
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.format import profiles_of
from mailcheck.protocols import Protocol
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC404", "round-trip-receiver-unknown", Severity.ERROR, __doc__)

RECEIVING = frozenset({Protocol.IMAP.value, Protocol.POP3.value})


def receiver_problem(name: str, profiles: dict[str, object] | None) -> str | None:
    """Why `name` cannot receive a round trip's test message; None when it can. Shared with
    the probe, which does not run a round trip this rule reports."""
    other = (profiles or {}).get(name)
    if not isinstance(other, dict):
        return f"test.receive_with {name!r} names no profile of this file"
    protocol = other.get("protocol")
    if not _receives(protocol):
        kind = f"the {protocol} profile" if isinstance(protocol, str) else "a profile without a valid protocol"
        return f"test.receive_with {name!r} names {kind}, not an imap or pop3 one"
    return None


def _receives(protocol: object) -> bool:
    return isinstance(protocol, str) and protocol in RECEIVING


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if profile.protocol is not Protocol.SMTP or not profile.written("test", "receive_with"):
        return
    name = profile.setting("test", "receive_with")
    if not isinstance(name, str):
        return
    problem = receiver_problem(name, profiles_of(ctx.document.data))
    if problem is None:
        return
    receivers = sorted(
        str(n)
        for n, body in (profiles_of(ctx.document.data) or {}).items()
        if isinstance(body, dict) and _receives(body.get("protocol"))
    )
    shown = ", ".join(receivers) if receivers else "none: add an imap or pop3 profile that reads test.send_to's mailbox"
    yield ctx.problem(
        ("test", "receive_with"),
        problem,
        f"set test.receive_with to the imap or pop3 profile of this file that reads test.send_to's mailbox "
        f"(this file's: {shown})",
    )
