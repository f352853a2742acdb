"""What both readers produce: servers with every value tied to the element it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Thunderbird fills these in usernames and hostnames (AccountConfig's replaceVariables,
# comm-central mail/components/accountcreation/modules/AccountConfig.sys.mjs); the ISPDB
# README lists the same three. Anything else between % signs is left as it is, as there.
PLACEHOLDERS = ("%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%")
_LEFTOVER = re.compile(r"%[A-Za-z]+%?")
STAND_IN_LOCAL_PART = "user"  # the local part used when no --address is given


class ImportFailure(Exception):
    """The file cannot be imported; a one-line reason."""


@dataclass(frozen=True)
class Address:
    address: str
    source: str  # "--address", "file" (an Autodiscover response's own) or "stand-in"

    @property
    def given(self) -> bool:
        """Whether it is the user's (and so may be the sender), not a stand-in."""
        return self.source == "--address"

    @property
    def local_part(self) -> str:
        return self.address.rpartition("@")[0]

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


@dataclass
class Sourced:
    """A value and the comment that says where it came from."""

    value: str | int | None
    origin: str  # "aol.com.xml:31 <hostname>", shown at the end of the line
    notes: list[str] = field(default_factory=list)  # longer remarks, on comment lines above


@dataclass
class Credentials:
    kind: str  # "password" or "token"
    mechanism: str | None  # None: the format's default, auto
    origin: str
    username: Sourced
    notes: list[str] = field(default_factory=list)


@dataclass
class Server:
    protocol: str  # imap, pop3, smtp
    origin: str  # the server element
    host: Sourced
    port: Sourced  # value None: left to the format's default, with a note why
    security: Sourced
    auth: Credentials | None
    auth_notes: list[str] = field(default_factory=list)  # why there is no auth, or what was not copied
    notes: list[str] = field(default_factory=list)  # about the whole server


@dataclass
class Reading:
    """One provider file as read: its servers and what the header comment says."""

    kind: str  # "Thunderbird autoconfig file (clientConfig 1.1)" or "Autodiscover response (POX)"
    provider: str  # what the file is for: an emailProvider id and name, or a user's address
    servers: list[Server]
    address: Address
    notes: list[str] = field(default_factory=list)  # skipped servers, ignored parts


def expand(text: str, address: Address) -> str:
    """`text` with Thunderbird's placeholders filled in from `address`."""
    return (
        text.replace("%EMAILADDRESS%", address.address)
        .replace("%EMAILLOCALPART%", address.local_part)
        .replace("%EMAILDOMAIN%", address.domain)
    )


def leftover_placeholder(text: str) -> str | None:
    """A %NAME% (or malformed %NAME) that is not one of the placeholders, as written."""
    rest = text
    for placeholder in PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    match = _LEFTOVER.search(rest)
    return match.group() if match else None


def uses_placeholders(text: str) -> bool:
    return any(placeholder in text for placeholder in PLACEHOLDERS)


def ssl_by_port(port: int) -> str:
    """Thunderbird's choice for Autodiscover's `SSL on` (and Encryption other than None),
    which does not say implicit TLS or STARTTLS: STARTTLS on the protocols' plaintext ports,
    implicit TLS on any other (ExchangeAutoDiscover.sys.mjs, readAutoDiscoverXML)."""
    return "starttls" if port in (143, 110, 25, 587) else "tls"
