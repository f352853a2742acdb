"""The address is one provider's, the host another provider's or no provider's: a likely copy-paste.

## What it does
Looks the domain of the profile's address (`from.address`, else a username that is an
address) up in mailcheck's provider snapshot. When the domain belongs to a known provider
and the host is none of that provider's published servers, it reports the provider the host
does belong to (or that it belongs to none) and the server the address's provider publishes
for the protocol. Where the ISPDB and nodemailer give a domain to different providers (GMX:
the ISPDB's gmx.net file publishes `mail.gmx.net`, nodemailer's GMX preset `mail.gmx.com` for
gmx.net too) the ISPDB's is taken and the finding says that the sources disagree.

An address at a domain no provider in the snapshot lists (your own domain, hosted anywhere)
is never reported.

## Why is this bad?
A profile copied from another one and edited halfway sends one provider's credentials to
another provider's server: the login fails, or worse, succeeds as another account. It may
also be deliberate (a relay that sends for your address), which is why this is information.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.gmail.com
  port: 465
  security: tls
  auth: {username: someone@web.de, password: {env: SMTP_PASSWORD}}
  from: {address: someone@web.de}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.web.de
  port: 587
  security: starttls
  auth: {username: someone@web.de, password: {env: SMTP_PASSWORD}}
  from: {address: someone@web.de}
```

## References
- Thunderbird ISPDB (thunderbird/autoconfig, MPL-2.0) and nodemailer's services.json (MIT):
  the commits are in `mailcheck/providers/README.md`
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.providers import known, normal_name
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC702", "provider-host-mismatch", Severity.INFO, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    found = known(ctx.profile)
    if found is None or found.domain is None:
        return
    owners = found.owners()
    if not owners:
        return
    owner_ids = {p.id for p in owners}
    host = found.host
    for provider in owners:
        if any(s.hostname(found.address) == host for s in provider.servers):
            return
        if any(host == d or host.endswith(f".{d}") for d in provider.domains):
            return  # a server under the provider's own domain the snapshot does not list
    theirs = sorted({s.hostname(found.address) for p in owners for s in p.servers if s.protocol == found.protocol})
    others = [p for p in found.index.of_host(host) if p.id not in owner_ids]
    owner = owners[0].title
    if others:
        whose = f"{host} is a server of {', '.join(p.title for p in others)}"
    else:
        whose = f"{host} is none of its servers"
    presets = sorted(
        {
            s.preset or p.name
            for p in others
            if found.domain in p.claimed
            for s in p.servers
            if s.source == "nodemailer" and s.hostname(found.address) == host
        }
    )
    note = (
        f" (nodemailer's {', '.join(presets)} preset gives {found.domain} this host: the sources disagree)"
        if presets
        else ""
    )
    keys = ctx.first_written(("host",))
    yield ctx.problem(
        keys,
        f"{normal_name(found.address or '')} is an address of {owner}, but {whose}{note}",
        (
            f"{owner} publishes {' or '.join(theirs)} for {found.protocol}: a likely copy-paste from another profile"
            if theirs
            else f"{owner} publishes no {found.protocol} server: check the host against the address"
        ),
    )
