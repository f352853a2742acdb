"""A profile as the provider rules (MC701-MC706) see it: its host, its address, and what the
providers publish for them. Loads the index only for a profile whose host or address domain
it knows (see __init__.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mailcheck.protocols import Security, well_known
from mailcheck.providers.index import Index, Provider, Server, index


@dataclass(frozen=True, slots=True)
class Known:
    protocol: str
    host: str
    address: str | None  # the account's address: `from.address`, else a username that is one
    domain: str | None
    servers: tuple[tuple[Provider, Server], ...]  # published servers of this protocol at this host
    index: Index

    @property
    def ispdb(self) -> list[tuple[Provider, Server]]:
        return [(p, s) for p, s in self.servers if s.source == "ispdb"]

    def owners(self) -> list[Provider]:
        """The providers the address domain belongs to (the ISPDB's preferred)."""
        return self.index.owners_of_domain(self.domain) if self.domain else []


@lru_cache(maxsize=512)
def lookup(protocol: str, host: str, address: str | None, domain: str | None) -> Known:
    """What the index holds for a profile whose names it knows (providers.known asks)."""
    loaded = index()
    return Known(protocol, host, address, domain, tuple(loaded.servers_at(protocol, host, address)), loaded)


def upgrade_mode(security: Security) -> str:
    """The mode a profile asks the server to speak: opportunistic STARTTLS is STARTTLS to the
    server (MC214 is about the client's half)."""
    return "starttls" if security is Security.OPPORTUNISTIC else security.value


def trusted(server: Server) -> bool:
    """Whether a published (port, security) pair can be held against a profile: not one the
    RFCs' own port table contradicts (an ISPDB entry with implicit TLS on 587 is the entry's
    mistake, reported on it by MC201, not a fact about the server)."""
    port = well_known(server.port)
    return port is None or port.protocol.value != server.protocol or Security(server.security) in port.modes


_FORMS = {"%EMAILADDRESS%": r"[^@\s]+@[^@\s]+", "%EMAILLOCALPART%": r"[^@\s]+", "%EMAILDOMAIN%": r"[^@\s]+\.[^@\s]+"}
_PLACEHOLDER = re.compile("|".join(map(re.escape, _FORMS)))


def username_form(template: str) -> re.Pattern[str]:
    """The logins a username template allows: `%EMAILLOCALPART%` is a login without `@`."""
    parts = _PLACEHOLDER.split(template)
    found = _PLACEHOLDER.findall(template)
    pattern = re.escape(parts[0]) + "".join(_FORMS[f] + re.escape(p) for f, p in zip(found, parts[1:], strict=True))
    return re.compile(pattern, re.IGNORECASE)
