"""A value does not fit the profile format.

## What it does
Reports a missing required field (`protocol`, `host`, `security`, `from.address`, ...), a
value of the wrong type (`port: "587"`, `verify: yes`, `min_version: 1.2`), a value outside
its set (`security: ssl`) or range (`port: 70000`, `timeout: 0`), and a profile name that
is not 1 to 64 letters, digits, `.`, `_` or `-` starting with a letter or digit. The hint
names the fix: the values the field takes (`security: true`: tls, starttls or none), its
range with both bounds (timeout: more than 0 and at most 300 seconds), or the shape of the
mapping expected (`auth: {username: ..., password: {env: NAME}}`); for a password or token,
every form (`{env: NAME}`, `{file: PATH}`, `"${NAME}"`), never the value.

## Why is this bad?
The application reading the profile either rejects it at start-up or guesses: a quoted
port may be read as text, `yes` is a string in YAML 1.2, `1.2` unquoted is the number 1.2.
The published JSON Schema rejects the same values, so editors flag them as you type.

## Example
```yaml
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: "587"
    security: ssl
    tls: {verify: yes, min_version: 1.2}
```

## Use instead
```yaml
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 587
    security: starttls
    tls: {verify: true, min_version: "1.2"}
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mailcheck.findings import dotted
from mailcheck.rules import structure
from mailcheck.rules.base import DocumentContext, Problem, Rule, Severity, located
from mailcheck.rules.mc303_inline_secret import may_hold_secret

if TYPE_CHECKING:
    from mailcheck.rules.structure import SecretField, SecretShape
    from mailcheck.validator import Violation

RULE = Rule("MC101", "schema-violation", Severity.ERROR, __doc__)
# the broken passwords and tokens reported here; MC102 reports those holding keys no reference has
SECRET_SHAPES: frozenset[SecretShape] = frozenset({"bad-env-name", "empty-file", "empty-mapping", "not-a-reference"})

_REQUIRED_HINTS = {
    "protocol": "add `protocol: smtp` (or imap, pop3)",
    "host": "add `host:` with the server's DNS name",
    "security": "add `security: starttls` (or tls for implicit TLS, none for no encryption)",
    "address": "add `address:` with the sender's e-mail address",
    "send_to": "add `send_to:` with the test recipient's address",
    "env": "write `{env: VARIABLE_NAME}`",
    "file": "write `{file: path/to/secret}`",
    "profiles": "add a `profiles:` mapping of named profiles",
}
_BOOLEAN_WORDS = {"yes", "no", "on", "off", "y", "n"}
# A value that fits each field, written as it goes in the file: what a hint shows to copy.
# tests/core/test_schema.py holds every field of the format to a hint without a generic phrase.
_EXAMPLES = {
    "profiles": "profiles: {outgoing: {protocol: smtp, host: smtp.example.com, security: starttls}}",
    "protocol": "protocol: smtp",
    "host": "host: smtp.example.com (a DNS name or an IP address, no scheme or port)",
    "port": "port: 587, or no port at all for the default of the protocol and security",
    "security": "security: starttls",
    "timeout": "timeout: 10 (seconds, the default)",
    "description": 'description: "Notifications to requesters" (free text, quoted if it looks like a number)',
    "tls": 'tls: {verify: true, min_version: "1.2", ca_file: certs/ca.pem}',
    "verify": "verify: true (the default: the certificate is checked)",
    "min_version": 'min_version: "1.2" (quoted)',
    "ca_file": "ca_file: certs/internal-ca.pem (a PEM file, relative to the profile file), or no ca_file",
    "server_name": "server_name: smtp.example.com (the name on the certificate), or no server_name",
    "auth": "auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}",
    "username": "username: app@example.com (quoted if it looks like a number or true/false)",
    "mechanism": "mechanism: auto (the best the server offers)",
    "from": "from: {address: sender@example.com, name: Sender}",
    "address": "address: sender@example.com (the bare address; the display name goes in from.name)",
    "name": 'name: "Sender Name"',
    "test": "test: {send_to: ops@example.com}",
    "send_to": "send_to: ops@example.com",
    "receive_with": "receive_with: ops-inbox (an imap or pop3 profile of this file)",
    "env": "env: SMTP_PASSWORD",
    "file": "file: secrets/smtp-password",
}
_BOUND_WORDS = (
    ("minimum", "at least"),
    ("exclusiveMinimum", "more than"),
    ("maximum", "at most"),
    ("exclusiveMaximum", "less than"),
)
_UNITS = {"timeout": " seconds"}
SECRET_FORMS = '{env: NAME}, {file: PATH} or "${NAME}"'


def check(context: DocumentContext) -> Iterator[Problem]:
    """A finding per violation of the format's shape (not an unknown key, not the version),
    and one per broken password or token, whatever is wrong inside it."""
    for item in structure.one_per_field(context.document, context.violations):
        if isinstance(item, structure.SecretField):
            if item.shape in SECRET_SHAPES:
                yield _broken_secret(context, item)
        elif item.kind != "unknown-key" and not structure.is_about_version(item):
            target = structure.target(item)
            message = f"{dotted(target) or 'the file'}: {item.message}{_skipped_checks(item)}"
            hint = hint_for(item, structure.value_at(context.data, item.path))
            yield located(structure.mark(context.document, item), target, message, hint)


def _skipped_checks(violation: Violation) -> str:
    """Said on the finding that makes a profile's other checks impossible."""
    path = violation.path
    if len(path) == 2 and path[0] == "profiles" and violation.kind == "type":
        return "; no other check can run on this profile"
    about_protocol = (len(path) == 2 and violation.kind == "missing" and violation.key == "protocol") or (
        len(path) == 3 and path[2] == "protocol"
    )
    return "; the checks that depend on the protocol were skipped for this profile" if about_protocol else ""


