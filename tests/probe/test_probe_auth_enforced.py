"""`mailcheck probe --check-auth-enforced`: one login with a random wrong secret before the
real one. A server that accepts it is MC521 and the real login is not tried; a server that
refuses it passes, with exactly one failed attempt, and the real login on a fresh connection.
Off by default. The wrong secret is never shown, nor the real one.

Every server is on 127.0.0.1; the attempts are counted by the servers themselves."""

from __future__ import annotations

import base64
import json

import pytest

from mailcheck.outputs import FORMATS
from mailcheck.probe.pipeline import wrong_secret
from tests.probe.probe_helpers import PASSWORD, USER, USERS, mailcheck, profile
from tests.probe.probe_servers import LineServer, imap_behaviour, pop3_behaviour

FAST = 1.5  # seconds: a wrong login, a reconnect and the real login on loopback


def step(run, name: str):
    (found,) = [s for s in run.result.steps if s.name == name]
    return found


def step_names(run) -> list[str]:
    return [s.name for s in run.result.steps]


def forms(secret: str) -> list[str]:
    """The secret and the forms it crosses the wire in (AUTH PLAIN, AUTH LOGIN base64)."""
    b64 = lambda data: base64.b64encode(data).decode()
    return [secret, b64(secret.encode()), b64(f"\0{USER}\0{secret}".encode())]


# -- SMTP (aiosmtpd)


@pytest.mark.parametrize("mode", ["starttls", "tls"])
@pytest.mark.parametrize("mechanism", ["plain", "login"])
def test_a_server_that_accepts_any_password_is_mc521_and_the_real_login_is_not_tried(
    probe, smtp, mode, mechanism
) -> None:
    server = smtp(mode, accept_any=True)
    run = probe.one(profile("smtp", server.port, mode, auth={"mechanism": mechanism}), check_auth_enforced=True)
    assert run.rules == ["MC521"], run
    finding = run.finding
    assert (finding.severity.value, finding.name, finding.path) == (
        "error",
        "accepts-any-credentials",
        "profiles.p.auth.username",
    )
    assert finding.message.startswith(
        f"the server accepted a login as {USER} with {mechanism.upper()} and a random wrong password: '235 "
    )
    assert finding.message.endswith(
        "it accepts any credentials, so the profile's real login proves nothing and was not tried"
    )
    assert "MailHog" in finding.hint
    (wrong,) = server.mailbox.passwords  # one attempt, the wrong one; the real password never sent
    assert wrong != PASSWORD and len(wrong) >= 32
    assert server.mailbox.logins == [(mechanism.upper(), USER)]
    assert run.result.login == "skipped"
    assert step(run, "auth-enforced").status == "failed"
    assert "login" not in step_names(run) and "reconnect" not in step_names(run)
    assert run.wall < FAST


def test_the_same_server_passes_without_the_option(probe, smtp) -> None:
    """Off by default: no wrong attempt is made, so an accept-anything server is not noticed."""
    server = smtp("starttls", accept_any=True)
    run = probe.one(profile("smtp", server.port, "starttls"))
    assert run.rules == [], run
    assert server.mailbox.passwords == [PASSWORD]
    assert "auth-enforced" not in step_names(run)


@pytest.mark.parametrize("mode", ["starttls", "tls"])
@pytest.mark.parametrize("mechanism", ["auto", "plain", "login"])
def test_a_server_that_refuses_the_wrong_password_passes_after_exactly_one_failed_attempt(
    probe, smtp, mode, mechanism
) -> None:
    server = smtp(mode)
    run = probe.one(profile("smtp", server.port, mode, auth={"mechanism": mechanism}), check_auth_enforced=True)
    assert run.rules == [], run
    wrong, real = server.mailbox.passwords  # the wrong attempt first, then the real login
    assert real == PASSWORD and wrong != PASSWORD
    assert [p for p in server.mailbox.passwords if p != PASSWORD] == [wrong]
    assert [name for _, name in server.mailbox.logins] == [USER, USER]
    assert run.result.login == "ok"
    names = step_names(run)
    assert names.index("auth-enforced") < names.index("reconnect") < names.index("login")
    checked = step(run, "auth-enforced")
    assert checked.status == "ok"
    assert "with a random wrong password refused: 535 " in checked.detail
    assert step(run, "reconnect").detail.startswith(f"127.0.0.1 port {server.port}, TLS ")
    assert run.wall < FAST


