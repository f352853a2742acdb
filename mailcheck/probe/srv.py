"""With `--dns`: the profile against the SRV records of its address domain (step "dns-srv").

RFC 6186 and RFC 8314 name, per protocol, the SRV records a domain publishes for its mail
services: `_submissions._tcp` (implicit TLS) and `_submission._tcp` (STARTTLS) for SMTP,
`_imaps._tcp` and `_imap._tcp` for IMAP, `_pop3s._tcp` and `_pop3._tcp` for POP3. This
step asks for them and compares the profile's host, port and mode with what is published:
none of them is MC524 (warning); a domain that says, with a target of `.` (RFC 2782),
that it offers none of them is MC525 (info); no records at all (most domains) is nothing.

The step runs beside the profile's own probe, with its own deadline of the profile's
`timeout`, and never changes it: the runner starts it with the session and puts its
step first. Lookups go to the probe's resolver only, `--nameserver` or the system's
(/etc/resolv.conf), for absolute names (no search list). A DNS answer is hostile input:
records past MAX_RECORDS per name are not looked at, targets must be host names (LDH
labels, at most 253 characters) or the record is dropped and counted, and only names
checked so, numbers and this module's own words reach a message.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mailcheck.hosts import ascii_host, parse_ip
from mailcheck.outcome import Outcome
from mailcheck.probe.options import ProbeOptions
from mailcheck.probe.report import Step
from mailcheck.probe.resolve import Nameserver
from mailcheck.probe.wire import Deadline, WireTimeout
from mailcheck.profile import ProfileView
from mailcheck.protocols import PROTOCOLS, Protocol, Security
from mailcheck.rules import mc524_srv_disagrees as mc524
from mailcheck.rules import mc525_srv_not_offered as mc525

if TYPE_CHECKING:
    import dns.asyncresolver
    import dns.resolver
    import dns.rrset

STEP = "dns-srv"
MAX_RECORDS = 32  # per SRV name: more are not looked at (a real domain publishes one or two)
MAX_SHOWN = 5  # published servers named in a message
SAFETY_MARGIN = 1.0  # seconds past the deadline after which the step is abandoned

# per protocol: (service, mode), implicit TLS first (RFC 8314 section 5.1 prefers it)
SERVICES: dict[Protocol, tuple[tuple[str, Security], ...]] = {
    Protocol.SMTP: (("_submissions", Security.TLS), ("_submission", Security.STARTTLS)),
    Protocol.IMAP: (("_imaps", Security.TLS), ("_imap", Security.STARTTLS)),
    Protocol.POP3: (("_pop3s", Security.TLS), ("_pop3", Security.STARTTLS)),
}
MODE_WORDS = {Security.TLS: "implicit TLS", Security.STARTTLS: "STARTTLS", Security.NONE: "no TLS"}

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


@dataclass(frozen=True, order=True)
class Record:
    """One usable SRV record, sortable into the order a client tries them."""

    priority: int
    weight: int  # negated in sort_key: the highest weight first
    port: int
    target: str  # a checked host name, lower case, no final dot
    name: str  # the SRV name it came from, `_submissions._tcp.example.com`
    mode: Security

    def sort_key(self) -> tuple[int, int, str, int]:
        return (self.priority, -self.weight, self.target, self.port)

    def shown(self) -> str:
        return (
            f"{self.target} port {self.port} ({MODE_WORDS[self.mode]}, {self.name}, "
            f"priority {self.priority}, weight {self.weight})"
        )


@dataclass
class Looked:
    """What the SRV names of one protocol hold."""

    records: list[Record] = field(default_factory=list)  # usable, across the names, preferred first
    not_offered: list[str] = field(default_factory=list)  # names whose only target is `.`
    empty: list[str] = field(default_factory=list)  # names without records
    dropped: int = 0  # records whose target is no host name, or whose port is 0
    unread: int = 0  # records past MAX_RECORDS


class LookupFailed(Exception):
    """The resolver gave no usable answer: the step is skipped with this reason."""


async def check(profile: ProfileView, options: ProbeOptions) -> tuple[Step, list[Outcome]]:
    """The dns-srv step and what it concluded; never raises, ends within the timeout."""
    started = time.monotonic()
    deadline = Deadline(profile.timeout)
    try:
        status, detail, outcomes = await asyncio.wait_for(
            _check(profile, options.nameserver, deadline), profile.timeout + SAFETY_MARGIN
        )
    except (asyncio.TimeoutError, WireTimeout):
        status, detail, outcomes = "skipped", _no_answer(options.nameserver, profile.timeout), []
    except LookupFailed as err:
        status, detail, outcomes = "skipped", str(err), []
    return Step(STEP, status, time.monotonic() - started, detail), outcomes


def domain_of(profile: ProfileView) -> tuple[str | None, str]:
    """The ASCII form of the profile's address domain, or None and why there is none."""
    from mailcheck.providers import account_address

    address = account_address(profile)
    if address is None:
        return None, "not checked: the profile has no address (from.address, or a username that is one)"
    domain = address.rsplit("@", 1)[1].strip().rstrip(".")
    if domain.startswith("[") or parse_ip(domain) is not None:
        return None, "not checked: the address domain is an address literal, which has no SRV records"
    name = ascii_host(domain) if domain else None
    if name is None or parse_ip(name) is not None or "." not in name:
        return None, "not checked: the address domain is not a domain name that can have SRV records"
    return name.lower(), ""


