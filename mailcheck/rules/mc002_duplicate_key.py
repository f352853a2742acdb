"""A mapping repeats a key.

## What it does
Reports the second (and any later) occurrence of a key in one mapping, profile names
included, naming the line of the first one. Keys brought in by a merge (`<<: *base`) are
not repeats: a key written next to the merge overrides the merged one, as YAML intends.

## Why is this bad?
YAML parsers silently keep one of the two values, usually the last. A profile that says
`port: 587` near the top and `port: 465` further down connects to 465, and whoever reads
the first line believes otherwise. Two profiles with the same name lose one of them.

## Example
```yaml
profiles:
  outgoing:
    protocol: smtp
    port: 587
    security: starttls
    port: 465
```

## Use instead
```yaml
profiles:
  outgoing:
    protocol: smtp
    port: 587
    security: starttls
```
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import DocumentContext, Problem, Rule, Severity, noted

RULE = Rule("MC002", "duplicate-key", Severity.ERROR, __doc__)


def check(context: DocumentContext) -> Iterator[Problem]:
    """The repeated keys the loader met: it sees every key as written, the data keeps one."""
    return noted(context, RULE)
