"""The host is not a DNS name or an IP address.

## What it does
Reports a `host` (or `tls.server_name`) with a URL scheme (`smtp://`), a port
(`smtp.example.com:587`), a path, spaces, an empty or invalid label (`mail..example.com`,
`mail_server`, a `%EMAILDOMAIN%` placeholder), brackets around an IPv6 address, or an
invalid IP address (`300.1.1.1`).

## Why is this bad?
The application passes the value to the resolver as is: the lookup fails at run time
with "Name or service not known", often far from where the value was written. A port in
the host is ignored or breaks the connection while `port` says something else.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp://smtp.example.com:587
  security: starttls
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 587
  security: starttls
```

## References
- RFC 1123 section 2.1 (host names), RFC 5890 (internationalized names)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.hosts import host_problem
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity
from mailcheck.rules.mc213_control_character import control_character

RULE = Rule("MC209", "invalid-host", Severity.ERROR, __doc__, blocks_probe=True)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    for keys in (("host",), ("tls", "server_name")):
        if ctx.profile.is_deferred(*keys):
            continue  # an app reads it at run time (`$__env{SMTP_HOST}`): its form is not known
        value = ctx.profile.setting(*keys)
        if not isinstance(value, str) or control_character(value) is not None:
            continue  # MC213 reports control characters, at the character
        problem = host_problem(value)
        if problem is not None:
            message, hint = problem
            yield ctx.problem(keys, f"{'.'.join(keys)}: {message}", hint)