async def _check(
    profile: ProfileView, nameserver: Nameserver | None, deadline: Deadline
) -> tuple[str, str, list[Outcome]]:
    domain, why_not = domain_of(profile)
    if domain is None:
        return "skipped", why_not, []
    services = SERVICES[profile.protocol]
    looked = await lookup(domain, services, nameserver, deadline)
    names = [f"{service}._tcp.{domain}" for service, _ in services]
    title = PROTOCOLS[profile.protocol].title
    extra = _extra(looked)
    if not looked.records and not looked.not_offered:
        what = "no usable SRV records" if looked.dropped else "no SRV records"
        return "ok", f"{what} at {', '.join(names)} (most domains publish none): nothing to compare{extra}", []
    if not looked.records:
        return (
            "ok",
            f"{', '.join(looked.not_offered)}: target '.', the service is not offered{extra}",
            [mc525.outcome(domain, title, looked.not_offered)],
        )
    uses = _uses(profile)
    match = _match(profile, looked.records)
    shown = [r.shown() for r in looked.records[:MAX_SHOWN]]
    if len(looked.records) > MAX_SHOWN:
        shown.append(f"and {len(looked.records) - MAX_SHOWN} more")
    if match is not None:
        return "ok", f"{uses} is published: {match.shown()}{extra}", []
    notes = "".join(f"; {n} says the service is not offered (target '.')" for n in looked.not_offered)
    outcome = mc524.outcome(_differs(profile, looked.records), domain, title, uses, shown, notes + extra)
    return "warning", f"{uses} is not published; published: {'; '.join(shown)}{extra}", [outcome]


def _extra(looked: Looked) -> str:
    parts = []
    if looked.dropped:
        parts.append(f"{looked.dropped} record{'s' if looked.dropped != 1 else ''} ignored (no host name or port)")
    if looked.unread:
        parts.append(f"{looked.unread} record{'s' if looked.unread != 1 else ''} past the first {MAX_RECORDS} not read")
    return f" ({'; '.join(parts)})" if parts else ""


def _host(profile: ProfileView) -> str:
    host = profile.host.strip()
    form = ascii_host(host) or host
    return form.rstrip(".").lower()


def _mode(profile: ProfileView) -> Security:
    """The mode the profile asks the server to speak: opportunistic STARTTLS is STARTTLS."""
    return Security.STARTTLS if profile.security.upgrades else profile.security


def _uses(profile: ProfileView) -> str:
    return f"{_host(profile)} port {profile.port} with {MODE_WORDS[_mode(profile)]}"


def _match(profile: ProfileView, records: list[Record]) -> Record | None:
    host, mode = _host(profile), _mode(profile)
    return next((r for r in records if (r.target, r.port, r.mode) == (host, profile.port, mode)), None)


def _differs(profile: ProfileView, records: list[Record]) -> str:
    """The profile key that keeps it from a published record: the mode, the port or the host."""
    host = _host(profile)
    if any(r.target == host and r.port == profile.port for r in records):
        return "security"
    if any(r.target == host for r in records):
        return "port"
    return "host"


def _no_answer(nameserver: Nameserver | None, timeout: float) -> str:
    return f"not checked: no answer from {asked(nameserver)} within the timeout of {timeout:g}s"


