"""The `lint` fixture: write a profile file, run the real `mailcheck check`, read its findings.

Every rule test goes through the command line with `--format json`, so what is pinned
down is what users and CI see: rule ID, line and column, message and hint.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcheck.cli import cli

PROFILE_FILE = "profile.mail.yaml"


@dataclass(frozen=True)
class Reported:
    """One finding as the JSON output gives it."""

    rule: str
    name: str
    severity: str
    file: str
    line: int
    column: int
    profile: str | None
    path: str
    message: str
    hint: str

    @property
    def at(self) -> tuple[int, int]:
        return self.line, self.column


@dataclass
class Run:
    """One `mailcheck check` run on one profile file."""

    source: str
    exit_code: int
    output: str
    findings: list[Reported]

    @property
    def rules(self) -> list[str]:
        """The rule IDs reported, in report order."""
        return [f.rule for f in self.findings]

    def only(self, rule: str) -> Reported:
        """The one finding of this run, which must be of `rule`."""
        assert self.rules == [rule], self.output
        return self.findings[0]

    def finding(self, rule: str) -> Reported:
        """The one finding of `rule` (other rules may report too)."""
        found = [f for f in self.findings if f.rule == rule]
        assert len(found) == 1, self.output
        return found[0]

    def spot(self, line_text: str, value: str | None = None) -> tuple[int, int]:
        """(line, column), 1-based, of `value` on the one source line that contains
        `line_text`; `value` defaults to `line_text` itself."""
        lines = [n for n, text in enumerate(self.source.splitlines(), start=1) if line_text in text]
        assert len(lines) == 1, f"{line_text!r} is on lines {lines}, expected exactly one"
        text = self.source.splitlines()[lines[0] - 1]
        return lines[0], text.index(value if value is not None else line_text, text.index(line_text)) + 1


Lint = Callable[..., Run]


@pytest.fixture
def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lint:
    """lint(yaml, files={"certs/ca.pem": "..."}, output_format="json") -> Run.

    The profile is dedented and written to profile.mail.yaml (or `file_name`: an app's
    config file, grafana.ini, read by its adapter) in a folder that is the
    root of a repository without mailcheck settings, so no project config leaks in.
    """
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    def run(
        source: str | bytes,
        *,
        files: dict[str, str] | None = None,
        output_format: str = "json",
        file_name: str = PROFILE_FILE,
    ) -> Run:
        path = tmp_path / file_name
        if isinstance(source, bytes):
            path.write_bytes(source)
            text = source.decode("utf-8", errors="replace")
        else:
            text = textwrap.dedent(source).lstrip("\n")
            path.write_text(text, encoding="utf-8")
        for name, content in (files or {}).items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(content, encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", "--format", output_format, file_name])
        assert result.exit_code in (0, 1), f"exit {result.exit_code}: {result.output}{result.exception!r}"
        findings = [Reported(**f) for f in json.loads(result.stdout)["findings"]] if output_format == "json" else []
        return Run(text, result.exit_code, result.stdout, findings)

    return run
