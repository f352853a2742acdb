"""Which files to check: files as given, directories searched for *.mail.yaml / *.mail.yml."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

PROFILE_SUFFIXES = (".mail.yaml", ".mail.yml")
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"})


class NoSuchPath(Exception):
    pass


def up_to_repo_root(start: Path) -> Iterator[Path]:
    """`start` and its parents, stopping after the repository root (the folder holding `.git`,
    a folder, or a file in a worktree): settings and paths never reach into another project."""
    for folder in (start, *start.parents):
        yield folder
        if (folder / ".git").exists():
            return


def is_profile_file(name: str) -> bool:
    return name.endswith(PROFILE_SUFFIXES)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files to check, each once, in a stable order."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for file in _walk(path):
                found.setdefault(file)
        elif path.exists():
            found.setdefault(path)
        else:
            raise NoSuchPath(str(path))
    return list(found)


def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        files.extend(Path(folder, n) for n in sorted(names) if is_profile_file(n))
    return files
