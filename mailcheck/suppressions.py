"""`# mailcheck: disable-line|disable-next-line|disable-file ID[,ID] [-- reason]` comments.

Read from YAML comments only (the loader tells them from a `#` inside a quoted or block
value): a value cannot switch a check off.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mailcheck.findings import Finding

_DIRECTIVE = re.compile(
    r"#\s*mailcheck:\s*(?P<scope>disable-line|disable-next-line|disable-file)\s+(?P<ids>[^#]*?)\s*(?:--.*)?$"
)


@dataclass
class Suppressions:
    by_line: dict[int, set[str]] = field(default_factory=dict)
    whole_file: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        wanted = {finding.rule, finding.name}
        return bool(wanted & self.whole_file or wanted & self.by_line.get(finding.line, set()))


def parse_suppressions(comments: dict[int, str], normalize: Callable[[str], str | None]) -> Suppressions:
    """Read the directives in `comments` (line number -> the comment on it, from its "#");
    `normalize` maps an ID or name to a rule ID (None: unknown)."""
    found = Suppressions()
    for number, comment in sorted(comments.items()):
        match = _DIRECTIVE.search(comment)
        if match is None:
            continue
        ids = {rule for token in re.split(r"[\s,]+", match["ids"]) if token and (rule := normalize(token))}
        scope = match["scope"]
        if scope == "disable-file":
            found.whole_file |= ids
        else:
            target = number if scope == "disable-line" else number + 1
            found.by_line.setdefault(target, set()).update(ids)
    return found
