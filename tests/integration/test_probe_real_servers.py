"""`mailcheck probe` against real Postfix (submission, SASL via Dovecot) and Dovecot (IMAP,
POP3), STARTTLS and implicit TLS, on loopback: logins good and bad, a test message that
is then found in the mailbox, cleartext login refused, and wrong modes named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from mailcheck.cli import cli
from mailcheck.probe.options import ProbeOptions
from mailcheck.probe.runner import run_probe
from tests.integration.mailservers import MailServers

PASSWORD_ENV = "MAILCHECK_IT_PASSWORD"


def real(servers: MailServers, protocol: str, security: str, *, kind: str | None = None, **extra: Any) -> dict:
    """A profile for one of the harness's services, logging in as alice (the CA trusted)."""
    port = getattr(servers.ports, f"{protocol}_{kind or ('tls' if security == 'tls' else 'starttls')}")
    body: dict[str, Any] = {
        "protocol": protocol,
        "host": extra.pop("host", servers.host),
        "port": port,
        "security": security,
        "timeout": 10,
        "auth": {"username": servers.alice.address, "password": {"env": PASSWORD_ENV}},
    }
    if security != "none":
        body["tls"] = {"ca_file": str(servers.ca_file), "server_name": servers.tls_hostname, **extra.pop("tls", {})}
    body.update(extra)
    return body


def probe(folder: Path, profiles: dict[str, dict], password: str, **options: Any) -> dict[str, Any]:
    """Probe the profiles; {name: ProbeResult}."""
    path = folder / "real.mail.yaml"
    with path.open("w") as handle:
        YAML().dump({"version": 1, "profiles": profiles}, handle)
    report = run_probe([path], options=ProbeOptions(environ={PASSWORD_ENV: password}, **options))
    return {result.profile: result for result in report.results}


def rules(result: Any) -> list[str]:
    return [f.rule for f in result.findings]


SERVICES = [
    ("smtp", "starttls"),
    ("smtp", "tls"),
    ("imap", "starttls"),
    ("imap", "tls"),
    ("pop3", "starttls"),
    ("pop3", "tls"),
]


def test_good_logins_pass_on_every_service(mail_servers: MailServers, tmp_path: Path) -> None:
    profiles = {f"{p}-{s}": real(mail_servers, p, s) for p, s in SERVICES}
    results = probe(tmp_path, profiles, mail_servers.alice.password)
    for name, result in results.items():
        assert result.status == "ok", (name, [(f.rule, f.message) for f in result.findings])
        assert result.login == "ok", name
        assert result.tls is not None and result.tls.version in ("1.2", "1.3")
        assert result.tls.certificate is not None and result.tls.certificate.days_left > 300
        assert result.seconds < 5


def test_bad_logins_fail_with_the_servers_reply(mail_servers: MailServers, tmp_path: Path) -> None:
    profiles = {f"{p}-{s}": real(mail_servers, p, s) for p, s in SERVICES}
    results = probe(tmp_path, profiles, "not-alices-password")
    replies = {name: result.findings[0].message for name, result in results.items()}
    assert all(rules(result) == ["MC514"] for result in results.values()), replies
    assert "535 5.7.8 Error: authentication failed" in replies["smtp-starttls"]
    assert "[AUTHENTICATIONFAILED]" in replies["imap-tls"]
    assert "-ERR [AUTH] Authentication failed." in replies["pop3-tls"]
    assert all("not-alices-password" not in reply for reply in replies.values())


def test_postfix_offers_auth_only_after_starttls(mail_servers: MailServers, tmp_path: Path) -> None:
    (result,) = probe(
        tmp_path, {"submission": real(mail_servers, "smtp", "starttls")}, mail_servers.alice.password
    ).values()
    before = next(s for s in result.steps if s.name == "capabilities")
    after = next(s for s in result.steps if s.name == "capabilities-after-tls")
    assert before.detail == "STARTTLS; no AUTH"
    assert after.detail.startswith("AUTH ") and "PLAIN" in after.detail


