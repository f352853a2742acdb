"""The install path the README documents: `pipx install` from a checkout and from a Git URL
at a commit, each into pipx's own virtual environment, then `mailcheck` run from outside
the checkout on the example profiles.

pipx is taken from PATH, or installed from the package index into a virtual environment of
the test's own. Where that cannot be done (no network on a developer's machine) the test
skips with the reason; with CI=true it fails instead, so CI always runs it. The checkout is
copied first (its tracked and new files), so building never writes into the working tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("examples/*.mail.yaml"))
TIMEOUT = 300  # seconds for one install; a few tens of seconds on this project's CI machine


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; in CI the install path must be proven."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must test the documented install: {reason}")
    pytest.skip(reason)


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this test run's virtual environment or Python settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_USER")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p) != Path(sys.executable).parent
    )
    env.update(NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    env.pop("GITHUB_ACTIONS", None)
    return env


@pytest.fixture(scope="module")
def pipx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = shutil.which("pipx")
    if found:
        return Path(found)
    home = tmp_path_factory.mktemp("pipx-tool")
    venv.create(home, with_pip=True)
    done = run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", "pipx"], home, clean_env())
    if done.returncode != 0:
        unavailable(f"pipx is not on PATH and `pip install pipx` failed: {done.stderr.strip()[-300:]}")
    return home / "bin" / "pipx"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout as a fresh Git repository with one commit (the working tree's files)."""
    copy = tmp_path_factory.mktemp("mailcheck-src")
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        )
        .stdout.decode("utf-8", "surrogateescape")
        .split("\0")
    )
    for name in filter(None, listed):
        origin, target = ROOT / name, copy / name
        if not origin.is_symlink() and not origin.is_file():
            continue  # listed but deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target, follow_symlinks=False)  # the packaged schema is a symlink
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "copy"],
    ):
        subprocess.run(["git", *args], cwd=copy, check=True, capture_output=True, timeout=60)
    return copy


@pytest.fixture(scope="module")
def pipx_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pipx's folders, shared by the two installs (its shared pip is made once)."""
    return tmp_path_factory.mktemp("pipx-home")


def pipx_install(pipx: Path, spec: str, where: Path) -> Path:
    """`pipx install --force SPEC` with pipx's folders under `where`; the installed `mailcheck`."""
    env = clean_env(PIPX_HOME=str(where / "home"), PIPX_BIN_DIR=str(where / "bin"), PIPX_MAN_DIR=str(where / "man"))
    done = run([str(pipx), "install", "--force", spec], where, env)  # --force: the other test's install is replaced
    assert done.returncode == 0, done.stdout + done.stderr
    return where / "bin" / "mailcheck"


def assert_works_outside_the_checkout(mailcheck: Path, elsewhere: Path) -> None:
    env = clean_env()
    version = run([str(mailcheck), "--version"], elsewhere, env)
    assert version.returncode == 0 and version.stdout.startswith("mailcheck "), version.stdout + version.stderr
    checked = run([str(mailcheck), "check", *map(str, EXAMPLES)], elsewhere, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith(f"No problems found in {len(EXAMPLES)} files")
    # the schema shipped in the package is the checked-in file, not a dangling link
    schema = run([str(mailcheck), "schema"], elsewhere, env)
    assert json.loads(schema.stdout) == json.loads(
        (ROOT / "schemas" / "mailcheck.schema.json").read_text(encoding="utf-8")
    )
    python = mailcheck.resolve().parent / "python"
    where = run([str(python), "-c", "import mailcheck; print(mailcheck.__file__)"], elsewhere, env).stdout.strip()
    assert ROOT not in Path(where).parents and "site-packages" in where, where  # a real install, not editable


def test_pipx_install_from_a_checkout(pipx: Path, pipx_home: Path, source: Path, tmp_path: Path) -> None:
    mailcheck = pipx_install(pipx, str(source), pipx_home)
    (tmp_path / "elsewhere").mkdir()
    assert_works_outside_the_checkout(mailcheck, tmp_path / "elsewhere")


def test_pipx_install_from_a_git_url_at_a_commit(pipx: Path, pipx_home: Path, source: Path, tmp_path: Path) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    mailcheck = pipx_install(pipx, f"git+{source.as_uri()}@{commit}", pipx_home)
    (tmp_path / "elsewhere").mkdir()
    assert_works_outside_the_checkout(mailcheck, tmp_path / "elsewhere")
