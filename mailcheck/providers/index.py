"""The provider index: data.json loaded into providers and their servers (see __init__.py:
imported only when a profile's names are among those the index holds)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from mailcheck.providers import DATA_FILE, expand, normal_name

SOURCE_TITLES = {"ispdb": "Thunderbird's ISPDB", "nodemailer": "nodemailer's presets"}


@dataclass(frozen=True, slots=True)
class Server:
    protocol: str  # smtp | imap | pop3
    host: str  # may hold %EMAILDOMAIN% and the like
    port: int
    security: str  # tls | starttls | none (what the server speaks, not how a client asks)
    username: str | None  # a placeholder template such as %EMAILADDRESS%, or None
    auth: tuple[str, ...]  # ISPDB's authentication values (OAuth2, password-cleartext, ...)
    source: str  # ispdb | nodemailer
    preset: str | None  # nodemailer's name for it
    notes: tuple[str, ...]  # what the build noticed about the entry itself

    def hostname(self, address: str | None) -> str:
        """The hostname with its placeholders expanded from `address` (left as they are without one)."""
        return expand(self.host, address).lower()

    @property
    def pair(self) -> str:
        return f"{self.port} {self.security}"


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    sources: tuple[str, ...]
    domains: tuple[str, ...]  # the ISPDB's <domain>s (for a nodemailer-only provider, its preset's)
    claimed: tuple[str, ...]  # domains a nodemailer preset gives it beyond those
    servers: tuple[Server, ...]
    file: str | None  # the ISPDB file

    @property
    def title(self) -> str:
        return self.name if self.name.lower() == self.id.lower() else f"{self.name} ({self.id})"


@dataclass(frozen=True, slots=True)
class Disagreement:
    kind: str  # server | domain
    data: dict[str, Any]


class _Providers(Mapping[str, Provider]):
    """data.json's providers, each built when first asked for: a check run asks for one
    or two of the 250, and building them all was a third of loading the index."""

    def __init__(self, raw: dict[str, dict[str, Any]]) -> None:
        self._raw = raw
        self._built: dict[str, Provider] = {}

    def __getitem__(self, pid: str) -> Provider:
        built = self._built.get(pid)
        if built is None:
            built = self._built[pid] = _provider(pid, self._raw[pid])
        return built

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class Index:
    """The loaded data.json."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.sources: dict[str, dict[str, str]] = data["sources"]
        self.providers: Mapping[str, Provider] = _Providers(data["providers"])
        self._domains: dict[str, list[str]] = data["domains"]
        self._mx: dict[str, list[str]] = data["mx"]
        self._hosts: dict[str, list[str]] = data["hosts"]
        self.disagreements = tuple(Disagreement(d["kind"], d) for d in data["disagreements"])

    def of_domain(self, domain: str) -> list[Provider]:
        """The providers of an address domain: the ISPDB's first, then a nodemailer preset's."""
        return [self.providers[p] for p in self._domains.get(normal_name(domain), ())]

    def owners_of_domain(self, domain: str) -> list[Provider]:
        """The providers a domain belongs to, the ISPDB preferred: nodemailer's only where
        the ISPDB names none (GMX: the ISPDB gives gmx.net its own file, nodemailer gives it
        mail.gmx.com)."""
        found = self.of_domain(domain)
        ispdb = [p for p in found if "ispdb" in p.sources and normal_name(domain) in p.domains]
        return ispdb or found

    def of_host(self, host: str) -> list[Provider]:
        """The providers that publish `host` (a literal hostname) as a server."""
        return [self.providers[p] for p in self._hosts.get(normal_name(host), ())]

    def of_mx(self, mx_host: str) -> list[Provider]:
        """The providers of an MX host, as Thunderbird looks them up: the host and each of
        its parent domains (eur.olc.protection.outlook.com -> olc.protection.outlook.com)."""
        labels = normal_name(mx_host).split(".")
        for start in range(len(labels) - 1):
            suffix = ".".join(labels[start:])
            if suffix in self._mx or suffix in self._domains:
                return [self.providers[p] for p in self._mx.get(suffix) or self._domains[suffix]]
        return []

    def servers_at(self, protocol: str, host: str, address: str | None) -> list[tuple[Provider, Server]]:
        """Every published `protocol` server whose hostname is `host`: literal ones, and the
        placeholder ones of the address domain's providers expanded from `address`."""
        host = normal_name(host)
        candidates = {p.id: p for p in self.of_host(host)}
        if address is not None and "@" in address:
            candidates.update({p.id: p for p in self.of_domain(address.rsplit("@", 1)[1])})
        return [
            (provider, server)
            for provider in candidates.values()
            for server in provider.servers
            if server.protocol == protocol and server.hostname(address) == host
        ]


def _provider(pid: str, raw: dict[str, Any]) -> Provider:
    return Provider(
        pid,
        raw["name"],
        tuple(raw["sources"]),
        tuple(raw["domains"]) or tuple(raw.get("nodemailer_domains", ())),
        tuple(raw.get("nodemailer_domains", ())) if raw["domains"] else (),
        tuple(
            Server(
                s["protocol"],
                s["host"],
                s["port"],
                s["security"],
                s["username"],
                tuple(s["auth"]),
                s["source"],
                s.get("preset"),
                tuple(s.get("notes", ())),
            )
            for s in raw["servers"]
        ),
        raw.get("file"),
    )


@cache
def index() -> Index:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return Index(json.load(handle))


def describe(servers: list[tuple[Provider, Server]]) -> str:
    """`465 tls (ISPDB), 587 starttls (nodemailer)`: what is published, by whom, in port order."""
    by_pair: dict[tuple[int, str], list[str]] = {}
    for _, server in servers:
        sources = by_pair.setdefault((server.port, server.security), [])
        label = "ISPDB" if server.source == "ispdb" else f"nodemailer {server.preset}"
        if label not in sources:
            sources.append(label)
    return ", ".join(f"{port} {security} ({', '.join(src)})" for (port, security), src in sorted(by_pair.items()))
