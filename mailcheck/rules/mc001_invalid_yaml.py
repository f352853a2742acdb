"""The file cannot be read as one UTF-8 YAML mapping.

## What it does
Reports a file that is not UTF-8 text, is not valid YAML (tabs used for indentation, an
unclosed quote or bracket), holds more than one document, uses an alias that was never
defined, expands aliases beyond a million nodes (a "YAML bomb"), nests deeper than 64
levels, is larger than 16 MiB, uses a tag such as `!!python/object`, or whose top level is
not a mapping (an empty file included). Nothing else is checked in such a file.

## Why is this bad?
The application that reads the file fails at start-up, or worse, reads something else than
what the author meant. Bounds on size, depth and aliases keep a hostile file from stalling
the pre-commit hook or exhausting memory; tags are refused because they can run code.

## Example
```yaml
version: 1
profiles:
\toutgoing:            # a tab: YAML indents with spaces only
    protocol: smtp
```

## Use instead
```yaml
version: 1
profiles:
  outgoing:
    protocol: smtp
```

## References
- YAML 1.2.2, sections 6.1 (indentation) and 9 (documents)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mailcheck.rules.base import Problem, Rule, Severity, located

if TYPE_CHECKING:
    from mailcheck.loader import LoadProblem

RULE = Rule("MC001", "invalid-yaml", Severity.ERROR, __doc__)


def check(failure: LoadProblem) -> Iterator[Problem]:
    """Why the loader stopped, where it stopped reading."""
    yield located(failure.mark, (), failure.message, failure.hint)
