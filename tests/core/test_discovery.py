"""Directory search in a real git repository: what git ignores is skipped, as ruff skips it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import GOOD as GOOD_PROFILE
from tests.cli_run import mailcheck, write

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")
# one MC203 finding (port 2525) in every file, so that the findings name the files read
NOISY = GOOD_PROFILE.replace("port: 587", "port: 2525")


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        [GIT or "git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree: tracked, untracked and ignored profile files."""
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q")
    write(root, ".gitignore", "build/\n*.local.mail.yaml\n")
    for name in ["a.mail.yaml", "sub/d.mail.yaml", "build/generated.mail.yaml", "me.local.mail.yaml"]:
        write(root, name, NOISY)
    git(root, "add", ".gitignore", "a.mail.yaml", "sub/d.mail.yaml")
    git(root, "commit", "-q", "-m", "profiles")
    write(root, "new.mail.yaml", NOISY)  # untracked, not ignored: a commit would take it
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOME", str(tmp_path))  # no global excludes file of the machine's user
    return root


def checked(folder: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """The files a `check` run reads, by the name of their findings (see NOISY)."""
    result = mailcheck(folder, "check", "--format", "json", *args, env=env)
    assert result.exit_code in (0, 1), result.stderr
    return sorted({f["file"] for f in json.loads(result.stdout)["findings"]})


def test_files_git_ignores_are_skipped_in_a_directory_search(project) -> None:
    # before: build/ and *.local.mail.yaml were checked although git ignores them
    assert checked(project, ".") == ["a.mail.yaml", "new.mail.yaml", "sub/d.mail.yaml"]
    assert checked(project) == ["a.mail.yaml", "new.mail.yaml", "sub/d.mail.yaml"]


def test_a_subdirectory_is_searched_by_its_own_name(project) -> None:
    write(project, "sub/build/x.mail.yaml", NOISY)  # `build/` is ignored at any depth
    assert checked(project, "sub") == ["sub/d.mail.yaml"]
    assert checked(project / "sub", ".") == ["d.mail.yaml"]
    assert checked(project, str(project / "sub")) == ["sub/d.mail.yaml"]  # shown relative, as before


def test_files_named_explicitly_are_checked_even_when_ignored(project) -> None:
    assert checked(project, "build/generated.mail.yaml", "me.local.mail.yaml") == [
        "build/generated.mail.yaml",
        "me.local.mail.yaml",
    ]


def test_a_directory_given_that_git_ignores_is_searched(project) -> None:
    # named on the command line, as a file named is checked
    write(project, "build/deeper/more.mail.yaml", NOISY)
    assert checked(project, "build") == ["build/deeper/more.mail.yaml", "build/generated.mail.yaml"]
    assert checked(project, "build/deeper") == ["build/deeper/more.mail.yaml"]


def test_no_gitignore_searches_everything(project) -> None:
    assert checked(project, "--no-gitignore", ".") == [
        "a.mail.yaml",
        "build/generated.mail.yaml",
        "me.local.mail.yaml",
        "new.mail.yaml",
        "sub/d.mail.yaml",
    ]


def test_skipped_folders_stay_skipped_even_when_tracked(project) -> None:
    for name in ["node_modules/pkg/x.mail.yaml", ".venv/y.mail.yaml"]:
        write(project, name, NOISY)
        git(project, "add", "-f", name)
    assert checked(project, ".") == ["a.mail.yaml", "new.mail.yaml", "sub/d.mail.yaml"]


def test_a_tracked_file_is_checked_although_it_matches_gitignore(project) -> None:
    # git's own rule: .gitignore applies to untracked files only
    git(project, "add", "-f", "build/generated.mail.yaml")
    assert "build/generated.mail.yaml" in checked(project, ".")


def test_a_tracked_file_deleted_from_the_work_tree_is_not_checked(project) -> None:
    (project / "sub" / "d.mail.yaml").unlink()
    assert checked(project, ".") == ["a.mail.yaml", "new.mail.yaml"]


def test_folder_names_are_taken_literally(project) -> None:
    write(project, "[x]/*/p.mail.yaml", NOISY)
    write(project, "x/q.mail.yaml", NOISY)  # what `[x]` would match as a pattern
    assert checked(project, "[x]") == ["[x]/*/p.mail.yaml"]


def test_nested_repositories_and_submodules_are_walked(project) -> None:
    nested = project / "vendor" / "other"
    nested.mkdir(parents=True)
    git(nested, "init", "-q")
    write(nested, "n.mail.yaml", NOISY)
    git(nested, "add", "n.mail.yaml")
    git(nested, "commit", "-q", "-m", "one")
    assert "vendor/other/n.mail.yaml" in checked(project, ".")  # untracked nested repository
    git(project, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(nested), "shared")
    assert "shared/n.mail.yaml" in checked(project, ".")  # a submodule: a gitlink in the index


def test_without_git_the_directory_is_walked(project, tmp_path) -> None:
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    found = checked(project, ".", env={"PATH": str(empty)})
    assert "build/generated.mail.yaml" in found and "me.local.mail.yaml" in found


def test_one_git_call_per_run_and_none_for_files(project, tmp_path) -> None:
    bin_dir, log = tmp_path / "bin", tmp_path / "git.log"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{GIT}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    assert checked(project, ".", "sub", env=env) == ["a.mail.yaml", "new.mail.yaml", "sub/d.mail.yaml"]
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    log.unlink()
    checked(project, "a.mail.yaml", "sub/d.mail.yaml", env=env)
    assert not log.exists()
