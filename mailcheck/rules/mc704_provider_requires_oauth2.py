"""The provider accepts only OAuth2 on this server, and the profile logs in with a password.

## What it does
For a host that is a known provider's server, reads the authentication methods the ISPDB
publishes for it. When every entry for that host and protocol lists `OAuth2` and nothing
else, a profile with `auth` whose mechanism is not `xoauth2` is reported.

## Why is this bad?
The login is refused however right the password is: Microsoft turned basic authentication
off for Exchange Online's IMAP and POP3 and Outlook.com's mail, and the ISPDB lists only
OAuth2 for `outlook.office365.com`. An app still set up with a password fails on every
poll, often silently.

## Example
```yaml
inbox:
  protocol: imap
  host: outlook.office365.com
  security: tls
  auth: {username: reports@example.com, password: {env: M365_PASSWORD}}
```

## Use instead
```yaml
inbox:
  protocol: imap
  host: outlook.office365.com
  security: tls
  auth: {username: reports@example.com, mechanism: xoauth2, token: {env: M365_OAUTH_TOKEN}}
```

## References
- Thunderbird ISPDB's `<authentication>` values (thunderbird/autoconfig, MPL-2.0; the commit
  is in `mailcheck/providers/README.md`)
- RFC 7628 (SASL OAUTHBEARER) and Google's and Microsoft's XOAUTH2
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.providers import known
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC704", "provider-requires-oauth2", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if not profile.has_auth or profile.mechanism == "xoauth2":
        return
    found = known(profile)
    if found is None:
        return
    published = [(p, s) for p, s in found.ispdb if s.auth]
    if not published or any(set(s.auth) != {"OAuth2"} for _, s in published):
        return
    providers = ", ".join(sorted({p.title for p, _ in published}))
    keys = ctx.first_written(("auth", "mechanism"), ("auth", "password"), ("auth",))
    yield ctx.problem(
        keys,
        f"{found.host} accepts only OAuth2 for {found.protocol} ({providers}, per the ISPDB), "
        f"but the profile logs in with mechanism {profile.mechanism}",
        "set mechanism: xoauth2 with token: {env: NAME} (an OAuth 2.0 access token); a password is refused",
    )
