"""The username is not in the form the provider expects: the full address, or only its local part.

## What it does
For a host that is a known provider's server, compares `auth.username` with the username
the provider publishes for it: `%EMAILADDRESS%` (the full address, `ann@example.com`),
`%EMAILLOCALPART%` (the part before `@`, `ann`) or a form such as
`%EMAILLOCALPART%.%EMAILDOMAIN%`. It reports a username that fits none of the forms
published for that host and protocol, and names the expected one (filled in from the
profile's address when it has one). Usernames that are references or placeholders are left
to the rules about them.

## Why is this bad?
The server refuses the login with the same error as for a wrong password
(`535 5.7.8 Authentication failed`), so the password is reset while the username is wrong.

## Example
```yaml
inbox:
  protocol: imap
  host: imap.gmail.com
  security: tls
  auth: {username: alerts, mechanism: xoauth2, token: {env: GMAIL_TOKEN}}
```

## Use instead
```yaml
inbox:
  protocol: imap
  host: imap.gmail.com
  security: tls
  auth: {username: alerts@gmail.com, mechanism: xoauth2, token: {env: GMAIL_TOKEN}}
```

## References
- Thunderbird ISPDB's `<username>` placeholders (thunderbird/autoconfig, MPL-2.0; the commit
  is in `mailcheck/providers/README.md`)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.providers import expand, known
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC703", "provider-username-form", Severity.WARNING, __doc__)

_NOT_A_LOGIN = ("%", "$", "{")  # placeholders and references: other rules judge them


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if not profile.has_auth or not profile.written("auth", "username") or profile.is_deferred("auth", "username"):
        return
    username = profile.username
    if not isinstance(username, str) or any(mark in username for mark in _NOT_A_LOGIN):
        return
    found = known(profile)
    if found is None:
        return
    from mailcheck.providers.profiles import username_form  # the index is loaded: its names are known

    templates = sorted({s.username for _, s in found.servers if s.username})
    if not templates or any(username_form(t).fullmatch(username.strip()) for t in templates):
        return
    provider = found.servers[0][0].title
    expected = " or ".join(templates)
    filled = sorted({expand(t, found.address) for t in templates} - set(templates))
    wants = "the full address" if templates == ["%EMAILADDRESS%"] else f"the login as {expected}"
    if templates == ["%EMAILLOCALPART%"]:
        wants = "only the local part of the address (before @)"
    yield ctx.problem(
        ("auth", "username"),
        f"{provider} expects {wants} as the {found.protocol} login on {found.host} ({expected}), "
        f"but the username is {username!r}",
        f"set username: {filled[0]}" if filled else f"write the username as {expected} for your address",
    )
