"""Certificate verification is turned off.

## What it does
Warns about `tls.verify: false`.

## Why is this bad?
Without verification, TLS encrypts the connection to whoever answers: an attacker on the
path can present any certificate and read the password and the mail. It is usually set
to get past a self-signed or internal certificate; trusting that CA with `tls.ca_file`
fixes the cause instead.

## Example
```yaml
outgoing:
  protocol: smtp
  host: mail.internal.example.com
  security: starttls
  tls: {verify: false}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: mail.internal.example.com
  security: starttls
  tls: {ca_file: certs/internal-ca.pem}
```

## References
- RFC 8314, section 4.1 (certificate verification for mail clients); RFC 6125
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC206", "tls-verify-disabled", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    if ctx.profile.setting("tls", "verify") is not False:
        return
    yield ctx.problem(
        ("tls", "verify"),
        f"tls.verify is false: any certificate is accepted for {ctx.profile.host}, so the connection can be intercepted",
        "remove `verify: false`; for a private CA, set tls.ca_file to its PEM file; for an IP host, set tls.server_name",
    )
