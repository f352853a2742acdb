"""Nothing from a profile becomes a protocol command: the wire layer refuses any command
line holding CR, LF or NUL before a byte of it is written (MC520), and the test message's
headers cannot be split either.

These profiles are probed past the runner's selection (`probe.unselected`): the lint rules
and the selection may keep such profiles from the probe, but the wire's guard is the last
line of defence and must hold on its own."""

from __future__ import annotations

import asyncio
import email

import pytest

from mailcheck.probe.wire import Connection, Deadline, UnsafeLine
from mailcheck.secrets import Redactor
from tests.probe import probe_hostile as hostile
from tests.probe.probe_helpers import PASSWORD, SECRET_ENV, USER, USERS, profile
from tests.probe.probe_servers import HOST, imap_behaviour, pop3_behaviour

INJECTED = "DELE 1"


def received(server) -> list[bytes]:
    return [line for peer in server.peers for line in peer.received]


@pytest.mark.parametrize("character", ["\r", "\n", "\0"], ids=["CR", "LF", "NUL"])
@pytest.mark.parametrize("secret", [False, True], ids=["write_line", "write_secret"])
def test_the_wire_refuses_a_command_line_with_cr_lf_or_nul_and_sends_none_of_it(line_server, character, secret) -> None:
    server = line_server(hostile.echo_ok)
    unsafe = f"joe{character}{INJECTED}"

    async def attempt() -> str:
        conn = await Connection.open(HOST, server.port, Deadline(3), Redactor())
        conn.cleartext_auth = True  # a plain loopback socket: only the line guard is under test here
        try:
            with pytest.raises(UnsafeLine) as refused:
                if secret:
                    conn.write_secret(f"PASS {unsafe}", unsafe)
                else:
                    conn.write_line(f"USER {unsafe}")
            conn.write_line("NOOP")  # the connection still works, and the server saw only this
            assert await conn.read_line() == "+OK"
            return str(refused.value)
        finally:
            conn.close()

    message = asyncio.run(asyncio.wait_for(attempt(), 5))
    assert received(server) == [b"NOOP"]
    assert "joe" not in message and INJECTED not in message  # never the line: it may carry a secret
    assert ("PASS" if secret else "USER") in message


def test_pop3_username_with_crlf_is_not_split_into_commands(probe, line_server, good_context) -> None:
    server = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, sasl=()))
    results = probe.unselected({"p": profile("pop3", server.port, "tls", auth={"username": f"joe\r\n{INJECTED}"})})
    result = results["p"]
    (finding,) = result.findings
    assert finding.rule == "MC520"
    assert finding.path == "profiles.p.auth.username"
    assert "the USER command" in finding.message and "a carriage return" in finding.message
    assert INJECTED not in finding.message and "joe" not in finding.message
    assert result.login != "ok"
    sent = received(server)
    assert not any(line.startswith((b"USER", b"PASS", b"DELE")) for line in sent), sent
    assert PASSWORD.encode() not in b"\n".join(sent)


def test_imap_username_with_lf_is_refused_before_login(probe, line_server, good_context) -> None:
    server = line_server(imap_behaviour(good_context, USERS, implicit_tls=True, mechanisms=()))
    results = probe.unselected({"p": profile("imap", server.port, "tls", auth={"username": "joe\nm9 DELETE INBOX"})})
    (finding,) = results["p"].findings
    assert (finding.rule, finding.path) == ("MC520", "profiles.p.auth.username")
    assert "the LOGIN command" in finding.message and "a line feed" in finding.message
    assert "DELETE" not in finding.message
    assert not any(b"LOGIN" in line or b"DELETE" in line for line in received(server))


@pytest.mark.parametrize(
    ("section", "field", "verb"),
    [("from", "address", "MAIL"), ("test", "send_to", "RCPT")],
)
def test_smtp_envelope_address_with_crlf_is_not_sent(probe, line_server, good_context, section, field, verb) -> None:
    server = line_server(hostile.recording_smtp(good_context))
    body = profile("smtp", server.port, "tls", **{"from": {"address": USER}, "test": {"send_to": "bob@example.com"}})
    body[section] = {field: "bob@example.com>\r\nRCPT TO:<mallory@example.net"}
    results = probe.unselected({"p": body}, send_test=True)
    result = results["p"]
    (finding,) = result.findings
    assert (finding.rule, finding.path) == ("MC520", f"profiles.p.{section}.{field}")
    assert f"the {verb} command" in finding.message and "a carriage return" in finding.message
    assert "mallory" not in finding.message
    assert result.login == "ok"
    sent = received(server)
    assert not any(b"mallory" in line for line in sent), sent
    assert not any(line.startswith(b"DATA") for line in sent)


@pytest.mark.parametrize("secret", ["s3cr3t\r\nDELE 1", "s3cr3t\nw0rd", "s3\0cr3t"], ids=["CRLF", "LF", "NUL"])
def test_a_secret_with_a_line_break_or_nul_is_never_sent_nor_shown(probe, line_server, good_context, secret) -> None:
    server = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, sasl=()))
    results = probe.unselected({"p": profile("pop3", server.port, "tls")}, environ={SECRET_ENV: secret})
    result = results["p"]
    (finding,) = result.findings
    assert finding.rule == "MC515"
    assert f"environment variable {SECRET_ENV} contains" in finding.message
    for piece in ("s3", "cr3t", "w0rd", "DELE"):
        assert piece not in finding.message and piece not in finding.hint
    assert result.login == "skipped"
    assert not any(line.startswith((b"USER", b"PASS", b"DELE")) for line in received(server))


def test_a_profile_name_with_a_line_feed_cannot_end_the_test_message_headers(probe, smtp) -> None:
    """`app\\n` (a name the validator's `$` used to let through): the Subject carries it
    escaped, so the Date and Message-ID headers stay headers."""
    server = smtp("tls")
    body = profile("smtp", server.port, "tls", test={"send_to": "bob@example.com"}, **{"from": {"address": USER}})
    results = probe.unselected({"app\nBcc: mallory@example.net": body}, send_test=True)
    (result,) = results.values()
    assert [f.rule for f in result.findings] == [], result.findings
    (raw,) = server.mailbox.messages
    headers, _, _ = raw.partition(b"\r\n\r\n")
    message = email.message_from_bytes(raw)
    assert message["Message-ID"] == result.test_message.message_id
    assert message["Bcc"] is None and b"\nBcc:" not in headers
    assert "\n" not in message["Subject"] and "\\n" in message["Subject"]