def test_test_message_is_delivered_to_the_mailbox(mail_servers: MailServers, tmp_path: Path) -> None:
    body = real(mail_servers, "smtp", "starttls", test={"send_to": mail_servers.bob.address})
    body["from"] = {"address": mail_servers.alice.address}
    (result,) = probe(tmp_path, {"send": body}, mail_servers.alice.password, send_test=True).values()
    assert rules(result) == [], [f.message for f in result.findings]
    assert result.test_message is not None and result.test_message.reply.startswith("250 2.0.0 Ok: queued as ")
    message = mail_servers.wait_for_message(mail_servers.bob.address, result.test_message.message_id)
    assert message["From"] == mail_servers.alice.address
    assert "mailcheck probe test message (send)" in message["Subject"]


def test_relaying_outside_is_refused_at_rcpt(mail_servers: MailServers, tmp_path: Path) -> None:
    body = real(mail_servers, "smtp", "tls", test={"send_to": "someone@elsewhere.example"})
    (result,) = probe(tmp_path, {"relay": body}, "not-alices-password", send_test=True).values()
    assert rules(result) == ["MC514"]  # no login, so no test message either
    assert not any(step.name == "send-test" for step in result.steps)


@pytest.mark.parametrize("protocol", ["smtp", "imap", "pop3"])
def test_cleartext_login_is_refused_by_the_probe(mail_servers: MailServers, tmp_path: Path, protocol: str) -> None:
    body = real(mail_servers, protocol, "none", kind="starttls", host=mail_servers.cleartext_host)
    (result,) = probe(tmp_path, {"cleartext": body}, mail_servers.alice.password).values()
    assert rules(result) == ["MC519"]
    assert result.login == "skipped"


@pytest.mark.parametrize("protocol", ["smtp", "imap", "pop3"])
def test_cleartext_login_allowed_by_the_probe_is_refused_by_the_server(
    mail_servers: MailServers, tmp_path: Path, protocol: str
) -> None:
    body = real(mail_servers, protocol, "none", kind="starttls", host=mail_servers.cleartext_host)
    (result,) = probe(tmp_path, {"cleartext": body}, mail_servers.alice.password, allow_cleartext_auth=True).values()
    assert rules(result) == ["MC512"], [f.message for f in result.findings]
    assert result.findings[0].hint.startswith("the server offers ")  # ... STARTTLS/STLS: set security: starttls


@pytest.mark.parametrize("protocol", ["smtp", "imap", "pop3"])
def test_wrong_modes_are_named(mail_servers: MailServers, tmp_path: Path, protocol: str) -> None:
    ports = mail_servers.ports
    profiles = {
        "tls-on-starttls-port": real(mail_servers, protocol, "tls", kind="starttls"),
        "starttls-on-tls-port": real(mail_servers, protocol, "starttls", kind="tls", timeout=4),
    }
    results = probe(tmp_path, profiles, mail_servers.alice.password)
    plaintext_port = getattr(ports, f"{protocol}_starttls")
    tls_port = getattr(ports, f"{protocol}_tls")
    mc504 = results["tls-on-starttls-port"].findings[0]
    mc505 = results["starttls-on-tls-port"].findings[0]
    assert (mc504.rule, mc504.hint) == (
        "MC504",
        f"port {plaintext_port} answered with a plaintext {protocol.upper()} greeting: set security: starttls",
    )
    assert (mc505.rule, mc505.hint) == ("MC505", f"port {tls_port} answered a TLS handshake: set security: tls")
    assert results["starttls-on-tls-port"].seconds < 4 / 4 + 1


def test_certificate_for_another_name_lists_its_names(mail_servers: MailServers, tmp_path: Path) -> None:
    body = real(mail_servers, "imap", "tls", tls={"server_name": "imap.other.example"})
    (result,) = probe(tmp_path, {"name": body}, mail_servers.alice.password).values()
    assert rules(result) == ["MC508"]
    assert result.findings[0].hint == (
        "the certificate is valid for localhost, 127.0.0.1, 127.0.0.2: set tls.server_name: localhost"
    )


