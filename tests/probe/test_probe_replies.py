"""Success only on the protocol's success reply, and server text taken for what it is.

A login passes on a tagged `OK` (IMAP), `+OK` (POP3) or `235` (SMTP) only; a continuation
request where the command takes none, or a positive SMTP code other than the one the
step expects, is a protocol error (MC517), never `login ok`. Capability words that are not
SASL mechanism names (RFC 4422, section 3.1) are not taken as mechanisms."""

from __future__ import annotations

import pytest

from tests.probe import probe_hostile as hostile
from tests.probe.probe_helpers import profile


def test_imap_login_answered_with_a_continuation_is_not_a_login(probe, line_server, good_context) -> None:
    server = line_server(hostile.imap_login_continuation(good_context))
    run = probe.one(profile("imap", server.port, "tls"))
    assert run.result.login != "ok", run
    assert run.rules == ["MC517"], run
    assert "'+ whatever'" in run.finding.message and "LOGIN" in run.finding.message
    assert "a tagged OK" in run.finding.message
    assert run.wall < 1.0  # no polite LOGOUT into a dialogue that went wrong


def test_pop3_pass_answered_with_a_bare_plus_is_not_a_login(probe, line_server, good_context) -> None:
    server = line_server(hostile.pop3_pass_continuation(good_context))
    run = probe.one(profile("pop3", server.port, "tls"))
    assert run.result.login != "ok", run
    assert run.rules == ["MC517"], run
    assert "'+ '" in run.finding.message and "+OK" in run.finding.message
    assert run.wall < 1.0


@pytest.mark.parametrize("reply", ["250 2.7.0 Authentication accepted", "354 go ahead", "220 ready"])
def test_smtp_auth_answered_with_another_positive_code_is_not_a_login(probe, line_server, good_context, reply) -> None:
    server = line_server(hostile.recording_smtp(good_context, auth_reply=reply))
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.result.login != "ok", run
    assert run.rules == ["MC517"], run
    assert f"'{reply}'" in run.finding.message and "235" in run.finding.message


def test_smtp_auth_answered_with_a_temporary_failure_is_a_rejected_login(probe, line_server, good_context) -> None:
    server = line_server(hostile.recording_smtp(good_context, auth_reply="454 4.7.0 Temporary authentication failure"))
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == ["MC514"], run
    assert run.result.login == "failed"


def test_smtp_auth_answered_with_235_is_a_login(probe, line_server, good_context) -> None:
    server = line_server(hostile.recording_smtp(good_context))
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == [], run
    assert run.result.login == "ok"


def test_capability_words_that_are_not_mechanism_names_are_not_mechanisms(probe, line_server, good_context) -> None:
    """An EHLO AUTH line with terminal escape sequences and an over-long word: only the
    real mechanism names are offered, shown and chosen from."""
    auth_line = "AUTH PLAIN \x1b]0;owned\x07 \x1b[2J LOGIN A-MECHANISM-NAME-OVER-TWENTY x/y"
    server = line_server(hostile.recording_smtp(good_context, auth_line=auth_line))
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == [], run
    assert run.result.auth_mechanisms == ["PLAIN", "LOGIN"]
    capabilities = next(s for s in run.result.steps if s.name == "capabilities")
    assert capabilities.detail == "AUTH PLAIN, LOGIN"
    assert not any("\x1b" in s.detail for s in run.result.steps)
    assert run.result.login == "ok"
