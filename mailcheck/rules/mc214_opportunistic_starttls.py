"""STARTTLS is used only when the server offers it: the upgrade can be stripped.

## What it does
Reports a profile with `security: opportunistic`, the mode of an app that asks for STARTTLS
when the server's reply lists it and goes on in plaintext when it does not, unless the host
is loopback (`localhost`, 127.0.0.0/8, `::1`). Profile files rarely say so themselves; the
app adapters do, for settings that mean it: Grafana's `startTLS_policy` left empty or
misspelt, Keycloak's `starttls`, Jakarta Mail's `mail.smtp.starttls.enable` without
`.required`.

## Why is this bad?
The offer travels in plaintext. Anyone on the path can delete `STARTTLS` from the server's
capabilities (the STRIPTLS attack), and the client then sends the login and the mail in
cleartext without a word. RFC 8314 section 3 and RFC 3207 section 4 say a client that
wants TLS must not fall back; the setting works in every test and fails open in the attack.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 587
  security: opportunistic
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
- RFC 8314, section 3 (no fallback to cleartext), RFC 3207, section 4 (SMTP STARTTLS)
- RFC 2595, section 2.2 (IMAP and POP3: a client must be able to refuse plaintext)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.hosts import is_loopback
from mailcheck.protocols import Security
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC214", "opportunistic-starttls", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if profile.security is not Security.OPPORTUNISTIC or is_loopback(profile.host):
        return
    carried = "the login and the mail then cross" if profile.has_auth else "the mail then crosses"
    yield ctx.problem(
        ("security",),
        f"STARTTLS is used only if {profile.host} offers it: anyone on the path can strip the offer, "
        f"and {carried} the network in cleartext",
        "require the upgrade: set security: starttls",
    )
