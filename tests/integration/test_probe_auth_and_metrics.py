"""`mailcheck probe --check-auth-enforced` and `--format openmetrics` against real Postfix
submission and Dovecot IMAP/POP3 on loopback: the normal servers refuse the random wrong
secret and then take the real login on a fresh connection; a second Dovecot whose passdb
accepts every password is MC521; the metrics of a real run parse with prometheus_client's
OpenMetrics and Prometheus text parsers and carry no secret."""

from __future__ import annotations

import base64
import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from mailcheck.cli import cli
from tests.integration.mailservers import ANY_PASSWORD_PASSDB, MailPorts, MailServers
from tests.integration.test_probe_real_servers import PASSWORD_ENV, SERVICES, probe, real, rules
from tests.metrics_read import Metrics, read_metrics

RECEIVERS = [(p, s) for p, s in SERVICES if p != "smtp"]


@pytest.fixture(scope="module")
def any_password_ports(mail_servers: MailServers) -> Iterator[MailPorts]:
    """A second Dovecot (same Maildirs and certificate) whose passdb accepts every password."""
    with mail_servers.extra_dovecot("anypassword", ANY_PASSWORD_PASSDB) as ports:
        yield ports


def on(ports: MailPorts, body: dict[str, Any], protocol: str, security: str) -> dict[str, Any]:
    """The profile ``body`` pointed at the same service of another instance."""
    return {**body, "port": getattr(ports, f"{protocol}_{'tls' if security == 'tls' else 'starttls'}")}


def write(folder: Path, profiles: dict[str, dict]) -> Path:
    path = folder / "real.mail.yaml"
    with path.open("w") as handle:
        YAML().dump({"version": 1, "profiles": profiles}, handle)
    return path


def invoke(folder: Path, profiles: dict[str, dict], password: str, *args: str) -> Any:
    path = write(folder, profiles)
    return CliRunner().invoke(cli, ["probe", *args, str(path)], env={PASSWORD_ENV: password})


# --------------------------------------------------------------------------- --check-auth-enforced


def test_auth_enforced_passes_on_every_real_service(mail_servers: MailServers, tmp_path: Path) -> None:
    profiles = {f"{p}-{s}": real(mail_servers, p, s) for p, s in SERVICES}
    results = probe(tmp_path, profiles, mail_servers.alice.password, check_auth_enforced=True)
    assert set(results) == set(profiles)
    for name, result in results.items():
        assert result.status == "ok", (name, [(f.rule, f.message) for f in result.findings])
        assert result.login == "ok", name
        steps = [step.name for step in result.steps]
        # the wrong secret first, then the real login on a fresh connection
        assert steps.index("auth-enforced") < steps.index("reconnect") < steps.index("login"), (name, steps)
        enforced = next(step for step in result.steps if step.name == "auth-enforced")
        assert "with a random wrong password refused" in enforced.detail, (name, enforced.detail)
        assert mail_servers.alice.password not in enforced.detail


def test_auth_enforced_wrong_secret_is_refused_in_the_real_replies(mail_servers: MailServers, tmp_path: Path) -> None:
    profiles = {f"{p}-{s}": real(mail_servers, p, s) for p, s in SERVICES}
    results = probe(tmp_path, profiles, mail_servers.alice.password, check_auth_enforced=True)
    details = {n: next(s for s in r.steps if s.name == "auth-enforced").detail for n, r in results.items()}
    assert "535 5.7.8 Error: authentication failed" in details["smtp-starttls"], details
    assert "[AUTHENTICATIONFAILED]" in details["imap-tls"], details
    assert "-ERR [AUTH] Authentication failed." in details["pop3-tls"], details


