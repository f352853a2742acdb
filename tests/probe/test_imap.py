"""mailcheck.probe.imap: greetings, tagged replies and CAPABILITY, fed by a real loopback
connection.

Expected values from RFC 9051 (IMAP4rev2): section 7.1 (greetings `* OK`, `* PREAUTH`,
`* BYE`; OK, NO and BAD completions), 7.2.2 and 6.1.1 (CAPABILITY, `AUTH=` and
`LOGINDISABLED`, the CAPABILITY response code), 7.5 (the "+" continuation request), 4.3
(quoted strings escape `"` and `\\`), and RFC 4959 (SASL-IR).
"""

from __future__ import annotations

import asyncio

import pytest

from mailcheck.probe.dialogue import Capabilities, Reply, Status
from mailcheck.probe.imap import NATIVE_LOGIN, ImapDialogue
from mailcheck.probe.wire import MAX_REPLY_LINES, TooManyLines, Unexpected
from tests.probe.loopback import LoopbackPeer, connected, run


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("* OK [CAPABILITY IMAP4rev2 STARTTLS] IMAP4rev2 Service Ready", Status.OK),
        ("* ok imap ready", Status.OK),
        ("* PREAUTH IMAP4rev2 server logged in as Smith", Status.OK),
        ("* BYE Autologout; idle for too long", Status.REFUSED),
    ],
)
def test_greetings(line: str, status: Status) -> None:
    async def scenario() -> Reply:
        async with connected() as (conn, peer):
            await peer.send_lines(line)
            return await ImapDialogue(conn).read_greeting()

    assert run(scenario).status is status


@pytest.mark.parametrize("line", ["+OK POP3 ready", "220 smtp.example.com ESMTP", "* NO go away", "OK"])
def test_a_greeting_of_another_kind_is_a_protocol_error(line: str) -> None:
    async def scenario() -> Reply:
        async with connected() as (conn, peer):
            await peer.send_lines(line)
            return await ImapDialogue(conn).read_greeting()

    with pytest.raises(Unexpected):
        run(scenario)


async def _command(peer: LoopbackPeer, *untagged: str, completion: str) -> str:
    """Read one tagged command and answer it: the untagged lines, then `TAG completion`."""
    line = await peer.command()
    tag = line.split(" ", 1)[0]
    await peer.send_lines(*untagged, f"{tag} {completion}")
    return line


def exchange(*untagged: str, completion: str) -> tuple[str, Reply]:
    """(the command line the client sent, the reply it read) for a NOOP."""

    async def scenario() -> tuple[str, Reply]:
        async with connected() as (conn, peer):
            reply, sent = await asyncio.gather(
                ImapDialogue(conn).command("NOOP"), _command(peer, *untagged, completion=completion)
            )
            return sent, reply

    return run(scenario)


@pytest.mark.parametrize(
    ("completion", "status"),
    [
        ("OK NOOP completed", Status.OK),
        ("ok done", Status.OK),
        ("NO [ALERT] no", Status.REFUSED),
        ("BAD command unknown", Status.REFUSED),
        ("PREAUTH ?", Status.OTHER),
    ],
)
def test_the_tagged_completion_decides(completion: str, status: Status) -> None:
    sent, reply = exchange("* 22 EXPUNGE", "* 23 EXISTS", completion=completion)
    assert sent == "m1 NOOP"
    assert reply.status is status
    assert reply.lines[:2] == ("* 22 EXPUNGE", "* 23 EXISTS")  # untagged data kept, in order


def test_a_completion_with_another_tag_is_a_protocol_error() -> None:
    async def scenario() -> Reply:
        async with connected() as (conn, peer):
            dialogue = ImapDialogue(conn)
            dialogue.send("NOOP")
            await peer.send_lines("m9 OK not yours")
            return await dialogue.read_reply()

    with pytest.raises(Unexpected):
        run(scenario)


def test_tags_are_new_for_every_command() -> None:
    async def scenario() -> list[str]:
        async with connected() as (conn, peer):
            dialogue = ImapDialogue(conn)
            sent = []
            for _ in range(3):
                _, line = await asyncio.gather(dialogue.command("NOOP"), _command(peer, completion="OK"))
                sent.append(line)
            return sent

    assert run(scenario) == ["m1 NOOP", "m2 NOOP", "m3 NOOP"]


def test_a_continuation_request_is_no_success() -> None:
    async def scenario() -> Reply:
        async with connected() as (conn, peer):
            dialogue = ImapDialogue(conn)
            dialogue.send("AUTHENTICATE PLAIN")
            await peer.send_lines("+ ")
            return await dialogue.read_reply()

    reply = run(scenario)
    assert (reply.status, reply.challenge) == (Status.CONTINUE, "")


def test_untagged_lines_are_bounded() -> None:
    with pytest.raises(TooManyLines):
        exchange(*["* 1 EXISTS"] * MAX_REPLY_LINES, completion="OK")


def capabilities(*untagged: str, completion: str = "OK CAPABILITY completed") -> Capabilities:
    async def scenario() -> Capabilities:
        async with connected() as (conn, peer):
            offered, _ = await asyncio.gather(
                ImapDialogue(conn).capabilities(), _command(peer, *untagged, completion=completion)
            )
            return offered

    return run(scenario)


def test_capability_as_rfc_9051_lists_it() -> None:
    offered = capabilities("* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED")
    assert offered == Capabilities(starttls=True, mechanisms=("GSSAPI",), native_login=None, initial_response=False)


def test_capability_with_sasl_ir_and_the_login_command() -> None:
    offered = capabilities("* CAPABILITY IMAP4rev1 SASL-IR auth=plain AUTH=XOAUTH2 AUTH=PLAIN ID")
    assert offered.mechanisms == ("PLAIN", "XOAUTH2")  # case-insensitive, each once
    assert offered.native_login == NATIVE_LOGIN and offered.initial_response and not offered.starttls


def test_capability_in_a_response_code_counts() -> None:
    offered = capabilities(completion="OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] done")
    assert offered.starttls and offered.mechanisms == ("PLAIN",)


def test_the_login_command_quotes_both_arguments() -> None:
    async def scenario() -> tuple[str, Reply]:
        async with connected() as (conn, peer):
            conn.cleartext_auth = True  # plain loopback: the quoting is under test, not the TLS gate
            reply, line = await asyncio.gather(
                ImapDialogue(conn).native_login("joe", 'pa"ss\\word'), _command(peer, completion="OK LOGIN completed")
            )
            return line, reply

    line, reply = run(scenario)
    assert line == 'm1 LOGIN "joe" "pa\\"ss\\\\word"'
    assert reply.ok
