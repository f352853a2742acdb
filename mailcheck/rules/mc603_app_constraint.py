"""An app's settings break a rule of the app's own: it fails when it sends, not when it starts.

## What it does
Reports settings each app refuses at send time or in a way nobody sees at deploy time:
Grafana's `host` without a `:port` (it splits host and port on every send and fails),
Alertmanager's `smtp_auth_password` together with `smtp_auth_password_file`, Django's
`EMAIL_HOST_USER` without `EMAIL_HOST_PASSWORD` (it then sends without logging in). Each
adapter names the constraint and cites the app's source.

## Why is this bad?
The config loads, the app starts, the health check is green, and the first password reset
or alert mail fails, or goes out unauthenticated and is rejected as spam.

## Example
```ini
[smtp]
enabled = true
host = smtp.example.com
```

## Use instead
```ini
[smtp]
enabled = true
host = smtp.example.com:587
```

## References
- Each adapter cites where its app enforces the constraint (mailcheck/sources/)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import DocumentContext, Problem, Rule, Severity, noted

RULE = Rule("MC603", "app-constraint", Severity.ERROR, __doc__)


def check(context: DocumentContext) -> Iterator[Problem]:
    """What the app's adapter noted while reading the app's settings."""
    return noted(context, RULE)
