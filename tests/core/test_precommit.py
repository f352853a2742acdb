"""The pre-commit hook, run by the real pre-commit framework (`pre-commit try-repo`).

pre-commit installs this checkout into its own virtual environment, as it would for a user
who adds the hook to `.pre-commit-config.yaml`, so this also proves the package installs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import GOOD as GOOD_PROFILE

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = shutil.which("pre-commit", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")

pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install -e '.[test]')")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("user-repo")
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "Dev")
    (repo / "good.mail.yaml").write_text(GOOD_PROFILE, encoding="utf-8")
    (repo / "bad.mail.yaml").write_text(GOOD_PROFILE.replace("security: starttls", "security: tls"), encoding="utf-8")
    (repo / "notes.yaml").write_text("security: tls\nport: 587\n", encoding="utf-8")  # not a profile: not matched
    git(repo, "add", ".")
    return repo


def try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    command = [PRE_COMMIT, "try-repo", str(ROOT), "mailcheck", "--verbose", "--color", "never", "--files", *files]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_hook_fails_on_a_bad_profile_and_passes_on_a_good_one(user_repo: Path, tmp_path_factory) -> None:
    home = tmp_path_factory.mktemp("pre-commit-home")
    bad = try_repo(user_repo, home, "bad.mail.yaml", "good.mail.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.mail.yaml:6:11: error MC201 [port-security-mismatch]" in bad.stdout

    good = try_repo(user_repo, home, "good.mail.yaml", "notes.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