def _broken_secret(context: DocumentContext, field: SecretField) -> Problem:
    """A violation inside a password or token: reported at the field, with neither the value
    nor the keys written in it in the message, the path or the fingerprint; the forms a
    reference takes, and rotation only where a secret may be written."""
    name, key = dotted(field.path), str(field.path[-1])
    if field.shape == "bad-env-name":
        message = f"{name}: the environment variable name is not valid (not shown)"
        hint = hint_for(field.violation, None)
    elif field.shape == "empty-file":
        message = f"{name}: the secret file's path is empty"
        hint = (
            "write {file: PATH} with the path of the file holding the secret, relative to the profile file "
            '(or use {env: NAME} or "${NAME}")'
        )
    elif field.shape == "empty-mapping":
        message, hint = neither_reference(name), secret_reference_hint(key, rotate=False)
    else:
        message = f'{name}: expected {{env: NAME}}, {{file: PATH}} or a "${{NAME}}" string (the value is not shown)'
        hint = secret_reference_hint(key, rotate=may_hold_secret(field.value))
    return located(context.document.locate(field.path), field.path, message, hint)


def neither_reference(name: str) -> str:
    """For a password or token written as a mapping that is no reference (keys not shown)."""
    return f"{name}: a secret reference is {{env: NAME}} or {{file: PATH}}; this mapping has neither (keys not shown)"


def secret_reference_hint(field: str, *, rotate: bool) -> str:
    """The forms a password or token takes; rotation only where a value may be a real secret."""
    hint = f"write {field}: {SECRET_FORMS}"
    if rotate:
        return hint + "; a secret written in the file is an inline secret (MC303): if it was ever committed, rotate it"
    return hint + "; a reference to another secret store must be resolved into an environment variable or a file first"


def hint_for(violation: Violation, value: object) -> str:
    """The concrete fix for one structural violation: the values, the range or the shape expected."""
    field = _field(violation.path)
    if violation.kind == "missing":
        return _REQUIRED_HINTS.get(violation.key or "", f"add `{violation.key}:` under {field or 'the file'}")
    if violation.kind == "bad-name":
        return "name profiles with 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    if violation.kind in ("enum", "const"):
        return _choice_hint(value, violation.allowed)
    if violation.kind == "type":
        return _type_hint(violation, value, field)
    if violation.kind == "range":
        return f"{field} is out of range: it must be {bounds_text(violation.bounds, field)}; e.g. {_example(field)}"
    if violation.kind == "pattern" and field == "receive_with":  # a profile name
        return (
            "test.receive_with is the name of an imap or pop3 profile of this file (1 to 64 letters, "
            f"digits, '.', '_' or '-', starting with a letter or digit): {_example(field)}"
        )
    if violation.kind == "pattern":  # otherwise only `env` has a pattern
        return (
            "environment variable names are letters, digits and '_', not starting with a digit: "
            f"{{env: SMTP_PASSWORD}}; the forms are {SECRET_FORMS}"
        )
    if violation.kind == "length":
        return f"{field} must not be empty: {_example(field)}"
    return f"write {_example(field)}"


