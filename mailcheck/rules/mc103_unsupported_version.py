"""`version` is missing or is not 1.

## What it does
Reports a profile file without `version: 1`, or with another version.

## Why is this bad?
The version says which format the file is written in. Without it, a later format change
could silently change what an old file means; with an unknown one, this mailcheck would
check rules the author did not write for.

## Example
```yaml
profiles:
  outgoing: {protocol: smtp, host: smtp.example.com, security: starttls}
```

## Use instead
```yaml
version: 1
profiles:
  outgoing: {protocol: smtp, host: smtp.example.com, security: starttls}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules import structure
from mailcheck.rules.base import DocumentContext, Problem, Rule, Severity, located

RULE = Rule("MC103", "unsupported-version", Severity.ERROR, __doc__)
HINT = "write `version: 1` at the top of the file"


def check(context: DocumentContext) -> Iterator[Problem]:
    for violation in structure.one_per_field(context.document, context.violations):
        if not isinstance(violation, structure.SecretField) and structure.is_about_version(violation):
            mark = structure.mark(context.document, violation)
            yield located(mark, ("version",), f"version: {violation.message}", HINT)
