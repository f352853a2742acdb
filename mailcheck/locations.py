"""Where a finding is, as CI dashboards want it: repository-relative paths and stable identities.

Code scanning (SARIF), GitLab Code Quality and `mailcheck diff` all need to recognise the
same finding across commits. Line numbers move whenever an unrelated line is added, so a
finding's identity is what it is about: the rule, the file, the profile and the setting.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from mailcheck.discovery import up_to_repo_root
from mailcheck.findings import Finding

_NUMBERS = re.compile(r"\d+")


def repo_root(start: Path | None = None) -> Path:
    """The nearest folder upward holding `.git` (a folder, or a file in a worktree); else `start`."""
    here = (start or Path.cwd()).resolve()
    top = list(up_to_repo_root(here))[-1]  # the walk ends at the root, or at the file system's top
    return top if (top / ".git").exists() else here


def repo_path(file: str, root: Path) -> str | None:
    """`file` relative to `root` with forward slashes, or None when it lies outside `root`."""
    try:
        relative = Path(os.path.abspath(file)).relative_to(root)
    except ValueError:
        return None
    return relative.as_posix()


def identity(finding: Finding, file: str) -> tuple[str, ...]:
    """What a finding is about, independent of where its line is.

    Findings about the whole file (syntax errors, repeated keys) have no settings path, so
    their message tells them apart; line numbers inside it ("first written on line 11")
    are masked so that moving lines does not make them new.
    """
    about = finding.path or _NUMBERS.sub("#", finding.message)
    return (finding.rule, file, finding.profile or "", about)


def fingerprints(findings: Iterable[Finding], files: Iterable[str]) -> list[str]:
    """A stable hex fingerprint per finding; `files` are their repository-relative paths.

    Equal identities (two repeated keys of the same name in one file) get an ordinal, in
    file order, so each fingerprint stays unique.
    """
    seen: Counter[tuple[str, ...]] = Counter()
    result = []
    for finding, file in zip(findings, files, strict=True):
        key = identity(finding, file)
        seen[key] += 1
        text = "\x1f".join((*key, str(seen[key])))
        result.append(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32])
    return result
