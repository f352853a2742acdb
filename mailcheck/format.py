"""Facts about the profile file format that the fast paths need without importing pydantic."""

from __future__ import annotations

from typing import Any

EXTENSION_PREFIX = "x-"  # top-level keys starting with it are the user's (anchors live there)
PROFILE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
# A name, not an address: the project owns no domain, and editors find the schema through the
# modeline's relative path (or their own settings), never by fetching its $id.
SCHEMA_ID = "urn:mailcheck:schema:profile:1"


def profiles_of(document: object) -> dict[str, Any] | None:
    """The `profiles` mapping of a loaded document; None when the document has none to read
    (the lint findings say why)."""
    profiles = document.get("profiles") if isinstance(document, dict) else None
    return profiles if isinstance(profiles, dict) else None


def strip_extensions(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its `x-` extension keys, which the format leaves to users."""
    return {k: v for k, v in document.items() if not (isinstance(k, str) and k.startswith(EXTENSION_PREFIX))}
