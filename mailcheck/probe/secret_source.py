"""The secret a profile refers to, resolved for the login step (the probe is its only user).

A secret is one line of text: it is sent inside a command line (POP3 `PASS`, IMAP
`LOGIN`) or a SASL response, so a line break in it would end the command and smuggle the
rest in as commands of their own, and a NUL ends the SASL PLAIN fields. So a secret with
a control character is refused (MC515) and never sent, wherever it comes from; a secret
file must be a regular file of at most MAX_SECRET_FILE_BYTES holding the secret on one
line (one final newline is fine). A reference in another tool's syntax (`$X`, `{{ x }}`,
`op://...`, see MC305) is refused too: the text is not the password. Messages say what is
wrong, never what the secret is.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mailcheck.probe.localfile import FileRefused, read_regular_file
from mailcheck.probe.offloop import in_thread
from mailcheck.probe.wire import Deadline, WireTimeout
from mailcheck.secrets import SecretRef

MAX_SECRET_FILE_BYTES = 4 * 1024  # passwords and OAuth2 access tokens fit many times over
_FINAL_LINE_END = re.compile(r"(\r\n|\n)\Z")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
CHARACTER_NAMES = {"\r": "a carriage return", "\n": "a line feed", "\0": "a NUL character", "\t": "a tab"}


class SecretUnavailable(Exception):
    """The reference does not lead to a usable secret. The message never holds the secret."""


async def resolve_secret(
    ref: SecretRef, raw: Any, base_dir: Path, deadline: Deadline, environ: Mapping[str, str] | None = None
) -> str:
    """The secret value for the login step. `raw` is the profile value (used for inline secrets)."""
    env = os.environ if environ is None else environ
    if ref.kind == "env":
        value = env.get(ref.source, "")
        if not value:
            raise SecretUnavailable(f"environment variable {ref.source} is unset or empty")
        return _one_line(value, f"environment variable {ref.source}")
    if ref.kind == "file":
        try:
            return await deadline.within(
                in_thread(lambda: _read_secret_file(base_dir / ref.source, ref.source), "secret")
            )
        except WireTimeout:
            raise SecretUnavailable(f"secret file {ref.source} could not be read within the timeout") from None
    if ref.kind == "foreign":
        # `$SMTP_PASSWORD`, `{{ vault_pw }}`, `op://...`: nothing resolved it, and the text is not
        # the password; sending it would be a failed login that tests nothing (MC305)
        raise SecretUnavailable(
            f"{ref.describe()}, which mailcheck cannot resolve; the text itself was not sent as the secret"
        )
    if ref.kind == "inline" and isinstance(raw, str):
        return _one_line(raw, "the inline secret")
    raise SecretUnavailable("the secret is empty")


def _read_secret_file(path: Path, shown: str) -> str:
    """Blocking: run off the event loop."""
    what = f"secret file {shown}"
    try:
        data = read_regular_file(path, MAX_SECRET_FILE_BYTES)
    except FileRefused as err:
        raise SecretUnavailable(f"{what} {err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretUnavailable(f"{what} is not UTF-8 text") from None
    text = _FINAL_LINE_END.sub("", text, count=1)
    if not text.strip():
        raise SecretUnavailable(f"{what} is empty")
    lines = len(_LINE_BREAK.split(text))
    if lines > 1:
        raise SecretUnavailable(f"{what} has {lines} lines: it must hold the secret alone, on one line")
    return _one_line(text, what)


def _one_line(secret: str, what: str) -> str:
    """`secret`, unless it holds a line break, a NUL or another control character."""
    bad = next((c for c in secret if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        name = CHARACTER_NAMES.get(bad, f"a control character (U+{ord(bad):04X})")
        raise SecretUnavailable(f"{what} contains {name}: a secret is one line of printable text")
    return secret
