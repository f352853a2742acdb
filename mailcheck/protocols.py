"""The one table of mail protocols, their well-known ports and security modes, and the
one table of the TLS versions a profile may ask for.

The linter checks profiles against them (port/security rules, default ports, weak TLS
versions), the probe speaks by them (which STARTTLS verb, which mode a port should answer
in, which TLS version was negotiated), the review judges changes by them, and the models
publish them in the schema, so a fact about ports or TLS versions lives here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple


class Protocol(str, Enum):
    SMTP = "smtp"
    IMAP = "imap"
    POP3 = "pop3"


class Security(str, Enum):
    TLS = "tls"  # implicit TLS: the handshake is the first thing on the wire (RFC 8314)
    STARTTLS = "starttls"  # plaintext greeting, then upgrade; required, never optional
    # STARTTLS when the server offers it, plaintext otherwise: what many apps do by default
    # (Grafana, Keycloak, Jakarta Mail). A profile of its own only to say so (MC214).
    OPPORTUNISTIC = "opportunistic"
    NONE = "none"  # no encryption at all

    @property
    def upgrades(self) -> bool:
        """Whether the session starts in plaintext and then asks for STARTTLS."""
        return self in (Security.STARTTLS, Security.OPPORTUNISTIC)


# How much each mode protects against someone on the path: either TLS mode holds, an
# opportunistic upgrade falls to anyone who strips STARTTLS from the reply, none never holds.
SECURITY_STRENGTH: dict[Security, int] = {
    Security.TLS: 2,
    Security.STARTTLS: 2,
    Security.OPPORTUNISTIC: 1,
    Security.NONE: 0,
}


SECURITY_DESCRIPTIONS: dict[Security, str] = {
    Security.TLS: "Implicit TLS: the TLS handshake starts as soon as the connection opens "
    "(ports 465, 993, 995; RFC 8314).",
    Security.STARTTLS: "Plaintext greeting, then a required upgrade with STARTTLS (STLS for POP3) "
    "before anything else (ports 587, 143, 110; RFC 3207, RFC 2595). Never falls back to plaintext.",
    Security.OPPORTUNISTIC: "STARTTLS only when the server offers it, plaintext otherwise: anyone on the "
    "path can strip the offer (MC214). Written to describe an app that behaves so; use starttls.",
    Security.NONE: "No encryption: everything, credentials included, crosses the network in cleartext.",
}


@dataclass(frozen=True)
class ProtocolInfo:
    protocol: Protocol
    title: str
    starttls_verb: str  # the command that upgrades a plaintext session
    default_ports: dict[Security, int]


@dataclass(frozen=True)
class WellKnownPort:
    port: int
    protocol: Protocol
    name: str  # IANA service name
    modes: frozenset[Security]  # the security modes this port speaks
    reference: str

    @property
    def implicit_tls(self) -> bool:
        return self.modes == {Security.TLS}


PROTOCOLS: dict[Protocol, ProtocolInfo] = {
    Protocol.SMTP: ProtocolInfo(
        Protocol.SMTP,
        "SMTP",
        "STARTTLS",
        {Security.TLS: 465, Security.STARTTLS: 587, Security.OPPORTUNISTIC: 587, Security.NONE: 25},
    ),
    Protocol.IMAP: ProtocolInfo(
        Protocol.IMAP,
        "IMAP",
        "STARTTLS",
        {Security.TLS: 993, Security.STARTTLS: 143, Security.OPPORTUNISTIC: 143, Security.NONE: 143},
    ),
    Protocol.POP3: ProtocolInfo(
        Protocol.POP3,
        "POP3",
        "STLS",
        {Security.TLS: 995, Security.STARTTLS: 110, Security.OPPORTUNISTIC: 110, Security.NONE: 110},
    ),
}

_PLAIN_OR_STARTTLS = frozenset({Security.STARTTLS, Security.OPPORTUNISTIC, Security.NONE})
_IMPLICIT_TLS = frozenset({Security.TLS})

WELL_KNOWN_PORTS: dict[int, WellKnownPort] = {
    p.port: p
    for p in (
        WellKnownPort(25, Protocol.SMTP, "smtp", _PLAIN_OR_STARTTLS, "RFC 5321, STARTTLS RFC 3207"),
        WellKnownPort(465, Protocol.SMTP, "submissions", _IMPLICIT_TLS, "RFC 8314 section 3.3"),
        WellKnownPort(587, Protocol.SMTP, "submission", _PLAIN_OR_STARTTLS, "RFC 6409, STARTTLS RFC 3207"),
        WellKnownPort(143, Protocol.IMAP, "imap", _PLAIN_OR_STARTTLS, "RFC 9051, STARTTLS RFC 2595"),
        WellKnownPort(993, Protocol.IMAP, "imaps", _IMPLICIT_TLS, "RFC 8314 section 3.3"),
        WellKnownPort(110, Protocol.POP3, "pop3", _PLAIN_OR_STARTTLS, "RFC 1939, STLS RFC 2595"),
        WellKnownPort(995, Protocol.POP3, "pop3s", _IMPLICIT_TLS, "RFC 8314 section 3.3"),
    )
}


def default_port(protocol: Protocol, security: Security) -> int:
    """The port a profile uses when it names none."""
    return PROTOCOLS[protocol].default_ports[security]


def well_known(port: int) -> WellKnownPort | None:
    return WELL_KNOWN_PORTS.get(port)


def ports_of(protocol: Protocol) -> list[WellKnownPort]:
    return [p for p in WELL_KNOWN_PORTS.values() if p.protocol is protocol]


def suggested_security(port: WellKnownPort) -> Security:
    """The mode to recommend on a well-known port: TLS where it is implicit, else STARTTLS."""
    return Security.TLS if port.implicit_tls else Security.STARTTLS


class TlsVersion(NamedTuple):
    """A TLS version a profile may name as `tls.min_version`."""

    name: str  # as a profile writes it, quoted: "1.2"
    negotiated: str  # as OpenSSL names it once negotiated (SSLSocket.version()): "TLSv1.2"
    deprecated: bool  # retired by RFC 8996: MC207 warns, a review calls a move to it weakening
    description: str  # what the schema says of it (editors show it)


# Oldest first: the order is how versions compare.
TLS_VERSIONS: tuple[TlsVersion, ...] = (
    TlsVersion(
        "1.0", "TLSv1", True, "TLS 1.0: deprecated by RFC 8996 (MC207); allow only for servers that cannot do better."
    ),
    TlsVersion("1.1", "TLSv1.1", True, "TLS 1.1: deprecated by RFC 8996 (MC207)."),
    TlsVersion("1.2", "TLSv1.2", False, "TLS 1.2: the default and the floor RFC 8997 sets for mail."),
    TlsVersion("1.3", "TLSv1.3", False, "TLS 1.3: the strictest; every current mail server supports it."),
)
TLS_VERSION_NAMES: tuple[str, ...] = tuple(v.name for v in TLS_VERSIONS)


def tls_version(name: object) -> TlsVersion | None:
    """The version a profile names (`"1.2"`); None for anything else (`1.2` unquoted is a number)."""
    return next((v for v in TLS_VERSIONS if v.name == name), None)


def older_tls_version(version: str, than: str) -> bool:
    """Whether TLS `version` ("1.1") is older than `than` ("1.2")."""
    rank, floor = tls_version_rank(version), tls_version_rank(than)
    return rank is not None and floor is not None and rank < floor


def tls_version_rank(name: object) -> int | None:
    """Where the version `name` stands, oldest first (0 for "1.0"); None for no version."""
    return TLS_VERSION_NAMES.index(name) if isinstance(name, str) and name in TLS_VERSION_NAMES else None
