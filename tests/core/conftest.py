"""Run the real `mailcheck` command line on files written into a temporary folder."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcheck.cli import cli

GOOD_PROFILE = """\
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 587
    security: starttls
    auth:
      username: app@example.com
      password: {env: SMTP_PASSWORD}
    from: {address: app@example.com}
"""


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)

    @property
    def rules(self) -> list[str]:
        return [f["rule"] for f in self.json()["findings"]]


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """`invoke("check", "x.mail.yaml", env={...})`, run from tmp_path like a user would."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / ".git").mkdir()  # the repository root: config lookup stops here

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def write_file(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write_file