def asked(nameserver: Nameserver | None) -> str:
    """The DNS server the lookups go to, in words (shared with `init --discover`)."""
    return f"the DNS server {nameserver} (--nameserver)" if nameserver else "the system resolver"


async def query(
    resolver: dns.asyncresolver.Resolver, name: str, rdtype: str, deadline: Deadline
) -> dns.resolver.Answer:
    """One absolute-name query (no search list), an empty answer rather than NoAnswer,
    within `deadline`; dnspython's exceptions are the caller's to read."""
    return await deadline.within(
        resolver.resolve(
            f"{name}.", rdtype, search=False, raise_on_no_answer=False, lifetime=max(deadline.remaining(), 0.01)
        )
    )


async def lookup(
    domain: str, services: tuple[tuple[str, Security], ...], nameserver: Nameserver | None, deadline: Deadline
) -> Looked:
    """The SRV records of `domain` for `services`; LookupFailed, WireTimeout."""
    import dns.exception
    import dns.resolver

    resolver = dns_resolver(nameserver)
    looked = Looked()
    server = asked(nameserver)
    for service, mode in services:
        name = f"{service}._tcp.{domain}"
        try:
            answer = await query(resolver, name, "SRV", deadline)
        except dns.resolver.NXDOMAIN:
            looked.empty.append(name)
            continue
        except dns.exception.Timeout:
            raise WireTimeout() from None
        except dns.resolver.NoNameservers:  # SERVFAIL, REFUSED, or an answer that would not parse
            raise LookupFailed(f"not checked: {server} gave no usable answer for {name}") from None
        except dns.exception.DNSException as err:
            raise LookupFailed(f"not checked: the answer for {name} could not be used ({type(err).__name__})") from None
        _read(answer.rrset, name, mode, looked)
    looked.records.sort(key=Record.sort_key)
    return looked


def dns_resolver(nameserver: Nameserver | None) -> dns.asyncresolver.Resolver:
    """dnspython's resolver asking `nameserver` only, or the system's (/etc/resolv.conf);
    LookupFailed when the system has none configured. Shared with `mailcheck init
    --discover`'s MX lookup, so both ask the same server as the probe."""
    import dns.asyncresolver
    import dns.exception

    try:
        resolver = dns.asyncresolver.Resolver(configure=nameserver is None)
    except dns.exception.DNSException:  # no /etc/resolv.conf, or nothing usable in it
        raise LookupFailed("not checked: the system resolver has no DNS server configured") from None
    if nameserver is not None:
        resolver.nameservers = [nameserver.address]
        resolver.port = nameserver.port
    return resolver


def _read(rrset: dns.rrset.RRset | None, name: str, mode: Security, looked: Looked) -> None:
    """The usable records of one SRV name's answer (None when there is none) into `looked`."""
    items = list(rrset) if rrset is not None else []
    if not items:
        looked.empty.append(name)
        return
    looked.unread += max(0, len(items) - MAX_RECORDS)
    usable: list[Record] = []
    dots = 0
    for item in items[:MAX_RECORDS]:
        target = checked_name(getattr(item, "target", None))
        port, priority, weight = (getattr(item, key, None) for key in ("port", "priority", "weight"))
        if target == ".":
            dots += 1
        elif target is not None and isinstance(port, int) and isinstance(priority, int) and isinstance(weight, int):
            if 0 < port < 65536 and 0 <= priority < 65536 and 0 <= weight < 65536:
                usable.append(Record(priority, weight, port, target, name, mode))
            else:
                looked.dropped += 1
        else:
            looked.dropped += 1
    if dots and not usable and dots == len(items[:MAX_RECORDS]):
        looked.not_offered.append(name)  # RFC 2782: the service is decidedly not available
    looked.records.extend(usable)


def checked_name(value: object) -> str | None:
    """An SRV target (or an MX exchange) as a checked host name (lower case, no final dot), "." for the root,
    None for anything else: a label with other bytes than letters, digits and hyphens
    (control characters, dots or spaces in a label), an over-long name, a relative one."""
    import dns.name

    if not isinstance(value, dns.name.Name) or not value.is_absolute():
        return None
    labels = value.labels[:-1]
    if not labels:
        return "."
    try:
        text = [label.decode("ascii").lower() for label in labels]
    except UnicodeDecodeError:
        return None
    if not all(_LABEL.fullmatch(label) for label in text):
        return None
    host = ".".join(text)
    return host if len(host) <= 253 and not host.replace(".", "").isdigit() else None
