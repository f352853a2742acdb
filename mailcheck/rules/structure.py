"""What the structural rules (MC101-MC103) and the engine share about schema violations.

A document's violations, one per mistake; where each is reported; the password or token
field one lies in (reported once per field, whatever is wrong inside it, since its value is
never shown); and the profile fields that rules cannot read because of them (profile.py).
Not a rule: mailcheck.rules lists it among the support modules.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from mailcheck.schema import validator
from mailcheck.secrets import secret_key_index

if TYPE_CHECKING:
    from mailcheck.loader import Document, Mark
    from mailcheck.profile import Keys
    from mailcheck.validator import Violation

Path = tuple[Any, ...]

# What is wrong with a broken password or token, told by its value's shape: MC102 reports
# the shapes that hold keys no reference has, MC101 the others.
SecretShape = Literal[
    "bad-env-name", "reference-with-more", "empty-file", "other-store", "empty-mapping", "not-a-reference"
]


class SecretField(NamedTuple):
    """A password or token field that violates the schema: reported once, at the field."""

    path: Path  # from the document's root, ending at the secret key
    violation: Violation  # the first violation inside it (or about its value)
    value: object  # as written: never shown, only judged by its shape
    shape: SecretShape


def violations_of(data: dict[str, Any]) -> tuple[Violation, ...]:
    """The schema's violations of `data`, one per mistake: "X is required" is dropped where
    an unknown key at the same place is a misspelling of X, since the unknown-key finding
    already says "did you mean X?"."""
    import difflib

    violations = validator().violations(data)
    unknown = {(v.path, v.key) for v in violations if v.kind == "unknown-key"}

    def echoed(v: Violation) -> bool:
        siblings = [key for path, key in unknown if path == v.path and key]
        return v.kind == "missing" and bool(difflib.get_close_matches(v.key or "", siblings, n=1, cutoff=0.75))

    return tuple(v for v in violations if not echoed(v))


def one_per_field(document: Document, violations: Sequence[Violation]) -> Iterator[Violation | SecretField]:
    """Each violation outside a secret, and each broken secret field once (where its first
    violation is), in the order of the violations."""
    seen: set[Path] = set()
    for violation in violations:
        field = secret_field(violation)
        if field is None:
            yield violation
        elif field not in seen:
            seen.add(field)
            value = value_at(document.data, field)
            yield SecretField(field, violation, value, secret_shape(violation, value))


def on_key(violation: Violation) -> bool:
    """Whether the violation is about a key (unknown, or a bad profile name), not a value."""
    return violation.kind in ("unknown-key", "bad-name")


def target(violation: Violation) -> Path:
    """The path a violation is reported at: the key itself for one about a key."""
    return (*violation.path, violation.key) if on_key(violation) else violation.path


def mark(document: Document, violation: Violation) -> Mark:
    """Where a violation is reported; a missing key belongs to its mapping, so it points at
    the mapping's own key (e.g. the profile name)."""
    return document.locate(target(violation), key=on_key(violation) or violation.kind == "missing")


def is_about_version(violation: Violation) -> bool:
    path = violation.path
    return path[:1] == ("version",) or (path == () and violation.key == "version" and violation.kind == "missing")


def secret_field(violation: Violation) -> Path | None:
    """The password or token field a violation lies inside (or is about the value of)."""
    path = target(violation)
    secret = secret_key_index(path)
    if secret is None or (on_key(violation) and secret == len(path) - 1):
        return None  # no secret, or an unknown key that merely looks like one (`pasword:`)
    return path[: secret + 1]


def secret_shape(violation: Violation, value: object) -> SecretShape:
    """What is wrong with the broken secret `value`, by its shape (the first violation of a
    broken mapping may be any of several, so it decides only for a bad variable name)."""
    if violation.kind == "pattern" and violation.path[-1:] == ("env",):
        return "bad-env-name"
    if isinstance(value, dict) and ("env" in value or "file" in value) and len(value) > 1:
        return "reference-with-more"
    if isinstance(value, dict) and value.get("file") == "":
        return "empty-file"
    if isinstance(value, dict):  # {vault: ...}, {secretKeyRef: ...}: another store's way, or {}
        return "other-store" if value else "empty-mapping"
    return "not-a-reference"


def value_at(data: Any, path: Path) -> Any:
    """The value at `path` below `data`; None where the path goes missing."""
    for step in path:
        if not isinstance(data, dict) or step not in data:
            return None
        data = data[step]
    return data


def unreadable_fields(violations: Sequence[Violation]) -> dict[str, set[Keys]]:
    """By profile name, the profile-relative paths that rules cannot read. A profile listed
    here, even with no path (an unknown key, a bad name), is not structurally valid."""
    invalid: dict[str, set[Keys]] = {}
    for v in violations:
        if v.path[:1] != ("profiles",):
            continue
        if len(v.path) == 1:  # about a name in `profiles` (bad-name, or not a mapping at all)
            invalid.setdefault(str(v.key), set())
            continue
        keys = tuple(str(k) for k in v.path[2:])
        fields = invalid.setdefault(str(v.path[1]), set())
        if v.kind == "missing":
            fields.add((*keys, str(v.key)))
        elif v.kind != "unknown-key":
            fields.add(keys)
        elif (secret := secret_key_index(v.path)) is not None:  # `{env: X, default: ...}` is no reference
            fields.add(keys[: secret - 1])
    return invalid
