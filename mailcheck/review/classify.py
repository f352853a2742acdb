"""The security effect of one changed setting: weakening, strengthening or neutral, and why.

Each rule reads the before and after values of one setting (defaults filled in) and the
profile around them. A setting without a rule is neutral: a change of description, timeout
or sender is worth seeing, not worth blocking a merge on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

from mailcheck.hosts import is_loopback, parse_ip
from mailcheck.protocols import SECURITY_STRENGTH, TLS_VERSIONS, Security, tls_version_rank, well_known
from mailcheck.review.settings import Setting

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList


class Effect(str, Enum):
    WEAKENING = "weakening"
    STRENGTHENING = "strengthening"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Side:
    """One profile's settings on one side of the review."""

    settings: dict[str, Setting]

    def value(self, key: str) -> object:
        setting = self.settings.get(key)
        return setting.value if setting is not None else None


Verdict = tuple[Effect, str]
Classifier = Callable[[object, object, Side, Side], Verdict]
NEUTRAL: Verdict = (Effect.NEUTRAL, "")

_ENCRYPTED = {mode.value: strength for mode, strength in SECURITY_STRENGTH.items()}


def _security(before: object, after: object, old: Side, new: Side) -> Verdict:
    if before not in _ENCRYPTED or after not in _ENCRYPTED or _ENCRYPTED[str(before)] == _ENCRYPTED[str(after)]:
        return (
            (Effect.NEUTRAL, "both encrypt; the port must match the new mode")
            if {before, after} == {"tls", "starttls"}
            else NEUTRAL
        )
    if _ENCRYPTED[str(after)] > _ENCRYPTED[str(before)]:
        return Effect.STRENGTHENING, "the connection is now encrypted" + (
            "" if _ENCRYPTED[str(after)] == max(_ENCRYPTED.values()) else " when the server offers STARTTLS"
        )
    if isinstance(new.value("host"), str) and is_loopback(str(new.value("host"))):
        return (
            Effect.NEUTRAL,
            "no encryption, but the host is loopback: nothing crosses a network",
        )
    carried = "mail and credentials" if "auth.username" in new.settings or "auth.password" in new.settings else "mail"
    if after == Security.OPPORTUNISTIC.value:
        return Effect.WEAKENING, f"{carried} would travel in cleartext whenever STARTTLS is stripped or not offered"
    return Effect.WEAKENING, f"{carried} would travel in cleartext"


def _verify(before: object, after: object, old: Side, new: Side) -> Verdict:
    if before is True and after is False:
        return (
            Effect.WEAKENING,
            "any certificate is accepted: the connection can be intercepted",
        )
    if before is False and after is True:
        return Effect.STRENGTHENING, "the server certificate is verified again"
    return NEUTRAL


def _min_version(before: object, after: object, old: Side, new: Side) -> Verdict:
    was, now = tls_version_rank(before), tls_version_rank(after)
    if was is None or now is None:
        return NEUTRAL
    if now < was:
        retired = TLS_VERSIONS[now].deprecated
        deprecated = " (deprecated by RFC 8996)" if retired else ""
        return Effect.WEAKENING, f"accepts TLS {after}{deprecated}"
    return Effect.STRENGTHENING, f"requires TLS {after} or later"


def _secret(before: object, after: object, old: Side, new: Side) -> Verdict:
    was_inline = isinstance(before, tuple) and before[0] == "inline"
    is_inline = isinstance(after, tuple) and after[0] == "inline"
    if is_inline and was_inline:
        return (
            Effect.WEAKENING,
            "a new secret is written in the file: it is now in the git history too",
        )
    if is_inline and before is None:
        return (
            Effect.WEAKENING,
            "a secret is written in the file: it is stored there and in its git history",
        )
    if is_inline:
        return (
            Effect.WEAKENING,
            "the secret moved inline: it is stored in the file and its git history",
        )
    if was_inline:
        return (
            Effect.STRENGTHENING,
            "the secret moved out of the file (rotate it: the old value stays in git history)",
        )
    return NEUTRAL


def _auth(before: object, after: object, old: Side, new: Side) -> Verdict:
    if before == "set" and after is None:
        return (
            Effect.WEAKENING,
            "authentication removed: the server is used without credentials",
        )
    if before is None and after == "set":
        return Effect.STRENGTHENING, "authentication added"
    return NEUTRAL


def _host(before: object, after: object, old: Side, new: Side) -> Verdict:
    if not isinstance(before, str) or not isinstance(after, str):
        return NEUTRAL
    was, now = registrable_domain(before), registrable_domain(after)
    if was == now:
        return Effect.NEUTRAL, f"same domain ({now})"
    return (
        Effect.WEAKENING,
        f"mail and credentials now go to another domain ({was} -> {now})",
    )


def _port(before: object, after: object, old: Side, new: Side) -> Verdict:
    if old.value("security") != new.value("security") or not isinstance(before, int) or not isinstance(after, int):
        return NEUTRAL  # a security change carries the effect; the port follows it
    was, now = well_known(before), well_known(after)
    if was is not None and now is not None and was.implicit_tls != now.implicit_tls:
        if was.implicit_tls:
            return (
                Effect.WEAKENING,
                f"port {after} starts in cleartext, port {before} with TLS",
            )
        return Effect.STRENGTHENING, f"port {after} starts with TLS (RFC 8314)"
    return NEUTRAL


CLASSIFIERS: dict[str, Classifier] = {
    "security": _security,
    "tls.verify": _verify,
    "tls.min_version": _min_version,
    "auth": _auth,
    "auth.password": _secret,
    "auth.token": _secret,
    "host": _host,
    "port": _port,
}


def classify(key: str, before: Setting | None, after: Setting | None, old: Side, new: Side) -> Verdict:
    rule = CLASSIFIERS.get(key)
    if rule is None and any(s is not None and s.secret for s in (before, after)):
        rule = _secret  # `auth.pasword`, `smtp_password`: a secret under any key
    if rule is None:
        return NEUTRAL
    return rule(before.value if before else None, after.value if after else None, old, new)


def registrable_domain(host: str) -> str:
    """The part of a host name one owner holds: smtp.mail.example.co.uk -> example.co.uk,
    a.github.io -> a.github.io (github.io is a suffix its users register under).

    Judged by the Public Suffix List (publicsuffix.org/list), private section included: a
    name below github.io or me.uk belongs to whoever registered it, not to GitHub or Nominet.
    A name the list does not know gets its last label as the suffix (the list's "Formal
    Algorithm", step 2: "If no rules match, the prevailing rule is '*'"). A name with no
    registrable part (a suffix itself, one label, an empty label) is its own domain, so a
    change of it is never taken for a move within one domain. A Unicode name and its
    xn-- form are not matched to each other: they count as two domains, the safe way.
    """
    name = host.lower()
    if name.endswith(".") and not name.endswith(".."):
        name = name[:-1]  # the absolute form of the same name (RFC 1034, section 3.1)
    if not name:
        return host
    if is_loopback(name):
        return "loopback"
    address = parse_ip(name)
    if address is not None:
        return address.compressed  # one spelling per address: ::1 and 0::1 are one host
    return _public_suffixes().privatesuffix(name) or name


@lru_cache(maxsize=1)
def _public_suffixes() -> PublicSuffixList:
    """The list bundled with the package (no network), read once, and only when diff runs:
    `mailcheck check` never pays for it."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=True, only_icann=False)
