"""The provider publishes this server only without encryption: no port or `security` fixes it.

## What it does
For a host that is a known provider's server, reports when every (port, security) pair
published for that host and protocol, by every source, is cleartext (`socketType` plain in
the ISPDB, `ignoreTLS` in nodemailer). It says so whatever the profile sets: changing the
port or `security` cannot help, since the provider offers nothing else there.

## Why is this bad?
Mail and, with a login, the password cross the network readable by anyone on the path
(RFC 8314 asks for TLS for all mail access). MC204 and MC205 say the profile is cleartext;
this rule says why setting `security: tls` would only stop it from connecting.

## Example
```yaml
inbox:
  protocol: pop3
  host: pop.bb-niigata.jp
  security: none
```

## Use instead
```yaml
# Ask the provider for POP3 or IMAP over implicit TLS (995, 993) or with STARTTLS, or move
# the mailbox; keep the cleartext profile only with a suppression that says why:
inbox:
  protocol: pop3
  host: pop.bb-niigata.jp
  security: none  # mailcheck: disable-line MC705 -- provider offers no TLS (ticket 123)
```

## References
- RFC 8314 (cleartext considered obsolete for mail submission and access)
- Thunderbird ISPDB (thunderbird/autoconfig, MPL-2.0) and nodemailer's services.json (MIT):
  the commits are in `mailcheck/providers/README.md`
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.providers import known
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC705", "provider-cleartext-only", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    found = known(ctx.profile)
    if found is None or not found.servers or any(s.security != "none" for _, s in found.servers):
        return
    from mailcheck.providers.index import describe  # the index is loaded: its names are known

    provider = found.servers[0][0].title
    yield ctx.problem(
        ctx.first_written(("host",)),
        f"{provider} publishes {found.protocol} on {found.host} only in cleartext ({describe(list(found.servers))}): "
        "no port or security setting makes this profile encrypted",
        f"ask the provider for {found.protocol} over implicit TLS or with STARTTLS (RFC 8314), or use another "
        "provider; until then suppress this with the reason",
    )