def test_the_option_off_makes_no_wrong_attempt(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls"))
    assert run.rules == [], run
    assert server.mailbox.passwords == [PASSWORD]
    assert {"auth-enforced", "reconnect"}.isdisjoint(step_names(run))


def test_the_wrong_secret_is_new_each_run(probe, smtp) -> None:
    server = smtp("starttls")
    body = profile("smtp", server.port, "starttls")
    for _ in range(2):
        assert probe.one(body, check_auth_enforced=True).rules == []
    first, real, second, real_again = server.mailbox.passwords
    assert real == real_again == PASSWORD and len({first, second, PASSWORD}) == 3


def test_wrong_secret_is_random_and_never_the_real_one() -> None:
    made = {wrong_secret(PASSWORD) for _ in range(50)}
    assert len(made) == 50 and PASSWORD not in made


def test_a_send_test_after_a_refused_wrong_login_goes_over_the_fresh_connection(probe, smtp) -> None:
    server = smtp("starttls")
    body = profile("smtp", server.port, "starttls", test={"send_to": "ops@example.com"})
    run = probe.one(body, check_auth_enforced=True, send_test=True)
    assert run.rules == [], run
    assert len(server.mailbox.messages) == 1 and len(server.mailbox.passwords) == 2


def test_cleartext_allowed_checks_in_cleartext_too(probe, smtp) -> None:
    server = smtp("none")
    run = probe.one(profile("smtp", server.port, "none"), check_auth_enforced=True, allow_cleartext_auth=True)
    assert run.rules == [], run
    assert len(server.mailbox.passwords) == 2 and server.mailbox.passwords[1] == PASSWORD


# -- skipped, with a note, where the real login cannot run either: no wrong attempt is made


def test_skipped_without_auth(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls", login=False), check_auth_enforced=True)
    assert run.rules == [], run
    checked = step(run, "auth-enforced")
    assert (checked.status, checked.detail) == ("skipped", "not checked: the profile has no auth")
    assert server.mailbox.logins == [] and "reconnect" not in step_names(run)


def test_skipped_when_the_server_offers_no_auth(probe, smtp) -> None:
    server = smtp("starttls", exclude_mechanisms=("PLAIN", "LOGIN"))
    run = probe.one(profile("smtp", server.port, "starttls"), check_auth_enforced=True)
    assert run.rules == ["MC512"], run
    checked = step(run, "auth-enforced")
    assert (checked.status, checked.detail) == ("skipped", "not checked: the server offers no usable authentication")
    assert server.mailbox.logins == []


def test_skipped_before_tls_when_cleartext_auth_is_not_allowed(probe, smtp) -> None:
    server = smtp("none")
    run = probe.one(profile("smtp", server.port, "none"), check_auth_enforced=True)
    assert run.rules == ["MC519"], run
    checked = step(run, "auth-enforced")
    assert checked.status == "skipped"
    assert checked.detail == "not checked: the connection is not encrypted and cleartext auth is not allowed"
    assert server.mailbox.logins == []


def test_skipped_when_the_secret_is_unavailable(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "starttls"), check_auth_enforced=True, environ={})
    assert run.rules == ["MC515"], run
    checked = step(run, "auth-enforced")
    assert (checked.status, checked.detail) == ("skipped", "not checked: the profile's password is not available")
    assert server.mailbox.logins == []


# -- IMAP and POP3 (the small threaded servers)


def _imap_attempts(server: LineServer) -> list[list[str]]:
    """Per connection, the login commands it received (LOGIN, AUTHENTICATE)."""
    return [
        [line.decode() for line in peer.received if line.split(b" ")[1:2] in ([b"LOGIN"], [b"AUTHENTICATE"])]
        for peer in server.peers
    ]


def _pop3_attempts(server: LineServer) -> list[list[str]]:
    """Per connection, the credentials it received (PASS, AUTH)."""
    return [
        [line.decode() for line in peer.received if line.split(b" ")[0] in (b"PASS", b"AUTH")] for peer in server.peers
    ]


IMAP_METHODS = {"LOGIN command": {"mechanisms": ()}, "PLAIN": {"mechanisms": ("PLAIN",)}}
POP3_METHODS = {"USER/PASS": {"sasl": ()}, "PLAIN": {"sasl": ("PLAIN",)}}


@pytest.mark.parametrize("method", IMAP_METHODS)
def test_imap_that_accepts_anything_is_mc521(probe, line_server, good_context, method) -> None:
    server = line_server(
        imap_behaviour(good_context, USERS, implicit_tls=True, accept_any=True, **IMAP_METHODS[method])
    )
    run = probe.one(profile("imap", server.port, "tls"), check_auth_enforced=True)
    assert run.rules == ["MC521"], run
    assert f"with {method} and a random wrong password: '" in run.finding.message
    (attempts,) = _imap_attempts(server)  # one connection, one attempt
    assert len(attempts) == 1 and PASSWORD not in attempts[0]
    assert base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode() not in attempts[0]


@pytest.mark.parametrize("method", IMAP_METHODS)
def test_imap_that_refuses_the_wrong_password_passes_with_the_real_login_on_a_fresh_connection(
    probe, line_server, good_context, method
) -> None:
    server = line_server(imap_behaviour(good_context, USERS, **IMAP_METHODS[method]))  # STARTTLS
    run = probe.one(profile("imap", server.port, "starttls"), check_auth_enforced=True)
    assert run.rules == [], run
    wrong, real = _imap_attempts(server)
    assert len(wrong) == len(real) == 1
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    assert PASSWORD not in wrong[0] and plain not in wrong[0]
    assert PASSWORD in real[0] or plain in real[0]
    assert "NO [AUTHENTICATIONFAILED]" in step(run, "auth-enforced").detail
    assert run.result.login == "ok"


@pytest.mark.parametrize("method", POP3_METHODS)
def test_pop3_that_accepts_anything_is_mc521(probe, line_server, good_context, method) -> None:
    server = line_server(
        pop3_behaviour(good_context, USERS, implicit_tls=True, accept_any=True, **POP3_METHODS[method])
    )
    run = probe.one(profile("pop3", server.port, "tls"), check_auth_enforced=True)
    assert run.rules == ["MC521"], run
    assert f"with {method} and a random wrong password: '+OK Logged in.'" in run.finding.message
    (attempts,) = _pop3_attempts(server)
    assert len(attempts) == 1 and PASSWORD not in attempts[0]


@pytest.mark.parametrize("method", POP3_METHODS)
def test_pop3_that_refuses_the_wrong_password_passes_with_the_real_login_on_a_fresh_connection(
    probe, line_server, good_context, method
) -> None:
    server = line_server(pop3_behaviour(good_context, USERS, **POP3_METHODS[method]))  # STLS
    run = probe.one(profile("pop3", server.port, "starttls"), check_auth_enforced=True)
    assert run.rules == [], run
    wrong, real = _pop3_attempts(server)
    assert len(wrong) == len(real) == 1 and PASSWORD not in wrong[0]
    assert "-ERR [AUTH]" in step(run, "auth-enforced").detail
    assert run.result.login == "ok"


# -- the command line: the option, the exit code, and no secret in any output


def test_the_cli_option_and_exit_codes(probe, smtp) -> None:
    good, open_door = smtp("starttls"), smtp("starttls", accept_any=True)
    probe.write({"good": profile("smtp", good.port, "starttls"), "open": profile("smtp", open_door.port, "starttls")})
    assert "--check-auth-enforced" in mailcheck(probe.folder, "probe", "--help").stdout
    assert mailcheck(probe.folder, "probe", "--profile", "good", "--check-auth-enforced").exit_code == 0
    result = mailcheck(probe.folder, "probe", "--profile", "open", "--check-auth-enforced")
    assert result.exit_code == 1, result.output
    assert "MC521 [accepts-any-credentials]" in result.stdout
    assert mailcheck(probe.folder, "probe", "--profile", "open").exit_code == 0  # off by default
    assert len(good.mailbox.passwords) == 2 and len(open_door.mailbox.passwords) == 2  # one per run with it


@pytest.mark.parametrize("format_name", FORMATS)
def test_neither_the_wrong_nor_the_real_secret_is_in_any_output_format(
    probe, smtp, line_server, good_context, format_name
) -> None:
    open_door, good = smtp("starttls", accept_any=True), smtp("tls")
    # a broken POP3 server that quotes the password it was sent in its error
    echo = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, sasl=(), echo_failed_password=True))
    echo_plain = line_server(pop3_behaviour(good_context, USERS, implicit_tls=True, echo_failed_password=True))
    probe.write(
        {
            "open": profile("smtp", open_door.port, "starttls"),
            "good": profile("smtp", good.port, "tls", auth={"mechanism": "login"}),
            "echo": profile("pop3", echo.port, "tls"),
            "echo-plain": profile("pop3", echo_plain.port, "tls"),
        }
    )
    result = mailcheck(probe.folder, "probe", "--check-auth-enforced", "--format", format_name)
    assert result.exit_code == 1, result.output
    (echoed,) = [line.decode().split(" ", 1)[1] for line in echo.peers[0].received if line.startswith(b"PASS ")]
    (echoed_plain,) = [
        base64.b64decode(line.split(b" ")[2]).split(b"\0")[2].decode()
        for line in echo_plain.peers[0].received
        if line.startswith(b"AUTH ")
    ]
    wrongs = [*open_door.mailbox.passwords, good.mailbox.passwords[0], echoed, echoed_plain]
    assert len(set(wrongs)) == 4 and PASSWORD not in wrongs
    for secret in [*wrongs, PASSWORD]:
        for form in forms(secret):
            assert form not in result.output, f"{format_name} output shows {form!r}"
    if format_name == "json":
        document = json.loads(result.stdout)
        details = [s["detail"] for p in document["results"] for s in p["steps"] if s["step"] == "auth-enforced"]
        assert sum("(got ****)" in d for d in details) == 2  # the echoes were there, masked
        assert [f["rule"] for p in document["results"] for f in p["findings"]] == ["MC521"]
