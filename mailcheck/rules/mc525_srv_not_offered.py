"""The profile's address domain says in SRV records that the service is not offered.

## What it does
With `--dns`, `mailcheck probe` looks up the SRV records (RFC 6186, RFC 8314) of the
domain of the profile's address for the profile's protocol (see MC524). A record
whose target is `.` says that the service is decidedly not available at the domain
(RFC 2782, RFC 6186 section 3.4). When every record found for the protocol says so,
this is reported as information: the profile may still be right (a provider for the
domain's mail that is not the domain itself), or it points at a service the domain
has switched off.

## Why is this bad?
It need not be: the domain's administrator states that this domain offers no such
service, so a profile that uses it relies on something the domain does not promise.
Clients that set accounts up from SRV records (Thunderbird, RFC 6186 clients) will not
configure this service for the domain's addresses.

## Example
```yaml
# _imaps._tcp.example.com. SRV 0 0 0 .
incoming:
  protocol: imap
  host: imap.example.com
  port: 993
  security: tls
  auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}
```

## Use instead
```yaml
# _imaps._tcp.example.com. SRV 0 1 993 imap.example.com.
incoming:
  protocol: imap
  host: imap.example.com
  port: 993
  security: tls
  auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}
```

## References
- RFC 2782 (a target of `.`: the service is decidedly not available)
- RFC 6186, section 3.4, and RFC 8314, section 5.1
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC525", "srv-not-offered", Severity.INFO, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(domain: str, protocol: str, records: list[str]) -> Outcome:
    """`records`: the SRV names whose only target is `.`."""
    return Outcome(
        (("host",),),
        f"the SRV records of {domain} say that it offers no {protocol} service: "
        f"{' and '.join(records)} {'have' if len(records) > 1 else 'has'} the target '.'",
        "if the profile works, the server serves the domain's mail without the domain announcing it; "
        "otherwise the domain has switched the service off: ask its administrator which server to use",
    )
