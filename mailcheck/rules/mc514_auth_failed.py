"""The server rejected the credentials.

## What it does
`mailcheck probe` logs in with the profile's username and secret (only over a verified
TLS connection) and reports a rejection, quoting the server's reply with any secret in
it masked. It tries one mechanism once, so a wrong password costs one failed attempt.

## Why is this bad?
Every send or fetch with the profile fails at login (SMTP `535 5.7.8`, IMAP
`[AUTHENTICATIONFAILED]`, POP3 `-ERR [AUTH]`). Causes: a wrong or expired password, a
username that is not the full address, an account that needs an app password (2FA),
or an expired OAuth2 token.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app, password: {env: SMTP_PASSWORD}}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
```

## References
- RFC 4954, section 6 (SMTP AUTH replies), RFC 5530 (IMAP response codes)
- RFC 3206 (POP3 AUTH and SYS response codes)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import quote

RULE = Rule("MC514", "auth-failed", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(username: str, method: str, reply: str) -> Outcome:
    return Outcome(
        (("auth", "username"), ("auth",)),
        f"login as {username} with {method} was rejected: '{quote(reply)}'",
        "check the username (often the full address) and the secret; accounts with two-factor "
        "authentication need an app password, OAuth2 tokens expire",
    )
