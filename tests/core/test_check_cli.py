"""`mailcheck check`: output formats, exit codes, colour, and the other commands."""

from __future__ import annotations

import re

import pytest

from mailcheck import __version__
from tests.cli_run import GOOD as GOOD_PROFILE

MISMATCH = GOOD_PROFILE.replace("security: starttls", "security: tls")  # 587 with implicit TLS: MC201
WARNING_ONLY = GOOD_PROFILE.replace("    from:", "    tls: {verify: false}\n    from:")  # MC206


def test_good_profile_exits_0_and_says_so(invoke, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    result = invoke("check", "ok.mail.yaml")
    assert result.exit_code == 0
    assert result.stdout == "No problems found in 1 file, 1 profile.\n"


def test_text_output_has_location_rule_hint_and_caret(invoke, write) -> None:
    write("bad.mail.yaml", MISMATCH)
    result = invoke("check", "bad.mail.yaml")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("bad.mail.yaml:6:11: error MC201 [port-security-mismatch] smtp port 587")
    assert lines[1].startswith("  hint: set security: starttls")
    assert lines[2] == "  6 |     port: 587"
    assert lines[3] == "    |           ^"
    assert lines[-1] == "Found 1 error, 0 warnings, 0 infos in 1 file, 1 profile."


def test_json_output_has_exactly_the_documented_shape(invoke, write) -> None:
    write("bad.mail.yaml", MISMATCH)
    document = invoke("check", "--format", "json", "bad.mail.yaml").json()
    assert list(document) == ["tool", "version", "summary", "findings"]
    assert document["tool"] == "mailcheck" and document["version"] == __version__
    assert document["summary"] == {"files": 1, "profiles": 1, "errors": 1, "warnings": 0, "infos": 0}
    (finding,) = document["findings"]
    assert list(finding) == ["rule", "name", "severity", "file", "line", "column", "profile", "path", "message", "hint"]
    assert finding | {"message": None, "hint": None} == {
        "rule": "MC201", "name": "port-security-mismatch", "severity": "error", "file": "bad.mail.yaml",
        "line": 6, "column": 11, "profile": "outgoing", "path": "profiles.outgoing.port", "message": None, "hint": None,
    }  # fmt: skip


def test_github_format_is_a_workflow_command_per_finding(invoke, write) -> None:
    write("bad.mail.yaml", MISMATCH)
    result = invoke("check", "--format", "github", "bad.mail.yaml")
    (line,) = result.stdout.splitlines()
    assert re.fullmatch(
        r"::error file=bad\.mail\.yaml,line=6,col=11,title=MC201 port-security-mismatch::.+ \(set security: starttls.+\)",
        line,
    )


def test_github_format_is_the_default_on_github_actions(invoke, write) -> None:
    write("bad.mail.yaml", MISMATCH)
    result = invoke("check", "bad.mail.yaml", env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error file=bad.mail.yaml,line=6,col=11,")


def test_explicit_format_wins_on_github_actions(invoke, write) -> None:
    write("bad.mail.yaml", MISMATCH)
    result = invoke("check", "--format", "json", "bad.mail.yaml", env={"GITHUB_ACTIONS": "true"})
    assert result.json()["summary"]["errors"] == 1


def test_no_colour_when_not_a_terminal(invoke, write) -> None:
    write("bad.mail.yaml", MISMATCH)
    assert "\x1b[" not in invoke("check", "bad.mail.yaml").stdout


@pytest.mark.parametrize("fail_on, expected", [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_sets_the_level_that_fails(invoke, write, fail_on, expected) -> None:
    write("warn.mail.yaml", WARNING_ONLY)
    assert invoke("check", "--fail-on", fail_on, "warn.mail.yaml").exit_code == expected


def test_unknown_option_value_is_a_usage_error(invoke, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    assert invoke("check", "--format", "yaml", "ok.mail.yaml").exit_code == 2


def test_directories_are_searched_for_profile_files_only(invoke, write) -> None:
    write("conf/app.mail.yaml", MISMATCH)
    write("conf/nested/other.mail.yml", GOOD_PROFILE)
    write("conf/compose.yaml", "not: [a profile")  # not *.mail.yaml: ignored
    result = invoke("check", "--format", "json", "conf")
    assert result.json()["summary"]["files"] == 2
    assert result.rules == ["MC201"]


def test_files_given_are_checked_whatever_their_name(invoke, write) -> None:
    write("settings.yaml", MISMATCH)
    assert invoke("check", "--format", "json", "settings.yaml").rules == ["MC201"]


def test_no_path_checks_the_current_directory(invoke, write) -> None:
    write("app.mail.yaml", MISMATCH)
    assert invoke("check", "--format", "json").rules == ["MC201"]


def test_rules_lists_every_rule_with_id_name_and_severity(invoke) -> None:
    lines = invoke("rules").stdout.splitlines()
    assert any(re.match(r"MC201\s+port-security-mismatch\s+error\s+", line) for line in lines)
    assert any(re.match(r"MC203\s+nonstandard-port\s+info\s+", line) for line in lines)
    ids = [line.split()[0] for line in lines]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) >= 20


@pytest.mark.parametrize("name", ["MC204", "mc204", "cleartext-auth"])
def test_explain_prints_rationale_examples_and_suppression(invoke, name) -> None:
    result = invoke("explain", name)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("MC204 cleartext-auth (error)")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "disable-line MC204"):
        assert section in text


def test_explain_unknown_rule_is_a_usage_error(invoke) -> None:
    result = invoke("explain", "MC999")
    assert result.exit_code == 2
    assert "no rule 'MC999'" in result.stderr


def test_version(invoke) -> None:
    assert invoke("--version").stdout == f"mailcheck {__version__}\n"


def test_inline_secret_never_appears_in_any_format(invoke, write) -> None:
    secret = "Tr0ub4dor-and-3"
    write(
        "leak.mail.yaml",
        GOOD_PROFILE.replace("{env: SMTP_PASSWORD}", secret).replace("username: app@example.com", "username: helpdesk"),
    )
    for fmt in ("text", "json", "github"):
        result = invoke("check", "--format", fmt, "leak.mail.yaml")
        assert result.exit_code == 1
        assert secret not in result.stdout + result.stderr
    rules = invoke("check", "--format", "json", "leak.mail.yaml").rules
    assert "MC303" in rules


def test_secret_on_a_line_with_another_finding_is_masked_in_the_source_line(invoke, write) -> None:
    write(
        "leak.mail.yaml",
        """\
        version: 1
        profiles:
          out:
            protocol: smtp
            host: smtp.example.com
            security: starttls
            auth: {username: helpdesk, password: "s3cr3t-v4lue"}
        """,
    )
    result = invoke("check", "leak.mail.yaml")
    assert "s3cr3t-v4lue" not in result.stdout
    assert "auth: {username: helpdesk, password: ****}" in result.stdout  # the span, quotes included


def test_a_numeric_password_is_not_echoed_by_type_errors(invoke, write) -> None:
    write("leak.mail.yaml", GOOD_PROFILE.replace("{env: SMTP_PASSWORD}", "918273645"))
    result = invoke("check", "--format", "json", "leak.mail.yaml")
    assert result.rules == ["MC101"]
    assert "918273645" not in result.stdout


def test_fast_version_path_answers_like_the_command_line(invoke) -> None:
    import subprocess
    import sys

    fast = subprocess.run([sys.executable, "-m", "mailcheck", "--version"], capture_output=True, text=True, timeout=30)
    assert fast.returncode == 0
    assert fast.stdout == invoke("--version").stdout == f"mailcheck {__version__}\n"
