"""The profile follows a nodemailer preset that Thunderbird's ISPDB contradicts for this server.

## What it does
For a host that is a known provider's server, reports a profile whose port and security
are published only by a nodemailer preset while the ISPDB lists the same host and protocol
with other pairs only (AOL: nodemailer's preset says 587, the ISPDB 465 with implicit TLS).
The finding names both. Where the sources agree, or only one of them knows the host, it
says nothing.

## Why is this bad?
It may work: providers often open both submission ports. But the profile rests on the
source that the other contradicts, and nodemailer's presets have no reviewer for such
details (many of them do not even require TLS). Check the provider's own page once, then
keep the pair it documents.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.aol.com
  port: 587
  security: starttls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.aol.com
  port: 465
  security: tls
```

## References
- Thunderbird ISPDB (thunderbird/autoconfig, MPL-2.0) and nodemailer's services.json (MIT):
  the commits are in `mailcheck/providers/README.md`
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.providers import known
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC706", "provider-sources-disagree", Severity.INFO, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    found = known(profile)
    if found is None or not found.ispdb:
        return
    from mailcheck.providers.index import describe  # the index is loaded: its names are known
    from mailcheck.providers.profiles import upgrade_mode

    pair = (profile.port, upgrade_mode(profile.security))
    matching = [(p, s) for p, s in found.servers if (s.port, s.security) == pair]
    if not matching or any(s.source == "ispdb" for _, s in matching):
        return
    best = found.ispdb[0][1]
    presets = ", ".join(sorted({s.preset or "?" for _, s in matching}))
    yield ctx.problem(
        ctx.first_written(("port",), ("security",)),
        f"{found.protocol} {pair[0]} {pair[1]} on {found.host} is nodemailer's (preset {presets}); "
        f"Thunderbird's ISPDB publishes {describe(found.ispdb)} for it",
        f"check the provider's own page; the ISPDB's is port: {best.port} with security: {best.security}",
    )
