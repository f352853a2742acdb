'''The profile's password or token cannot be read, so login was skipped.

## What it does
`mailcheck probe` resolves `auth.password` (or `auth.token`) when it is about to log in:
`{env: NAME}` and `"${NAME}"` read an environment variable, `{file: PATH}` reads the first
line of a file relative to the profile file. An unset or empty variable, or a missing,
unreadable or empty file, is reported here, and the login is not attempted.

## Why is this bad?
The credentials were not tested. In CI, the variable is usually not passed to the job
(secrets are not exposed to forks, or the name differs); locally, it was not exported.

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
'''

from __future__ import annotations

from mailcheck.findings import Rule, Severity
from mailcheck.probe.outcome import Outcome

RULE = Rule("MC515", "secret-unavailable", Severity.ERROR, __doc__, stage="probe")


def outcome(field: str, reason: str, kind: str) -> Outcome:
    if kind == "env":
        hint = "export the variable before running the probe (in CI, map it from the secret store into the job)"
    elif kind == "file":
        hint = "create the file (relative to the profile file) with the secret on its first line"
    else:
        hint = f"set auth.{field} to {{env: NAME}} or {{file: PATH}}"
    return Outcome(
        RULE,
        (("auth", field), ("auth",)),
        f"auth.{field}: {reason}; login was skipped, the credentials were not tested",
        hint,
    )
