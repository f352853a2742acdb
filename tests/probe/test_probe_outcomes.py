"""Each probe outcome, MC501 to MC519, produced by a real (aiosmtpd) or hostile loopback
server: the rule, its hint, and how long it took to find out."""

from __future__ import annotations

import ssl

import pytest
import trustme

from mailcheck.probe.resolve import Nameserver
from tests.probe import probe_hostile as hostile
from tests.probe.probe_helpers import PASSWORD, profile
from tests.probe.probe_servers import (
    closed_port,
    days_from_now,
    full_backlog_listener,
    server_context,
    start_nxdomain_resolver,
)

FAST = 1.0  # seconds: outcomes that need no waiting come well within this


# -- MC501-MC503: getting a connection


def test_mc501_a_name_that_does_not_resolve(probe) -> None:
    resolver = start_nxdomain_resolver()
    try:
        body = profile("smtp", 587, "starttls") | {"host": "mail.does-not-exist.test"}
        run = probe.one(body, nameserver=Nameserver("127.0.0.1", resolver.port))
    finally:
        resolver.close()
    assert run.rules == ["MC501"], run
    assert "mail.does-not-exist.test does not resolve: the name does not exist (NXDOMAIN)" in run.finding.message
    assert "check the spelling of host" in run.finding.hint
    assert resolver.queries and all(q == "mail.does-not-exist.test." for q in resolver.queries)
    assert run.wall < FAST


def test_mc502_a_closed_port(probe) -> None:
    sock = closed_port()
    try:
        port = sock.getsockname()[1]
        run = probe.one(profile("smtp", port, "starttls"))
    finally:
        sock.close()
    assert run.rules == ["MC502"], run
    assert f"port {port} failed: Connection refused" in run.finding.message
    assert run.finding.hint.startswith(f"nothing accepts connections on port {port}: check the port")
    assert run.wall < FAST


def test_mc503_no_tcp_answer_within_the_timeout(probe) -> None:
    listener, fillers = full_backlog_listener()  # SYNs to a full accept queue are dropped
    try:
        run = probe.one(profile("smtp", listener.getsockname()[1], "starttls", timeout=1))
    finally:
        for sock in (listener, *fillers):
            sock.close()
    assert run.rules == ["MC503"], run
    assert "within the timeout of 1s" in run.finding.message
    assert "firewall" in run.finding.hint
    assert 0.9 < run.wall < 1.8


# -- MC504, MC505: the security mode the port speaks


