"""What the probe never does: show a secret, send a credential without verified TLS,
fall back to a weaker mode, or wait on a server without bound."""

from __future__ import annotations

import base64
import time

import pytest
import trustme

from mailcheck.outputs import FORMATS
from tests.probe import probe_hostile as hostile
from tests.probe.probe_helpers import PASSWORD, USER, USERS, mailcheck, profile
from tests.probe.probe_servers import days_from_now, pop3_behaviour, server_context, silent_listener

WRONG = "Wr0ng-Pa55word-that-is-echoed"


def encodings(secret: str) -> list[str]:
    """The secret and the forms it crosses the wire in: AUTH PLAIN and AUTH LOGIN base64."""
    b64 = lambda data: base64.b64encode(data).decode()
    return [secret, b64(secret.encode()), b64(f"\0{USER}\0{secret}".encode())]


@pytest.fixture
def leaky_setup(probe, smtp, line_server, good_context):
    """Profiles that log in right and wrong, with PLAIN and LOGIN, and a POP3 server that
    quotes the password it was sent (USER/PASS) or its base64 (AUTH PLAIN) in its error."""
    smtp_server = smtp("starttls")
    pop3_user = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, sasl=(), echo_failed_password=True))
    pop3_sasl = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, echo_failed_password=True))
    wrong = {"password": {"env": "WRONG"}}
    probe.write(
        {
            "smtp-good": profile("smtp", smtp_server.port, "starttls"),
            "smtp-wrong-plain": profile("smtp", smtp_server.port, "starttls", auth=wrong),
            "smtp-wrong-login": profile("smtp", smtp_server.port, "starttls", auth={**wrong, "mechanism": "login"}),
            "pop3-echo-pass": profile("pop3", pop3_user.port, "tls", auth=wrong),
            "pop3-echo-plain": profile("pop3", pop3_sasl.port, "tls", auth=wrong),
        }
    )
    return probe.folder


@pytest.mark.parametrize("format_name", FORMATS)
def test_no_secret_and_no_encoding_of_it_in_any_output_format(leaky_setup, format_name) -> None:
    result = mailcheck(leaky_setup, "probe", "--format", format_name, env={"WRONG": WRONG})
    assert result.exit_code == 1
    for secret in encodings(PASSWORD) + encodings(WRONG):
        assert secret not in result.output, f"{format_name} output shows {secret!r}"
    if format_name in ("text", "json", "junit"):
        assert "(got ****)" in result.output  # the servers' echoes were there, masked


def test_no_credentials_before_a_verified_handshake(probe, ca, smtp) -> None:
    """Untrusted, wrong-name and expired certificates, implicit TLS and STARTTLS alike:
    the probe stops at the handshake and the server never sees AUTH."""
    cases = {
        "untrusted": ("tls", server_context(trustme.CA())),
        "untrusted-starttls": ("starttls", server_context(trustme.CA())),
        "other-name": ("starttls", server_context(ca, "other.mailcheck.test")),
        "expired": ("tls", server_context(ca, not_after=days_from_now(-1))),
    }
    servers = {name: (security, smtp(security, context=context)) for name, (security, context) in cases.items()}
    report = probe.run({name: profile("smtp", server.port, security) for name, (security, server) in servers.items()})
    assert {r.profile: [f.rule for f in r.findings] for r in report.results} == {
        "untrusted": ["MC507"],
        "untrusted-starttls": ["MC507"],
        "other-name": ["MC508"],
        "expired": ["MC509"],
    }
    assert all(server.mailbox.logins == [] for _, server in servers.values())


def test_mode_detection_sends_no_credentials(probe, line_server, good_context) -> None:
    server = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True))
    run = probe.one(profile("pop3", server.port, "starttls", timeout=2))
    assert run.rules == ["MC505"], run
    received = b"\n".join(line for peer in server.peers for line in peer.received)
    assert not any(word in received for word in (b"USER", b"PASS", b"AUTH", PASSWORD.encode()))


def test_no_fallback_to_cleartext_when_starttls_is_refused(probe, line_server) -> None:
    server = line_server(hostile.starttls_refused)
    run = probe.one(profile("smtp", server.port, "starttls"), allow_cleartext_auth=True)
    assert run.rules == ["MC506"], run
    received = [line for peer in server.peers for line in peer.received]
    assert received[0].startswith(b"EHLO [127.0.0.1]") and received[1] == b"STARTTLS"
    assert not any(line.startswith(b"AUTH") for line in received[2:])


def test_a_hundred_silent_servers_take_about_one_timeout(probe) -> None:
    listeners = [silent_listener() for _ in range(10)]
    try:
        profiles = {
            f"silent-{i:03d}": profile("smtp", listeners[i % 10].getsockname()[1], "starttls", timeout=1, login=False)
            for i in range(100)
        }
        started = time.monotonic()
        report = probe.run(profiles)
        wall = time.monotonic() - started
    finally:
        for sock in listeners:
            sock.close()
    assert len(report.results) == 100
    assert {f.rule for r in report.results for f in r.findings} == {"MC518"}
    assert wall < 2.5, f"100 silent profiles took {wall:.1f}s"


def test_concurrency_limits_how_many_run_at_once(probe) -> None:
    listener = silent_listener()
    try:
        profiles = {
            f"p{i}": profile("smtp", listener.getsockname()[1], "tls", timeout=0.5, login=False) for i in range(4)
        }
        started = time.monotonic()
        probe.run(profiles, concurrency=2)
        wall = time.monotonic() - started
    finally:
        listener.close()
    assert 1.0 <= wall < 2.0  # two rounds of two half-second timeouts
