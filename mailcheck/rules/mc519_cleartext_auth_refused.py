"""The probe refused to send credentials over an unencrypted connection.

## What it does
With `security: none` and `auth`, `mailcheck probe` stops before the login: the
credentials would cross the network in cleartext (AUTH PLAIN and LOGIN are only base64).
`--allow-cleartext-auth` lets a deliberate test do it anyway; the probe never falls
back to cleartext on its own.

## Why is this bad?
Anyone on the path can read the password. Servers that follow RFC 8314 refuse such
logins anyway, so the setting leaks the password or does not work.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 25
  security: none
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 587
  security: starttls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
```

## References
- RFC 8314, section 3 (use TLS for all mail access and submission)
- RFC 4954, section 4 (no PLAIN without a protected session)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC519", "cleartext-auth-refused", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome() -> Outcome:
    return Outcome(
        (("security",),),
        "the profile has auth and security: none: the credentials would cross the network unencrypted, "
        "so the login was not attempted",
        "set security: starttls or tls; to test a cleartext login deliberately (a lab network), "
        "run the probe with --allow-cleartext-auth",
    )
