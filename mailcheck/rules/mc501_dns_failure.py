'''The host does not resolve to an address.

## What it does
`mailcheck probe` resolves `host` before it connects (IP literals need no lookup) and
reports a name that DNS does not know (NXDOMAIN), a name without A or AAAA records, or
a lookup that gets no answer within the profile's `timeout`.

## Why is this bad?
Nothing can connect to a name that does not resolve: every send or fetch with this
profile fails before it starts. It is usually a typo (`smtp.exmaple.com`), a name that
only resolves inside another network (split DNS, a VPN), or a record that was removed.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.exmaple.com
  security: starttls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: starttls
```

## References
- RFC 1034 and RFC 1035 (the Domain Name System)
- `dig smtp.example.com A` and `dig smtp.example.com AAAA` show what the resolver sees
'''

from __future__ import annotations

from mailcheck.findings import Rule, Severity
from mailcheck.probe.outcome import Outcome

RULE = Rule("MC501", "dns-failure", Severity.ERROR, __doc__, stage="probe")


def outcome(host: str, reason: str) -> Outcome:
    return Outcome(
        RULE,
        (("host",),),
        f"the host {host} does not resolve: {reason}",
        "check the spelling of host; the name needs an A or AAAA record visible from where the probe runs "
        "(a name that only resolves inside a VPN or office network fails elsewhere)",
    )
