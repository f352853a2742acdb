"""The example profiles pass without a single finding; each broken one fails with exactly its rule.

Broken files are named after their rule (`mc201-port-security-mismatch*.mail.yaml`), and
every lint rule must have one, so a new rule cannot ship without a failing example.
"""

from __future__ import annotations

import json
import re
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcheck.cli import cli
from mailcheck.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BROKEN = EXAMPLES / "broken"
GOOD_FILES = sorted(EXAMPLES.glob("*.mail.yaml"))
BROKEN_FILES = sorted(BROKEN.glob("*.mail.yaml"))
BROKEN_NAME = re.compile(r"^(mc\d{3})-[a-z0-9-]+\.mail\.yaml$")
MODELINE = "# yaml-language-server: $schema="


def check_json(*paths: Path) -> tuple[int, dict]:
    """`mailcheck check --format json` on `paths`, run from the repository root."""
    result = CliRunner().invoke(cli, ["check", "--format", "json", *(str(p.relative_to(ROOT)) for p in paths)])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def lint_rules() -> dict[str, str]:
    """ID -> name of every offline rule (probe rules report from `mailcheck probe`)."""
    return {rule.id: rule.name for rule in all_rules().values() if rule.stage == "lint"}


# --- the good examples ---------------------------------------------------------------


def test_there_are_good_examples():
    assert len(GOOD_FILES) >= 5


def test_the_good_examples_have_no_finding_at_all():
    exit_code, report = check_json(*GOOD_FILES)
    assert report["findings"] == []
    assert report["summary"]["errors"] == report["summary"]["warnings"] == report["summary"]["infos"] == 0
    assert report["summary"]["files"] == len(GOOD_FILES)
    assert exit_code == 0


def test_the_good_examples_pass_even_when_infos_fail_the_run():
    result = CliRunner().invoke(cli, ["check", "--fail-on", "info", *(str(p.relative_to(ROOT)) for p in GOOD_FILES)])
    assert result.exit_code == 0, result.output


def test_the_documented_command_passes():
    # README: mailcheck check examples/*.mail.yaml (the shell expands the glob)
    result = subprocess.run(
        [sys.executable, "-m", "mailcheck", "check", *(str(p.relative_to(ROOT)) for p in GOOD_FILES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found" in result.stdout


@pytest.mark.parametrize("path", GOOD_FILES + BROKEN_FILES, ids=lambda p: p.name)
def test_every_example_starts_with_the_schema_modeline(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE)
    schema = (path.parent / first.removeprefix(MODELINE)).resolve()
    assert schema == ROOT / "schemas" / "mailcheck.schema.json"
    assert schema.is_file()


def test_the_examples_cover_what_a_mail_admin_meets():
    text = {p.name: p.read_text(encoding="utf-8") for p in GOOD_FILES}
    everything = "\n".join(text.values())
    assert "protocol: pop3" in everything and "<<: *" in everything  # shared inbox settings
    assert re.search(r"port: 465\n\s+security: tls", everything)
    assert re.search(r"port: 587\n\s+security: starttls", everything)
    assert "mechanism: xoauth2" in everything and "token:" in everything
    assert "# mailcheck: disable-line MC205 -- " in everything  # a suppression with its reason
    assert "ca_file: certs/" in everything


def test_the_private_ca_is_a_real_ca_certificate_without_its_key():
    pem = (EXAMPLES / "certs" / "example-internal-ca.pem").read_text(encoding="ascii")
    assert "PRIVATE KEY" not in pem
    context = ssl.create_default_context(cadata=pem)  # OpenSSL parses it, or this raises
    [ca] = context.get_ca_certs()
    assert ("organizationName", "Example Corp") in [field for rdn in ca["subject"] for field in rdn]


# --- the broken examples -------------------------------------------------------------


def expected_rule(path: Path) -> str:
    match = BROKEN_NAME.match(path.name)
    assert match, f"{path.name}: name broken files mcNNN-rule-name[-case].mail.yaml"
    return match.group(1).upper()


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.name)
def test_a_broken_example_fails_with_exactly_its_rule(path):
    rule = expected_rule(path)
    assert path.name.startswith(f"{rule.lower()}-{lint_rules()[rule]}"), "the name after the ID is the rule's name"
    exit_code, report = check_json(path)
    assert [f["rule"] for f in report["findings"]] == [rule]
    severity = report["findings"][0]["severity"]
    assert exit_code == (1 if severity == "error" else 0)


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.name)
def test_a_broken_example_says_what_is_wrong_and_the_fix(path):
    header = path.read_text(encoding="utf-8", errors="replace").split("\nversion:")[0]
    assert expected_rule(path) in header
    assert "Fix:" in header


def test_every_lint_rule_has_a_broken_example():
    # MC601-MC603 are about apps' config files, which profile files cannot be: their broken
    # and fixed examples are the apps' files in tests/rules/test_rules_apps.py
    covered = {expected_rule(p) for p in BROKEN_FILES}
    assert {rule for rule in lint_rules() if not rule.startswith("MC6")} - covered == set()
