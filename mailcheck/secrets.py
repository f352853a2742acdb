"""Secret references: how a profile names a password or token without containing it.

The linter classifies references (inline secrets are findings); the probe resolves them.
Secret values never leave this module except to the login step, and never in a message.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
MAX_SECRET_FILE_BYTES = 64 * 1024

SecretKind = Literal["env", "file", "inline", "empty"]


@dataclass(frozen=True, slots=True)
class SecretRef:
    """Where a secret comes from. `source` is an env name or a path, never a secret."""

    kind: SecretKind
    source: str = ""

    def describe(self) -> str:
        if self.kind == "env":
            return f"environment variable {self.source}"
        if self.kind == "file":
            return f"file {self.source}"
        return "an inline value" if self.kind == "inline" else "an empty value"


def parse_secret(value: Any) -> SecretRef:
    """Classify a validated `password` or `token` value."""
    if isinstance(value, dict):
        if "env" in value:
            return SecretRef("env", value["env"])
        return SecretRef("file", value["file"])
    if not isinstance(value, str) or not value:
        return SecretRef("empty")
    placeholder = _PLACEHOLDER.match(value)
    if placeholder:
        return SecretRef("env", placeholder.group(1))
    return SecretRef("inline")


class SecretUnavailable(Exception):
    """The reference does not lead to a usable secret. The message never holds the secret."""


def resolve_secret(ref: SecretRef, raw: Any, base_dir: Path, environ: dict[str, str] | None = None) -> str:
    """The secret value for the login step. `raw` is the profile value (used for inline secrets)."""
    env = os.environ if environ is None else environ
    if ref.kind == "env":
        value = env.get(ref.source, "")
        if not value:
            raise SecretUnavailable(f"environment variable {ref.source} is unset or empty")
        return value
    if ref.kind == "file":
        return _read_secret_file(base_dir / ref.source, ref.source)
    if ref.kind == "inline" and isinstance(raw, str):
        return raw
    raise SecretUnavailable("the secret is empty")


def _read_secret_file(path: Path, shown: str) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SECRET_FILE_BYTES + 1)
    except OSError as err:
        raise SecretUnavailable(f"secret file {shown} cannot be read: {err.strerror or 'error'}") from None
    if len(data) > MAX_SECRET_FILE_BYTES:
        raise SecretUnavailable(f"secret file {shown} is larger than {MAX_SECRET_FILE_BYTES // 1024} KiB")
    try:
        first = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise SecretUnavailable(f"secret file {shown} is not UTF-8 text") from None
    if not first or not first[0].strip():
        raise SecretUnavailable(f"secret file {shown} is empty")
    return first[0].strip()


SECRET_KEYS = frozenset({"password", "token", "pass", "passwd", "pwd", "secret", "api_key", "apikey"})
MASK = "****"
SHORT_SECRET = 6  # below this length a secret is masked as a whole word only


class Redactor:
    """Masks known secret values (and any encodings of them added) in text bound for output."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, value: object) -> None:
        text = str(value)
        for piece in [text, *text.splitlines()]:
            if piece.strip():
                self._values.add(piece.strip())

    def __bool__(self) -> bool:
        return bool(self._values)

    def __call__(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):  # longest first: no partial leftovers
            if value not in text:
                continue
            if len(value) >= SHORT_SECRET:
                text = text.replace(value, MASK)
            else:  # a very short secret masked everywhere would garble every word holding its letters
                text = re.sub(rf"(?<![\w]){re.escape(value)}(?![\w])", MASK, text)
        return text


def collect_written_secrets(data: object, redactor: Redactor) -> None:
    """Add every value written under a secret-looking key, wherever it is in the document.

    Covers misplaced and misspelt keys too (`pass:` at profile level), so that no message
    or source line shown to the user can carry a password the file contains.
    """
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key).lower() in SECRET_KEYS and not isinstance(value, (dict, list)) and value is not None:
                    if parse_secret(value).kind == "inline" or not isinstance(value, str):
                        redactor.add(value)
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
