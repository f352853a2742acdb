"""`tls.ca_file` does not exist.

## What it does
Warns when `tls.ca_file` is a relative path that does not exist next to the profile file
(relative paths are resolved from the profile file's folder). Absolute paths are not
checked: they usually point into the machine the application runs on.

## Why is this bad?
The TLS handshake fails at run time with "No such file or directory" or, in some
clients, silently falls back to the system store and fails verification instead.

## Example
```yaml
tls: {ca_file: cert/internal-ca.pem}   # the folder is certs/
```

## Use instead
```yaml
tls: {ca_file: certs/internal-ca.pem}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity

RULE = Rule("MC212", "ca-file-not-found", Severity.WARNING, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    ca_file = ctx.profile.setting("tls", "ca_file")
    if not isinstance(ca_file, str) or PurePath(ca_file).is_absolute():
        return
    if (ctx.document.path.parent / ca_file).is_file():
        return
    yield ctx.problem(
        ("tls", "ca_file"),
        f"tls.ca_file {ca_file!r} does not exist relative to {ctx.document.path.name}",
        "fix the path (relative to the profile file's folder) or commit the CA certificate",
    )
