"""`mailcheck probe` on the command line: exit codes, usage errors, and each output format."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from tests.probe.probe_helpers import USER, mailcheck, profile
from tests.probe.probe_servers import closed_port, days_from_now, server_context


@pytest.fixture
def two_profiles(probe, smtp):
    """`good` passes; `bad` logs in with a wrong password (MC514)."""
    server = smtp("starttls")
    good = profile("smtp", server.port, "starttls")
    bad = profile("smtp", server.port, "starttls", auth={"password": {"env": "WRONG_PASSWORD"}})
    probe.write({"good": good, "bad": bad})
    return probe.folder


def test_exit_code_0_when_every_probed_profile_passes(two_profiles) -> None:
    result = mailcheck(two_profiles, "probe", "--profile", "good")
    assert result.exit_code == 0, result.output
    (line,) = [
        line for line in result.stdout.splitlines() if line.startswith("PASS  good (probe.mail.yaml)  smtp 127.0.0.1:")
    ]
    assert "starttls  TLS 1.3  cert " in line and "AUTH LOGIN, PLAIN  login ok" in line
    assert "Probed 1 profile in" in result.stdout


def test_exit_code_1_when_one_fails_with_details_and_hint_under_it(two_profiles) -> None:
    result = mailcheck(two_profiles, "probe", env={"WRONG_PASSWORD": "not-the-password"})
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    fail = next(i for i, line in enumerate(lines) if line.startswith("FAIL  bad (probe.mail.yaml) "))
    assert "login failed" in lines[fail]
    assert lines[fail + 1].startswith("  stopped at login after ")
    assert "error MC514 [auth-failed] login as alice@example.com with PLAIN was rejected" in lines[fail + 2]
    assert lines[fail + 3].startswith("    hint: check the username")
    assert "1 passed, 0 with warnings, 1 failed" in result.stdout


def test_warnings_alone_exit_0(probe, ca, smtp) -> None:
    server = smtp("tls", context=server_context(ca, not_after=days_from_now(5)))
    probe.write({"expiring": profile("smtp", server.port, "tls")})
    result = mailcheck(probe.folder, "probe")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "WARN  expiring (probe.mail.yaml)  smtp"
    )  # no MC203 before it: the probe checked the port
    assert "warning MC510 [certificate-expiring]" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["probe", "--profile", "nope"], "mailcheck: error: no profile named 'nope' in the files given"),
        (["probe", "missing.mail.yaml"], "mailcheck: error: no such file or directory: missing.mail.yaml"),
        (["probe", "--nameserver", "dns.example.com"], "mailcheck: error: --nameserver wants an IP address"),
    ],
)
def test_usage_errors_exit_2_with_one_line(two_profiles, args, message) -> None:
    result = mailcheck(two_profiles, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_structurally_invalid_profile_is_not_probed_and_fails_the_run(probe) -> None:
    sock = closed_port()
    try:
        probe.write({"broken": {"protocol": "smtp", "host": "127.0.0.1", "security": "sometimes"}})
        result = mailcheck(probe.folder, "probe")
    finally:
        sock.close()
    assert result.exit_code == 1
    assert "error MC101 [schema-violation]" in result.stdout
    assert "SKIP  broken (probe.mail.yaml): not probed: structurally invalid" in result.stdout


def test_json_shape(two_profiles) -> None:
    result = mailcheck(two_profiles, "probe", "--format", "json", env={"WRONG_PASSWORD": "not-the-password"})
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["tool"] == "mailcheck"
    assert {"probed": 2, "ok": 1, "failed": 1}.items() <= document["summary"].items()
    good, bad = sorted(document["results"], key=lambda r: r["profile"] != "good")
    assert set(good) >= {
        "profile",
        "file",
        "protocol",
        "host",
        "port",
        "security",
        "status",
        "seconds",
        "steps",
        "tls",
        "auth_mechanisms",
        "findings",
    }
    assert good["status"] == "ok" and bad["status"] == "failed"
    assert good["steps"][0] == {
        "step": "resolve",
        "status": "ok",
        "seconds": good["steps"][0]["seconds"],
        "detail": "127.0.0.1",
    }
    assert set(good["tls"]) == {"version", "cipher", "certificate"}
    assert set(good["tls"]["certificate"]) == {"subject", "issuer", "not_after", "days_left"}
    assert good["auth_mechanisms"] == ["LOGIN", "PLAIN"]
    (finding,) = bad["findings"]
    assert finding["rule"] == "MC514" and finding["path"] == "profiles.bad.auth.username"
    assert finding["line"] > 1 and finding["file"] == "probe.mail.yaml"


def test_junit_has_a_testcase_per_profile_and_failures_carry_findings(two_profiles) -> None:
    result = mailcheck(two_profiles, "probe", "--format", "junit", env={"WRONG_PASSWORD": "not-the-password"})
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites" and root.get("tests") == "2" and root.get("failures") == "1"
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {"good", "bad"}
    assert cases["good"].find("failure") is None
    failure = cases["bad"].find("failure")
    assert failure is not None and failure.get("type") == "MC514"
    assert "hint: check the username" in failure.text
    assert "login: failed" in cases["bad"].find("system-out").text


def test_junit_for_check_too(two_profiles) -> None:
    result = mailcheck(two_profiles, "check", "--format", "junit")
    root = ET.fromstring(result.stdout)
    assert {case.get("name") for case in root.iter("testcase")} == {"good", "bad"}


def test_github_annotations_at_the_profile_line(two_profiles) -> None:
    result = mailcheck(two_profiles, "probe", "--format", "github", env={"WRONG_PASSWORD": "not-the-password"})
    (line,) = [line for line in result.stdout.splitlines() if "MC514" in line]
    assert line.startswith("::error file=probe.mail.yaml,line=")
    assert ",title=MC514 auth-failed::login as alice@example.com with PLAIN was rejected" in line


def test_explain_a_probe_rule() -> None:
    from click.testing import CliRunner

    from mailcheck.cli import cli

    result = CliRunner().invoke(cli, ["explain", "MC514"])
    assert result.exit_code == 0
    assert result.stdout.startswith("MC514 auth-failed (error, reported by mailcheck probe)")


def test_profile_filter_keeps_lint_findings_of_that_profile_only(probe, smtp) -> None:
    server = smtp("starttls")
    other = profile("smtp", server.port, "starttls", **{"from": {"address": "not an address"}})
    probe.write({"good": profile("smtp", server.port, "starttls"), "other": other})
    result = mailcheck(probe.folder, "probe", "--profile", "good", "--format", "json")
    document = json.loads(result.stdout)
    assert [r["profile"] for r in document["results"]] == ["good"]
    assert all(f["profile"] in ("good", None) for f in document["lint"])
    assert USER  # the account the fixtures log in as


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_when_more_than_a_few_profiles_run() -> None:
    from mailcheck.commands.probe import _Progress

    terminal, pipe = _Terminal(), io.StringIO()
    for stream, total in ((terminal, 5), (pipe, 5), (_Terminal(), 3)):
        progress = _Progress(stream)
        progress.start(total)
        for _ in range(total):
            progress.advance(None)
        progress.finish()
    assert terminal.getvalue().startswith("\rprobed 1/5\rprobed 2/5")
    assert terminal.getvalue().endswith("\rprobed 5/5\r\x1b[K")
    assert pipe.getvalue() == ""


def test_junit_stays_valid_xml_whatever_the_server_sends(probe, line_server) -> None:
    from tests.probe import probe_hostile as hostile

    server = line_server(hostile.garbage)  # control characters, bytes that are not UTF-8, < and &
    probe.write({"garbage": profile("smtp", server.port, "starttls")})
    result = mailcheck(probe.folder, "probe", "--format", "junit")
    failure = ET.fromstring(result.stdout).find(".//failure")
    assert failure is not None and failure.get("type") == "MC517"
    assert "unexpected SMTP reply during greeting" in failure.get("message")
