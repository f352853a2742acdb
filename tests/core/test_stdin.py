"""`mailcheck check -`: a profile from standard input, `--stdin-filename`, and `--quiet`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcheck.cli import cli
from mailcheck.loader import MAX_FILE_BYTES
from tests.cli_run import GOOD as GOOD_PROFILE
from tests.cli_run import Result

MISMATCH = GOOD_PROFILE.replace("security: starttls", "security: tls")  # MC201 at 6:11
RELAY = (
    GOOD_PROFILE.replace("security: starttls", "security: none")
    .replace("port: 587", "port: 25")
    .replace("    auth:\n      username: app@example.com\n      password: {env: SMTP_PASSWORD}\n", "")
)  # MC205 only, a warning
WITH_CA = GOOD_PROFILE.replace("    from:", "    tls: {ca_file: certs/ca.pem}\n    from:")


@pytest.fixture
def piped(invoke):
    """`piped(stdin, "check", "-", ...)`: the real command line with `stdin` on standard input."""

    def run(stdin: str | bytes, *args: str) -> Result:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        result = CliRunner().invoke(cli, list(args), input=data, env={"GITHUB_ACTIONS": None, "NO_COLOR": None})
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


def findings(result: Result) -> list[tuple[str, str, int, int]]:
    return [(f["rule"], f["file"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]]


def test_dash_checks_the_profile_on_standard_input(piped) -> None:
    # before: "no such file or directory: -"
    result = piped(MISMATCH, "check", "-")
    assert result.exit_code == 1, result.stderr
    assert result.stdout.startswith("-:6:11: error MC201 [port-security-mismatch]")
    assert "  6 |     port: 587" in result.stdout  # the source line, from the input
    assert result.stdout.endswith("Found 1 error, 0 warnings, 0 infos in 1 file, 1 profile.\n")
    assert findings(piped(MISMATCH, "check", "--format", "json", "-")) == [("MC201", "-", 6, 11)]


def test_a_clean_profile_on_standard_input_passes(piped) -> None:
    result = piped(GOOD_PROFILE, "check", "-")
    assert (result.exit_code, result.stdout) == (0, "No problems found in 1 file, 1 profile.\n")


def test_stdin_filename_names_the_findings(piped) -> None:
    result = piped(MISMATCH, "check", "--format", "json", "--stdin-filename", "conf/out.mail.yaml", "-")
    assert findings(result) == [("MC201", "conf/out.mail.yaml", 6, 11)]
    result = piped(MISMATCH, "check", "--format", "sarif", "--stdin-filename", "conf/out.mail.yaml", "-")
    assert result.exit_code == 1 and "conf/out.mail.yaml" in result.stdout


def test_stdin_filename_alone_reads_standard_input(piped) -> None:
    result = piped(MISMATCH, "check", "--format", "json", "--stdin-filename", "out.mail.yaml")
    assert findings(result) == [("MC201", "out.mail.yaml", 6, 11)]


def test_settings_are_searched_from_the_stdin_filename_folder(piped, write) -> None:
    write("conf/.mailcheck.yaml", "fail-on: warning\n")
    assert piped(RELAY, "check", "-").exit_code == 0  # from the current folder: no settings
    result = piped(RELAY, "check", "--stdin-filename", "conf/relay.mail.yaml", "-")
    assert result.exit_code == 1, result.stdout
    assert result.stdout.startswith("conf/relay.mail.yaml:7:15: warning MC205")


def test_suppression_comments_apply_to_standard_input(piped) -> None:
    text = RELAY.replace("security: none", "security: none  # mailcheck: disable-line MC205 -- private relay")
    assert findings(piped(text, "check", "--format", "json", "--fail-on", "info", "-")) == []
    stale = GOOD_PROFILE.replace("port: 587", "port: 587  # mailcheck: disable-line MC203")
    assert [f[0] for f in findings(piped(stale, "check", "--format", "json", "-"))] == ["MC004"]


def test_ca_file_is_relative_to_the_stdin_filename(piped, write) -> None:
    write("conf/certs/ca.pem", "not checked offline\n")
    assert [f[0] for f in findings(piped(WITH_CA, "check", "--format", "json", "-"))] == ["MC212"]
    result = piped(WITH_CA, "check", "--format", "json", "--stdin-filename", "conf/x.mail.yaml", "-")
    assert findings(result) == []


@pytest.mark.parametrize(
    "data, words",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (GOOD_PROFILE.encode() + "    description: Caf\xe9\n".encode("latin-1"), "not UTF-8"),
        (b"version: 1\nprofiles:\n\toutgoing: {}\n", "tab"),
    ],
)
def test_unreadable_input_is_an_mc001_finding(piped, data, words) -> None:
    result = piped(data, "check", "--format", "json", "-")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "MC001" and finding["file"] == "-" and words in finding["message"]


def test_input_over_the_size_bound_is_an_mc001_finding(piped) -> None:
    result = piped(b"#" * (MAX_FILE_BYTES + 1), "check", "--format", "json", "-")
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "MC001" and "16 MiB bound" in finding["message"]


def test_dash_with_other_paths_is_a_one_line_error(piped, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    result = piped(GOOD_PROFILE, "check", "-", "ok.mail.yaml")
    assert result.exit_code == 2
    assert (
        result.stderr.startswith("mailcheck: error: `-` (standard input) is checked alone")
        and result.stderr.count("\n") == 1
    )


def test_stdin_filename_with_a_file_path_is_a_one_line_error(piped, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    result = piped(GOOD_PROFILE, "check", "--stdin-filename", "x.mail.yaml", "ok.mail.yaml")
    assert result.exit_code == 2
    assert (
        result.stderr.startswith("mailcheck: error: --stdin-filename names what `-` reads")
        and result.stderr.count("\n") == 1
    )


def test_output_refuses_to_write_over_the_stdin_filename(piped, write, tmp_path) -> None:
    # the name is the profile the text came from: a report there would destroy it
    original = write("out.mail.yaml", GOOD_PROFILE).read_text(encoding="utf-8")
    result = piped(MISMATCH, "check", "--stdin-filename", "out.mail.yaml", "--output", "json:out.mail.yaml", "-")
    assert result.exit_code == 2
    assert "would overwrite out.mail.yaml" in result.stderr and result.stderr.count("\n") == 1
    assert (tmp_path / "out.mail.yaml").read_text(encoding="utf-8") == original
    result = piped(MISMATCH, "check", "--stdin-filename", "out.mail.yaml", "--output", "json:report.json", "-")
    assert result.exit_code == 1
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["findings"][0]["file"] == "out.mail.yaml"


# --- --quiet ----------------------------------------------------------------------------


def test_quiet_prints_nothing_when_there_is_nothing_to_say(invoke, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    result = invoke("check", "--quiet", "ok.mail.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_quiet_prints_the_findings_without_the_summary(invoke, write) -> None:
    write("bad.mail.yaml", MISMATCH)
    loud = invoke("check", "bad.mail.yaml")
    quiet = invoke("check", "-q", "bad.mail.yaml")
    assert quiet.exit_code == loud.exit_code == 1
    assert quiet.stdout.startswith("bad.mail.yaml:6:11: error MC201")
    assert "Found" not in quiet.stdout
    assert loud.stdout == quiet.stdout + "\nFound 1 error, 0 warnings, 0 infos in 1 file, 1 profile.\n"


def test_quiet_does_not_change_other_formats_or_report_files(invoke, write, tmp_path) -> None:
    write("bad.mail.yaml", MISMATCH)
    for name in ("json", "github", "sarif", "junit", "gitlab"):
        args = ("check", "--format", name, "bad.mail.yaml")
        assert invoke(*args, "--quiet").stdout == invoke(*args).stdout, name
    result = invoke("check", "-q", "--output", "text:report.txt", "bad.mail.yaml")
    assert "Found" not in result.stdout
    assert Path(tmp_path, "report.txt").read_text(encoding="utf-8").endswith("in 1 file, 1 profile.\n")


def test_quiet_reads_standard_input_too(piped) -> None:
    result = piped(GOOD_PROFILE, "check", "-q", "-")
    assert (result.exit_code, result.stdout) == (0, "")