def bounds_text(bounds: tuple[tuple[str, object], ...], field: str = "") -> str:
    """`from 1 to 65535`, `more than 0 and at most 300 seconds`: every bound of the field."""
    limits = dict(bounds)
    unit = _UNITS.get(field, "")
    if "minimum" in limits and "maximum" in limits:
        return f"from {_number(limits['minimum'])} to {_number(limits['maximum'])}{unit}"
    words = [f"{phrase} {_number(limits[k])}" for k, phrase in _BOUND_WORDS if k in limits]
    return " and ".join(words) + unit


def _number(limit: object) -> str:
    return str(int(limit)) if isinstance(limit, float) and limit.is_integer() else str(limit)


def _field(path: tuple[object, ...]) -> str:
    """The field a violation is about: the last key of its path (`profiles` for the mapping of
    profiles, `profile` for one profile)."""
    if len(path) == 2 and path[0] == "profiles":
        return "profile"
    return str(path[-1]) if path else ""


def _example(field: str) -> str:
    return _EXAMPLES.get(field, f"{field}: ...")


def _choice_hint(value: object, allowed: tuple[object, ...]) -> str:
    options = [str(a) for a in allowed]
    # a suggestion only for a word (or `true`): an empty `security:` is no misspelt `none`
    word = str(value).lower() if isinstance(value, (str, bool)) else ""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.5) if word else []
    if word in ("ssl", "ssl/tls", "implicit", "smtps", "true"):
        close = ["tls"] if "tls" in options else close
    suggestion = f"did you mean {_shown(close[0], quote=True)}? " if close else ""
    return f"{suggestion}use one of: {', '.join(_shown(o) for o in options)}"


def _shown(option: str, *, quote: bool = False) -> str:
    """An allowed value as it is written: in double quotes where YAML would read it as a
    number ("1.2"), otherwise bare (or in single quotes, set apart in a sentence)."""
    if option.replace(".", "", 1).isdigit():
        return f'"{option}"'
    return repr(option) if quote else option


def _type_hint(violation: Violation, value: object, field: str) -> str:
    expected = violation.message.split(", found")[0].removeprefix("expected ")
    if field == "min_version" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if str(value) in map(str, violation.allowed):
            choices = ", ".join(_shown(str(a)) for a in violation.allowed)
            return f'quote the version: min_version: "{value}" (one of {choices})'
        return _choice_hint(value, violation.allowed) + " (quoted: YAML reads an unquoted 1.2 as a number)"
    if field == "profile":
        return "a profile is a mapping of settings: NAME: {protocol: smtp, host: smtp.example.com, security: starttls}"
    if expected.startswith("a boolean") and isinstance(value, str) and value.lower() in _BOOLEAN_WORDS:
        return "write true or false: YAML 1.2 reads yes/no/on/off as text"
    if violation.bounds and isinstance(value, str) and value.strip().isdigit():
        return f"remove the quotes: {field}: {value.strip()} ({expected} {bounds_text(violation.bounds, field)})"
    if field == "tls" and isinstance(value, bool):
        return "tls takes settings (verify, min_version, ...); the mode is `security: tls` or `starttls`"
    if violation.allowed:  # `security: true`, `mechanism:` left empty
        return _choice_hint(value, violation.allowed) + (" (text, not a boolean)" if isinstance(value, bool) else "")
    if violation.bounds:
        return f"{field} takes {expected} {bounds_text(violation.bounds, field)}: {_example(field)}"
    if violation.keys:
        shape = _EXAMPLES.get(field) or f"{field}: {{{', '.join(f'{k}: ...' for k in violation.keys)}}}"
        return f"{field} takes a mapping ({', '.join(violation.keys)}): {shape}"
    if expected.startswith("a boolean"):
        return f"write true or false: {_example(field)}"
    return f"{field} takes {expected}: {_example(field)}"
