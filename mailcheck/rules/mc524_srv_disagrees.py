"""The profile's server is not one its address domain publishes in SRV records.

## What it does
With `--dns`, `mailcheck probe` looks up the SRV records (RFC 6186, RFC 8314) of the
domain of the profile's address (`from.address`, else a username that is an address)
for the profile's protocol: `_submissions._tcp` and `_submission._tcp` for SMTP,
`_imaps._tcp` and `_imap._tcp` for IMAP, `_pop3s._tcp` and `_pop3._tcp` for POP3. The
`s` services are implicit TLS, the others STARTTLS. When the domain publishes records
and none of them has the profile's `host`, `port` and security mode, this is reported
with what the domain publishes (preferred first: lowest priority, then highest weight)
and the record each comes from. The finding points at the value that differs: the
security mode when a record has the host and port, the port when one has the host, the
host otherwise. A domain without SRV records (most domains) is not reported.

## Why is this bad?
The domain's administrator publishes these records so that mail clients find the
right server: a profile that uses another host, port or mode may be a copy from an old
setup (the provider moved), a host of another domain, or the STARTTLS port where the
domain offers implicit TLS, which RFC 8314 prefers. Or the records are out of date,
and clients that follow them (Thunderbird's account setup, RFC 6186 clients) are sent
to the wrong server: either way someone should look.

## Example
```yaml
# _submissions._tcp.example.com. SRV 0 1 465 smtp.example.com.
outgoing:
  protocol: smtp
  host: mail.example.com
  port: 587
  security: starttls
  from: {address: app@example.com}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  port: 465
  security: tls
  from: {address: app@example.com}
```

## References
- RFC 6186 (SRV records for locating e-mail submission and access services)
- RFC 8314, section 5.1 (`_submissions._tcp`, `_imaps._tcp`, `_pop3s._tcp`; prefer implicit TLS)
- RFC 2782 (the SRV record: priority, weight, a target of `.`)
- `dig _submissions._tcp.example.com SRV` shows what the probe sees
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC524", "srv-disagrees", Severity.WARNING, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(differs: str, domain: str, protocol: str, uses: str, published: list[str], notes: str) -> Outcome:
    """`differs` is "security", "port" or "host" (the key pointed at); `uses` what the
    profile uses ("mail.example.com port 587 with STARTTLS"); `published` each published
    server with its record, preferred first; `notes` what else the records say, or ""."""
    keys = {"security": (("security",), ("port",)), "port": (("port",), ("host",))}.get(differs, (("host",),))
    return Outcome(
        keys,
        f"the SRV records of {domain} publish {protocol} at {'; '.join(published)}; "
        f"the profile uses {uses}, which is not among them{notes}",
        "use the server the domain publishes (the first is preferred), or, if the profile is right, the "
        "domain's SRV records are out of date: ask its administrator to fix them, since mail clients that "
        "set accounts up from them (RFC 6186) are sent there",
    )
