r"""A host, login, address or name holds a control character.

## What it does
Reports a carriage return, line feed, NUL, ESC, tab or any other C0 or C1 control
character, DEL, or a Unicode line or paragraph separator in `host`, `tls.server_name`,
`auth.username`, `from.address`, `from.name` or `test.send_to`, at the character itself.
In YAML they can only be written as escapes in double quotes (`"joe\r\nDELE 1"`), or a
tab. A profile with this finding is not probed.

## Why is this bad?
These values become lines of the protocol: `USER joe`, `MAIL FROM:<...>`, a `From:` header.
A line break inside one ends the command and starts another, so `username: "joe\r\nDELE 1"`
sends `DELE 1` to a POP3 server before the password: command injection. Mail libraries
(CPython's smtplib, aiosmtplib) refuse such lines; applications that build commands by hand
may not. An ESC sequence in a value rewrites the terminal of whoever reads the logs.

## Example
```yaml
auth:
  username: "joe\r\nDELE 1"
```

## Use instead
```yaml
auth:
  username: joe@example.com
```

## References
- RFC 5321, section 2.3.8 (lines end with CRLF, and only there)
- RFC 1939, section 3; RFC 9051, section 4.3 (quoted strings carry no CR or LF)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC213", "control-character", Severity.ERROR, __doc__, blocks_probe=True)
FIELDS = (
    ("host",),
    ("tls", "server_name"),
    ("auth", "username"),
    ("from", "address"),
    ("from", "name"),
    ("test", "send_to"),
)
_NAMES = {
    "\r": "a carriage return", "\n": "a line feed", "\0": "a NUL", "\x1b": "an ESC", "\t": "a tab",
    "\x7f": "a DEL", "\x85": "a next-line (NEL)", "\u2028": "a line separator", "\u2029": "a paragraph separator",
}  # fmt: skip


_LINE_ENDS = frozenset("\r\n\0\x85\u2028\u2029")  # what ends a line, for a server or for C string code


# Unicode's Cc category is exactly C0, DEL and C1; with the two Unicode line separators
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def control_character(text: str) -> int | None:
    """The index of the first control character or line separator in `text`, if any."""
    found = _CONTROL.search(text)
    return found.start() if found is not None else None


def describe(char: str) -> str:
    return f"{_NAMES.get(char, 'a control character')} (U+{ord(char):04X})"


def check(ctx: ProfileContext) -> Iterator[Problem]:
    for keys in FIELDS:
        value = ctx.profile.setting(*keys)
        index = control_character(value) if isinstance(value, str) else None
        if index is None:
            continue
        char = value[index]
        effect = (
            "it would end the protocol line this value is sent in and start another (command injection)"
            if char in _LINE_ENDS
            else "servers refuse it, and printed in a log or terminal it can hide or rewrite text"
        )
        yield ctx.problem(
            keys,
            f"{'.'.join(keys)} holds {describe(char)} at character {index + 1}: {effect}",
            "remove the control character: a host, login, address or name is one line of printable text",
            character=index,
        )
