'''A value does not fit the profile format.

## What it does
Reports a missing required field (`protocol`, `host`, `security`, `from.address`, ...), a
value of the wrong type (`port: "587"`, `verify: yes`, `min_version: 1.2`), a value outside
its set (`security: ssl`) or range (`port: 70000`, `timeout: 0`), and a profile name that
is not 1 to 64 letters, digits, `.`, `_` or `-` starting with a letter or digit.

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
'''

from __future__ import annotations

import difflib

from mailcheck.findings import Rule, Severity
from mailcheck.validator import Violation

RULE = Rule("MC101", "schema-violation", Severity.ERROR, __doc__)

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
SECRET_REFERENCE_HINT = (
    'write password: {env: NAME}, {file: PATH} or "${NAME}"; a value written in the file is an inline '
    "secret (MC303): rotate it"
)


def hint_for(violation: Violation, value: object) -> str:
    """The concrete fix for one structural violation."""
    if violation.kind == "missing":
        return _REQUIRED_HINTS.get(violation.key or "", f"add `{violation.key}:`")
    if violation.kind == "bad-name":
        return "name profiles with 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    if violation.kind in ("enum", "const"):
        return _choice_hint(value, violation.allowed)
    if violation.kind == "type":
        return _type_hint(violation, value)
    if violation.kind == "range":
        return "use a value within the range" + (": ports are 1 to 65535" if violation.path[-1:] == ("port",) else "")
    if violation.kind == "pattern":
        return "environment variable names are letters, digits and '_', not starting with a digit"
    return "give the field a value"


def _choice_hint(value: object, allowed: tuple) -> str:
    options = [str(a) for a in allowed]
    close = difflib.get_close_matches(str(value).lower(), options, n=1, cutoff=0.5)
    if str(value).lower() in ("ssl", "ssl/tls", "implicit", "smtps", "true"):
        close = ["tls"] if "tls" in options else close
    suggestion = f"did you mean {close[0]!r}? " if close else ""
    return f"{suggestion}use one of: {', '.join(options)}"


def _type_hint(violation: Violation, value: object) -> str:
    field = violation.path[-1] if violation.path else ""
    if field == "min_version" and isinstance(value, (int, float)):
        return f'quote the version: min_version: "{value}"'
    if isinstance(value, str) and value.lower() in _BOOLEAN_WORDS:
        return "write true or false: YAML 1.2 reads yes/no/on/off as text"
    if isinstance(value, str) and value.strip().isdigit():
        return f"remove the quotes: {field}: {value.strip()}"
    if field == "tls" and isinstance(value, bool):
        return "tls takes settings (verify, min_version, ...); the mode is `security: tls` or `starttls`"
    return f"write {violation.message.split(', found')[0].removeprefix('expected ')}"
