"""Reading profile files at a git revision, without touching the work tree or the index.

Only plumbing commands are used (`rev-parse`, `ls-tree`, `ls-files`, `cat-file`): their
output is stable across git versions and locales.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from mailcheck.discovery import SKIPPED_DIRS, is_checked_file
from mailcheck.text import display_path


class ReviewError(Exception):
    """A bad revision, no repository, no git: one line for the user, exit code 2."""


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise ReviewError("git is not installed; compare two files instead: mailcheck diff OLD NEW") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReviewError(f"git {args[0]} failed: {reason[-1] if reason else 'exit code ' + str(done.returncode)}")
    return done.stdout


def toplevel(cwd: Path) -> Path:
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    except ReviewError:
        raise ReviewError(
            f"{cwd} is not inside a git repository; to compare two files: mailcheck diff OLD NEW"
        ) from None


def resolve(revision: str, top: Path) -> str:
    """The commit id of `revision`; a clear error for anything that is not a commit."""
    if not revision or revision.startswith("-"):
        raise ReviewError(f"bad revision {revision!r}")
    try:
        return (
            _git(
                [
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    "--end-of-options",
                    f"{revision}^{{commit}}",
                ],
                top,
            )
            .decode()
            .strip()
        )
    except ReviewError:
        raise ReviewError(f"unknown revision {revision!r}: not a commit, branch or tag in {top}") from None


def _profiles(paths: list[str]) -> list[str]:
    return sorted(
        p
        for p in paths
        if is_checked_file(PurePosixPath(p).name) and not SKIPPED_DIRS.intersection(PurePosixPath(p).parts[:-1])
    )


def tree_blobs(commit: str, top: Path) -> dict[str, str]:
    """Path -> blob object id for every file at `commit`, relative to the repository root.

    `ls-tree -z` writes each entry as `<mode> SP <type> SP <oid> TAB <path> NUL`, the path
    unquoted: NUL is the one byte a path cannot hold, so any name (newline, leading dash,
    bytes that are not UTF-8, kept as surrogates) comes through whole.
    """
    listed = _git(["ls-tree", "-r", "-z", "--full-tree", commit], top)
    blobs: dict[str, str] = {}
    for entry in listed.split(b"\0"):
        meta, tab, raw_path = entry.partition(b"\t")
        fields = meta.split(b" ")
        if not tab or len(fields) != 3:
            continue  # the empty piece after the last NUL
        if fields[1] == b"blob":  # not a submodule (`commit`)
            blobs[raw_path.decode("utf-8", "surrogateescape")] = fields[2].decode("ascii")
    return blobs


def worktree_profiles(top: Path) -> list[str]:
    """Profile files in the work tree as a commit would see them: tracked or new, not ignored."""
    listed = _git(
        ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name"],
        top,
    )
    paths = {p for p in listed.decode("utf-8", "surrogateescape").split("\0") if p}
    return [p for p in _profiles(sorted(paths)) if (top / p).is_file()]


def committed_profiles(all_paths: list[str]) -> list[str]:
    return _profiles(all_paths)


def read_blobs(objects: dict[str, str], top: Path) -> dict[str, bytes]:
    """The contents of the blobs `objects` names (path -> object id), in one `cat-file --batch` call.

    Asked by object id, never by `commit:path`: the batch protocol is one request a line,
    which a path holding a newline would split into two.
    """
    if not objects:
        return {}
    request = "".join(f"{oid}\n" for oid in objects.values()).encode("ascii")
    output = _git(["cat-file", "--batch"], top, stdin=request)
    blobs: dict[str, bytes] = {}
    position = 0
    for path, oid in objects.items():
        header_end = output.find(b"\n", position)
        header = output[position:header_end].split(b" ") if header_end >= 0 else []
        if len(header) != 3 or header[0].decode("ascii", "replace") != oid or header[1] != b"blob":
            raise ReviewError(f"cannot read {display_path(path)} (object {oid[:12]})")
        size = int(header[2])
        blobs[path] = output[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1  # the blob is followed by a newline
    return blobs
