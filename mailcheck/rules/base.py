"""What a profile rule is given, and how it reports."""

from __future__ import annotations

from dataclasses import dataclass

from mailcheck.findings import Finding, Rule, Severity
from mailcheck.loader import Document
from mailcheck.profile import ProfileView

__all__ = ["Finding", "ProfileContext", "Rule", "Severity"]


@dataclass(frozen=True, slots=True)
class ProfileContext:
    """One profile (a mapping; some fields may be invalid, see profile.py), with its document."""

    document: Document
    file: str  # the path as shown to the user
    profile: ProfileView

    def finding(
        self,
        rule: Rule,
        keys: tuple[str, ...],
        message: str,
        hint: str,
        *,
        key: bool = False,
        character: int | None = None,
    ) -> Finding:
        """A finding at the value (or the key) `keys` below this profile, or at one `character`
        of that text value as written in the file; a missing value points at the nearest
        thing that is written."""
        path = ("profiles", self.profile.name, *keys)
        if character is not None:
            mark = self.document.locate_character(path, character)
        else:
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

    def first_written(self, *candidates: tuple[str, ...]) -> tuple[str, ...]:
        """The first of several keys that the profile writes itself, to point a finding at."""
        for keys in candidates:
            if self.profile.written(*keys):
                return keys
        return candidates[-1]
