"""Which files to check: files as given, directories searched for *.mail.yaml / *.mail.yml.

A directory inside a git work tree is searched as git sees it: files git ignores
(.gitignore, .git/info/exclude, the global excludes file) are skipped, as ruff skips them.
One `git ls-files` call per repository answers for every directory given; without git, outside
a work tree, or when git fails or is slow, the directory is walked instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

PROFILE_SUFFIXES = (".mail.yaml", ".mail.yml")
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"})
GIT_TIMEOUT = 10.0  # seconds for listing a repository's files; walking is the fallback


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


def is_checked_file(name: str) -> bool:
    """A profile file, or a file an app's adapter reads by this name (sources/__init__.py)."""
    from mailcheck.sources import candidates

    return is_profile_file(name) or bool(candidates(Path(name)))


def discover(paths: Iterable[Path], *, respect_gitignore: bool = True) -> list[Path]:
    """Files to check, each once, in a stable order. Files given are always checked;
    directories are searched, skipping what git ignores unless `respect_gitignore` is off."""
    paths = list(paths)
    for path in paths:
        if not path.is_dir() and not path.exists():
            raise NoSuchPath(str(path))
    directories = [p for p in paths if p.is_dir()]
    listed = _git_listings(directories) if respect_gitignore and directories else {}
    found: dict[Path, None] = {}
    for path in paths:
        if not path.is_dir():
            found.setdefault(path)
            continue
        files = listed.get(path)
        for file in files if files is not None else _walk(path):
            found.setdefault(file)
    return list(found)


def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        files.extend(Path(folder, n) for n in sorted(names) if is_checked_file(n))
    return files


# --- directories as git sees them ---------------------------------------------------------


def _git_listings(directories: list[Path]) -> dict[Path, list[Path]]:
    """The profile files git does not ignore under each directory that is in a work tree,
    one `git ls-files` call per repository; a directory missing from the answer is walked.
    So is a directory given that git ignores itself (`mailcheck check build`): it was asked
    for by name, as a file named is checked."""
    by_root: dict[Path, list[Path]] = {}
    for directory in directories:
        root = _work_tree_root(Path(os.path.abspath(directory)))
        if root is not None:
            by_root.setdefault(root, []).append(directory)
    listings: dict[Path, list[Path]] = {}
    for root, below in by_root.items():
        relative = {d: Path(os.path.relpath(os.path.abspath(d), root)) for d in below}
        listed = _ls_files(root, list(relative.values()))
        if listed is None:
            continue
        unlisted: list[Path] = []
        for directory in below:
            if not _any_below(relative[directory], listed):
                unlisted.append(directory)  # empty, or ignored as a whole: asked only then
                continue
            listings[directory] = _files_below(directory, relative[directory], root, listed)
        ignored = _ignored(root, [relative[d] for d in unlisted]) if unlisted else set()
        for directory in unlisted:
            if relative[directory].as_posix() not in ignored:
                listings[directory] = []
    return listings


def _any_below(relative: Path, listed: list[tuple[str, bool]]) -> bool:
    prefix = "" if relative == Path(".") else relative.as_posix() + "/"
    return any(entry.startswith(prefix) for entry, _ in listed)


def _ignored(root: Path, folders: list[Path]) -> set[str]:
    """Which of `folders` (relative to `root`) git ignores; an empty set when git cannot tell."""
    import subprocess

    request = "".join(f"{folder.as_posix()}\0" for folder in folders)
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-z", "--stdin"],
            cwd=root,
            input=os.fsencode(request),
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    return {p for p in os.fsdecode(done.stdout).split("\0") if p} if done.returncode == 0 else set()


def _work_tree_root(folder: Path) -> Path | None:
    """The folder holding `.git` at or above `folder`: no git process for a plain folder."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _ls_files(root: Path, pathspecs: list[Path]) -> list[tuple[str, bool]] | None:
    """(path relative to `root`, whether it is a folder to walk) for every tracked or
    untracked-but-not-ignored file below `pathspecs` (taken literally: a folder named `*` is
    that folder); None when git cannot tell. The folders are submodules (mode 160000) and
    untracked nested repositories (listed with a trailing slash), whose files git does not list."""
    import re
    import subprocess  # only when a directory is searched: a pre-commit run names files

    command = ["git", "--literal-pathspecs", "ls-files", "-z", "--stage", "--cached", "--others", "--exclude-standard"]
    try:
        done = subprocess.run(
            [*command, "--", *(str(p) for p in pathspecs)],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):  # no git, or too slow: walk as without it
        return None
    if done.returncode != 0:  # not a repository after all (a stray `.git`), a broken index
        return None
    # `--stage` writes a tracked file as "<mode> <object> <stage>\t<path>", an untracked one as its path
    staged = re.compile(r"(\d{6}) [0-9a-f]{40,64} \d\t(.*)", re.DOTALL)
    entries: list[tuple[str, bool]] = []
    for raw in os.fsdecode(done.stdout).split("\0"):
        if not raw:
            continue
        match = staged.fullmatch(raw)
        path, folder = (match[2], match[1] == "160000") if match else (raw.rstrip("/"), raw.endswith("/"))
        entries.append((path, folder))
    return entries


def _files_below(directory: Path, relative: Path, root: Path, listed: list[tuple[str, bool]]) -> list[Path]:
    """`directory`'s profile files among git's `listed` paths (relative to `root`), named
    below `directory` as given, in the order the walk gives; the folders git lists are walked."""
    prefix = "" if relative == Path(".") else relative.as_posix().rstrip("/") + "/"
    files: list[Path] = []
    for entry, folder in listed:
        if not entry.startswith(prefix):
            continue
        inside = entry[len(prefix) :]
        parts = inside.split("/")
        if SKIPPED_DIRS.intersection(parts if folder else parts[:-1]):
            continue
        if folder:
            files.extend(_walk(directory / inside))
        elif is_checked_file(parts[-1]) and (root / entry).exists():  # git lists a deleted tracked file
            files.append(directory / inside)
    return sorted(dict.fromkeys(files), key=lambda f: _walk_order(f.relative_to(directory)))


def _walk_order(relative: Path) -> tuple[tuple[int, str], ...]:
    """os.walk's order with sorted names: a folder's files before its subfolders."""
    *folders, name = relative.parts
    return (*((1, f) for f in folders), (0, name))
