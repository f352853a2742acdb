"""A validated profile, read with the format's defaults: what rules and the probe work on.

The defaults are those of the published schema (generated from the models), so this view
adds no second copy of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from mailcheck.protocols import Protocol, Security, default_port
from mailcheck.schema import profile_schema, validator


@lru_cache(maxsize=256)
def _default(protocol: str, keys: tuple[str, ...]) -> Any:
    return validator().default(profile_schema(protocol), keys)


@dataclass(frozen=True, slots=True)
class ProfileView:
    name: str
    data: Mapping[str, Any]

    def written(self, *keys: str) -> bool:
        """Whether the profile sets this value itself (not null, not a default)."""
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or node.get(key) is None:
                return False
            node = node[key]
        return True

    def setting(self, *keys: str) -> Any:
        """The value at `keys`, or the format's default for it."""
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or node.get(key) is None:
                return _default(self.data["protocol"], keys)
            node = node[key]
        return node

    @property
    def protocol(self) -> Protocol:
        return Protocol(self.data["protocol"])

    @property
    def security(self) -> Security:
        return Security(self.data["security"])

    @property
    def host(self) -> str:
        return self.data["host"]

    @property
    def port(self) -> int:
        port = self.data.get("port")
        return int(port) if port is not None else default_port(self.protocol, self.security)

    @property
    def has_auth(self) -> bool:
        return self.written("auth")

    @property
    def mechanism(self) -> str:
        return self.setting("auth", "mechanism")

    @property
    def secret_field(self) -> str:
        """`token` for OAuth2, `password` otherwise."""
        return "token" if self.mechanism == "xoauth2" else "password"

    @property
    def username(self) -> str | None:
        return self.setting("auth", "username")

    @property
    def sender_address(self) -> str | None:
        return self.setting("from", "address")

    @property
    def timeout(self) -> float:
        return float(self.setting("timeout"))
