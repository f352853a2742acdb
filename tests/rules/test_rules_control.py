"""MC213: no control character in a value that becomes a protocol line or a header."""

from __future__ import annotations

import pytest

PROFILE = """\
version: 1
profiles:
  mailbox:
    protocol: smtp
    host: {host}
    port: 587
    security: starttls
    tls: {{server_name: {server_name}}}
    auth: {{username: {username}, password: {{env: PW}}}}
    from: {{address: {address}, name: {name}}}
    test: {{send_to: {send_to}}}
"""
CLEAN = {
    "host": "smtp.example.com",
    "server_name": "smtp.example.com",
    "username": "joe@example.com",
    "address": "app@example.com",
    "name": "App",
    "send_to": "ops@example.com",
}


def profile(**values: str) -> str:
    return PROFILE.format(**{**CLEAN, **values})


# (field, value as written in the YAML, what the character is called, its 1-based index)
INJECTIONS = [
    ("username", r'"joe\r\nDELE 1"', "a carriage return (U+000D)", 4),
    ("username", r'"joe\nRCPT TO:<x@evil.example>"', "a line feed (U+000A)", 4),
    ("address", r'"app@example.com\u0000x"', "a NUL (U+0000)", 16),
    ("name", r'"A\e[31mB"', "an ESC (U+001B)", 2),
    ("send_to", r'"ops\x85@example.com"', "a next-line (NEL) (U+0085)", 4),
    ("host", r'"smtp\u2028.example.com"', "a line separator (U+2028)", 5),
    ("server_name", '"smtp.example.com\\x7f"', "a DEL (U+007F)", 17),
]
KEYS = {
    "username": "auth.username",
    "address": "from.address",
    "name": "from.name",
    "send_to": "test.send_to",
    "host": "host",
    "server_name": "tls.server_name",
}


@pytest.mark.parametrize(("field", "written", "called", "index"), INJECTIONS)
def test_mc213_a_control_character_is_reported_at_the_character(lint, field, written, called, index):
    run = lint(profile(**{field: written}))
    finding = run.only("MC213")
    assert finding.severity == "error"
    assert finding.path == f"profiles.mailbox.{KEYS[field]}"
    assert f"holds {called} at character {index}" in finding.message
    line = run.source.splitlines()[finding.line - 1]
    # the caret is on the escape that writes the character, not on the value's start
    assert line[finding.column - 1] == "\\", (line, finding.column)


def test_mc213_a_line_break_is_named_as_command_injection(lint):
    finding = lint(profile(username=r'"joe\r\nDELE 1"')).only("MC213")
    assert "command injection" in finding.message
    assert "one line of printable text" in finding.hint


def test_mc213_the_position_counts_escapes_and_quotes_before_the_character(lint):
    run = lint(profile(name=r'"\u00e9\x41\"\\\n"'))  # é, A, ", \ and then the line feed
    finding = run.only("MC213")
    assert "at character 5" in finding.message
    line = run.source.splitlines()[finding.line - 1]
    assert line[finding.column - 1 : finding.column + 1] == "\\n"


def test_mc213_printable_text_with_tabs_written_as_text_is_not_reported(lint):
    run = lint(profile(name="'Ops, \"on call\" \\x41'", username="'it''s@example.com'"))
    assert "MC213" not in run.rules


def test_mc213_clean_profile_reports_nothing(lint):
    assert lint(profile()).rules == []


def test_mc213_a_profile_with_a_control_character_is_not_probed(invoke_probe):
    result = invoke_probe(profile(username=r'"joe\r\nDELE 1"'))
    assert result.exit_code == 1
    assert "not probed: MC213 at auth.username cannot be sent" in result.stdout
    assert "Probed 0 profiles" in result.stdout


@pytest.fixture
def invoke_probe(lint, tmp_path):
    """`mailcheck probe` on one profile file (never reaches the network: nothing is probed)."""
    from click.testing import CliRunner

    from mailcheck.cli import cli

    def run(source: str):
        (tmp_path / "profile.mail.yaml").write_text(source, encoding="utf-8")
        return CliRunner().invoke(cli, ["probe", "profile.mail.yaml"], catch_exceptions=False)

    return run
