"""An SMTP profile has no sender address.

## What it does
Reports an smtp profile without `from.address` whose username is not an e-mail address
(or that has no auth at all), so there is no address to send from. The username counts as
an address under the same policy as `from.address` (MC401): `cron@localhost` and
`app@[192.0.2.1]` are, `admin@intranet` (a single label) is not.

## Why is this bad?
Applications fall back to the login name as the sender. When the login is `apikey`,
`AKIAIOSFODNN7EXAMPLE` or a local account name, the server rejects `MAIL FROM` or the
message is sent from an address that fails SPF and DMARC at the receiver.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.sendgrid.net
  security: starttls
  auth: {username: apikey, password: {env: SENDGRID_API_KEY}}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.sendgrid.net
  security: starttls
  auth: {username: apikey, password: {env: SENDGRID_API_KEY}}
  from: {address: notifications@example.com, name: Example}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.addresses import address_problem, is_address
from mailcheck.protocols import Protocol
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC402", "missing-sender", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if profile.protocol is not Protocol.SMTP or profile.sender_address or is_address(profile.username):
        return
    why = _not_an_address(profile.username) if profile.username else "there is no username"
    yield ctx.problem(
        ctx.first_written(("auth", "username"), ("protocol",)),
        f"smtp profile has no from.address and {why} to send from",
        "add `from: {address: sender@example.com}` with an address the server lets this login send as",
    )


def _not_an_address(username: str) -> str:
    """Why the login cannot be the sender: it is no address, or one MC401 would refuse."""
    problem = address_problem(username) if "@" in username else None
    if problem is None:
        return f"the username {username!r} is not an address"
    return f"the username {username!r} is not a usable address ({problem.message})"
