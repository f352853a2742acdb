"""Mail would travel unencrypted to a server on the network.

## What it does
Warns about `security: none` without authentication on a host that is not loopback. It
does not fire when `auth` is set (that is MC204, an error).

## Why is this bad?
Messages, addresses and any content cross the network in cleartext and can be read or
altered on the way. An internal relay on a trusted network may be a deliberate choice:
say so with a suppression comment and a reason, so reviewers see it was decided.

## Example
```yaml
relay:
  protocol: smtp
  host: relay.example.com
  port: 25
  security: none
```

## Use instead
```yaml
relay:
  protocol: smtp
  host: relay.example.com
  port: 25
  security: starttls
```

```yaml
relay:
  protocol: smtp
  host: relay.internal.example.com
  port: 25
  security: none   # mailcheck: disable-line MC205 -- relay on the app's private network
```

## References
- RFC 3207 (SMTP STARTTLS), RFC 8314
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.hosts import is_loopback
from mailcheck.protocols import Security
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC205", "cleartext-transport", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    profile = ctx.profile
    if profile.security is not Security.NONE or profile.has_auth or is_loopback(profile.host):
        return
    yield ctx.problem(
        ("security",),
        f"security is none: mail to and from {profile.host} crosses the network unencrypted",
        "set security: starttls if the server offers it; if the network is trusted, "
        "suppress with `# mailcheck: disable-line MC205 -- reason`",
    )
