"""Fixtures running the real `mailcheck` command line in a temporary repository root."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_run import Result, mailcheck, repo
from tests.cli_run import write as write_below

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """`invoke("check", "x.mail.yaml", env={...})` from tmp_path, the repository root (config lookup stops there)."""
    repo(tmp_path)
    monkeypatch.chdir(tmp_path)  # tests may chdir further; the runner uses the current folder

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return mailcheck(Path.cwd(), *args, env=env)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def write_file(name: str, text: str | bytes) -> Path:
        return write_below(tmp_path, name, text)

    return write_file
