"""mailcheck.probe.wire: the line guard, bounded reads and the Deadline, on a real loopback
connection (tests/probe/loopback.py).

The bounds asserted are the module's own constants (MAX_LINE, MAX_REPLY_LINES); what a line
is comes from RFC 5321, section 2.3.8 (lines end in CRLF) and what may never be inside a
command line from the same section and CPython's smtplib (bpo-43124: CR, LF and NUL).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from mailcheck.probe.wire import (
    MAX_LINE,
    CleartextRefused,
    Deadline,
    LineTooLong,
    UnsafeLine,
    WireClosed,
    WireTimeout,
    verb_of,
)
from mailcheck.secrets import Redactor
from tests.probe.loopback import connected, run

# --- the line guard -------------------------------------------------------------------


def test_a_command_line_goes_out_utf_8_encoded_with_crlf() -> None:
    async def scenario() -> bytes:
        async with connected() as (conn, peer):
            conn.write_line("USER jörg")
            return await peer.line()

    assert run(scenario) == "USER jörg\r\n".encode()


@pytest.mark.parametrize("character", ["\r", "\n", "\0"], ids=["CR", "LF", "NUL"])
def test_a_secret_with_cr_lf_or_nul_is_refused_as_the_secrets_fault_and_nothing_is_sent(character: str) -> None:
    secret = f"pw{character}DELE 1"

    async def scenario() -> tuple[UnsafeLine, bytes]:
        async with connected() as (conn, peer):
            conn.cleartext_auth = True  # plain loopback: the guard, not the TLS gate, is under test
            with pytest.raises(UnsafeLine) as refused:
                conn.write_secret(f"PASS {secret}", secret)
            return refused.value, await peer.nothing_more()

    refused, sent = run(scenario)
    assert sent == b""
    assert (refused.verb, refused.character, refused.in_secret) == ("PASS", character, True)
    assert "pw" not in str(refused) and "DELE" not in str(refused)  # the message never holds the line


def test_a_line_broken_outside_the_secret_is_not_blamed_on_the_secret() -> None:
    async def scenario() -> UnsafeLine:
        async with connected() as (conn, _):
            conn.cleartext_auth = True
            with pytest.raises(UnsafeLine) as refused:
                conn.write_secret("AUTH PLAIN\r\nx", "x")
            return refused.value

    refused = run(scenario)
    assert (refused.verb, refused.character, refused.in_secret) == ("AUTH", "\r", False)


def test_no_credential_goes_out_in_cleartext_unless_allowed() -> None:
    async def scenario() -> bytes:
        async with connected() as (conn, peer):
            with pytest.raises(CleartextRefused):
                conn.write_secret("PASS hunter2", "hunter2")
            return await peer.nothing_more()

    assert run(scenario) == b""


def test_a_credential_sent_is_masked_in_every_form_a_server_could_echo() -> None:
    redact = Redactor()

    async def scenario() -> bytes:
        async with connected(redact=redact) as (conn, peer):
            conn.cleartext_auth = True
            conn.write_secret("PASS hunter2-secret", "hunter2-secret")
            return await peer.line()

    assert run(scenario) == b"PASS hunter2-secret\r\n"
    assert "hunter2-secret" not in redact("-ERR bad password hunter2-secret")
    assert "aHVudGVyMi1zZWNyZXQ" not in redact("534 aHVudGVyMi1zZWNyZXQ=")  # its base64, as AUTH sends it


@pytest.mark.parametrize(
    ("line", "verb"),
    [
        ("USER joe", "USER"),
        ("auth plain", "AUTH"),
        ("STARTTLS", "STARTTLS"),
        ("m1 LOGIN", "M"),
        ("", "a"),
        ("250 ok", "a"),
    ],
)
def test_the_verb_named_in_messages_is_the_first_word_of_letters(line: str, verb: str) -> None:
    assert verb_of(line) == verb


# --- bounded reads ---------------------------------------------------------------------


def test_lines_are_read_whole_across_segments_and_one_at_a_time() -> None:
    async def scenario() -> list[str]:
        async with connected() as (conn, peer):
            await peer.send(b"250-first\r\n250 sec")
            first = await conn.read_line()
            await peer.send(b"ond\r\nbare LF\n")
            return [first, await conn.read_line(), await conn.read_line()]

    assert run(scenario) == ["250-first", "250 second", "bare LF"]


def test_a_reply_that_is_not_utf_8_is_read_leniently() -> None:
    async def scenario() -> str:
        async with connected() as (conn, peer):
            await peer.send(b"+OK caf\xe9\r\n")  # Latin-1, as some servers send
            return await conn.read_line()

    assert run(scenario) == "+OK caf\ufffd"


def test_the_longest_line_read_is_max_line_bytes_with_its_line_feed() -> None:
    async def scenario() -> tuple[int, type[Exception]]:
        async with connected() as (conn, peer):
            await peer.send(b"a" * (MAX_LINE - 1) + b"\n")
            longest = len(await conn.read_line())
        async with connected() as (conn, peer):
            await peer.send(b"b" * MAX_LINE + b"\n")  # one byte more
            with pytest.raises(LineTooLong) as too_long:
                await conn.read_line()
            assert conn.broken
            return longest, type(too_long.value)

    assert run(scenario) == (MAX_LINE - 1, LineTooLong)


def test_an_endless_line_costs_a_bounded_buffer_not_the_whole_stream() -> None:
    """A server streaming megabytes without a line end: the client stops reading at
    MAX_LINE bytes and gives up, long before the peer has sent it all."""

    async def scenario() -> float:
        async with connected() as (conn, peer):
            sending = asyncio.ensure_future(peer.send(b"x" * (64 * 2**20)))  # 64 MiB, never a line end
            started = time.monotonic()
            with pytest.raises(LineTooLong):
                await conn.read_line()
            elapsed = time.monotonic() - started
            assert not sending.done()  # the client paused reading: the peer is still blocked sending
            sending.cancel()
            return elapsed

    assert run(scenario) < 2.0


def test_a_closed_connection_ends_the_read() -> None:
    async def scenario() -> bool:
        async with connected() as (conn, peer):
            await peer.send(b"+OK partial line without end")
            peer.close()
            with pytest.raises(WireClosed):
                await conn.read_line()
            return conn.broken

    assert run(scenario) is True


def test_a_silent_server_is_given_up_on_at_the_deadline() -> None:
    async def scenario() -> float:
        async with connected(seconds=0.3) as (conn, _):
            started = time.monotonic()
            with pytest.raises(WireTimeout):
                await conn.read_line()
            assert conn.broken
            return time.monotonic() - started

    assert 0.2 <= run(scenario) < 2.0


def test_wait_for_data_tells_silence_from_a_reply_and_read_some_takes_what_came() -> None:
    async def scenario() -> tuple[bool, bool, bytes]:
        async with connected() as (conn, peer):
            silent = await conn.wait_for_data(0.1)
            await peer.send(b"* OK hello\r\n")
            spoke = await conn.wait_for_data(2.0)
            return silent, spoke, await conn.read_some()

    assert run(scenario) == (False, True, b"* OK hello\r\n")


# --- the Deadline ----------------------------------------------------------------------


def test_a_deadline_counts_down_and_never_below_zero() -> None:
    deadline = Deadline(0.05)
    assert 0 < deadline.remaining() <= 0.05
    time.sleep(0.06)
    assert deadline.remaining() == 0.0


def test_a_capped_deadline_is_never_later_than_its_parent() -> None:
    assert Deadline(10).capped(0.5).remaining() <= 0.5
    assert Deadline(0.5).capped(10).remaining() <= 0.5


def test_within_returns_the_result_in_time_and_times_out_after() -> None:
    async def quick() -> str:
        await asyncio.sleep(0)
        return "done"

    async def scenario() -> tuple[str, float]:
        result = await Deadline(1).within(quick())
        started = time.monotonic()
        with pytest.raises(WireTimeout):
            await Deadline(0.1).within(asyncio.sleep(5))
        return result, time.monotonic() - started

    result, waited = run(scenario)
    assert result == "done" and waited < 1.0