def test_a_dovecot_accepting_any_password_is_mc521(
    mail_servers: MailServers, any_password_ports: MailPorts, tmp_path: Path
) -> None:
    profiles = {f"{p}-{s}": on(any_password_ports, real(mail_servers, p, s), p, s) for p, s in RECEIVERS}
    results = probe(tmp_path, profiles, mail_servers.alice.password, check_auth_enforced=True)
    assert set(results) == set(profiles)
    for name, result in results.items():
        assert rules(result) == ["MC521"], (name, [(f.rule, f.message) for f in result.findings])
        assert result.status == "failed", name
        assert result.login == "skipped", name  # the real login proves nothing and is not tried
        assert "reconnect" not in [step.name for step in result.steps], name
        assert mail_servers.alice.password not in result.findings[0].message + result.findings[0].hint


def test_without_the_check_the_any_password_dovecot_passes(
    mail_servers: MailServers, any_password_ports: MailPorts, tmp_path: Path
) -> None:
    """What the check is for: the real login alone cannot tell this server from a good one."""
    profiles = {f"{p}-{s}": on(any_password_ports, real(mail_servers, p, s), p, s) for p, s in RECEIVERS}
    results = probe(tmp_path, profiles, "not-alices-password")
    for name, result in results.items():
        assert result.status == "ok", (name, [(f.rule, f.message) for f in result.findings])
        assert result.login == "ok", name


def test_the_any_password_dovecot_leaves_the_normal_one_alone(
    mail_servers: MailServers, any_password_ports: MailPorts, tmp_path: Path
) -> None:
    assert {any_password_ports.imap_tls, any_password_ports.pop3_tls}.isdisjoint(
        {mail_servers.ports.imap_tls, mail_servers.ports.pop3_tls}
    )
    profiles = {f"{p}-{s}": real(mail_servers, p, s) for p, s in RECEIVERS}
    results = probe(tmp_path, profiles, "not-alices-password")
    assert all(rules(result) == ["MC514"] for result in results.values())


