"""The server cannot negotiate `tls.min_version` or better.

## What it does
`mailcheck probe` sets the handshake's lowest TLS version to `tls.min_version` (default
"1.2"), so a server that only speaks older versions fails the handshake (for example
`[SSL: TLSV1_ALERT_PROTOCOL_VERSION]`). The probe then looks again, accepting any
version and never logging in, to name the best version the server offers.

## Why is this bad?
TLS 1.0 and 1.1 are deprecated (RFC 8996) and disabled in current clients, so a server
limited to them cannot be used safely, or soon at all.

## Example
```yaml
incoming:
  protocol: imap
  host: legacy.example.com
  security: tls
  tls:
    min_version: "1.3"
```

## Use instead
Upgrade the server, or accept what it can do if that is acceptable (never below 1.2):
```yaml
incoming:
  protocol: imap
  host: legacy.example.com
  security: tls
  tls:
    min_version: "1.2"
```

## References
- RFC 8996 (deprecating TLS 1.0 and 1.1)
- RFC 8446 (TLS 1.3), RFC 9325 (recommendations for TLS)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.protocols import tls_version

RULE = Rule("MC511", "tls-version-too-old", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(minimum: str, server_best: str | None, reason: str) -> Outcome:
    if server_best is None:
        hint = f"the server offers no TLS version from {minimum} up: upgrade the server's TLS configuration"
    elif not _deprecated(server_best):
        hint = (
            f"the server offers at most TLS {server_best}: enable TLS {minimum} on the server, or set "
            f'tls.min_version: "{server_best}" if that is acceptable'
        )
    else:
        hint = f"the server offers at most TLS {server_best}, deprecated by RFC 8996: upgrade the server"
    return Outcome(
        (("tls", "min_version"), ("security",)),
        f"the server cannot do TLS {minimum} or better: {reason}",
        hint,
    )


def _deprecated(name: str) -> bool:
    version = tls_version(name)
    return version is None or version.deprecated
