"""A profile as a flat list of settings that can be compared and shown without leaking secrets.

`auth.password: hunter2` becomes the setting `auth.password` shown as "inline secret" and
compared by a hash: a review can say "inline secret (changed)" without holding the value in
anything it prints. Omitted values the format gives a default (port, tls.verify, ...) are
filled in, so writing `port: 587` where 587 was already the default is not a change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from mailcheck.protocols import Protocol, Security
from mailcheck.secrets import SECRET_KEYS, parse_secret

# Substrings of a key that make its value a secret even when the key is misspelt or unknown.
_SECRET_HINTS = ("pass", "secret", "token", "pwd", "credential", "apikey", "api_key")
# Omitted settings the format gives a value to; the profile's own defaults decide them.
_DEFAULTED = (("tls", "verify"), ("tls", "min_version"), ("timeout",))


@dataclass(frozen=True)
class Setting:
    shown: str  # what a review may print; never a secret value
    value: Any  # what changes are judged on: the value, or a digest for inline secrets
    default: bool = False  # the format's default, not written in the file

    def display(self) -> str:
        return f"{self.shown} (default)" if self.default else self.shown


def is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECRET_KEYS or any(hint in lowered for hint in _SECRET_HINTS)


def secret_setting(raw: Any) -> Setting:
    # parse_secret expects a validated value: a malformed mapping is judged as the text it is
    well_formed = not isinstance(raw, dict) or (
        len(raw) == 1
        and set(raw) <= {"env", "file"}
        and isinstance(next(iter(raw.values())), str)
    )
    ref = parse_secret(raw if well_formed else str(raw))
    if ref.kind in ("env", "file"):
        return Setting(f"{ref.kind} {ref.source}", (ref.kind, ref.source))
    if ref.kind == "inline":
        digest = hashlib.sha256(
            json.dumps(raw, sort_keys=True, default=str).encode()
        ).hexdigest()
        return Setting("inline secret", ("inline", digest))
    return Setting("empty", ("empty",))


def flatten(profile: dict) -> dict[str, Setting]:
    """Dotted key -> Setting for every value the profile writes, plus the defaults it gets."""
    settings: dict[str, Setting] = {}
    _walk(profile, (), settings)
    for keys, setting in _defaults(profile).items():
        settings.setdefault(".".join(keys), setting)
    return settings


def _walk(node: Any, keys: tuple[str, ...], out: dict[str, Setting]) -> None:
    name = ".".join(keys)
    if keys and is_secret_key(keys[-1]):
        out[name] = secret_setting(
            node
        )  # before descending: {env: NAME} is one setting
    elif isinstance(node, dict) and node:
        for key, value in node.items():
            _walk(value, (*keys, str(key)), out)
    else:
        out[name] = Setting(_show(node), _comparable(node))


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False)


def _comparable(value: Any) -> Any:
    return (
        json.dumps(value, sort_keys=True, default=str)
        if isinstance(value, (dict, list))
        else value
    )


def _defaults(profile: dict) -> dict[tuple[str, ...], Setting]:
    """The defaults of a profile whose protocol and security are valid; none otherwise."""
    from mailcheck.profile import ProfileView

    if profile.get("protocol") not in {p.value for p in Protocol} or profile.get(
        "security"
    ) not in {s.value for s in Security}:
        return {}
    view = ProfileView("", profile)
    try:
        found: dict[tuple[str, ...], Setting] = {
            ("port",): Setting(str(view.port), view.port, default=True)
        }
        for keys in _DEFAULTED:
            value = view.setting(*keys)
            found[keys] = Setting(_show(value), value, default=True)
        if view.has_auth:
            found[("auth", "mechanism")] = Setting(
                view.mechanism, view.mechanism, default=True
            )
    except (
        TypeError,
        ValueError,
        KeyError,
    ):  # a structurally broken profile: its findings say why
        return {}
    return found
