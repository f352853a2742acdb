"""The server accepted a login with a wrong password: it takes any credentials.

## What it does
With `--check-auth-enforced`, `mailcheck probe` logs in once with the profile's username
and a random wrong secret (new for every run, never shown) before the real login, over
the same verified TLS connection the real login would use. When the server accepts it
(SMTP `235`, IMAP `OK`, POP3 `+OK`), this is reported and the real login is not tried:
its success would prove nothing. A refused attempt is what a server should do; the real
login then runs on a fresh connection. The check costs one failed login per profile,
and is skipped (noted in the step) when the real login could not run either.

## Why is this bad?
A server that accepts any password is not checking the profile's: a test that "logs in"
passes with a wrong, expired or revoked secret, and the failure shows up only when the
app meets the real server. Causes: a development or catch-all server (MailHog, Mailpit,
smtp4dev, aiosmtpd with an accept-all authenticator) where production was meant, a relay
or proxy configured to ignore authentication, the wrong host or port (a load balancer's
health endpoint, an interception proxy) or a server misconfigured into an open relay
for anyone who sends AUTH.

## Example
```yaml
outgoing:
  protocol: smtp
  host: mailpit.internal.example.com
  port: 1025
  security: starttls
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
- RFC 4954, section 6 (SMTP AUTH: 235 on success, 535 on invalid credentials)
- RFC 9051, section 6.2 (IMAP LOGIN and AUTHENTICATE), RFC 1939 and RFC 5034 (POP3)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import quote

RULE = Rule("MC521", "accepts-any-credentials", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(username: str, method: str, secret_field: str, reply: str) -> Outcome:
    return Outcome(
        (("auth", "username"), ("auth",)),
        f"the server accepted a login as {username} with {method} and a random wrong {secret_field}: "
        f"'{quote(reply)}'; it accepts any credentials, so the profile's real login proves nothing "
        "and was not tried",
        "check that host and port name the real mail server, not a development or catch-all server "
        "(MailHog, Mailpit, smtp4dev) or a proxy; a server that ignores passwords must be fixed before "
        "this profile's credentials can be tested",
    )
