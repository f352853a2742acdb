"""The Grafana adapter on Grafana's own defaults.ini, and what a directory walk and `--as` pick up."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_run import INLINE_SECRET, mailcheck, repo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "grafana"


def test_grafanas_own_defaults_are_clean(tmp_path):
    # localhost:25, opportunistic, no login: nothing crosses a network, so nothing to report
    repo(tmp_path)
    shutil.copy(FIXTURES / "defaults.ini", tmp_path / "defaults.ini")
    run = mailcheck(tmp_path, "check", "--as", "grafana", "--format", "json", "defaults.ini")
    assert run.exit_code == 0, run.stdout
    assert run.json()["summary"]["profiles"] == 1 and run.json()["findings"] == []


def test_pointing_grafanas_defaults_at_a_real_server_reports_the_opportunistic_default(tmp_path):
    repo(tmp_path)
    text = (FIXTURES / "defaults.ini").read_text(encoding="utf-8")
    edited = text.replace("host = localhost:25", "host = smtp.example.com:587").replace(
        "user =", "user = grafana@example.com"
    )
    (tmp_path / "custom.ini").write_text(edited.replace("password =", f"password = {INLINE_SECRET}"), encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")  # found by name and content
    findings = {(f["rule"], f["file"], f["line"]) for f in run.json()["findings"]}
    lines = edited.splitlines()
    assert findings == {
        ("MC214", "custom.ini", lines.index("startTLS_policy =") + 1),
        ("MC303", "custom.ini", lines.index("password =") + 1),
    }
    assert INLINE_SECRET not in run.stdout


def test_a_walk_skips_an_ini_file_of_another_program(tmp_path):
    repo(tmp_path)
    (tmp_path / "custom.ini").write_text("[database]\npassword = x\n", encoding="utf-8")
    (tmp_path / "ok.mail.yaml").write_text(
        "version: 1\nprofiles:\n  o: {protocol: smtp, host: smtp.example.com, port: 465, security: tls, "
        "from: {address: a@example.com}}\n",
        encoding="utf-8",
    )
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.json()["summary"]["files"] == 1


def test_as_reads_a_file_of_any_name_and_says_where(tmp_path):
    repo(tmp_path)
    (tmp_path / "mail.conf").write_text("[smtp]\nhost = smtp.example.com\n", encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--as", "grafana", "mail.conf")
    assert run.exit_code == 1
    assert "mail.conf:2:8: error MC603 [app-constraint]" in run.stdout


def test_suppressions_use_the_ini_comment_characters(tmp_path):
    repo(tmp_path)
    (tmp_path / "grafana.ini").write_text(
        "[smtp]\n"
        "host = relay.example.com:25\n"
        "startTLS_policy = NoStartTLS ; mailcheck: disable-line MC205 -- relay on the private network\n"
        "from_address = grafana@example.com\n",
        encoding="utf-8",
    )
    run = mailcheck(tmp_path, "check", "--format", "json", "grafana.ini")
    assert run.json()["findings"] == [] and run.exit_code == 0


def test_a_host_read_from_the_environment_stops_only_the_rules_that_need_it(tmp_path):
    repo(tmp_path)
    (tmp_path / "grafana.ini").write_text(
        "[smtp]\nhost = $__env{SMTP_HOST}\nskip_verify = true\nfrom_address = grafana@example.com\n"
        "startTLS_policy = MandatoryStartTLS\n",
        encoding="utf-8",
    )
    run = mailcheck(tmp_path, "check", "--format", "json", "grafana.ini")
    assert [(f["rule"], f["line"]) for f in run.json()["findings"]] == [("MC206", 3)]


def test_every_secret_in_the_file_is_masked_in_every_format(tmp_path):
    repo(tmp_path)
    (tmp_path / "grafana.ini").write_text(
        f"[database]\npassword = {INLINE_SECRET}\n[smtp]\nhost = smtp.example.com:587\nuser = u@example.com\n"
        f"password = {INLINE_SECRET}\n",
        encoding="utf-8",
    )
    for output in ("text", "json", "sarif", "github", "gitlab", "junit"):
        run = mailcheck(tmp_path, "check", "--format", output, "grafana.ini")
        assert run.exit_code == 1 and INLINE_SECRET not in run.stdout + run.stderr, output


def test_a_file_go_ini_refuses_is_one_finding_not_a_traceback(tmp_path):
    repo(tmp_path)
    (tmp_path / "grafana.ini").write_text("[smtp]\nhost smtp.example.com\n", encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", "grafana.ini")
    [finding] = run.json()["findings"]
    assert (finding["rule"], finding["line"]) == ("MC001", 2)
    assert json.dumps(finding).count("neither a key") == 1


def _git(folder: Path, *args: str) -> None:
    import subprocess

    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=30,
    )


def test_diff_reviews_a_change_to_an_app_file(tmp_path):
    _git(tmp_path, "init", "-q", ".")
    ini = tmp_path / "grafana.ini"
    ini.write_text(
        "[smtp]\nhost = smtp.example.com:587\nstartTLS_policy = MandatoryStartTLS\nfrom_address = g@example.com\n",
        encoding="utf-8",
    )
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "mail")
    ini.write_text(ini.read_text(encoding="utf-8").replace("MandatoryStartTLS", ""), encoding="utf-8")
    run = mailcheck(tmp_path, "diff", "--fail-on-weakening", "HEAD")
    assert run.exit_code == 1
    assert "| **weakening** | `smtp` (`grafana.ini`) | `security` | `starttls` | `opportunistic` |" in run.stdout
    assert "MC214 opportunistic-starttls at `grafana.ini:3`" in run.stdout


def test_standard_input_named_as_an_app_file_is_read_by_its_adapter(tmp_path):
    from click.testing import CliRunner

    from mailcheck.cli import cli
    from tests.cli_run import cwd

    repo(tmp_path)
    with cwd(tmp_path):
        result = CliRunner().invoke(
            cli,
            ["check", "--format", "json", "-", "--stdin-filename", "grafana.ini"],
            input="[smtp]\nhost = smtp.example.com\n",
            env={"GITHUB_ACTIONS": None},
        )
    found = [(f["rule"], f["file"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("MC214", "grafana.ini", 1), ("MC603", "grafana.ini", 2)]


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("[::1]:25", None),  # Go's net.SplitHostPort: an IPv6 literal in brackets
        ("[::1]", "missing port in address"),
        ("2001:db8::1:25", "too many colons in address"),
        ("smtp.example.com:smtp", 'the port "smtp" is not a number'),  # strconv.Atoi, after the split
    ],
)
def test_host_is_split_as_grafana_splits_it(tmp_path, host, problem):
    repo(tmp_path)
    (tmp_path / "grafana.ini").write_text(
        f"[smtp]\nhost = {host}\nstartTLS_policy = NoStartTLS\nfrom_address = g@example.com\n", encoding="utf-8"
    )
    run = mailcheck(tmp_path, "check", "--format", "json", "grafana.ini")
    constraints = [f["message"] for f in run.json()["findings"] if f["rule"] == "MC603"]
    assert constraints == (
        []
        if problem is None
        else [f"Grafana cannot use host `{host}`: {problem}; it fails on every send, not at start-up"]
    )
