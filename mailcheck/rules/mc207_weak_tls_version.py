"""The minimum TLS version is below 1.2.

## What it does
Warns about `tls.min_version: "1.0"` or `"1.1"`.

## Why is this bad?
TLS 1.0 and 1.1 are deprecated (RFC 8996) and RFC 8997 updates the mail standards to
require TLS 1.2 or later. Allowing them lets a downgrade attack pick a weak protocol.
Current servers all speak TLS 1.2.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  tls: {min_version: "1.0"}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  tls: {min_version: "1.2"}
```

## References
- RFC 8996 (deprecating TLS 1.0 and 1.1), RFC 8997 (the same for mail)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.protocols import TLS_VERSIONS
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC207", "weak-tls-version", Severity.WARNING, __doc__)
WEAK_VERSIONS = tuple(v.name for v in TLS_VERSIONS if v.deprecated)
_ACCEPTED = [f'"{v.name}"' for v in TLS_VERSIONS if not v.deprecated]  # quoted, as the fix is written


def check(ctx: ProfileContext) -> Iterator[Problem]:
    version = ctx.profile.setting("tls", "min_version")
    if version not in WEAK_VERSIONS:
        return
    yield ctx.problem(
        ("tls", "min_version"),
        f"tls.min_version {version} allows TLS versions deprecated by RFC 8996",
        f"set min_version: {_ACCEPTED[0]} (or {', '.join(_ACCEPTED[1:])})",
    )
