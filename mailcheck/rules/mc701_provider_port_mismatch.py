"""The host is a known provider's server, and the provider does not publish this port and security.

## What it does
Looks the host up in mailcheck's snapshot of Thunderbird's ISPDB and nodemailer's presets
(`mailcheck/providers/`) and compares the profile's port and `security` with the servers
published for that host and protocol. It reports a port the provider publishes with another
mode, implicit TLS (`security: tls`) where the ISPDB lists the server with STARTTLS only, and
cleartext (`security: none`) where the provider publishes only encrypted servers. The finding
names every (port, security) pair published and by which source.

A pair the port table of the RFCs contradicts (an ISPDB entry with implicit TLS on 587) is
the entry's own mistake and is not held against a profile. STARTTLS where the ISPDB lists
only implicit TLS is not reported: Thunderbird's entries list implicit TLS first and often
leave the STARTTLS submission port out (Gmail's lists 465 only; Google documents 587 too).

## Why is this bad?
The connection fails before a single mail command: implicit TLS against a server that
greets in plaintext ends with `[SSL: WRONG_VERSION_NUMBER]`, and a port the provider does
not open times out. `smtp.office365.com` is published on 587 with STARTTLS only; a profile
copied from a "TLS on 465" template never connects.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.office365.com
  port: 465
  security: tls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.office365.com
  port: 587
  security: starttls
```

## References
- Thunderbird ISPDB (thunderbird/autoconfig, MPL-2.0) and nodemailer's services.json (MIT):
  the commits are in `mailcheck/providers/README.md`
- RFC 8314, section 3 (implicit TLS), RFC 6409 (submission on 587)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.protocols import Security
from mailcheck.providers import known
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC701", "provider-port-mismatch", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    found = known(profile)
    if found is None or not found.servers:
        return
    from mailcheck.providers.index import describe  # the index is loaded: its names are known
    from mailcheck.providers.profiles import trusted, upgrade_mode

    servers = [(p, s) for p, s in found.servers if trusted(s)]
    if not servers:
        return
    port, mode = profile.port, upgrade_mode(profile.security)
    if any(s.port == port and s.security == mode for _, s in servers):
        return
    provider = servers[0][0].title
    published = describe(servers)
    where = f"{found.protocol} on {found.host}"
    same_port = sorted({s.security for _, s in servers if s.port == port})
    if same_port:
        reason = f"publishes port {port} with security {' or '.join(same_port)}, not {mode}"
    elif (
        profile.security is Security.TLS
        and any(s.security == "starttls" for _, s in found.ispdb)
        and not any(s.security == "tls" for _, s in servers)
    ):
        reason = "publishes no implicit TLS"
    elif profile.security is Security.NONE and not any(s.security == "none" for _, s in servers):
        reason = "publishes no cleartext server"
    else:
        return
    best = min(servers, key=lambda ps: (ps[1].source != "ispdb", ps[1].security != "tls", ps[1].port))[1]
    keys = ctx.first_written(("port",), ("security",))
    yield ctx.problem(
        keys,
        f"{provider} {reason}: for {where} it publishes {published}",
        f"use port: {best.port} with security: {best.security}",
    )
