"""The security effect of one changed setting: weakening, strengthening or neutral, and why.

Each rule reads the before and after values of one setting (defaults filled in) and the
profile around them. A setting without a rule is neutral: a change of description, timeout
or sender is worth seeing, not worth blocking a merge on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from mailcheck.hosts import is_loopback, parse_ip
from mailcheck.protocols import well_known
from mailcheck.review.settings import Setting


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

_ENCRYPTED = {"tls": 1, "starttls": 1, "none": 0}
_TLS_VERSIONS = {"1.0": 0, "1.1": 1, "1.2": 2, "1.3": 3}


def _security(before: object, after: object, old: Side, new: Side) -> Verdict:
    if (
        before not in _ENCRYPTED
        or after not in _ENCRYPTED
        or _ENCRYPTED[str(before)] == _ENCRYPTED[str(after)]
    ):
        return (
            (Effect.NEUTRAL, "both encrypt; the port must match the new mode")
            if {before, after} == {"tls", "starttls"}
            else NEUTRAL
        )
    if _ENCRYPTED[str(after)] > _ENCRYPTED[str(before)]:
        return Effect.STRENGTHENING, "the connection is now encrypted"
    if isinstance(new.value("host"), str) and is_loopback(str(new.value("host"))):
        return (
            Effect.NEUTRAL,
            "no encryption, but the host is loopback: nothing crosses a network",
        )
    carried = (
        "mail and credentials"
        if "auth.username" in new.settings or "auth.password" in new.settings
        else "mail"
    )
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
    if before not in _TLS_VERSIONS or after not in _TLS_VERSIONS:
        return NEUTRAL
    if _TLS_VERSIONS[str(after)] < _TLS_VERSIONS[str(before)]:
        deprecated = (
            " (deprecated by RFC 8996)"
            if _TLS_VERSIONS[str(after)] < _TLS_VERSIONS["1.2"]
            else ""
        )
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
    if (
        old.value("security") != new.value("security")
        or not isinstance(before, int)
        or not isinstance(after, int)
    ):
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


def classify(
    key: str, before: Setting | None, after: Setting | None, old: Side, new: Side
) -> Verdict:
    rule = CLASSIFIERS.get(key)
    if rule is None:
        return NEUTRAL
    return rule(
        before.value if before else None, after.value if after else None, old, new
    )


# Second-level labels under country codes that registries, not organisations, hold
# (example.co.uk, example.com.au). An approximation of the Public Suffix List that keeps
# the linter free of a data dependency; a miss only makes a host change look "neutral".
_SHARED_SECOND_LEVEL = frozenset(
    {"ac", "co", "com", "edu", "gov", "gob", "go", "ne", "net", "or", "org"}
)


def registrable_domain(host: str) -> str:
    """The part of a host name an organisation registers: smtp.mail.example.co.uk -> example.co.uk."""
    name = host.rstrip(".").lower()
    if is_loopback(name):
        return "loopback"
    if parse_ip(name) is not None:
        return name
    labels = name.split(".")
    keep = (
        3
        if len(labels) >= 3
        and len(labels[-1]) == 2
        and labels[-2] in _SHARED_SECOND_LEVEL
        else 2
    )
    return ".".join(labels[-keep:])
