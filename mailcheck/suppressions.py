"""`# mailcheck: disable-line|disable-next-line|disable-file ID[,ID] [-- reason]` comments.

Read from YAML comments only (the loader tells them from a `#` inside a quoted or block
value): a value cannot switch a check off.

Parsing also keeps what the hygiene rules need: every rule named with where it is written
and whether it hid a finding (MC004 unused-suppression), and every unknown rule or malformed
directive (MC003 invalid-suppression). A comment is a directive when it starts with
`# mailcheck:` (or holds one after another `#`); anything else is an ordinary comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from mailcheck.findings import Finding

SCOPES = ("disable-line", "disable-next-line", "disable-file")

# at the comment's start or after another comment's `#` (`# note # mailcheck: ...`), never
# inside words or code spans: "write `# mailcheck: disable-line MC205` there" is prose
_MARKER = re.compile(r"(?:^|(?<=\s))#\s*mailcheck:")
_MARKERS = {"#": _MARKER}  # by the comment characters of a file's language (INI has `;` too)
_SCOPE = re.compile(r"\s*(?P<scope>[\w-]*)")
_TOKEN = re.compile(r"[^\s,]+")


# NamedTuples and a plain class rather than dataclasses: every run imports this module, and
# creating a dataclass costs about a millisecond.


class Entry(NamedTuple):
    """One rule named in one directive: `MC205` in `# mailcheck: disable-line MC205, MC203`."""

    rule: str  # the rule ID, whether written as an ID or a name
    text: str  # as written
    scope: str
    line: int  # of the comment
    column: int  # of the token
    target: int | None  # the line it covers; None: the whole file
    duplicate: bool = False  # the same rule is already named earlier in this directive


class Problem(NamedTuple):
    """A directive that cannot mean what was meant (MC003 words it)."""

    kind: str  # "no-directive", "unknown-directive", "no-rule" or "unknown-rule"
    line: int
    column: int
    text: str = ""  # the directive or rule as written


class Suppressions:
    """The directives of one file, and which of them hid a finding in this run."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.problems: list[Problem] = []
        self._by_line: dict[int, list[int]] = {}  # covered line -> indexes into entries
        self._whole_file: list[int] = []
        self._used: set[int] = set()

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        if entry.duplicate:
            return  # never credited: the first mention of the rule is
        index = len(self.entries) - 1
        if entry.target is None:
            self._whole_file.append(index)
        else:
            self._by_line.setdefault(entry.target, []).append(index)

    def hide(self, finding: Finding) -> bool:
        """Whether a directive covers `finding`; the one that does is marked used. The
        narrowest wins (this line before the whole file, then the first written), so that a
        second directive covering the same findings is reported as unused, not both."""
        for index in (*self._by_line.get(finding.line, ()), *self._whole_file):
            if self.entries[index].rule == finding.rule:
                self._used.add(index)
                return True
        return False

    def unused(self) -> list[Entry]:
        return [entry for index, entry in enumerate(self.entries) if index not in self._used]


def parse_suppressions(
    comments: dict[int, str],
    normalize: Callable[[str], str | None],
    lines: list[str] | None = None,
    markers: str = "#",
) -> Suppressions:
    """Read the directives in `comments` (line number -> the comment on it, from its "#",
    or any of `markers`, the comment characters of the file's language); `normalize` maps an
    ID or name to a rule ID (None: unknown); `lines`, the file's text, gives the columns
    (column 1 without it)."""
    found = Suppressions()
    pattern = _marker(markers)
    for number, comment in sorted(comments.items()):
        marker = pattern.search(comment)
        if marker is None:
            continue
        text = lines[number - 1] if lines is not None and 0 < number <= len(lines) else comment
        base = len(text) - len(comment) + marker.start() + 1  # the column of the directive's "#"
        _parse_directive(comment[marker.start() :], number, base, normalize, found)
    return found


def _marker(markers: str) -> re.Pattern[str]:
    if markers not in _MARKERS:
        _MARKERS[markers] = re.compile(rf"(?:^|(?<=\s))[{re.escape(markers)}]\s*mailcheck:")
    return _MARKERS[markers]


def _parse_directive(
    directive: str, line: int, column: int, normalize: Callable[[str], str | None], found: Suppressions
) -> None:
    """One `# mailcheck: ...` text, starting at `column` of `line`."""
    rest = directive[directive.index(":") + 1 :]
    scope_match = _SCOPE.match(rest)
    assert scope_match is not None  # both parts of the pattern may match nothing
    scope = scope_match["scope"]
    if not scope:
        found.problems.append(Problem("no-directive", line, column))
        return
    if scope not in SCOPES:
        where = column + directive.index(":") + 1 + scope_match.start("scope")
        found.problems.append(Problem("unknown-directive", line, where, scope))
        return
    offset = directive.index(":") + 1 + scope_match.end()
    body = rest[scope_match.end() :]
    body = re.split(r"--|#", body, maxsplit=1)[0]  # a reason after `--`; another comment after `#`
    tokens = list(_TOKEN.finditer(body))
    if not tokens:
        found.problems.append(Problem("no-rule", line, column, scope))
        return
    target = None if scope == "disable-file" else line if scope == "disable-line" else line + 1
    named: set[str] = set()
    for token in tokens:
        at = column + offset + token.start()
        rule = normalize(token.group())
        if rule is None:
            found.problems.append(Problem("unknown-rule", line, at, token.group()))
            continue
        found.add(Entry(rule, token.group(), scope, line, at, target, duplicate=rule in named))
        named.add(rule)