@pytest.mark.parametrize("format_name", ["text", "json", "github", "junit", "sarif", "gitlab"])
def test_cli_output_never_shows_the_password(
    mail_servers: MailServers, tmp_path: Path, format_name: str, monkeypatch
) -> None:
    profiles = {f"{p}-{s}": real(mail_servers, p, s) for p, s in SERVICES}
    path = tmp_path / "real.mail.yaml"
    with path.open("w") as handle:
        YAML().dump({"version": 1, "profiles": profiles}, handle)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["probe", "--format", format_name, str(path)], env={PASSWORD_ENV: mail_servers.bob.password}
    )
    assert result.exit_code == 1
    assert mail_servers.bob.password not in result.stdout + result.stderr
    if format_name == "json":
        statuses = {r["profile"]: r["status"] for r in json.loads(result.stdout)["results"]}
        assert set(statuses.values()) == {"failed"}


def _seed(servers: MailServers, address: str, subject: str) -> Path:
    """Someone else's message, put straight into the Maildir Dovecot serves."""
    import os
    import pwd
    import time as clock

    maildir = servers.maildir(address)
    path = maildir / "new" / f"{int(clock.time())}.M1P{os.getpid()}.{subject.replace(' ', '-')}.mailcheck-test"
    path.write_bytes(
        f"From: carol@example.test\r\nTo: {address}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@example.test>\r\n\r\nNot the probe's.\r\n".encode()
    )
    account = pwd.getpwnam("mail")
    os.chown(path, account.pw_uid, account.pw_gid)
    return path


def _maildir_file(servers: MailServers, address: str, subject: str) -> Path | None:
    """The Maildir file of the seeded message, wherever Dovecot moved it (new/ or cur/)."""
    marker = subject.replace(" ", "-")
    maildir = servers.maildir(address)
    return next((p for sub in ("new", "cur") for p in (maildir / sub).iterdir() if marker in p.name), None)


@pytest.mark.parametrize("receiver", ["imap", "pop3"])
def test_round_trip_finds_and_deletes_only_the_test_message(
    mail_servers: MailServers, tmp_path: Path, receiver: str
) -> None:
    subject = f"keep me {receiver}"
    _seed(mail_servers, mail_servers.alice.address, subject)
    sender = real(
        mail_servers, "smtp", "starttls", test={"send_to": mail_servers.alice.address, "receive_with": "inbox"}
    )
    sender["from"] = {"address": mail_servers.alice.address}
    profiles = {"send": sender, "inbox": real(mail_servers, receiver, "tls")}
    results = probe(tmp_path, profiles, mail_servers.alice.password, round_trip=True, round_trip_timeout=10)
    result = results["send"]
    assert rules(result) == [], [f.message for f in result.findings]
    trip = result.test_message.round_trip
    assert trip is not None and trip.found and trip.folder in ("INBOX", "the maildrop")
    assert 0 < trip.latency < 10
    assert trip.removal == ("deleted (UID EXPUNGE)" if receiver == "imap" else "deleted (DELE, then QUIT)")
    # the test message is gone from the Maildir; the other message is still there, not \Deleted
    assert mail_servers.find_message(mail_servers.alice.address, result.test_message.message_id) is None
    kept = _maildir_file(mail_servers, mail_servers.alice.address, subject)
    assert kept is not None, "the other message was removed"
    flags = kept.name.partition(":2,")[2]
    assert "T" not in flags  # Maildir's \Deleted (trashed) flag


def test_round_trip_to_a_mailbox_nobody_reads_is_mc522(mail_servers: MailServers, tmp_path: Path) -> None:
    import time as clock

    sender = real(mail_servers, "smtp", "starttls", test={"send_to": mail_servers.bob.address, "receive_with": "inbox"})
    sender["from"] = {"address": mail_servers.alice.address}
    profiles = {"send": sender, "inbox": real(mail_servers, "imap", "tls")}  # alice's INBOX, not bob's
    started = clock.monotonic()
    results = probe(tmp_path, profiles, mail_servers.alice.password, round_trip=True, round_trip_timeout=2)
    assert clock.monotonic() - started < 2 + 5
    assert rules(results["send"]) == ["MC522"]
    # bob got it: the probe never touched his mailbox
    mail_servers.wait_for_message(mail_servers.bob.address, results["send"].test_message.message_id)
