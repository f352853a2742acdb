"""`mailcheck probe --format openmetrics` and `--output openmetrics:PATH` against the loopback
test servers: what a monitoring system reads of a real probe, read back by prometheus_client's
OpenMetrics and Prometheus text parsers, and no credential in it.

Every server is on 127.0.0.1 (tests/probe/conftest.py)."""

from __future__ import annotations

import base64
import calendar
import datetime
from pathlib import Path

from tests.metrics_read import read_metrics
from tests.probe.probe_helpers import PASSWORD, USER, mailcheck, profile
from tests.probe.probe_servers import server_context

WRONG = "Wr0ng-Pa55word-for-metrics"
INLINE = "Inline-Secret-Wr1tten-in-the-file"


def value(metrics: dict[str, list[tuple[dict[str, str], float]]], name: str, **match: str) -> float:
    (found,) = [v for labels, v in metrics.get(f"mailcheck_probe_{name}", []) if match.items() <= labels.items()]
    return found


def hidden(*secrets: str) -> list[str]:
    """The secrets and the base64 forms AUTH PLAIN and LOGIN send them in."""
    forms: list[str] = []
    for secret in secrets:
        forms += [secret, base64.b64encode(secret.encode()).decode()]
        forms.append(base64.b64encode(f"\0{USER}\0{secret}".encode()).decode())
    return forms


def test_a_passing_starttls_probe_as_metrics(probe, smtp, ca) -> None:
    expires = datetime.datetime(2031, 5, 17, 12, 0, 0)
    server = smtp("starttls", context=server_context(ca, not_after=expires))
    probe.write({"outgoing": profile("smtp", server.port, "starttls")})
    done = mailcheck(probe.folder, "probe", "--format", "openmetrics")
    assert done.exit_code == 0, done.output
    assert done.stdout.endswith("\n# EOF\n")
    metrics = read_metrics(done.stdout)
    labels = {"profile": "outgoing", "file": "probe.mail.yaml", "protocol": "smtp", "host": "127.0.0.1"}
    labels["port"] = str(server.port)
    assert metrics["mailcheck_probe_success"] == [(labels, 1)]
    assert metrics["mailcheck_probe_login_success"] == [(labels, 1)]
    assert metrics["mailcheck_probe_tls_version_info"] == [({**labels, "version": "TLSv1.3"}, 1)]
    assert metrics["mailcheck_probe_certificate_not_after_timestamp_seconds"] == [
        (labels, calendar.timegm(expires.timetuple()))
    ]
    total = value(metrics, "duration_seconds", profile="outgoing")
    steps = {s["step"]: v for s, v in metrics["mailcheck_probe_step_duration_seconds"]}
    for step in ("resolve", "connect", "greeting", "capabilities", "starttls", "tls-handshake", "certificate", "login"):
        assert step in steps, steps
    assert 0 < sum(steps.values()) <= total + 0.001
    assert "mailcheck_probe_failure_info" not in metrics


def test_a_rejected_login_and_an_invalid_profile_fail_with_their_rule(probe, smtp) -> None:
    server = smtp("tls")
    wrong = profile("smtp", server.port, "tls", auth={"password": {"env": "WRONG"}})
    broken = {**profile("smtp", server.port, "tls"), "port": "not-a-port"}
    probe.write({"wrong-password": wrong, "good": profile("smtp", server.port, "tls"), "broken": broken})
    done = mailcheck(probe.folder, "probe", "--format", "openmetrics", env={"WRONG": WRONG})
    assert done.exit_code == 1, done.output
    metrics = read_metrics(done.stdout)
    assert value(metrics, "success", profile="good") == 1
    assert value(metrics, "success", profile="wrong-password") == 0
    assert value(metrics, "success", profile="broken") == 0
    assert value(metrics, "login_success", profile="wrong-password") == 0
    why = {labels["profile"]: labels for labels, _ in metrics["mailcheck_probe_failure_info"]}
    assert sorted(why) == ["broken", "wrong-password"]
    assert (why["wrong-password"]["reason"], why["wrong-password"]["rule"], why["wrong-password"]["step"]) == (
        "failed",
        "MC514",
        "login",
    )
    assert (why["broken"]["reason"], why["broken"]["rule"], why["broken"]["host"]) == ("invalid", "MC101", "")
    for secret in hidden(PASSWORD, WRONG):
        assert secret not in done.output
    assert USER not in done.stdout and "535" not in done.stdout


def test_an_inline_secret_and_the_username_are_in_no_label_or_value(probe, smtp) -> None:
    server = smtp("starttls", accept_any=True)  # the inline password logs in
    probe.write({"inline": profile("smtp", server.port, "starttls", auth={"password": INLINE})})
    done = mailcheck(probe.folder, "probe", "--format", "openmetrics")
    assert done.exit_code == 0, done.output
    metrics = read_metrics(done.stdout)
    assert value(metrics, "login_success", profile="inline") == 1
    for secret in hidden(INLINE):
        assert secret not in done.output
    assert USER not in done.stdout and "alice" not in done.stdout


def test_output_to_a_file_beside_the_terminal_text(probe, smtp) -> None:
    server = smtp("starttls")
    probe.write({"outgoing": profile("smtp", server.port, "starttls")})
    textfile = probe.folder / "textfile"
    done = mailcheck(probe.folder, "probe", "--output", "openmetrics:textfile/mailcheck.prom")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("PASS  outgoing")  # the terminal keeps its text
    assert sorted(p.name for p in textfile.iterdir()) == ["mailcheck.prom"]  # no temporary file left
    written = (textfile / "mailcheck.prom").read_text(encoding="utf-8")
    assert value(read_metrics(written), "success", profile="outgoing") == 1
    again = mailcheck(probe.folder, "probe", "--output", "openmetrics:textfile/mailcheck.prom")
    assert again.exit_code == 0 and sorted(p.name for p in textfile.iterdir()) == ["mailcheck.prom"]


def test_a_failing_run_still_writes_its_metrics(probe, smtp) -> None:
    server = smtp("starttls")
    probe.write(
        {"closed": profile("smtp", 1, "starttls", login=False), "open": profile("smtp", server.port, "starttls")}
    )
    done = mailcheck(probe.folder, "probe", "--output", "openmetrics:mailcheck.prom")
    assert done.exit_code == 1
    metrics = read_metrics((Path(probe.folder) / "mailcheck.prom").read_text(encoding="utf-8"))
    assert value(metrics, "success", profile="closed") == 0 and value(metrics, "success", profile="open") == 1
    [(labels, _)] = metrics["mailcheck_probe_failure_info"]
    assert (labels["rule"], labels["step"]) == ("MC502", "connect")
    assert "mailcheck_probe_login_success" not in metrics or all(
        labels["profile"] != "closed" for labels, _ in metrics["mailcheck_probe_login_success"]
    )