def test_cli_auth_enforced_exit_codes_and_json(
    mail_servers: MailServers, any_password_ports: MailPorts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = {f"{p}-{s}": real(mail_servers, p, s) for p, s in SERVICES}
    done = invoke(tmp_path, good, mail_servers.alice.password, "--check-auth-enforced", "--format", "json")
    assert done.exit_code == 0, done.output
    assert {r["status"] for r in json.loads(done.stdout)["results"]} == {"ok"}
    bad = {"imap-tls": on(any_password_ports, real(mail_servers, "imap", "tls"), "imap", "tls")}
    done = invoke(tmp_path, bad, mail_servers.alice.password, "--check-auth-enforced", "--format", "json")
    assert done.exit_code == 1, done.output
    assert "MC521" in done.stdout
    assert mail_servers.alice.password not in done.stdout + done.stderr


# --------------------------------------------------------------------------- --format openmetrics


def by_profile(metrics: Metrics, name: str) -> dict[str, float]:
    return {labels["profile"]: value for labels, value in metrics.get(f"mailcheck_probe_{name}", [])}


def secret_forms(servers: MailServers, *secrets: str) -> list[str]:
    """Each secret and the base64 forms AUTH PLAIN and LOGIN send it in."""
    forms: list[str] = []
    for secret in secrets:
        forms += [secret, base64.b64encode(secret.encode()).decode()]
        forms.append(base64.b64encode(f"\0{servers.alice.address}\0{secret}".encode()).decode())
    return forms


def leaf_not_after(servers: MailServers) -> float:
    """notAfter of the certificate the harness's IMAPS port presents, as Unix time."""
    with socket.create_connection((servers.host, servers.ports.imap_tls), timeout=10) as raw:
        with servers.client_context().wrap_socket(raw, server_hostname=servers.tls_hostname) as tls:
            certificate = tls.getpeercert()
    assert certificate is not None
    return float(ssl.cert_time_to_seconds(str(certificate["notAfter"])))


def test_openmetrics_of_the_passing_profiles(
    mail_servers: MailServers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    profiles = {f"{p}-{s}": real(mail_servers, p, s) for p, s in SERVICES}
    done = invoke(tmp_path, profiles, mail_servers.alice.password, "--format", "openmetrics")
    assert done.exit_code == 0, done.output
    assert done.stdout.endswith("\n# EOF\n")
    metrics = read_metrics(done.stdout)
    assert by_profile(metrics, "success") == dict.fromkeys(profiles, 1)
    assert by_profile(metrics, "login_success") == dict.fromkeys(profiles, 1)
    # every profile here is TLS (implicit or STARTTLS): the certificate's notAfter is there
    assert by_profile(metrics, "certificate_not_after_timestamp_seconds") == dict.fromkeys(
        profiles, leaf_not_after(mail_servers)
    )
    versions = {labels["profile"]: labels["version"] for labels, _ in metrics["mailcheck_probe_tls_version_info"]}
    assert set(versions) == set(profiles) and set(versions.values()) <= {"TLSv1.2", "TLSv1.3"}
    for labels, _ in metrics["mailcheck_probe_success"]:
        name = labels["profile"]
        assert (labels["protocol"], labels["host"]) == (name.split("-")[0], mail_servers.host)
        assert labels["port"] == str(profiles[name]["port"])
    assert "mailcheck_probe_failure_info" not in metrics
    for form in secret_forms(mail_servers, mail_servers.alice.password):
        assert form not in done.stdout + done.stderr


def test_openmetrics_of_failures_names_the_rule_and_no_secret(
    mail_servers: MailServers, any_password_ports: MailPorts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    wrong = "Wr0ng-for-real-metrics"
    profiles: dict[str, dict] = {
        "good": real(mail_servers, "imap", "tls"),
        "wrong-password": {
            **real(mail_servers, "smtp", "starttls"),
            "auth": {"username": mail_servers.alice.address, "password": {"env": "MAILCHECK_IT_WRONG"}},
        },
        "accepts-anything": on(any_password_ports, real(mail_servers, "pop3", "tls"), "pop3", "tls"),
    }
    path = write(tmp_path, profiles)
    done = CliRunner().invoke(
        cli,
        ["probe", "--check-auth-enforced", "--format", "openmetrics", str(path)],
        env={PASSWORD_ENV: mail_servers.alice.password, "MAILCHECK_IT_WRONG": wrong},
    )
    assert done.exit_code == 1, done.output
    metrics = read_metrics(done.stdout)
    assert by_profile(metrics, "success") == {"good": 1, "wrong-password": 0, "accepts-anything": 0}
    failures = {
        labels["profile"]: (labels["rule"], labels["step"]) for labels, _ in metrics["mailcheck_probe_failure_info"]
    }
    assert failures == {"wrong-password": ("MC514", "login"), "accepts-anything": ("MC521", "auth-enforced")}
    not_after = by_profile(metrics, "certificate_not_after_timestamp_seconds")
    assert set(not_after) == set(profiles) and set(not_after.values()) == {leaf_not_after(mail_servers)}
    for form in secret_forms(mail_servers, mail_servers.alice.password, wrong):
        assert form not in done.stdout + done.stderr


def test_openmetrics_of_a_real_round_trip(
    mail_servers: MailServers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    alice = mail_servers.alice.address
    sender = real(mail_servers, "smtp", "starttls", test={"send_to": alice, "receive_with": "inbox"})
    sender["from"] = {"address": alice}
    profiles = {"send": sender, "inbox": real(mail_servers, "pop3", "tls")}
    done = invoke(tmp_path, profiles, mail_servers.alice.password, "--round-trip", "--format", "openmetrics")
    assert done.exit_code == 0, done.output
    metrics = read_metrics(done.stdout)
    ((labels, delivered),) = metrics["mailcheck_probe_round_trip_delivered"]
    assert (labels["profile"], labels["receiver"], delivered) == ("send", "inbox", 1)
    ((_, latency),) = metrics["mailcheck_probe_round_trip_latency_seconds"]
    assert 0 < latency < profiles["send"]["timeout"]
    for form in secret_forms(mail_servers, mail_servers.alice.password):
        assert form not in done.stdout + done.stderr
