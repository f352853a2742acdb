"""What a rule is given, and what it gives back: the kinds of rule module the engine runs.

A rule module holds RULE (its identity and documentation) and, for the kinds the engine
runs, a `check` that takes what that kind sees and yields a Problem (a place, a message, a
hint) for each thing it finds. The rule never names itself in what it reports: the engine
stamps the rule's ID, name and severity on each problem (findings.Rule.stamp), so no rule
can report under another one's ID.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeAlias, TypeVar

from mailcheck.findings import Problem, Rule, Severity
from mailcheck.loader import Document
from mailcheck.profile import ProfileView

if TYPE_CHECKING:
    from mailcheck.loader import LoadProblem, Mark
    from mailcheck.outcome import Outcome
    from mailcheck.suppressions import Suppressions
    from mailcheck.validator import Violation

__all__ = [
    "Checks",
    "DocumentContext",
    "DocumentRule",
    "LoadRule",
    "ProbeRule",
    "Problem",
    "ProfileContext",
    "ProfileRule",
    "Rule",
    "SettledContext",
    "SettledRule",
    "Severity",
    "located",
    "noted",
]


def located(mark: Mark, path: tuple[Any, ...], message: str, hint: str) -> Problem:
    """A problem reported at `mark` about the value at `path` (from the document's root)."""
    return Problem(mark.line, mark.column, path, message, hint)


def noted(context: DocumentContext, rule: Rule) -> Iterator[Problem]:
    """What the loader or an app's adapter noted under `rule` while reading the document
    (a repeated key, two TLS switches at once): the rules that report them only name them."""
    for problem in context.document.problems:
        if problem.rule == rule.id:
            yield located(problem.mark, problem.path, problem.message, problem.hint)


class DocumentContext(NamedTuple):
    """A loaded document, as the document rules see it: its data, the schema's violations of
    it (one per mistake, see rules/structure.py) and its suppression comments."""

    document: Document
    data: dict[str, Any]  # the document's data without its `x-` extensions: what the schema sees
    violations: tuple[Violation, ...]
    suppressions: Suppressions


class SettledContext(NamedTuple):
    """A file's suppression comments once every other finding has been settled (disabled,
    suppressed): which of them hid a finding in this run."""

    suppressions: Suppressions
    disabled: frozenset[str]  # the IDs of the rules this run did not run


@dataclass(frozen=True, slots=True)
class ProfileContext:
    """One profile (a mapping; some fields may be invalid, see profile.py), with its document."""

    document: Document
    file: str  # the path as shown to the user
    profile: ProfileView

    def problem(
        self,
        keys: tuple[str, ...],
        message: str,
        hint: str,
        *,
        key: bool = False,
        character: int | None = None,
    ) -> Problem:
        """A problem at the value (or the key) `keys` below this profile, or at one `character`
        of that text value as written in the file; a missing value points at the nearest
        thing that is written."""
        path = ("profiles", self.profile.name, *keys)
        if character is not None:
            mark = self.document.locate_character(path, character)
        else:
            mark = self.document.locate(path, key=key)
        return located(mark, path, message, hint)

    def first_written(self, *candidates: tuple[str, ...]) -> tuple[str, ...]:
        """The first of several keys that the profile writes itself, to point a finding at."""
        for keys in candidates:
            if self.profile.written(*keys):
                return keys
        return candidates[-1]


# --- the kinds of rule module (modules satisfy these protocols; mypy checks the registry) ---

Seen = TypeVar("Seen", contravariant=True)


class Checks(Protocol[Seen]):
    """A rule module the engine runs: its RULE, and a check of what its kind sees."""

    @property
    def RULE(self) -> Rule: ...

    def check(self, seen: Seen, /) -> Iterable[Problem]: ...


# Reports a file that cannot be loaded as one YAML mapping; nothing else runs on such a file.
LoadRule: TypeAlias = "Checks[LoadProblem]"
# Sees the whole loaded document: the YAML as read, the schema's violations, the comments.
DocumentRule: TypeAlias = "Checks[DocumentContext]"
# Sees one profile that is a mapping; it stops, silently, at a field it cannot read.
ProfileRule: TypeAlias = "Checks[ProfileContext]"
# Runs last, on what the other rules' findings did to the suppression comments.
SettledRule: TypeAlias = "Checks[SettledContext]"


class ProbeRule(Protocol):
    """Names what the probe concludes: the probe raises the module's Outcome, built by the
    module's functions (they own the wording); the runner stamps the rule on it."""

    @property
    def RULE(self) -> Rule: ...

    @property
    def Outcome(self) -> type[Outcome]: ...
