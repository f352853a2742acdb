"""The host does not resolve to an address.

## What it does
`mailcheck probe` resolves `host` before it connects (IP literals need no lookup) and
reports a name that DNS does not know (NXDOMAIN), a name without A or AAAA records, or
a lookup that gets no answer within the profile's `timeout`. The message and hint tell
the two apart: a name that does not exist points at the spelling of `host`; a DNS server
that does not answer (the system's, or the one given with `--nameserver`) or fails
(SERVFAIL, REFUSED) points at the resolver, since nothing is known about the name yet.

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
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC501", "dns-failure", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(host: str, reason: str) -> Outcome:
    """The name itself: DNS answered that it does not exist, or has no address."""
    return Outcome(
        (("host",),),
        f"the host {host} does not resolve: {reason}",
        "check the spelling of host; the name needs an A or AAAA record visible from where the probe runs "
        "(a name that only resolves inside a VPN or office network fails elsewhere)",
    )


def no_answer(host: str, nameserver: str | None, when: str) -> Outcome:
    """No DNS server answered: `nameserver` is --nameserver's "ADDRESS port N", None for the
    system resolver; `when` says how it ended ("within the timeout of 3s")."""
    if nameserver is not None:
        return Outcome(
            (("host",),),
            f"the host {host} could not be resolved: no answer from the DNS server {nameserver} (--nameserver) {when}",
            f"the DNS server did not answer, so nothing is known about the name yet: check the --nameserver address "
            f"and port ({nameserver}), that a DNS server runs there and is reachable from here (firewalls often "
            "drop DNS over UDP), or leave out --nameserver to use the system resolver",
        )
    return Outcome(
        (("host",),),
        f"the host {host} could not be resolved: no answer from the system resolver {when}",
        "the system's DNS servers did not answer, so nothing is known about the name yet: check the resolver "
        "configuration (/etc/resolv.conf) and that its servers are reachable from here, or name one with --nameserver",
    )


def server_failed(host: str, nameserver: str, detail: str) -> Outcome:
    """The --nameserver server answered, but with a failure (SERVFAIL, REFUSED) for the name."""
    return Outcome(
        (("host",),),
        f"the host {host} could not be resolved: the DNS server {nameserver} (--nameserver) gave no usable answer: {detail}",
        f"the DNS server failed or refused the query, which says nothing about the name: check that {nameserver} "
        "is a resolver that answers for outside names (a server for its own zones refuses others), "
        "or leave out --nameserver to use the system resolver",
    )
