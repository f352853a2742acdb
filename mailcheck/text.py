"""Untrusted text made safe to show: server replies, profile values, file names.

A server can send any byte and a file name can be any byte string; printed raw, an ESC
sequence rewrites the terminal, a bidirectional override reorders what a reviewer reads,
and a name that is not UTF-8 cannot be encoded at all. Every reporter shows such text
through these functions.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the Unicode bidirectional controls ("Trojan Source",
# CVE-2021-42574): shown as escapes, never passed through.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE_OR_LINE_END = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_lines: bool = False) -> str:
    """`text` with control characters, bidi controls and undecodable bytes shown as escapes.
    Tabs are kept; line ends too with `keep_lines`."""
    pattern = _INVISIBLE if keep_lines else _INVISIBLE_OR_LINE_END
    text = _SURROGATE.sub(_escape, text)
    if keep_lines:
        return pattern.sub(_escape, text)
    return pattern.sub(lambda m: m.group() if m.group() == "\t" else _escape(m), text)


def display_path(path: str) -> str:
    """A file name as shown in reports: bytes that are not UTF-8 (kept by Python as
    surrogates) and control characters become escapes, so any name can be printed and
    encoded, and a name cannot forge a line of the report."""
    return visible(path)
