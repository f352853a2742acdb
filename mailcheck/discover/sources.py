"""Where `init --discover` looks, in order, and the candidate servers each place gives.

The order is Thunderbird's (comm-central mail/components/accountcreation/modules,
FindConfig.sys.mjs parallelAutoDiscovery() and FetchConfig.sys.mjs, read at commit
cf9726f56328e24a2cd2d24eaf01563c676a28e6): "fromDisk", "fromISP", "fromDB", "forMX", the
highest one that succeeds winning. Here:

1. the ISP's own files (fetchConfigFromISP): `https://autoconfig.<domain>/mail/config-v1.1.xml`,
   then `https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml`; the two `http://`
   URLs after them only with `--allow-http` (Thunderbird's pref fetchFromISP.sslOnly is false
   by default; mailcheck's default is https only, as an answer over http can be forged by
   anyone on the path). Each asked with `?emailaddress=<address>`, as Thunderbird sends it
   (its pref fetchFromISP.sendEmailAddress, true by default; FetchHTTP adds it with
   URLSearchParams, so `@` is `%40`);
2. the ISPDB, Thunderbird's "fromDB", which is the provider snapshot packaged with
   mailcheck (initialise.py), offline; nodemailer's presets where the ISPDB has no entry;
3. the provider of the domain's MX host (fetchConfigForMX): the MX records, lowest
   preference first, and the first host the snapshot knows (Index.of_mx: the host and its
   parent domains). Thunderbird takes only the most preferred host, and also asks that
   host's domain for autoconfig files; mailcheck asks only the snapshot;
4. RFC 6186 / RFC 8314 SRV records (probe/srv.py's lookup, the records validated there),
   which Thunderbird does not read: lowest priority, then highest weight; a target of `.`
   says the service is not offered.

A place that yields nothing raises NotThere with the reason, which the header of the
written file shows. Everything from the network is hostile: probe/srv.py bounds and checks
the DNS answers, fetch.py the HTTP answer, importing/xmlread.py the XML.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from mailcheck.discover.fetch import NotThere
from mailcheck.importing.servers import Address, Credentials, Server, Sourced
from mailcheck.initialise import InitFailure, Plan, choose, plan, published_server, source_names
from mailcheck.probe.resolve import Nameserver
from mailcheck.probe.srv import (
    MODE_WORDS,
    SERVICES,
    LookupFailed,
    Record,
    asked,
    checked_name,
    dns_resolver,
    lookup,
    query,
)
from mailcheck.probe.wire import Deadline, WireTimeout
from mailcheck.protocols import Protocol
from mailcheck.providers.index import Index, index

MAX_MX = 16  # MX records looked at; a real domain has one to five
THUNDERBIRD = "comm-central cf9726f5"  # the commit the order was read at, as the header names it


@dataclass
class Candidate:
    """One server a place names, as a profile, with what the place says of its mode."""

    server: Server
    claimed: str  # tls | starttls | none, as the source says

    @property
    def group(self) -> str:
        return "outgoing" if self.server.protocol == "smtp" else "incoming"

    @property
    def host(self) -> str:
        return str(self.server.host.value)


@dataclass
class Found:
    """What one place gave: its candidates in the place's order of preference."""

    name: str  # the URL, "the provider snapshot", "the MX host ...", "SRV records of ..."
    candidates: list[Candidate]
    about: list[str] = field(default_factory=list)  # where the values come from, for the header
    notes: list[str] = field(default_factory=list)  # what the place had that is not used


@dataclass(frozen=True)
class Settings:
    nameserver: Nameserver | None
    allow_http: bool
    tls: ssl.SSLContext  # fetch.tls_context(--ca-file): built once, before anything is asked
    timeout: float


Place = tuple[str, Callable[[], Awaitable[Found]]]  # (name, ask)


def places(address: str, domain: str, settings: Settings) -> list[Place]:
    """The places to ask for `address` (its domain in ASCII form), in order."""
    query = urlencode({"emailaddress": address})
    urls = [
        f"https://autoconfig.{domain}/mail/config-v1.1.xml",
        f"https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
    ]
    if settings.allow_http:
        urls += [url.replace("https://", "http://", 1) for url in urls]
    found: list[Place] = [(url, _isp(url, query, address, settings)) for url in urls]
    found.append(("the provider snapshot (Thunderbird's ISPDB, nodemailer's presets)", lambda: _snapshot(address)))
    found.append((f"the MX records of {domain}", lambda: _mx(address, domain, settings)))
    found.append((f"the SRV records of {domain}", lambda: _srv(address, domain, settings)))
    return found


def _isp(url: str, query: str, address: str, settings: Settings) -> Callable[[], Awaitable[Found]]:
    async def ask() -> Found:
        from mailcheck.discover.fetch import fetch
        from mailcheck.importing import autoconfig
        from mailcheck.importing.xmlread import XmlRefused, parse

        fetched = await fetch(f"{url}?{query}", settings.nameserver, Deadline(settings.timeout), settings.tls)
        try:
            root = parse(fetched.body)
        except XmlRefused as err:
            raise NotThere(f"the answer is not XML mailcheck reads: {err}") from None
        if root.name != "clientConfig":
            raise NotThere(f"the answer's root element is <{root.name[:60]}>, not <clientConfig>")
        reading = autoconfig.read(root, url, Address(address, "--address"))
        candidates = [Candidate(server, str(server.security.value)) for server in reading.servers]
        if not candidates:
            raise NotThere("the file lists no IMAP, POP3 or SMTP server")
        about = f"{url}?{query} ({reading.provider or 'no provider id'}), from {fetched.address}"
        return Found(url, candidates, [about], reading.notes)

    return ask