def test_mc504_implicit_tls_against_a_starttls_port(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == ["MC504"], run
    assert run.finding.hint == f"port {server.port} answered with a plaintext SMTP greeting: set security: starttls"
    assert "'220 mx.mailcheck.test" in run.finding.message
    assert run.finding.path == "profiles.p.security"
    assert server.mailbox.logins == []
    assert run.wall < FAST


def test_mc505_starttls_against_an_implicit_tls_port(probe, smtp) -> None:
    server = smtp("tls")
    run = probe.one(profile("smtp", server.port, "starttls", timeout=2))
    assert run.rules == ["MC505"], run
    assert run.finding.hint == f"port {server.port} answered a TLS handshake: set security: tls"
    assert server.mailbox.logins == []
    assert run.wall < 2 / 4 + FAST  # the grace time (a quarter of the timeout), then one handshake


def test_mc505_security_none_against_an_implicit_tls_port(probe, smtp) -> None:
    server = smtp("tls")
    run = probe.one(profile("smtp", server.port, "none", login=False, timeout=2))
    assert run.rules == ["MC505"], run
    assert "security is none" in run.finding.message


# -- MC506: STARTTLS


def test_mc506_starttls_not_advertised(probe, smtp) -> None:
    server = smtp("none")
    run = probe.one(profile("smtp", server.port, "starttls"))
    assert run.rules == ["MC506"], run
    assert "does not advertise STARTTLS" in run.finding.message
    assert "implicit-TLS port with security: tls" in run.finding.hint
    assert server.mailbox.logins == []  # no fallback to a cleartext login
    assert run.wall < FAST


def test_mc506_starttls_refused(probe, line_server) -> None:
    server = line_server(hostile.starttls_refused)
    run = probe.one(profile("smtp", server.port, "starttls"))
    assert run.rules == ["MC506"], run
    assert "refused STARTTLS: '454 4.7.0 TLS not available due to local problem'" in run.finding.message
    assert not any(line.startswith(b"AUTH") for peer in server.peers for line in peer.received)
    assert run.wall < FAST


# -- MC507-MC511: certificates and TLS versions


def test_mc507_certificate_from_an_unknown_ca(probe, smtp) -> None:
    server = smtp("tls", context=server_context(trustme.CA()))
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == ["MC507"], run
    assert "unable to get local issuer certificate (OpenSSL verify error 20)" in run.finding.message
    assert "put the server's CA certificate (PEM) there" in run.finding.hint
    assert run.finding.path == "profiles.p.tls.ca_file"
    assert server.mailbox.logins == []
    assert run.wall < FAST


def test_mc507_against_the_system_store(probe, smtp) -> None:
    server = smtp("tls")
    body = profile("smtp", server.port, "tls")
    del body["tls"]["ca_file"]
    run = probe.one(body)
    assert run.rules == ["MC507"], run
    assert "against the system's trusted CAs" in run.finding.message
    assert "tls.ca_file" in run.finding.hint


def test_mc508_certificate_for_another_name(probe, ca, smtp) -> None:
    server = smtp("starttls", context=server_context(ca, "other.mailcheck.test"))
    run = probe.one(profile("smtp", server.port, "starttls"))
    assert run.rules == ["MC508"], run
    assert "not valid for localhost: Hostname mismatch" in run.finding.message
    assert (
        run.finding.hint
        == "the certificate is valid for other.mailcheck.test: set tls.server_name: other.mailcheck.test"
    )
    assert server.mailbox.logins == []
    assert run.wall < FAST


def test_mc508_ip_address_without_server_name(probe, ca, smtp) -> None:
    server = smtp("tls", context=server_context(ca, "localhost"))
    body = profile("smtp", server.port, "tls")
    del body["tls"]["server_name"]
    run = probe.one(body)
    assert run.rules == ["MC508"], run
    assert "IP address mismatch" in run.finding.message
    assert run.finding.hint.endswith("set tls.server_name: localhost")


def test_mc509_expired_certificate(probe, ca, smtp) -> None:
    server = smtp("tls", context=server_context(ca, not_after=days_from_now(-2)))
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == ["MC509"], run
    assert "certificate has expired (OpenSSL verify error 10)" in run.finding.message
    assert "renew the certificate" in run.finding.hint
    assert run.wall < FAST


def test_mc509_certificate_not_yet_valid(probe, ca, smtp) -> None:
    server = smtp("tls", context=server_context(ca, not_before=days_from_now(10)))
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == ["MC509"], run
    assert "not yet valid" in run.finding.message
    assert "check the clock" in run.finding.hint


def test_mc510_certificate_expiring_soon_is_a_warning_and_the_login_still_runs(probe, ca, smtp) -> None:
    server = smtp("tls", context=server_context(ca, not_after=days_from_now(3.5)))
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == ["MC510"], run
    assert run.finding.severity.value == "warning"
    assert "expires in 3 days" in run.finding.message
    assert "this warns at fewer than 14 days (--cert-warn-days)" in run.finding.hint
    assert run.result.status == "warning"
    assert run.result.login == "ok"
    assert run.result.tls is not None and run.result.tls.certificate.days_left == 3


def test_mc510_threshold_follows_cert_warn_days(probe, ca, smtp) -> None:
    server = smtp("tls", context=server_context(ca, not_after=days_from_now(3.5)))
    run = probe.one(profile("smtp", server.port, "tls"), cert_warn_days=2)
    assert run.rules == [], run
    assert run.result.status == "ok"


def test_mc511_server_cannot_do_the_minimum_version(probe, ca, smtp) -> None:
    server = smtp("tls", context=server_context(ca, max_version=ssl.TLSVersion.TLSv1_2))
    run = probe.one(profile("smtp", server.port, "tls", tls={"min_version": "1.3"}))
    assert run.rules == ["MC511"], run
    assert "the server cannot do TLS 1.3 or better" in run.finding.message
    assert run.finding.hint.startswith("the server offers at most TLS 1.2: enable TLS 1.3 on the server")
    assert run.finding.path == "profiles.p.tls.min_version"
    assert server.mailbox.logins == []
    assert run.wall < FAST


# -- MC512-MC515: logging in


def test_mc512_no_auth_offered_after_tls(probe, smtp) -> None:
    server = smtp("starttls", exclude_mechanisms=("LOGIN", "PLAIN"))
    run = probe.one(profile("smtp", server.port, "starttls"))
    assert run.rules == ["MC512"], run
    assert "no usable authentication after TLS: the credentials were not tested" in run.finding.message
    assert run.result.status == "failed"  # not a pass that proves nothing


def test_mc512_auth_only_after_starttls(probe, smtp) -> None:
    server = smtp("starttls")  # AUTH is advertised only once TLS is up
    run = probe.one(profile("smtp", server.port, "none"), allow_cleartext_auth=True)
    assert run.rules == ["MC512"], run
    assert run.finding.hint.startswith("the server offers STARTTLS: set security: starttls")


def test_mc513_configured_mechanism_not_offered(probe, smtp) -> None:
    server = smtp("tls")
    run = probe.one(profile("smtp", server.port, "tls", auth={"mechanism": "cram-md5"}))
    assert run.rules == ["MC513"], run
    assert "auth.mechanism is cram-md5, but the server offers only LOGIN, PLAIN" in run.finding.message
    assert "set auth.mechanism: auto" in run.finding.hint
    assert run.finding.path == "profiles.p.auth.mechanism"


def test_mc514_wrong_password_is_tried_once_and_the_reply_quoted(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls"), environ={"MAILCHECK_TEST_PASSWORD": "wrong"})
    assert run.rules == ["MC514"], run
    assert (
        "login as alice@example.com with PLAIN was rejected: '535 5.7.8 Authentication credentials invalid'"
        in run.finding.message
    )
    assert "app password" in run.finding.hint
    assert run.result.login == "failed"
    assert len(server.mailbox.logins) == 1
    assert run.wall < FAST


def test_mc515_secret_env_variable_unset(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls"), environ={})
    assert run.rules == ["MC515"], run
    assert "environment variable MAILCHECK_TEST_PASSWORD is unset or empty" in run.finding.message
    assert run.finding.hint.startswith("export the variable")
    assert run.finding.path == "profiles.p.auth.password"
    assert run.result.login == "skipped"
    assert server.mailbox.logins == []


def test_mc515_secret_file_missing(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls", auth={"password": {"file": "secrets/smtp.txt"}}))
    assert run.rules == ["MC515"], run
    assert "secret file secrets/smtp.txt cannot be read" in run.finding.message
    assert "on one line" in run.finding.hint


# -- MC516: the test message


def test_mc516_recipient_refused(probe, smtp) -> None:
    server = smtp("starttls", reject_rcpt="550 5.1.1 <nobody@example.com>: Recipient address rejected")
    body = profile("smtp", server.port, "starttls", test={"send_to": "nobody@example.com"})
    run = probe.one(body, send_test=True)
    assert run.rules == ["MC516"], run
    assert "refused at RCPT: '550 5.1.1 <nobody@example.com>: Recipient address rejected'" in run.finding.message
    assert "check test.send_to" in run.finding.hint
    assert run.finding.path == "profiles.p.test.send_to"
    assert run.result.login == "ok"
    assert server.mailbox.messages == []


# -- MC517: servers that are not what the profile expects


@pytest.mark.parametrize(
    ("behaviour", "security", "message", "hint"),
    [
        (
            hostile.greet_421,
            "starttls",
            "greeted with a refusal instead of a SMTP greeting: '421 4.3.2",
            "refuses connections from here",
        ),
        (
            hostile.garbage,
            "starttls",
            "unexpected SMTP reply during greeting: '",
            "something else listens there, not the SMTP service",
        ),
        (hostile.garbage, "tls", "it speaks neither TLS nor SMTP", "something else listens there"),
        (hostile.http, "starttls", "an HTTP server answered on port", "a web server listens there"),
        (hostile.http, "tls", "an HTTP server answered on port", "a web server listens there"),
        (hostile.close_at_once, "starttls", "closed the connection during greeting", "the server drops this client"),
        (hostile.close_at_once, "tls", "closed the connection during tls-handshake", "the server drops this client"),
        (
            hostile.endless_line,
            "starttls",
            "during greeting is longer than 8192 bytes",
            "no mail server sends such lines",
        ),
        (
            hostile.endless_ehlo,
            "starttls",
            "during capabilities did not end within 200 lines",
            "no mail server sends such replies",
        ),
        (hostile.other_protocol_pop3, "tls", "speaks POP3, not SMTP: '+OK POP3 ready'", "this is a POP3 port"),
        (
            hostile.starttls_injection,
            "starttls",
            "sent plaintext after accepting STARTTLS, before the TLS handshake",
            "RFC 3207",
        ),
    ],
    ids=lambda value: getattr(value, "__name__", None) if callable(value) else None,
)
def test_mc517_hostile_servers(probe, line_server, behaviour, security, message, hint) -> None:
    server = line_server(behaviour)
    run = probe.one(profile("smtp", server.port, security, timeout=2))
    assert run.rules == ["MC517"], run
    assert message in run.finding.message
    assert hint in run.finding.hint
    assert run.wall < 2 / 4 + FAST  # the grace time at most, never the whole timeout
    assert not any(PASSWORD.encode() in line for peer in server.peers for line in peer.received)


# -- MC518: a server that stops answering


@pytest.mark.parametrize(
    ("behaviour", "step"),
    [(hostile.silent, "greeting"), (hostile.drip, "greeting"), (hostile.greet_then_silent, "capabilities")],
    ids=["silent", "drip-one-byte-a-second", "greets-then-silent"],
)
def test_mc518_step_timeout_names_the_step(probe, line_server, behaviour, step) -> None:
    server = line_server(behaviour)
    run = probe.one(profile("smtp", server.port, "starttls", timeout=1.5))
    assert run.rules == ["MC518"], run
    assert f"the {step} step ran past the deadline" in run.finding.message
    assert f"stopped answering at {step}" in run.finding.hint
    assert run.finding.path == "profiles.p.timeout"
    assert run.result.failed_step is not None and run.result.failed_step.name == step
    assert 1.4 < run.wall < 1.5 + 0.5


# -- MC519: no credentials in cleartext


def test_mc519_cleartext_login_refused(probe, smtp) -> None:
    server = smtp("none")
    run = probe.one(profile("smtp", server.port, "none"))
    assert run.rules == ["MC519"], run
    assert "the login was not attempted" in run.finding.message
    assert "--allow-cleartext-auth" in run.finding.hint
    assert server.mailbox.logins == []
    assert run.wall < FAST


def test_cleartext_login_when_explicitly_allowed(probe, smtp) -> None:
    server = smtp("none")
    run = probe.one(profile("smtp", server.port, "none"), allow_cleartext_auth=True)
    assert run.rules == [], run
    assert run.result.login == "ok"
    assert server.mailbox.logins == [("PLAIN", "alice@example.com")]
