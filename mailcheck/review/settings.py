"""A profile as a flat list of settings that can be compared and shown without leaking secrets.

`auth.password: hunter2` becomes the setting `auth.password` shown as "inline secret" and
compared by a digest: a review can say "inline secret (changed)" without holding the value in
anything it prints. Whatever is written under a secret key (`password`, `smtp_pass`, a
misspelt `pasword`; any type, any nesting) is one secret setting, never shown; another tool's
reference (`$X`, `{{ x }}`, `op://...`) is one too, shown as a reference mailcheck cannot
resolve: it holds no secret, so it is no inline one. Omitted
values the format gives a default (port, tls.verify, ...) are filled in, so writing
`port: 587` where 587 was already the default is not a change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from mailcheck.protocols import Protocol, Security
from mailcheck.secrets import foreign_reference, is_reference, is_secret_key, parse_secret

INLINE_SECRET = "inline secret"
FOREIGN_REFERENCE = "reference mailcheck cannot resolve"  # `$X`, `{{ x }}`, `op://...` (MC305)


@dataclass(frozen=True)
class Setting:
    shown: str  # what a review may print; never a secret value
    value: Any  # what changes are judged on: the value, or a digest for inline secrets
    default: bool = False  # the format's default, not written in the file
    secret: bool = False  # written under a secret key: judged as a secret, whatever the key

    def display(self) -> str:
        return f"{self.shown} (default)" if self.default else self.shown


def secret_setting(raw: Any) -> Setting:
    """A value written under a secret key: its reference, or a digest of whatever it is."""
    if is_reference(raw):
        ref = parse_secret(raw)  # well-formed, so parse_secret's validated input
        return Setting(f"{ref.kind} {ref.source}", (ref.kind, ref.source), secret=True)
    if raw is None or raw == "":
        return Setting("empty", ("empty",), secret=True)
    foreign = foreign_reference(raw)
    if foreign is not None and foreign.inline is None:  # names a secret kept elsewhere: not in the file
        return Setting(FOREIGN_REFERENCE, ("foreign", fingerprint(raw)), secret=True)
    return Setting(INLINE_SECRET, ("inline", fingerprint(raw)), secret=True)


def fingerprint(value: Any) -> str:
    """A digest of any loaded YAML value, equal for equal values (mapping order aside) and
    different across types (12345678 and "12345678"): compared, never shown."""
    return hashlib.sha256(repr(_canonical(value)).encode()).hexdigest()


def _canonical(value: Any) -> object:
    if isinstance(value, dict):
        return ("map", tuple(sorted(((_canonical(k), _canonical(v)) for k, v in value.items()), key=repr)))
    if isinstance(value, list):
        return ("seq", tuple(_canonical(v) for v in value))
    return (type(value).__name__, repr(value))


def flatten(profile: dict[str, Any]) -> dict[str, Setting]:
    """Dotted key -> Setting for every value the profile writes, plus the defaults it gets."""
    settings: dict[str, Setting] = {}
    _walk(profile, (), settings)
    for keys, setting in _defaults(profile).items():
        settings.setdefault(".".join(keys), setting)
    return settings


def _walk(node: Any, keys: tuple[str, ...], out: dict[str, Setting]) -> None:
    name = ".".join(keys)
    if keys and is_secret_key(keys[-1]):
        out[name] = secret_setting(node)  # before descending: {env: NAME} is one setting
    elif isinstance(node, dict) and node:
        for key, value in node.items():
            _walk(value, (*keys, str(key)), out)
    else:
        out[name] = Setting(_show(node), _comparable(node))


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(_masked(value), default=str, ensure_ascii=False)


def _masked(value: Any) -> Any:
    """`value` with whatever a secret key holds inside it (`[{password: x}]`) replaced by
    how a review shows it, so that a list or mapping can be shown whole."""
    if isinstance(value, dict):
        return {str(k): secret_setting(v).shown if is_secret_key(k) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _comparable(value: Any) -> Any:
    return fingerprint(value) if isinstance(value, (dict, list)) else value


def _defaults(profile: dict[str, Any]) -> dict[tuple[str, ...], Setting]:
    """The defaults of a profile whose protocol and security are valid, none otherwise: the
    ones the linter and the probe read (profile.ProfileView, from the models' schema)."""
    from mailcheck.profile import ProfileView

    if profile.get("protocol") not in {p.value for p in Protocol} or profile.get("security") not in {
        s.value for s in Security
    }:
        return {}
    try:
        values = ProfileView("", profile).defaults()
    except (
        TypeError,
        ValueError,
        KeyError,
    ):  # a structurally broken profile: its findings say why
        return {}
    return {keys: Setting(_show(value), value, default=True) for keys, value in values.items()}
