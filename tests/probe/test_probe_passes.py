"""Probes that pass: every protocol, security mode and login method the probe speaks,
against aiosmtpd and small IMAP and POP3 servers on loopback."""

from __future__ import annotations

import email

import pytest

from tests.probe.probe_helpers import PASSWORD, USER, USERS, profile
from tests.probe.probe_servers import imap_behaviour, pop3_behaviour

STEPS_STARTTLS = [
    "resolve",
    "connect",
    "greeting",
    "capabilities",
    "starttls",
    "tls-handshake",
    "certificate",
    "capabilities-after-tls",
    "login",
    "quit",
]
STEPS_TLS = ["resolve", "connect", "tls-handshake", "certificate", "greeting", "capabilities", "login", "quit"]


def test_smtp_starttls_login_and_what_the_result_says(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls"))
    result = run.result
    assert run.rules == [], run
    assert result.status == "ok"
    assert [s.name for s in result.steps] == STEPS_STARTTLS
    assert all(s.status == "ok" for s in result.steps)
    assert result.tls is not None and result.tls.version == "1.3" and result.tls.certificate.days_left > 300_000
    assert result.auth_mechanisms == ["LOGIN", "PLAIN"]
    assert result.login == "ok"
    assert server.mailbox.logins == [("PLAIN", USER)]
    assert run.wall < 1.0


def test_smtp_implicit_tls(probe, smtp) -> None:
    server = smtp("tls")
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == [], run
    assert [s.name for s in run.result.steps] == STEPS_TLS


def test_smtp_without_tls_or_login(probe, smtp) -> None:
    server = smtp("none")
    run = probe.one(profile("smtp", server.port, "none", login=False))
    assert run.rules == [], run
    assert run.result.tls is None
    assert run.result.login == "not configured"


def test_send_test_message_arrives_with_its_message_id(probe, smtp) -> None:
    server = smtp("starttls")
    body = profile("smtp", server.port, "starttls", test={"send_to": "bob@example.com"}, **{"from": {"address": USER}})
    run = probe.one(body, send_test=True)
    assert run.rules == [], run
    sent = run.result.test_message
    assert sent is not None and sent.reply == "250 2.0.0 Ok: queued as TEST123"
    (raw,) = server.mailbox.messages
    message = email.message_from_bytes(raw)
    assert message["Message-ID"] == sent.message_id
    assert message["From"] == USER and message["To"] == "bob@example.com"
    assert run.result.steps[-2].name == "send-test"


def test_send_test_is_skipped_without_a_recipient(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls"), send_test=True)
    assert run.rules == [], run
    step = next(s for s in run.result.steps if s.name == "send-test")
    assert (step.status, step.detail) == ("skipped", "the profile has no test.send_to")
    assert server.mailbox.messages == []


@pytest.mark.parametrize("mechanism", ["plain", "login", "cram-md5"])
def test_smtp_password_mechanisms(probe, smtp, mechanism) -> None:
    server = smtp("tls", more_auth=True)
    run = probe.one(profile("smtp", server.port, "tls", auth={"mechanism": mechanism}))
    assert run.rules == [], run
    assert server.mailbox.logins[0] == (mechanism.upper(), USER)


def test_auto_picks_the_strongest_mechanism_offered(probe, smtp) -> None:
    server = smtp("tls", more_auth=True)
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == [], run
    assert server.mailbox.logins == [("CRAM-MD5", USER)]


def test_smtp_xoauth2_with_a_token(probe, smtp) -> None:
    server = smtp("tls", more_auth=True)
    body = profile("smtp", server.port, "tls", auth={"mechanism": "xoauth2", "token": {"env": "TOKEN"}})
    del body["auth"]["password"]
    assert probe.one(body, environ={"TOKEN": PASSWORD}).rules == []
    rejected = probe.one(body, environ={"TOKEN": "expired-token"})
    assert rejected.rules == ["MC514"], rejected
    assert server.mailbox.logins == [("XOAUTH2", USER), ("XOAUTH2", USER)]


# -- IMAP


def test_imap_starttls_then_authenticate_plain(probe, line_server, good_context) -> None:
    server = line_server(imap_behaviour(good_context, USERS))
    run = probe.one(profile("imap", server.port, "starttls"))
    assert run.rules == [], run
    assert [s.name for s in run.result.steps] == STEPS_STARTTLS
    assert run.result.auth_mechanisms == ["PLAIN", "LOGIN command"]
    capabilities = next(s for s in run.result.steps if s.name == "capabilities")
    assert capabilities.detail == "STARTTLS; no AUTH"  # LOGINDISABLED before TLS


def test_imap_authenticate_without_sasl_ir_answers_the_continuation(probe, line_server, good_context) -> None:
    server = line_server(imap_behaviour(good_context, USERS, implicit_tls=True, sasl_ir=False))
    run = probe.one(profile("imap", server.port, "tls"))
    assert run.rules == [], run
    assert any(line.endswith(b"AUTHENTICATE PLAIN") for peer in server.peers for line in peer.received)


def test_imap_login_command(probe, line_server, good_context) -> None:
    server = line_server(imap_behaviour(good_context, USERS, implicit_tls=True, mechanisms=()))
    run = probe.one(profile("imap", server.port, "tls", auth={"mechanism": "login"}))
    assert run.rules == [], run
    assert run.result.steps[-2].detail == "LOGIN command as alice@example.com: m2 OK [CAPABILITY IMAP4rev1] Logged in"


def test_imap_wrong_password(probe, line_server, good_context) -> None:
    server = line_server(imap_behaviour(good_context, USERS, implicit_tls=True))
    run = probe.one(profile("imap", server.port, "tls"), environ={"MAILCHECK_TEST_PASSWORD": "wrong"})
    assert run.rules == ["MC514"], run
    assert "NO [AUTHENTICATIONFAILED] Authentication failed." in run.finding.message


def test_imap_starttls_against_imaps_is_detected(probe, line_server, good_context) -> None:
    server = line_server(imap_behaviour(good_context, USERS, implicit_tls=True))
    run = probe.one(profile("imap", server.port, "starttls", timeout=2))
    assert run.rules == ["MC505"], run


def test_imaps_against_a_starttls_port_is_detected(probe, line_server, good_context) -> None:
    server = line_server(imap_behaviour(good_context, USERS))
    run = probe.one(profile("imap", server.port, "tls"))
    assert run.rules == ["MC504"], run
    assert run.finding.hint == f"port {server.port} answered with a plaintext IMAP greeting: set security: starttls"


# -- POP3


def test_pop3_stls_then_sasl_plain(probe, line_server, good_context) -> None:
    server = line_server(pop3_behaviour(good_context, USERS))
    run = probe.one(profile("pop3", server.port, "starttls"))
    assert run.rules == [], run
    assert [s.name for s in run.result.steps] == STEPS_STARTTLS
    assert run.result.auth_mechanisms == ["PLAIN", "USER/PASS"]


def test_pop3_user_pass(probe, line_server, good_context) -> None:
    server = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, sasl=()))
    run = probe.one(profile("pop3", server.port, "tls"))
    assert run.rules == [], run
    assert run.result.steps[-2].detail == "USER/PASS as alice@example.com: +OK Logged in."


