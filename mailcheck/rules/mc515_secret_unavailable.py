"""The profile's password or token cannot be read, so login was skipped.

## What it does
`mailcheck probe` resolves `auth.password` (or `auth.token`) when it is about to log in:
`{env: NAME}` and `"${NAME}"` read an environment variable, `{file: PATH}` reads a file
relative to the profile file that holds the secret on one line (a final newline is fine).
Reported here, and the login not attempted: an unset or empty variable; a file that is
missing, unreadable, empty, not UTF-8, larger than 4 KiB, of more than one line, or not a
regular file (a FIFO, a device such as `/dev/stdin`, a directory), which is not opened
for reading at all; and a secret, from any source, holding a line break, a NUL or another
control character, which would otherwise end the login command early. The message says
what is wrong, never what the secret is.

## Why is this bad?
The credentials were not tested. In CI, the variable is usually not passed to the job
(secrets are not exposed to forks, or the name differs); locally, it was not exported.
A file of several lines is not sent in part: its first line may not be the secret, and a
path such as `/proc/self/environ` would send the whole environment as the password.

## Example
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWROD}}
```

## Use instead
```yaml
outgoing:
  protocol: smtp
  host: smtp.example.com
  security: tls
  auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}
```

## References
- The twelve-factor app, III (configuration in the environment)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC515", "secret-unavailable", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


def outcome(field: str, reason: str, kind: str) -> Outcome:
    if kind == "env":
        hint = "export the variable before running the probe (in CI, map it from the secret store into the job)"
    elif kind == "file":
        hint = (
            "point the path (relative to the profile file) at a regular file holding the secret alone, "
            "on one line of at most 4 KiB (a final newline is fine)"
        )
    else:
        hint = f"set auth.{field} to {{env: NAME}} or {{file: PATH}}"
    return Outcome(
        (("auth", field), ("auth",)),
        f"auth.{field}: {reason}; login was skipped, the credentials were not tested",
        hint,
    )
