"""What a profile rule is given, and how it reports."""

from __future__ import annotations

from dataclasses import dataclass

from mailcheck.findings import Finding, Rule, Severity
from mailcheck.loader import Document
from mailcheck.profile import ProfileView

__all__ = ["Finding", "ProfileContext", "Rule", "Severity"]


@dataclass(frozen=True, slots=True)
class ProfileContext:
    """One structurally valid profile, with the document that holds it."""

    document: Document
    file: str  # the path as shown to the user
    profile: ProfileView

    def finding(self, rule: Rule, keys: tuple[str, ...], message: str, hint: str, *, key: bool = False) -> Finding:
        """A finding at the value (or the key) `keys` below this profile; a missing value
        points at the nearest thing that is written."""
        path = ("profiles", self.profile.name, *keys)
        mark = self.document.locate(path, key=key)
        return rule.finding(
            file=self.file,
            line=mark.line,
            column=mark.column,
            profile=self.profile.name,
            path=path,
            message=message,
            hint=hint,
        )

    def finding_at_character(self, rule: Rule, keys: tuple[str, ...], index: int, message: str, hint: str) -> Finding:
        """A finding at character `index` of the text value `keys`, as written in the file."""
        path = ("profiles", self.profile.name, *keys)
        mark = self.document.locate_character(path, index)
        return rule.finding(
            file=self.file,
            line=mark.line,
            column=mark.column,
            profile=self.profile.name,
            path=path,
            message=message,
            hint=hint,
        )

    def first_written(self, *candidates: tuple[str, ...]) -> tuple[str, ...]:
        """The first of several keys that the profile writes itself, to point a finding at."""
        for keys in candidates:
            if self.profile.written(*keys):
                return keys
        return candidates[-1]
