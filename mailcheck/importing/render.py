"""A Reading as a profile file: YAML written line by line, every value with its origin.

Values are written plain only when they cannot be read as anything but the same string
(a letter first, then letters, digits and `._@+-`, and not a YAML 1.1 or 1.2 keyword);
anything else is double-quoted with every character outside YAML's printable set escaped,
so no value from a hostile file can end a line, start a comment or change the structure.
Comments pass through mailcheck.text.visible (control and bidi characters escaped).
"""

from __future__ import annotations

import re
import textwrap

from mailcheck.importing.servers import Reading, Server, Sourced
from mailcheck.text import visible

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@+-]*")
_KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
COMMENT_COLUMN = 44
WIDTH = 100
_MAX_SHOWN = 300  # characters of a file's value quoted in one comment


def scalar(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _KEYWORDS:
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    escaped = escaped.replace("\r", "\\r")
    return '"' + _NOT_PRINTABLE.sub(_escape, escaped) + '"'


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _comment_text(text: str) -> str:
    shown = visible(text)
    return shown if len(shown) <= _MAX_SHOWN else shown[: _MAX_SHOWN - 1] + "…"


class _Lines:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str]] = []  # (code, end-of-line comment)

    def note(self, indent: int, text: str) -> None:
        for line in textwrap.wrap(_comment_text(text), WIDTH - indent - 2, break_on_hyphens=False):
            self.rows.append((" " * indent + "# " + line, ""))

    def code(self, line: str, comment: str = "") -> None:
        self.rows.append((line, _comment_text(comment) if comment else ""))

    def text(self) -> str:
        out = []
        for code, comment in self.rows:
            if comment:
                out.append(
                    f"{code.ljust(COMMENT_COLUMN - 1)} # {comment}"
                    if len(code) < COMMENT_COLUMN - 1
                    else f"{code}  # {comment}"
                )
            else:
                out.append(code)
        return "\n".join(out) + "\n"


def env_name(profile: str, kind: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", profile).upper() + ("_TOKEN" if kind == "token" else "_PASSWORD")


def profile_names(servers: list[Server]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for server in servers:
        seen[server.protocol] = seen.get(server.protocol, 0) + 1
        count = seen[server.protocol]
        names.append(server.protocol if count == 1 else f"{server.protocol}-{count}")
    return names


def render(
    reading: Reading, shown_path: str, *, header: list[str] | None = None, from_origin: str = "--address"
) -> str:
    """The profile file. `header` replaces the import's first comment (`mailcheck init` says
    where its values came from there); `from_origin` is the comment on a given sender's `from`."""
    lines = _Lines()
    names = profile_names(reading.servers)
    if header is None:
        header = [f"Imported by `mailcheck import` from {shown_path}: {reading.kind} for {reading.provider}."]
    for text in header:
        lines.note(0, text)
    for note in reading.notes:
        lines.note(0, note)
    address = reading.address
    if address.source == "stand-in" and address.address:
        lines.note(
            0,
            f"No --address was given: the placeholders are filled with {address.address}, and from is left "
            f"for you. Import again with --address you@{address.domain} to use yours (it also sets from).",
        )
    secrets = [env_name(n, s.auth.kind) for n, s in zip(names, reading.servers, strict=True) if s.auth is not None]
    if secrets:
        lines.note(
            0, "No secret is written here: set " + ", ".join(secrets) + " in the environment for `mailcheck probe`."
        )
    lines.code("version: 1")
    lines.code("profiles:")
    for name, server in zip(names, reading.servers, strict=True):
        _profile(lines, name, server, reading, from_origin)
    return lines.text()


def _value(lines: _Lines, indent: int, key: str, value: Sourced) -> None:
    for note in value.notes:
        lines.note(indent, note)
    if value.value is not None:
        lines.code(f"{' ' * indent}{key}: {scalar(value.value)}", value.origin)


def _profile(lines: _Lines, name: str, server: Server, reading: Reading, from_origin: str) -> None:
    lines.code(f"  {name}:")
    for note in server.notes:
        lines.note(4, note)
    lines.code(f"    protocol: {server.protocol}", server.origin)
    _value(lines, 4, "host", server.host)
    _value(lines, 4, "port", server.port)
    _value(lines, 4, "security", server.security)
    for note in server.auth_notes:
        lines.note(4, note)
    auth = server.auth
    if auth is not None:
        lines.code("    auth:", auth.origin)
        for note in auth.notes:
            lines.note(6, note)
        _value(lines, 6, "username", auth.username)
        variable = env_name(name, auth.kind)
        lines.code(f"      {auth.kind}: {{env: {variable}}}", f"set {variable}: no secret is kept in this file")
        if auth.mechanism is not None:
            lines.code(f"      mechanism: {auth.mechanism}")
    if server.protocol != "smtp":
        return
    address = reading.address
    if address.given:
        lines.code("    from:", from_origin)
        lines.code(f"      address: {scalar(address.address)}")
    else:
        example = scalar(address.address) if address.address else "you@example.com"
        lines.code(f"    # from: {{address: {example}}}", "the sender: an address this login may send as")
