"""Run the real `mailcheck` command line in a folder, as a user would (shared by the integration tests)."""

from __future__ import annotations

import json
import os
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from ruamel.yaml import YAML

from mailcheck.cli import cli

GOOD = """\
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
INLINE_SECRET = "Tr0ub4dor-and-3"
# three findings: MC201 on the port, MC206 on tls.verify, MC303 on the inline password
BAD = GOOD.replace("port: 587", "port: 465").replace(
    "password: {env: SMTP_PASSWORD}",
    f"password: {INLINE_SECRET}\n    tls: {{verify: false}}",
)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)

    @property
    def rules(self) -> list[str]:
        """Rule IDs of a `--format json` run, in report order."""
        return [f["rule"] for f in self.json()["findings"]]


@contextmanager
def cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def mailcheck(folder: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`mailcheck ARGS` run from `folder`, with no CI variables leaking in unless given."""
    env = {"GITHUB_ACTIONS": None, "NO_COLOR": None, **(env or {})}
    with cwd(folder):
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write a file (dedented text, or bytes as they are) below `folder`."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def repo(folder: Path) -> Path:
    """Mark `folder` as a repository root (what SARIF and GitLab paths are relative to)."""
    (folder / ".git").mkdir(exist_ok=True)
    return folder


# -- what the tests of commands that write profile files (import, init) read back


def load_yaml(text: str) -> Any:
    """A written profile file as plain data."""
    return YAML(typ="safe", pure=True).load(text)


def joined_comments(text: str) -> str:
    """The output with wrapped comment lines joined, to find a sentence wherever it wraps."""
    return re.sub(r"\n *# ", " ", text)


def check_findings(folder: Path, path: str) -> list[tuple[str, str]]:
    """(profile, rule) of each finding `mailcheck check` reports on `path`."""
    result = mailcheck(folder, "check", path, "--format", "json")
    return [(f["profile"], f["rule"]) for f in result.json()["findings"]]


def one_line_error(result: Result, *parts: str) -> None:
    """A usage error as the CLI promises one: exit 2, nothing on stdout, one line on stderr."""
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("mailcheck: error: "), result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr
