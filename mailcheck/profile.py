"""A profile read with the format's defaults: what rules and the probe work on.

Rules run on every profile that is a mapping, however broken its other fields are, so a
problem in one field never hides the findings about the others. A field that is itself
invalid (wrong type, out of range, not one of the allowed values) or a required field that
is missing cannot be read: asking for it raises FieldUnavailable, and the engine ends that
rule's check of this profile quietly, since the structural finding already reports it.

The defaults are those of the models, read from the schema generated from them: this view
keeps no second copy of them, and the linter, the probe and the review all read them here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from mailcheck.protocols import Protocol, Security, default_port
from mailcheck.schema import profile_schema, validator

Keys = tuple[str, ...]


class FieldUnavailable(Exception):
    """A rule asked for a field that is invalid or missing; its structural finding says why."""

    def __init__(self, keys: Keys) -> None:
        super().__init__(".".join(keys))
        self.keys = keys


@lru_cache(maxsize=256)
def _default(protocol: str, keys: Keys) -> Any:
    return validator().default(profile_schema(protocol), keys)


@lru_cache(maxsize=8)
def defaulted_keys(protocol: str) -> tuple[Keys, ...]:
    """Every key of `protocol`'s profiles that the format gives a value when it is left
    out, such as ("tls", "verify"): the schema's defaults other than null, in its order."""
    return tuple(_defaulted(profile_schema(protocol), ()))


def _defaulted(schema: dict[str, Any], above: Keys) -> Iterator[Keys]:
    for branch in _object_branches(schema):
        for key, value in branch.get("properties", {}).items():
            node = validator().resolve(value)
            if node.get("default") is not None:
                yield (*above, key)
            yield from _defaulted(node, (*above, key))


def _object_branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The mappings a value may be: the schema itself, or the branches of `X | None`."""
    branches = [validator().resolve(b) for b in schema.get("anyOf", ())] or [schema]
    return [b for b in branches if "properties" in b]


@lru_cache(maxsize=256)
def common_default(keys: Keys) -> Any:
    """The default every protocol gives `keys`, for a profile whose protocol is unknown."""
    defaults = {repr(_default(p.value, keys)): _default(p.value, keys) for p in Protocol}
    if len(defaults) != 1:
        raise FieldUnavailable(("protocol",))
    return next(iter(defaults.values()))


@dataclass(frozen=True, slots=True)
class ProfileView:
    name: str
    data: Mapping[str, Any]
    # profile-relative paths of values that are invalid or required and missing
    invalid: frozenset[Keys] = frozenset()
    # values an app reads only at run time: the profile holds what the app's file writes
    # (`$__env{SMTP_HOST}`), readable in messages; rules that judge a value's form skip them
    deferred: frozenset[Keys] = frozenset()

    def is_deferred(self, *keys: str) -> bool:
        return keys in self.deferred

    def _check(self, keys: Keys, *, whole: bool) -> None:
        """Refuse `keys` when it, a parent of it or (for a whole value) a part of it is invalid."""
        for bad in self.invalid:
            if keys[: len(bad)] == bad or (whole and bad[: len(keys)] == keys):
                raise FieldUnavailable(bad)

    def written(self, *keys: str) -> bool:
        """Whether the profile sets this value itself (not null, not a default)."""
        if self.invalid:
            self._check(keys, whole=False)
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or node.get(key) is None:
                return False
            node = node[key]
        return True

    def setting(self, *keys: str) -> Any:
        """The value at `keys`, or the format's default for it."""
        if self.invalid:
            self._check(keys, whole=True)
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or node.get(key) is None:
                return self._default(keys)
            node = node[key]
        return node

    def defaults(self) -> dict[Keys, Any]:
        """The value of each key the format gives a default, as `setting` reads it (what the
        profile writes, or the default), and the port: of a profile whose protocol and
        security are valid. The defaults under `auth` only for a profile that logs in (no
        auth means no login, not a default one)."""
        found: dict[Keys, Any] = {("port",): self.port}
        for keys in defaulted_keys(self.protocol.value):
            if keys[0] != "auth" or self.has_auth:
                found[keys] = self.setting(*keys)
        return found

    def _default(self, keys: Keys) -> Any:
        protocol = self.data.get("protocol")
        if ("protocol",) in self.invalid or protocol not in _PROTOCOLS:
            return common_default(keys)
        return _default(protocol, keys)

    def _required(self, key: str) -> Any:
        if self.invalid:
            self._check((key,), whole=True)
        if key not in self.data:
            raise FieldUnavailable((key,))
        return self.data[key]

    @property
    def protocol(self) -> Protocol:
        return _member(Protocol, self._required("protocol"), "protocol")

    @property
    def security(self) -> Security:
        return _member(Security, self._required("security"), "security")

    @property
    def host(self) -> str:
        return str(self._required("host"))

    @property
    def port(self) -> int:
        if self.written("port"):
            return int(self.data["port"])
        return default_port(self.protocol, self.security)

    @property
    def has_auth(self) -> bool:
        return self.written("auth")

    @property
    def mechanism(self) -> str:
        return str(self.setting("auth", "mechanism"))

    @property
    def secret_field(self) -> str:
        """`token` for OAuth2, `password` otherwise."""
        return "token" if self.mechanism == "xoauth2" else "password"

    @property
    def username(self) -> str | None:
        return self.setting("auth", "username")  # type: ignore[no-any-return]

    @property
    def sender_address(self) -> str | None:
        return self.setting("from", "address")  # type: ignore[no-any-return]

    @property
    def timeout(self) -> float:
        return float(self.setting("timeout"))


_PROTOCOLS = frozenset(p.value for p in Protocol)


E = TypeVar("E", Protocol, Security)


def _member(kind: type[E], value: Any, key: str) -> E:
    """`value` as a member of `kind`; a value the validator let through unchecked (no branch
    of the profile applied) is an unreadable field, not a crash."""
    try:
        return kind(value)
    except ValueError:
        raise FieldUnavailable((key,)) from None
