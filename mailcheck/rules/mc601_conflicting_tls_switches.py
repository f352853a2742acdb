"""An app's config turns on implicit TLS and STARTTLS at once.

## What it does
Reports an app's settings that ask for both modes: Django's `EMAIL_USE_TLS` and
`EMAIL_USE_SSL` both true, GitLab's `smtp_tls` with `smtp_enable_starttls_auto`, Keycloak's
`ssl` and `starttls` both "true". Profile files cannot say this; the app adapters report it
at the second switch, from the app's own source.

## Why is this bad?
A connection is either TLS from its first byte or plaintext upgraded by STARTTLS; it cannot
be both. Apps resolve the contradiction differently and late: Django raises
"EMAIL_USE_TLS/EMAIL_USE_SSL are mutually exclusive" when it first sends, GitLab refuses it
at `gitlab-ctl reconfigure` since 15.10, others quietly pick one. The config passes review
and fails, or does something else than its reader thinks, in production.

## Example
```python
EMAIL_PORT = 465
EMAIL_USE_SSL = True
EMAIL_USE_TLS = True
```

## Use instead
```python
EMAIL_PORT = 465
EMAIL_USE_SSL = True
```

## References
- RFC 8314, section 3 (implicit TLS) and RFC 3207 (STARTTLS): two different ways in
- Each adapter cites where its app resolves the two (mailcheck/sources/)
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import DocumentContext, Problem, Rule, Severity, noted

RULE = Rule("MC601", "conflicting-tls-switches", Severity.ERROR, __doc__)


def check(context: DocumentContext) -> Iterator[Problem]:
    """What the app's adapter noted: the profile format has no way to say both."""
    return noted(context, RULE)
