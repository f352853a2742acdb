"""What mail providers publish, offline: Thunderbird's ISPDB and nodemailer's presets.

`data.json` (built by scripts/build_providers.py from the upstream files; the sources, their
commits and licences are in it and in this folder's README.md) holds every provider's
domains and SMTP, IMAP and POP3 servers, indexed by domain, MX domain and literal server
hostname. Hostnames and usernames keep the sources' placeholders (`mail.%EMAILDOMAIN%`,
`%EMAILLOCALPART%`); they are expanded from a profile's address when it is looked up.

`check` must not pay for this on profiles no provider knows (README, Speed): this module is
all the rules import, `names.txt` (every name the indexes hold, ~1,400 strings) is read on
the first lookup, and the index (providers/index.py, data.json) and what the rules share
(providers/profiles.py) are imported and loaded only when a profile's host or address
domain is in it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailcheck.profile import ProfileView
    from mailcheck.providers.profiles import Known

HERE = Path(__file__).resolve().parent
DATA_FILE = HERE / "data.json"
NAMES_FILE = HERE / "names.txt"


@cache
def names() -> frozenset[str]:
    """Every domain, MX domain and server hostname the index knows (lower case)."""
    return frozenset(NAMES_FILE.read_text(encoding="utf-8").split())


def might_know(*candidates: str | None) -> bool:
    """Whether any of these names (a host, an address domain) is in the index: when not,
    no provider rule has anything to say and the index is never loaded."""
    known = names()
    return any(c is not None and c in known for c in candidates)


def normal_name(name: str) -> str:
    return name.strip().rstrip(".").lower()


def known(profile: ProfileView) -> Known | None:
    """What the providers publish about this profile, or None when no provider knows its
    host or its address domain (or the host is not written as a name the index could hold)."""
    if profile.is_deferred("host"):
        return None
    host = normal_name(profile.host)
    if not host or "%" in host:
        return None  # a placeholder left in the host is MC209's
    address = account_address(profile)
    domain = normal_name(address.rsplit("@", 1)[1]) if address else None
    if not might_know(host, domain):
        return None
    from mailcheck.providers.profiles import lookup

    return lookup(profile.protocol.value, host, address, domain)


def account_address(profile: ProfileView) -> str | None:
    """The account's address: `from.address`, else a username that is one."""
    for keys in (("from", "address"), ("auth", "username")):
        if profile.written(*keys) and not profile.is_deferred(*keys):
            value = profile.setting(*keys)
            if isinstance(value, str) and "@" in value and "%" not in value:
                return value.strip()
    return None


def expand(template: str, address: str | None) -> str:
    """A source's template (`mail.%EMAILDOMAIN%`, `%EMAILLOCALPART%`) filled in from `address`."""
    if address is None or "@" not in address:
        return template
    local, domain = address.rsplit("@", 1)
    return (
        template.replace("%EMAILADDRESS%", address)
        .replace("%EMAILLOCALPART%", local)
        .replace("%EMAILDOMAIN%", domain.lower())
    )
