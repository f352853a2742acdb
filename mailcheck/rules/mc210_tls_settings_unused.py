"""`tls` settings are given on a profile that does not use TLS.

## What it does
Warns about a `tls` block on a profile with `security: none`.

## Why is this bad?
The settings have no effect, and they suggest to a reviewer that the connection is
verified or restricted to modern TLS when it is not encrypted at all. Usually the
`security` line is what is wrong.

## Example
```yaml
inbox:
  protocol: imap
  host: imap.example.com
  security: none
  tls: {ca_file: certs/ca.pem}
```

## Use instead
```yaml
inbox:
  protocol: imap
  host: imap.example.com
  security: starttls
  tls: {ca_file: certs/ca.pem}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.protocols import Security
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC210", "tls-settings-unused", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    if ctx.profile.security is not Security.NONE or not ctx.profile.written("tls"):
        return
    yield ctx.problem(
        ("tls",),
        "tls settings are given but security is none: they have no effect",
        "set security: starttls or tls, or remove the tls block",
        key=True,
    )
