"""mailcheck.probe.smtp: reply parsing and EHLO capabilities, fed by a real loopback connection.

Expected values from RFC 5321 (4.2: `Reply-line = *( Reply-code "-" [ textstring ] CRLF )
Reply-code [ SP textstring ] CRLF`, one code for every line; 4.1.3 address literals; 4.5.2
dot-stuffing), RFC 4954 (the AUTH keyword and 334) and RFC 3207 (STARTTLS, 220 to go
ahead).
"""

from __future__ import annotations

import asyncio

import pytest

from mailcheck.probe.dialogue import Capabilities, Reply, Status
from mailcheck.probe.smtp import SmtpDialogue
from mailcheck.probe.wire import MAX_REPLY_LINES, TooManyLines, Unexpected
from tests.probe.loopback import connected, run


def reply_to(verb: str | None, *lines: str) -> Reply:
    """The Reply the dialogue reads for `lines` sent after the command `verb` (None: the greeting)."""

    async def scenario() -> Reply:
        async with connected() as (conn, peer):
            dialogue = SmtpDialogue(conn)
            await peer.send_lines(*lines)
            if verb is None:
                return await dialogue.read_greeting()
            dialogue.sent(verb)
            return await dialogue.read_reply()

    return run(scenario)


def test_a_multi_line_reply_is_read_to_its_last_line() -> None:
    reply = reply_to("EHLO", "250-smtp.example.com Hello", "250-SIZE 14680064", "250 HELP")
    assert reply.status is Status.OK
    assert reply.lines == ("250-smtp.example.com Hello", "250-SIZE 14680064", "250 HELP")


def test_a_reply_code_alone_is_a_reply() -> None:
    assert reply_to("EHLO", "250").status is Status.OK


@pytest.mark.parametrize(
    ("verb", "line", "status"),
    [
        (None, "220 smtp.example.com ESMTP", Status.OK),
        (None, "554 5.3.2 no service", Status.REFUSED),
        ("STARTTLS", "220 2.0.0 Ready to start TLS", Status.OK),
        ("STARTTLS", "454 4.7.0 TLS not available", Status.REFUSED),
        ("STARTTLS", "250 OK", Status.OTHER),  # positive, but not STARTTLS's go-ahead
        ("AUTH", "235 2.7.0 Authentication successful", Status.OK),
        ("AUTH", "535 5.7.8 Authentication credentials invalid", Status.REFUSED),
        ("AUTH", "250 OK", Status.OTHER),  # a success code of another command is no login
        ("MAIL", "250 2.1.0 Ok", Status.OK),
        ("RCPT", "251 User not local; will forward", Status.OK),
        ("RCPT", "550 5.1.1 No such user", Status.REFUSED),
        ("DATA", "354 End data with <CR><LF>.<CR><LF>", Status.OK),
        ("QUIT", "221 2.0.0 Bye", Status.OK),
        ("EHLO", "421 4.3.2 shutting down", Status.REFUSED),
    ],
)
def test_a_reply_succeeds_only_with_the_code_its_command_expects(verb: str | None, line: str, status: Status) -> None:
    assert reply_to(verb, line).status is status


def test_334_is_a_challenge_during_auth_only() -> None:
    during = reply_to("AUTH", "334 VXNlcm5hbWU6")
    assert (during.status, during.challenge) == (Status.CONTINUE, "VXNlcm5hbWU6")
    assert reply_to("MAIL", "334 VXNlcm5hbWU6").status is Status.OTHER


@pytest.mark.parametrize(
    "lines",
    [
        ("250-first", "251 second"),  # the code changes inside one reply
        ("HTTP/1.1 400 Bad Request",),  # another protocol
        ("25 short",),
        ("250first",),  # neither "-", " " nor the end after the code
    ],
)
def test_a_line_that_is_not_an_smtp_reply_is_a_protocol_error(lines: tuple[str, ...]) -> None:
    with pytest.raises(Unexpected):
        reply_to("EHLO", *lines)


def test_a_reply_is_at_most_max_reply_lines_long() -> None:
    with pytest.raises(TooManyLines):
        reply_to("EHLO", *["250-x"] * MAX_REPLY_LINES, "250 end")


def test_ehlo_names_the_client_by_its_address_literal_and_reads_the_keywords() -> None:
    async def scenario() -> tuple[str, Capabilities]:
        async with connected() as (conn, peer):
            dialogue = SmtpDialogue(conn)
            await peer.send_lines(
                "250-smtp.example.com Hello",
                "250-SIZE 35882577",
                "250-8BITMIME",
                "250-AUTH LOGIN plain XOAUTH2",
                "250-AUTH=LOGIN CRAM-MD5",  # the pre-RFC 4954 form some servers still send
                "250-ENHANCEDSTATUSCODES",
                "250 STARTTLS",
            )
            offered = await dialogue.capabilities()
            return await peer.command(), offered

    ehlo, offered = run(scenario)
    assert ehlo == "EHLO [127.0.0.1]"  # RFC 5321, 4.1.3: no name looked up or guessed
    assert offered.starttls
    assert offered.mechanisms == ("LOGIN", "PLAIN", "XOAUTH2", "CRAM-MD5")
    assert offered.native_login is None  # SMTP logs in with AUTH only


def test_a_server_without_starttls_or_auth_offers_neither() -> None:
    async def scenario() -> Capabilities:
        async with connected() as (conn, peer):
            await peer.send_lines("250-mx.example.com", "250-PIPELINING", "250 8BITMIME")
            return await SmtpDialogue(conn).capabilities()

    assert run(scenario) == Capabilities(starttls=False, mechanisms=())


def test_auth_words_that_are_not_mechanism_names_are_dropped() -> None:
    """RFC 4422, 3.1: a mechanism name is 1 to 20 of A-Z, 0-9, "-" and "_"."""

    async def scenario() -> Capabilities:
        async with connected() as (conn, peer):
            await peer.send_lines("250-mx.example.com", "250 AUTH PLAIN \x1b[31mRED A-NAME-LONGER-THAN-TWENTY")
            return await SmtpDialogue(conn).capabilities()

    assert run(scenario).mechanisms == ("PLAIN",)


def test_the_message_is_dot_stuffed_and_ended_with_a_lone_dot() -> None:
    async def scenario() -> tuple[bytes, str]:
        async with connected() as (conn, peer):
            dialogue = SmtpDialogue(conn)
            sending = dialogue.transmit(b"Subject: x\r\n\r\n.starts with a dot\r\n..two\r\nend\r\n")

            async def server() -> bytes:
                received = b""
                while not received.endswith(b"\r\n.\r\n"):
                    received += await peer.line()
                await peer.send_lines("250 2.0.0 Ok: queued as 12345")
                return received

            queued, received = await asyncio.gather(sending, server())
            return received, queued

    received, queued = run(scenario)
    assert received == b"Subject: x\r\n\r\n..starts with a dot\r\n...two\r\nend\r\n.\r\n"
    assert queued == "250 2.0.0 Ok: queued as 12345"
