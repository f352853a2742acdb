"""A profile value would have put a line break into a protocol command, so it was not sent.

## What it does
`mailcheck probe` builds its commands from profile values: POP3 `USER` and IMAP `LOGIN`
from `auth.username`, SMTP `MAIL FROM` from `from.address` (or the username), `RCPT TO`
from `test.send_to`, and the test message's headers. Every command line passes one last
check before it is written: a line holding a carriage return, a line feed or a NUL
character is refused, nothing of it is sent, and this finding names the command and the
character (never the value, which may hold a secret).

## Why is this bad?
A line break ends the command early and the rest of the value arrives as a command of
its own: `username: "joe\\r\\nDELE 1"` would send `USER joe`, then `DELE 1`, deleting a
message, before the password. SMTP servers take `RCPT TO` smuggled into `MAIL FROM` the
same way (SMTP injection, the kind CPython's smtplib closed in bpo-43124). A NUL
truncates the line in servers written in C. No mail client can send such a value, so the
profile cannot work either; usually the value was pasted with its line end, or written
in double quotes with an escape (`"joe\\n"`).

## Example
```yaml
incoming:
  protocol: pop3
  host: pop.example.com
  security: tls
  auth:
    username: "joe@example.com\\r\\n"
    password: {env: POP3_PASSWORD}
```

## Use instead
```yaml
incoming:
  protocol: pop3
  host: pop.example.com
  security: tls
  auth:
    username: joe@example.com
    password: {env: POP3_PASSWORD}
```

## References
- RFC 5321, section 2.3.8 (lines end in CRLF; no bare CR or LF)
- RFC 1939, section 3 and RFC 9051, section 4.3 (POP3 and IMAP command lines)
- CPython bpo-43124 (smtplib refuses commands with CR or LF)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import PORT_OR_HOST, Keys

RULE = Rule("MC520", "unsafe-command", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


CHARACTER_NAMES = {"\r": "a carriage return", "\n": "a line feed", "\0": "a NUL character"}

# Where each command's argument comes from, as candidate keys (the first written one is shown).
_USERNAME: tuple[Keys, ...] = (("auth", "username"), ("auth",))
_SECRET: tuple[Keys, ...] = (("auth", "password"), ("auth", "token"), ("auth",))
_SENDER: tuple[Keys, ...] = (("from", "address"), ("auth", "username"))
_RECIPIENT: tuple[Keys, ...] = (("test", "send_to"),)
_SOURCES: dict[str, tuple[Keys, ...]] = {
    "USER": _USERNAME,
    "LOGIN": _USERNAME,
    "AUTH": _USERNAME,
    "AUTHENTICATE": _USERNAME,
    "PASS": _SECRET,
    "MAIL": _SENDER,
    "RCPT": _RECIPIENT,
}
_HEADER_SOURCES: dict[str, tuple[Keys, ...]] = {"From": _SENDER, "To": _RECIPIENT}
_HINT = (
    "remove the line break (or NUL) from {field}: it is often pasted along with the value, or written as an "
    'escape in double quotes ("...\\n"); no mail client can send such a value'
)


def outcome(verb: str, character: str, in_secret: bool) -> Outcome:
    keys = _SECRET if in_secret else _SOURCES.get(verb, PORT_OR_HOST)
    field = ".".join(keys[0])
    return Outcome(
        keys,
        f"the {verb} command would carry {_name(character)} from {field}, which would end it early and send "
        "the rest as a command of its own: it was not sent",
        _HINT.format(field=field),
    )


def header(name: str, character: str) -> Outcome:
    keys = _HEADER_SOURCES.get(name, PORT_OR_HOST)
    field = ".".join(keys[0])
    return Outcome(
        keys,
        f"the test message's {name} header would carry {_name(character)} from {field}, which would end the "
        "header early and add headers of its own: the message was not sent",
        _HINT.format(field=field),
    )


def _name(character: str) -> str:
    return CHARACTER_NAMES.get(character, f"the character U+{ord(character):04X}")