async def _snapshot(address: str) -> Found:
    try:
        chosen = plan(address)
    except InitFailure:
        raise NotThere("the snapshot does not know the domain") from None
    return _from_plan(chosen, "the provider snapshot", index())


def _from_plan(chosen: Plan, name: str, data: Index) -> Found:
    """The candidates of a snapshot provider's plan, every server of a group in the
    snapshot's order of preference, each with the others named."""
    candidates = []
    for group in (chosen.incoming, chosen.outgoing):
        for i, published in enumerate(group):
            server = published_server(chosen, (published, *group[:i], *group[i + 1 :]), data)
            candidates.append(Candidate(server, published.security))
    about = [
        f"{chosen.provider.title}: {source}"
        for source in source_names(chosen, (*chosen.incoming, *chosen.outgoing), data)
    ]
    return Found(name, candidates, about)


async def _mx(address: str, domain: str, settings: Settings) -> Found:
    hosts = await mx_hosts(domain, settings.nameserver, Deadline(settings.timeout))
    data = index()
    for preference, host in hosts:
        providers = data.of_mx(host)
        if not providers:
            continue
        provider = providers[0]
        outgoing = choose([s for s in provider.servers if s.protocol == "smtp"])
        incoming = choose([s for s in provider.servers if s.protocol in ("imap", "pop3")])
        found = _from_plan(
            Plan(address, provider, tuple(providers[1:]), outgoing, incoming), f"the MX host {host}", data
        )
        found.about.insert(0, f"the MX host {host} (preference {preference}) of {domain} is {provider.title}'s")
        for candidate in found.candidates:
            candidate.server.notes.insert(
                0, f"The provider of {domain}'s MX host {host}, {provider.title}, publishes this server."
            )
        return found
    shown = ", ".join(host for _, host in hosts[:5]) + (f" and {len(hosts) - 5} more" if len(hosts) > 5 else "")
    raise NotThere(f"no MX host of {domain} belongs to a provider the snapshot knows ({shown})")


async def mx_hosts(domain: str, nameserver: Nameserver | None, deadline: Deadline) -> list[tuple[int, str]]:
    """The MX hosts of `domain`, lowest preference first; NotThere when there are none.
    Records are hostile input: at most MAX_MX are read, and an exchange that is not a host
    name (probe/srv.py checked_name: LDH labels, 253 characters) is dropped."""
    import dns.exception
    import dns.resolver

    server = asked(nameserver)
    try:
        answer = await query(dns_resolver(nameserver), domain, "MX", deadline)
    except LookupFailed as err:
        raise NotThere(str(err).removeprefix("not checked: ")) from None
    except dns.resolver.NXDOMAIN:
        raise NotThere(f"{domain} does not exist (NXDOMAIN)") from None
    except (dns.exception.Timeout, WireTimeout):
        raise NotThere(f"no answer from {server} within the timeout of {deadline.seconds:g}s") from None
    except dns.exception.DNSException as err:
        raise NotThere(f"{server} gave no usable answer ({type(err).__name__})") from None
    items = list(answer.rrset) if answer.rrset is not None else []
    records: list[tuple[int, str]] = []
    null = False
    for item in items[:MAX_MX]:
        preference, host = getattr(item, "preference", None), checked_name(getattr(item, "exchange", None))
        if host == ".":
            null = True
        elif host is not None and isinstance(preference, int):
            records.append((preference, host))
    if not records:
        if null:
            raise NotThere(f"{domain} publishes a null MX (RFC 7505): it accepts no mail")
        raise NotThere(f"{domain} has no usable MX record" if items else f"{domain} has no MX record")
    return sorted(records)


async def _srv(address: str, domain: str, settings: Settings) -> Found:
    candidates: list[Candidate] = []
    notes: list[str] = []
    for protocol in (Protocol.IMAP, Protocol.POP3, Protocol.SMTP):
        try:
            looked = await lookup(domain, SERVICES[protocol], settings.nameserver, Deadline(settings.timeout))
        except LookupFailed as err:
            raise NotThere(str(err).removeprefix("not checked: ")) from None
        except WireTimeout:
            raise NotThere(f"no answer for the SRV records within the timeout of {settings.timeout:g}s") from None
        notes += [f"{name} has the target '.': the service is not offered." for name in looked.not_offered]
        if looked.dropped:
            notes.append(f"{looked.dropped} SRV record(s) for {protocol.value} ignored (no host name, or port 0).")
        candidates += [_srv_candidate(record, protocol.value, address) for record in looked.records]
    if not candidates:
        raise NotThere("no usable SRV record" + (f" ({' '.join(notes)})" if notes else ""))
    return Found(f"the SRV records of {domain}", candidates, [f"RFC 6186 / RFC 8314 SRV records of {domain}"], notes)


def _srv_candidate(record: Record, protocol: str, address: str) -> Candidate:
    where = f"SRV {record.name} priority {record.priority} weight {record.weight}"
    mode = record.mode.value
    server = Server(
        protocol,
        f"SRV {record.name}",
        Sourced(record.target, f"{where}: target"),
        Sourced(record.port, f"{where}: port"),
        Sourced(mode, f"{where}: {MODE_WORDS[record.mode]} (the service name says so)"),
        Credentials(
            "password",
            None,
            "SRV records say nothing of the login: a password is assumed",
            Sourced(address, "SRV records name no username: the address is assumed (%EMAILADDRESS%)"),
        ),
    )
    return Candidate(server, mode)
