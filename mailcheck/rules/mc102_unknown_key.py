"""A key the profile format does not have.

## What it does
Reports a key that is not part of the format at that place: a typo (`secuirty`), a setting
from another tool (`ssl: true`, `use_tls`, `starttls: true`, `user`, `pass`), `from` or
`test` on an IMAP or POP3 profile, or a top-level key that is not `version`, `profiles` or
an `x-` extension. The hint names the closest key, or the mailcheck way to say it (a
reference written straight under `auth` goes under `password`; a top-level `sops` key means
the file is SOPS-encrypted and the decrypted file is the one to check).

## Why is this bad?
A misspelt key is silently ignored by most applications: `secuirty: tls` leaves the
security at its default and the connection fails at deploy time, or worse, succeeds in
cleartext. Keys from other tools suggest a setting that does not exist here.

## Example
```yaml
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    ssl: true
    user: app@example.com
```

## Use instead
```yaml
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    security: tls
    auth:
      username: app@example.com
      password: {env: SMTP_PASSWORD}
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mailcheck.findings import dotted
from mailcheck.rules import mc101_schema_violation as mc101
from mailcheck.rules import structure
from mailcheck.rules.base import DocumentContext, Problem, Rule, Severity, located
from mailcheck.rules.mc303_inline_secret import may_hold_secret

if TYPE_CHECKING:
    from mailcheck.rules.structure import SecretField, SecretShape
    from mailcheck.validator import Violation

RULE = Rule("MC102", "unknown-key", Severity.ERROR, __doc__)
# the broken passwords and tokens reported here: mappings holding keys no reference has
SECRET_SHAPES: frozenset[SecretShape] = frozenset({"reference-with-more", "other-store"})

# Spellings from other tools' mail settings, and what mailcheck calls them.
FOREIGN_KEYS = {
    "ssl": "security: tls (implicit TLS) or security: starttls",
    "use_ssl": "security: tls",
    "usessl": "security: tls",
    "secure": "security: tls (nodemailer's secure: true) or security: starttls (secure: false)",
    "tls_enabled": "security: starttls or security: tls",
    "use_tls": "security: starttls (Django's EMAIL_USE_TLS means STARTTLS)",
    "usetls": "security: starttls",
    "starttls": "security: starttls",
    "enable_starttls": "security: starttls",
    "require_tls": "security: starttls",
    "encryption": "security: tls, starttls or none",
    "socket_type": "security: tls (SSL), starttls (STARTTLS) or none (plain)",
    "sockettype": "security: tls (SSL), starttls (STARTTLS) or none (plain)",
    "server": "host",
    "hostname": "host",
    "address": "host (the server) or from.address (the sender)",
    "user": "auth.username",
    "username": "auth.username",
    "login": "auth.username",
    "pass": "auth.password",
    "password": "auth.password",
    "sender": "from.address",
    "from_address": "from.address",
    "from_email": "from.address",
    "verify": "tls.verify",
    "verify_ssl": "tls.verify",
    "ca_cert": "tls.ca_file",
    "cafile": "tls.ca_file",
    "method": "mechanism",
    "auth_method": "auth.mechanism",
    "authmethod": "auth.mechanism",
    "type": "protocol",
}
_SMTP_ONLY = {"from", "test"}
SECRET_REFERENCE_HINT = (
    "write {env: NAME} or {file: PATH} with nothing beside it; a default or any other value written "
    "there is an inline secret stored in the file: remove it, and rotate it if the file was ever committed"
)


def check(context: DocumentContext) -> Iterator[Problem]:
    """A finding per unknown key, and one per password or token written as a mapping with
    keys no reference has (neither the keys nor the values are shown)."""
    for item in structure.one_per_field(context.document, context.violations):
        if isinstance(item, structure.SecretField):
            if item.shape in SECRET_SHAPES:
                yield _broken_secret(context, item)
        elif item.kind == "unknown-key" and not structure.is_about_version(item):
            target = structure.target(item)
            message = f"{dotted(target) or 'the file'}: {item.message}"
            yield located(structure.mark(context.document, item), target, message, hint_for(item))


def _broken_secret(context: DocumentContext, field: SecretField) -> Problem:
    name, key = dotted(field.path), str(field.path[-1])
    if field.shape == "reference-with-more":
        message = f"{name}: a secret reference takes `env` or `file` alone; it holds other keys (not shown)"
        hint = secret_reference_hint(may_hold_secret(field.value))
    else:  # a mapping of another secret store
        message, hint = mc101.neither_reference(name), mc101.secret_reference_hint(key, rotate=False)
    return located(context.document.locate(field.path), field.path, message, hint)


def secret_reference_hint(holds_secret: bool) -> str:
    """For `{env: X, default: ...}`: rotation is advised only when what is beside it may be a secret."""
    if holds_secret:
        return SECRET_REFERENCE_HINT
    return "write {env: NAME} or {file: PATH} with nothing beside it: mailcheck reads no other key there"


def hint_for(violation: Violation) -> str:
    key = violation.key or ""
    allowed = [str(a) for a in violation.allowed]
    if key in _SMTP_ONLY and "protocol" in allowed:
        return f"`{key}` applies to smtp profiles only; remove it here"
    if key == "sops" and violation.path == ():  # SOPS keeps its metadata beside the encrypted values
        return "this file is encrypted with SOPS: check the decrypted file (sops decrypt FILE), not the encrypted one"
    if key in ("env", "file") and "password" in allowed:
        return f"a secret reference goes under password (or token): auth: {{username: ..., password: {{{key}: ...}}}}"
    if violation.path == () and not key.startswith("x-"):
        return "top-level keys are version and profiles; prefix your own keys with `x-` (e.g. x-defaults)"
    foreign = FOREIGN_KEYS.get(key.lower().replace("-", "_"))
    if foreign and key not in allowed:
        return f"mailcheck spells this {foreign}"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    foreign_close = difflib.get_close_matches(key.lower().replace("-", "_"), list(FOREIGN_KEYS), n=1, cutoff=0.8)
    if foreign_close and "protocol" in allowed:  # a misspelt setting of a profile (`pasword`)
        return f"did you mean {FOREIGN_KEYS[foreign_close[0]]}?"
    return f"allowed keys here: {', '.join(allowed)}"
