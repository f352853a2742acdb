"""One side of a review: the profile files at a revision, in the work tree, or one file.

Each file goes through the same checker as `mailcheck check`, so the review's findings are
exactly what the linter would say. Files of a revision are written to a private temporary
folder first (the checker reads paths); a `tls.ca_file` they name is stood in for by an
empty file when it exists at that revision, so MC212 judges the revision, not the disk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mailcheck.checker import FileResult, check_file
from mailcheck.config import Settings
from mailcheck.format import profiles_of
from mailcheck.loader import UnreadableDocument, read_document
from mailcheck.review import git
from mailcheck.secrets import Redactor
from mailcheck.sources import source_of
from mailcheck.text import display_path


@dataclass
class Snapshot:
    label: str  # how the side is named in the review: "main (1a2b3c4)", "working tree", a path
    files: dict[str, FileResult] = field(default_factory=dict)  # by the path shown in the review

    def profiles(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(file, profile name, profile mapping) for every profile that is a mapping."""
        for file, result in self.files.items():
            profiles = profiles_of(result.document.data) if result.document is not None else None
            for name, body in (profiles or {}).items():
                if isinstance(body, dict):
                    yield file, str(name), body

    def add_secrets_to(self, redactor: Redactor) -> None:
        """Teach `redactor` every secret value written in any of this side's files."""
        for result in self.files.values():
            if result.document is not None:
                for secret in result.document.secret_values:
                    redactor.add(secret)


def from_file(path: Path, given: str, key: str, settings: Settings) -> Snapshot:
    """One file, keyed as `key` so that the two files of a comparison are matched."""
    return Snapshot(given, {key: check_file(path, given, settings, source=source_of(path, given=True)[1])})


def from_worktree(top: Path, settings: Settings) -> Snapshot:
    files = _read(top, git.worktree_profiles(top), settings)
    return Snapshot("working tree", files)


def from_revision(revision: str, top: Path, settings: Settings) -> Snapshot:
    commit = git.resolve(revision, top)
    objects = git.tree_blobs(commit, top)
    all_paths = list(objects)
    wanted = git.committed_profiles(all_paths)
    blobs = git.read_blobs({p: objects[p] for p in wanted}, top)
    label = f"{revision} ({commit[:7]})" if not commit.startswith(revision) else commit[:7]
    with tempfile.TemporaryDirectory(prefix="mailcheck-review-") as scratch:
        root = Path(scratch)
        for path, content in blobs.items():
            _write_below(root, path, content)
        _stand_in_ca_files(root, wanted, set(all_paths))
        files = _read(root, wanted, settings)
    return Snapshot(label, files)


def _read(root: Path, paths: list[str], settings: Settings) -> dict[str, FileResult]:
    """The profile files among `paths` (below `root`), and the app files whose content is
    the app's, each checked as `check` checks it."""
    files = {}
    for path in paths:
        keep, source = source_of(root / path, given=False)
        if keep:
            files[path] = check_file(root / path, path, settings, source=source)
    return files


def _write_below(root: Path, path: str, content: bytes) -> None:
    """A committed file written to the scratch folder; git stores names (over 255 bytes a
    part, say) that this file system may refuse: one line, not a traceback."""
    target = root / path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    except OSError as err:
        raise git.ReviewError(f"cannot copy {display_path(path)} out of git: {err.strerror or err}") from None


def _stand_in_ca_files(root: Path, profile_paths: list[str], committed: set[str]) -> None:
    for path in profile_paths:
        for ca_file in _ca_files(root / path):
            target = PurePosixPath(path).parent / ca_file
            normal = PurePosixPath(*_normalise(target.parts))
            if str(normal) in committed:
                try:
                    (root / normal).parent.mkdir(parents=True, exist_ok=True)
                    (root / normal).touch()
                except OSError:
                    continue  # no stand-in: MC212 says the file is missing, which the user can see


def _ca_files(path: Path) -> list[str]:
    try:
        data: Any = read_document(path).data
    except UnreadableDocument:
        return []
    found = []
    for body in (profiles_of(data) or {}).values():
        tls = body.get("tls") if isinstance(body, dict) else None
        ca_file = tls.get("ca_file") if isinstance(tls, dict) else None
        if isinstance(ca_file, str) and ca_file and not PurePosixPath(ca_file).is_absolute():
            found.append(ca_file)
    return found


def _normalise(parts: tuple[str, ...]) -> list[str]:
    """Resolve `..` and `.` without touching the disk (the file is in git, not on disk)."""
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in (".", ""):
            out.append(part)
    return out
