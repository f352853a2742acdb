"""The configured SASL mechanism is not among those the server offers.

## What it does
When `auth.mechanism` names a mechanism (`plain`, `login`, `cram-md5`, `xoauth2`),
`mailcheck probe` requires the server to offer it after TLS and lists what it offers
instead. With `mechanism: auto` the probe picks the best one offered.

## Why is this bad?
The client would fail at login with "Unrecognized authentication type" (SMTP 504) or a
similar reply, whatever the password.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}, mechanism: cram-md5}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}, mechanism: auto}
```

## References
- RFC 4422 (SASL), RFC 4616 (PLAIN), RFC 2195 (CRAM-MD5)
- Google and Microsoft XOAUTH2 documentation
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC513", "auth-mechanism-unsupported", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(configured: str, offered: list[str]) -> Outcome:
    return Outcome(
        (("auth", "mechanism"), ("auth",)),
        f"auth.mechanism is {configured}, but the server offers only {', '.join(offered)}",
        "set auth.mechanism: auto to use the best mechanism the server offers, or one it lists",
    )
