"""`mailcheck probe --round-trip`: the test message is read back with the profile that
test.receive_with names, on loopback: aiosmtpd delivers into an in-memory mailbox that
the IMAP and POP3 test servers serve (tests/probe/probe_servers.py, MailStore)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mailcheck.findings import Severity
from mailcheck.probe.dialogue import Reply, Status
from mailcheck.probe.report import ProbeReport, ProbeResult
from mailcheck.probe.roundtrip import POLL_SCHEDULE, header_value, junk_folder, pauses, search_result
from tests.probe.probe_helpers import PASSWORD, USER, USERS, Probe, mailcheck, profile
from tests.probe.probe_servers import (
    LineServer,
    MailStore,
    SmtpServer,
    imap_behaviour,
    plain_message,
    pop3_behaviour,
)

TOKEN_HEADER = "X-Mailcheck-Token"


@dataclass
class Rig:
    """An SMTP server delivering into `store`, and a receiving server serving it."""

    store: MailStore
    smtp: SmtpServer
    receiver: LineServer
    protocol: str

    def profiles(self, **receiver_extra: Any) -> dict[str, dict]:
        sender = profile(
            "smtp",
            self.smtp.port,
            "starttls",
            test={"send_to": USER, "receive_with": "inbox"},
            **{"from": {"address": USER}},
        )
        return {"outgoing": sender, "inbox": profile(self.protocol, self.receiver.port, "tls", **receiver_extra)}

    def commands(self) -> list[str]:
        """Every line the receiving server was sent, over all its connections."""
        return [line.decode() for peer in self.receiver.peers for line in peer.received]


@pytest.fixture
def rig(smtp, line_server, good_context) -> Callable[..., Rig]:
    def start(protocol: str = "imap", **server: Any) -> Rig:
        store = MailStore(**{k: server.pop(k) for k in ("deliver_to", "delay", "drop") if k in server})
        behaviour = (imap_behaviour if protocol == "imap" else pop3_behaviour)(
            good_context, USERS, implicit_tls=True, store=store, **server
        )
        return Rig(store, smtp("starttls", store=store), line_server(behaviour), protocol)

    return start


def run(probe: Probe, rig: Rig, **options: Any) -> tuple[ProbeResult, ProbeReport]:
    report = probe.run(rig.profiles(), round_trip=True, **options)
    by_name = {r.profile: r for r in report.results}
    return by_name["outgoing"], report


def step(result: ProbeResult, name: str = "round-trip"):
    return next(s for s in result.steps if s.name == name)


def rules(result: ProbeResult) -> list[str]:
    return [f.rule for f in result.findings]


def token_of(rig: Rig) -> str:
    """The token of the test message the SMTP server received (it is also in the Message-ID)."""
    (message,) = rig.smtp.mailbox.messages
    line = next(line for line in message.decode().splitlines() if line.startswith(f"{TOKEN_HEADER}:"))
    return line.split(":", 1)[1].strip()


# --- IMAP ------------------------------------------------------------------------------


def test_imap_found_and_deleted_with_its_latency(probe, rig):
    mailbox = rig("imap", delay=0.3)
    other = mailbox.store.add(plain_message("keep me"), flags={"\\Seen"})
    result, _ = run(probe, mailbox)
    assert rules(result) == [], result.steps
    assert result.status == "ok"
    trip = result.test_message.round_trip
    assert trip is not None and trip.found and trip.folder == "INBOX" and not trip.junk
    assert 0.3 <= trip.latency < 2.5
    assert trip.removal == "deleted (UID EXPUNGE)"
    detail = step(result).detail
    assert detail.startswith("found with inbox (IMAP) in INBOX after ") and "UID 2" in detail
    assert detail.endswith(": deleted (UID EXPUNGE)")
    # the test message is gone; the other one is still there, flags untouched
    assert mailbox.store.messages == [other] and other.flags == {"\\Seen"}
    token = token_of(mailbox)
    assert token in result.test_message.message_id
    sent = mailbox.commands()
    assert any(line.endswith(f"UID SEARCH HEADER {TOKEN_HEADER} {token}") for line in sent)
    assert any(line.endswith("UID STORE 2 +FLAGS (\\Deleted)") for line in sent)
    assert any(line.endswith("UID EXPUNGE 2") for line in sent)
    assert not any(line.split(" ", 1)[1].upper() in ("EXPUNGE", "CLOSE") for line in sent if " " in line)


def test_imap_without_uidplus_flags_it_and_leaves_it_for_the_next_expunge(probe, rig):
    mailbox = rig("imap", uidplus=False)
    other = mailbox.store.add(plain_message("keep me"))
    result, _ = run(probe, mailbox)
    assert rules(result) == []
    trip = result.test_message.round_trip
    assert trip.removal == "flagged \\Deleted and left for the next expunge (the server does not offer UIDPLUS)"
    (ours,) = [m for m in mailbox.store.messages if m is not other]
    assert ours.flags == {"\\Deleted"} and ours.header(TOKEN_HEADER) == token_of(mailbox)
    assert other.flags == set()  # never flagged, never expunged
    assert not any("EXPUNGE" in line.upper() for line in mailbox.commands())


def test_imap_found_in_junk_is_mc523_and_deleted_there(probe, rig):
    mailbox = rig("imap", deliver_to="Junk")
    other = mailbox.store.add(plain_message("spam of someone else"), folder="Junk")
    result, _ = run(probe, mailbox)
    assert rules(result) == ["MC523"]
    assert result.status == "warning"
    finding = result.findings[0]
    assert finding.severity.value == "warning"
    assert "in the folder 'Junk' of inbox, not in INBOX" in finding.message
    assert finding.path == "profiles.outgoing.test.receive_with"
    assert step(result).status == "warning"
    trip = result.test_message.round_trip
    assert trip.folder == "Junk" and trip.junk and trip.removal == "deleted (UID EXPUNGE)"
    assert mailbox.store.messages == [other]


def test_a_folder_named_spam_counts_as_junk_without_the_attribute(probe, rig):
    mailbox = rig("imap", deliver_to="Spam", folders=(("Archive", ""), ("Spam", "")))
    result, _ = run(probe, mailbox)
    assert rules(result) == ["MC523"]
    assert result.test_message.round_trip.folder == "Spam"


def test_imap_never_delivered_is_mc522_within_the_round_trip_timeout(probe, rig):
    mailbox = rig("imap", drop=True)
    other = mailbox.store.add(plain_message("keep me"))
    started = time.monotonic()
    result, _ = run(probe, mailbox, round_trip_timeout=1.5)
    wall = time.monotonic() - started
    assert rules(result) == ["MC522"]
    finding = result.findings[0]
    assert finding.path == "profiles.outgoing.test.receive_with"
    assert (
        "the test message was accepted but not found with inbox (IMAP, INBOX and Junk) after waiting 1."
        in finding.message
    )
    assert step(result).status == "failed"
    trip = result.test_message.round_trip
    assert not trip.found and 1.0 <= trip.waited <= 1.6 and trip.looks >= 3
    assert wall < 1.5 + 1.5  # the schedule is bounded by the window
    assert mailbox.store.messages == [other] and other.flags == set()
    assert not any("STORE" in line.upper() or "EXPUNGE" in line.upper() for line in mailbox.commands())


def test_the_window_defaults_to_the_smtp_profiles_timeout(probe, rig):
    mailbox = rig("imap", drop=True)
    profiles = mailbox.profiles()
    profiles["outgoing"]["timeout"] = 1
    started = time.monotonic()
    report = probe.run(profiles, round_trip=True)
    wall = time.monotonic() - started
    (result,) = [r for r in report.results if r.profile == "outgoing"]
    assert rules(result) == ["MC522"]
    assert 0.7 <= result.test_message.round_trip.waited <= 1.1
    assert wall < 3.0


def test_a_receiver_that_refuses_the_login_is_reported_on_the_sender(probe, rig):
    mailbox = rig("imap")
    profiles = mailbox.profiles()
    profiles["inbox"]["auth"]["username"] = "mallory@example.com"
    report = probe.run(profiles, round_trip=True)
    (result,) = [r for r in report.results if r.profile == "outgoing"]
    assert rules(result) == ["MC514"]
    finding = result.findings[0]
    assert finding.message.startswith("receiving with inbox: ")
    assert finding.path == "profiles.outgoing.test.receive_with"
    assert result.test_message.round_trip is None


def test_a_junk_folder_name_with_a_line_break_is_stopped_by_the_wire_guard(probe, rig):
    # the server lists a folder whose quoted name carries a CR: SELECTing it would end the line
    mailbox = rig("imap", drop=True, folders=(("Junk\rA1 DELETE INBOX", "\\Junk"),))
    result, _ = run(probe, mailbox, round_trip_timeout=1)
    assert rules(result) == ["MC520"]
    assert result.findings[0].message.startswith("receiving with inbox: ")
    assert not any("DELETE" in line for line in mailbox.commands())


# --- POP3 ------------------------------------------------------------------------------


def test_pop3_found_and_deleted_with_its_latency(probe, rig):
    mailbox = rig("pop3", delay=0.3)
    other = mailbox.store.add(plain_message("keep me"))
    result, _ = run(probe, mailbox)
    assert rules(result) == [], result.steps
    trip = result.test_message.round_trip
    assert trip.found and trip.folder == "the maildrop" and 0.3 <= trip.latency < 2.5
    assert trip.removal == "deleted (DELE, then QUIT)"
    assert "message 2" in step(result).detail
    assert mailbox.store.messages == [other]
    sent = mailbox.commands()
    assert [line for line in sent if line.startswith("DELE")] == ["DELE 2"]
    # every look is a new session; a message whose headers were read is not read again
    assert sent.count("TOP 1 0") == 1
    assert sent[-1] == "QUIT"


def test_pop3_without_uidl_reads_every_message_each_look(probe, rig):
    mailbox = rig("pop3", uidl=False)
    other = mailbox.store.add(plain_message("keep me"))
    result, _ = run(probe, mailbox)
    assert rules(result) == []
    assert mailbox.store.messages == [other]


def test_pop3_never_delivered_is_mc522(probe, rig):
    mailbox = rig("pop3", drop=True)
    other = mailbox.store.add(plain_message("keep me"))
    started = time.monotonic()
    result, _ = run(probe, mailbox, round_trip_timeout=1.2)
    assert time.monotonic() - started < 1.2 + 1.5
    assert rules(result) == ["MC522"]
    assert "(POP3, the maildrop)" in result.findings[0].message
    assert mailbox.store.messages == [other]
    assert not any(line.startswith("DELE") for line in mailbox.commands())


def test_another_message_with_a_token_header_is_not_ours(probe, rig):
    mailbox = rig("pop3", drop=True)
    other = mailbox.store.add(plain_message("an older test", X_Mailcheck_Token="0" * 32))
    result, _ = run(probe, mailbox, round_trip_timeout=0.8)
    assert rules(result) == ["MC522"]
    assert mailbox.store.messages == [other]


# --- selection, the command line, the report ---------------------------------------------


def test_without_receive_with_the_round_trip_is_skipped(probe, rig):
    mailbox = rig("imap")
    profiles = mailbox.profiles()
    del profiles["outgoing"]["test"]["receive_with"]
    report = probe.run(profiles, round_trip=True)
    (result,) = [r for r in report.results if r.profile == "outgoing"]
    assert rules(result) == []
    assert (step(result).status, step(result).detail) == ("skipped", "the profile has no test.receive_with")
    assert step(result, "send-test").status == "ok"


@pytest.mark.parametrize("receive_with", ["nowhere", "outgoing"])
def test_an_unusable_receive_with_is_not_probed(probe, rig, receive_with):
    mailbox = rig("imap")
    profiles = mailbox.profiles()
    profiles["outgoing"]["test"]["receive_with"] = receive_with
    report = probe.run(profiles, round_trip=True)
    assert [r.profile for r in report.results] == ["inbox"]
    (skipped,) = report.not_probed
    assert skipped.profile == "outgoing" and "(MC404)" in skipped.reason
    assert report.fails(Severity.ERROR)
    assert "MC404" in [f.rule for f in report.check.findings]


def test_cli_round_trip_with_a_short_timeout(probe, rig):
    mailbox = rig("imap", drop=True)
    path = probe.write(mailbox.profiles())
    started = time.monotonic()
    cli = mailcheck(path.parent, "probe", "--round-trip", "--round-trip-timeout", "1", "--format", "json", path.name)
    assert time.monotonic() - started < 4
    assert cli.exit_code == 1, cli.output
    (result,) = [r for r in json.loads(cli.stdout)["results"] if r["profile"] == "outgoing"]
    assert [f["rule"] for f in result["findings"]] == ["MC522"]
    assert result["test_message"]["round_trip"]["found"] is False


def test_cli_json_reports_the_latency(probe, rig):
    mailbox = rig("imap")
    path = probe.write(mailbox.profiles())
    cli = mailcheck(path.parent, "probe", "--round-trip", "--format", "json", path.name)
    assert cli.exit_code == 0, cli.output
    (result,) = [r for r in json.loads(cli.stdout)["results"] if r["profile"] == "outgoing"]
    trip = result["test_message"]["round_trip"]
    assert trip["found"] is True and trip["folder"] == "INBOX" and 0 <= trip["latency"] < 2
    text = mailcheck(path.parent, "probe", "--round-trip", path.name)
    assert "delivered in " in text.stdout


def test_cli_round_trip_timeout_needs_round_trip(probe, rig):
    mailbox = rig("imap")
    path = probe.write(mailbox.profiles())
    cli = mailcheck(path.parent, "probe", "--round-trip-timeout", "1", path.name)
    assert cli.exit_code == 2 and "--round-trip-timeout needs --round-trip" in cli.output


# --- the pieces ----------------------------------------------------------------------------


def test_the_schedule_starts_quick_and_is_capped():
    schedule = pauses()
    first = [next(schedule) for _ in range(7)]
    assert first[: len(POLL_SCHEDULE)] == [0.5, 1.0, 2.0, 4.0]
    assert first[4:] == [5.0, 5.0, 5.0]


def test_junk_folder_prefers_the_special_use_attribute():
    lines = (
        '* LIST (\\HasNoChildren) "." INBOX',
        '* LIST (\\HasNoChildren) "." INBOX.Spam',
        '* LIST (\\HasNoChildren \\Junk) "." "Junk E-mail"',
        "m3 OK LIST completed",
    )
    assert junk_folder(lines) == "Junk E-mail"
    assert junk_folder(lines[:2]) == "INBOX.Spam"
    assert junk_folder(('* LIST (\\Noselect) "/" Junk', '* LIST () "/" {4}')) is None


def test_search_results_are_numbers_only():
    reply = Reply(Status.OK, ("* SEARCH 7 x 12 -1 99999999999", "m4 OK done"))
    assert search_result(reply) == [7, 12]


def test_header_value_unfolds_and_stops_at_the_body():
    lines = ["Subject: hi", "X-Mailcheck-Token:", " abc", "To: a@example.com", "", "X-Mailcheck-Token: body"]
    assert header_value(lines, "x-mailcheck-token") == "abc"
    assert header_value(["Subject: x", "", "X-Mailcheck-Token: abc"], "X-Mailcheck-Token") is None


@pytest.mark.parametrize("format_name", ["text", "json", "sarif"])
def test_the_receivers_secret_is_masked_in_every_format(probe, rig, format_name):
    mailbox = rig("imap")
    profiles = mailbox.profiles()
    profiles["inbox"]["auth"]["username"] = "mallory@example.com"  # refused: the server's reply is quoted
    path = probe.write(profiles)
    cli = mailcheck(path.parent, "probe", "--round-trip", "--profile", "outgoing", "--format", format_name, path.name)
    assert cli.exit_code == 1
    assert "MC514" in cli.output
    assert PASSWORD not in cli.output


# --- as metrics --------------------------------------------------------------------------


def test_the_round_trip_as_metrics_delivered_and_not(probe, rig):
    from tests.metrics_read import Metrics, read_metrics

    def metrics(mailbox: Rig) -> Metrics:
        probe.write(mailbox.profiles())
        done = mailcheck(
            probe.folder, "probe", "--round-trip", "--round-trip-timeout", "1.5", "--format", "openmetrics"
        )
        return read_metrics(done.stdout)

    delivered = metrics(rig("imap", delay=0.3))
    ((labels, value),) = delivered["mailcheck_probe_round_trip_delivered"]
    assert labels["profile"] == "outgoing" and labels["receiver"] == "inbox" and labels["protocol"] == "smtp"
    assert value == 1
    ((_, latency),) = delivered["mailcheck_probe_round_trip_latency_seconds"]
    assert 0.3 <= latency < 2.5
    lost = metrics(rig("imap", drop=True))
    ((labels, value),) = lost["mailcheck_probe_round_trip_delivered"]
    assert labels["receiver"] == "inbox" and value == 0
    assert "mailcheck_probe_round_trip_latency_seconds" not in lost
    (failure,) = [labels for labels, _ in lost["mailcheck_probe_failure_info"] if labels["profile"] == "outgoing"]
    assert failure["rule"] == "MC522" and failure["step"] == "round-trip"
