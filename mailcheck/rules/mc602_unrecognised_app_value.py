"""An app's setting has a value the app does not understand and silently replaces.

## What it does
Reports a value an app reads without complaint but does not recognise, so that it falls
back to a default the writer did not mean: Grafana's `startTLS_policy` other than exactly
`NoStartTLS`, `MandatoryStartTLS` or `OpportunisticStartTLS` (a typo, another case)
means opportunistic; go-ini's booleans other than its listed spellings (`ture`) mean the
default; a password cut short at an inline `#` or `;`. The hint names the values the app
takes, from its source.

## Why is this bad?
The app starts, the setting looks right to a reviewer, and it does something else: a
`startTLS_policy = MandatoryStartTLs` typo turns a required upgrade into one that a
downgrade attacker strips, and the login crosses the network in cleartext.

## Example
```ini
[smtp]
host = smtp.example.com:587
startTLS_policy = MandatoryStartTLs
```

## Use instead
```ini
[smtp]
host = smtp.example.com:587
startTLS_policy = MandatoryStartTLS
```

## References
- Each adapter cites where its app reads the setting (mailcheck/sources/)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import DocumentContext, Problem, Rule, Severity, noted

RULE = Rule("MC602", "unrecognised-app-value", Severity.ERROR, __doc__)


def check(context: DocumentContext) -> Iterator[Problem]:
    """What the app's adapter noted while reading the app's settings."""
    return noted(context, RULE)
