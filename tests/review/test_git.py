"""Reading files of a commit by object id: any name git can hold comes back with its content."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mailcheck.review.git import ReviewError, read_blobs, resolve, tree_blobs

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NAMES = [
    "plain.mail.yaml",
    "new\nline.mail.yaml",
    "plain.mail.yaml\nsecond.mail.yaml",  # a line-based request would read plain.mail.yaml for it
    "with space.mail.yaml",
    "-leading-dash.mail.yaml",
    "tab\there.mail.yaml",
    'quote"and\\backslash.mail.yaml',
    os.fsdecode(b"not-utf8-\xff\xfe.mail.yaml"),
    "ünïcode.mail.yaml",
    "sub dir/nested\n.mail.yaml",
    "HEAD:plain.mail.yaml",
]


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return done.stdout.decode().strip()


@pytest.fixture
def commit(tmp_path: Path) -> str:
    _git(tmp_path, "init", "-q")
    for number, name in enumerate(NAMES):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(f"content {number}\n".encode())
    (tmp_path / "same-content.mail.yaml").write_bytes(b"content 0\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "odd names")
    return resolve("HEAD", tmp_path)


def test_every_name_is_listed_whole_and_read_with_its_own_content(tmp_path: Path, commit: str) -> None:
    objects = tree_blobs(commit, tmp_path)
    assert set(objects) == {*NAMES, "same-content.mail.yaml"}
    blobs = read_blobs(objects, tmp_path)
    assert {name: blobs[name] for name in NAMES} == {
        name: f"content {number}\n".encode() for number, name in enumerate(NAMES)
    }
    assert blobs["same-content.mail.yaml"] == b"content 0\n"


def test_an_object_that_is_not_there_is_one_line(tmp_path: Path, commit: str) -> None:
    with pytest.raises(ReviewError, match=r"^cannot read new\\x0aline\.mail\.yaml \(object 0{12}\)$"):
        read_blobs({"new\nline.mail.yaml": "0" * 40}, tmp_path)
