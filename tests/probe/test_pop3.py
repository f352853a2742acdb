"""mailcheck.probe.pop3: status lines, CAPA and USER/PASS, fed by a real loopback connection.

Expected values from RFC 1939 (section 3: `+OK` and `-ERR`, multi-line responses ended by
a lone "." with dot-stuffing; section 7: USER then PASS), RFC 2449 (CAPA, with the example
capability list of its section 6), RFC 2595 (the STLS capability) and RFC 5034 (SASL in
CAPA, the "+ " continuation).
"""

from __future__ import annotations

import asyncio

import pytest

from mailcheck.probe.dialogue import Capabilities, Reply, Status
from mailcheck.probe.pop3 import NATIVE_LOGIN, Pop3Dialogue
from mailcheck.probe.wire import MAX_REPLY_LINES, TooManyLines, Unexpected
from tests.probe.loopback import LoopbackPeer, connected, run


def status_of(line: str) -> Reply:
    async def scenario() -> Reply:
        async with connected() as (conn, peer):
            await peer.send_lines(line)
            return await Pop3Dialogue(conn).read_reply()

    return run(scenario)


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>", Status.OK),
        ("+OK", Status.OK),
        ("+ok lower case", Status.OK),
        ("-ERR no such message", Status.REFUSED),
        ("-ERR", Status.REFUSED),
    ],
)
def test_status_indicators(line: str, status: Status) -> None:
    assert status_of(line).status is status


def test_a_continuation_carries_its_challenge() -> None:
    reply = status_of("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+")
    assert (reply.status, reply.challenge) == (
        Status.CONTINUE,
        "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
    )


@pytest.mark.parametrize("line", ["OK", "+OKAY", "* OK IMAP4rev1", "220 smtp.example.com"])
def test_anything_else_is_a_protocol_error(line: str) -> None:
    with pytest.raises(Unexpected):
        status_of(line)


RFC2449_CAPA = (
    "+OK Capability list follows",
    "TOP",
    "USER",
    "SASL CRAM-MD5 KERBEROS_V4",
    "RESP-CODES",
    "LOGIN-DELAY 900",
    "PIPELINING",
    "EXPIRE 60",
    "UIDL",
    "IMPLEMENTATION Shlemazle-Plotz-v302",
    ".",
)


def capabilities(*lines: str) -> tuple[str, Capabilities]:
    async def scenario() -> tuple[str, Capabilities]:
        async with connected() as (conn, peer):

            async def server() -> str:
                command = await peer.command()
                await peer.send_lines(*lines)
                return command

            offered, command = await asyncio.gather(Pop3Dialogue(conn).capabilities(), server())
            return command, offered

    return run(scenario)


def test_capa_as_rfc_2449_lists_it() -> None:
    command, offered = capabilities(*RFC2449_CAPA)
    assert command == "CAPA"
    assert offered == Capabilities(starttls=False, mechanisms=("CRAM-MD5", "KERBEROS_V4"), native_login=NATIVE_LOGIN)


def test_capa_with_stls_and_without_user() -> None:
    _, offered = capabilities("+OK", "STLS", "SASL PLAIN", ".")
    assert offered.starttls and offered.mechanisms == ("PLAIN",) and offered.native_login is None


def test_a_server_without_capa_advertises_nothing() -> None:
    """RFC 1939 servers answer CAPA with -ERR: nothing is known to be offered."""
    assert capabilities("-ERR unknown command")[1] == Capabilities()


def test_a_capability_line_starting_with_a_dot_is_unstuffed() -> None:
    _, offered = capabilities("+OK", "..HIDDEN", "USER", ".")
    assert offered.native_login == NATIVE_LOGIN  # the list went on past "..HIDDEN"


def test_a_capability_list_is_bounded() -> None:
    with pytest.raises(TooManyLines):
        capabilities("+OK", *["X-CAP"] * MAX_REPLY_LINES, ".")


async def _answer(peer: LoopbackPeer, replies: dict[str, str]) -> list[str]:
    """Answer each command by its verb until QUIT-less silence; the lines received."""
    received = []
    for _ in range(len(replies)):
        line = await peer.command()
        received.append(line)
        await peer.send_lines(replies[line.split(" ", 1)[0]])
    return received


def test_user_then_pass() -> None:
    async def scenario() -> tuple[Reply, list[str]]:
        async with connected() as (conn, peer):
            conn.cleartext_auth = True  # plain loopback: the exchange is under test, not the TLS gate
            login = Pop3Dialogue(conn).native_login("mrose", "tanstaaf")
            reply, received = await asyncio.gather(
                login, _answer(peer, {"USER": "+OK mrose", "PASS": "+OK maildrop locked"})
            )
            return reply, received

    reply, received = run(scenario)
    assert received == ["USER mrose", "PASS tanstaaf"]
    assert reply.ok


def test_no_password_after_a_refused_user() -> None:
    async def scenario() -> tuple[Reply, bytes]:
        async with connected() as (conn, peer):
            conn.cleartext_auth = True
            login = Pop3Dialogue(conn).native_login("nobody", "tanstaaf")
            reply, _ = await asyncio.gather(login, _answer(peer, {"USER": "-ERR sorry, no mailbox for nobody here"}))
            return reply, await peer.nothing_more()

    reply, after = run(scenario)
    assert reply.status is Status.REFUSED
    assert after == b""  # PASS, and the password, never went out