def test_pop3_wrong_password(probe, line_server, good_context) -> None:
    server = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, sasl=()))
    run = probe.one(profile("pop3", server.port, "tls"), environ={"MAILCHECK_TEST_PASSWORD": "wrong"})
    assert run.rules == ["MC514"], run
    assert "'-ERR [AUTH] Authentication failed.'" in run.finding.message


def test_pop3_without_login_methods(probe, line_server, good_context) -> None:
    server = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, sasl=(), user_command=False))
    run = probe.one(profile("pop3", server.port, "tls"))
    assert run.rules == ["MC512"], run


def test_a_name_resolves_through_the_system_resolver_and_etc_hosts(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls", host="localhost"))
    assert run.rules == [], run
    assert run.result.steps[0].name == "resolve" and "127.0.0.1" in run.result.steps[0].detail


def test_verification_off_skips_the_certificate_check(probe, smtp) -> None:
    import trustme

    from tests.probe.probe_servers import server_context

    server = smtp("tls", context=server_context(trustme.CA()))
    run = probe.one(profile("smtp", server.port, "tls", tls={"verify": False}))
    assert run.rules == [], run
    step = next(s for s in run.result.steps if s.name == "certificate")
    assert (step.status, step.detail) == ("skipped", "not checked: tls.verify is false")


def test_an_unreadable_ca_file_is_mc507(probe, smtp) -> None:
    server = smtp("tls")
    run = probe.one(profile("smtp", server.port, "tls", tls={"ca_file": "no-such-ca.pem"}))
    assert run.rules == ["MC507"], run
    assert "tls.ca_file no-such-ca.pem cannot be used" in run.finding.message
    assert server.mailbox.logins == []
