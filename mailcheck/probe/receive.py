"""Step 9, with --round-trip: read the test message back with the profile test.receive_with names.

The receiving profile is probed as its own probe would be (pipeline.py's steps, its own
State, its secrets masked in the sender's output; never --check-auth-enforced's wrong
login), within the window that began when the SMTP server accepted the message; the
searching and deleting is roundtrip.py's. Whatever goes wrong with the receiver is reported
on the SMTP profile, at test.receive_with: not found is MC522, found in Junk MC523.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from typing import TypeVar

from mailcheck.outcome import Outcome
from mailcheck.probe import roundtrip
from mailcheck.probe.imap import ImapDialogue
from mailcheck.probe.pipeline import Probe, Ready, Sent, establish, goodbye, login, resolve_and_connect
from mailcheck.probe.report import RoundTrip
from mailcheck.probe.wire import Deadline
from mailcheck.profile import ProfileView
from mailcheck.protocols import PROTOCOLS, Protocol
from mailcheck.rules import mc518_step_timeout as mc518
from mailcheck.rules import mc522_test_message_not_delivered as mc522
from mailcheck.rules import mc523_test_message_in_junk as mc523

T = TypeVar("T")


def window_seconds(p: Probe) -> float:
    return p.options.round_trip_timeout or p.profile.timeout


async def round_trip(p: Probe, receiver: ProfileView, sent: Sent, token: str) -> None:
    """Look for the test message with `receiver` until the window that began when the
    server accepted it ends (roundtrip.py); found in Junk is MC523, not found MC522."""
    accepted = sent.accepted
    window = Deadline(window_seconds(p))
    window.at = accepted + window_seconds(p)
    protocol = PROTOCOLS[receiver.protocol].title
    mailbox: roundtrip.Mailbox = (
        roundtrip.ImapMailbox(token, accepted)
        if receiver.protocol is Protocol.IMAP
        else roundtrip.Pop3Mailbox(token, accepted)
    )
    async with p.rec.step("round-trip") as step:
        found, looks, note = await _look_until_found(p, receiver, mailbox, window)
        waited = time.monotonic() - accepted
        if found is None:
            p.state.test_message = replace(sent.message, round_trip=RoundTrip(receiver.name, False, waited, looks))
            raise mc522.outcome(receiver.name, protocol, waited, looks, mailbox.where, note)
        p.state.test_message = replace(
            sent.message,
            round_trip=RoundTrip(
                receiver.name, True, waited, looks, found.latency, found.folder, found.junk, found.removal
            ),
        )
        step.detail = (
            f"found with {receiver.name} ({protocol}) in {found.folder} after {found.latency:.2f}s "
            f"({found.where}, {looks} look{'s' if looks != 1 else ''}): {found.removal}"
        )
        if found.junk:
            step.status = "warning"
            p.rec.outcomes.append(mc523.outcome(receiver.name, found.folder, found.latency))


@dataclass(frozen=True)
class _Reader:
    """The receiving profile's probe, logged in."""

    probe: Probe
    ready: Ready


async def _look_until_found(
    p: Probe, receiver: ProfileView, mailbox: roundtrip.Mailbox, window: Deadline
) -> tuple[roundtrip.Found | None, int, str]:
    """Look on the schedule until found or the window is over: (what was found, how many
    looks, a note on how the last one ended)."""
    looks, found, note = 0, None, ""
    kept: _Reader | None = None  # IMAP: one connection for every look; POP3: one per look
    try:
        for pause in roundtrip.pauses():
            started = time.monotonic()
            reader = kept
            try:
                if reader is None:
                    reader = await _open_receiver(p, receiver, window)
                    dialogue = reader.ready.link.dialogue
                    if isinstance(mailbox, roundtrip.ImapMailbox) and isinstance(dialogue, ImapDialogue):
                        await _receiving(window, reader, mailbox.prepare(dialogue))
                        kept = reader
                reader.ready.link.conn.deadline = window.capped(receiver.timeout)
                looks += 1
                found = await _receiving(window, reader, mailbox.look(reader.ready.link.dialogue))
                if found is not None and isinstance(mailbox, roundtrip.Pop3Mailbox):
                    found = await _commit_pop3(window, reader, found)
            except mc518.Outcome:  # the window ran out during a look
                if window.remaining() > 0:
                    raise  # the receiving profile's own timeout, reported as its MC518
                note = "; the last look did not finish in time"
                break
            finally:
                if reader is not None and reader is not kept:
                    await goodbye(reader.probe)
            if found is not None:
                break
            if not await roundtrip.pause_before_next(window, pause, time.monotonic() - started):
                break
    finally:
        if kept is not None:
            await goodbye(kept.probe)
    return found, looks, note


async def _open_receiver(p: Probe, receiver: ProfileView, window: Deadline) -> _Reader:
    """A probe of the receiving profile, established, verified and logged in as its own
    probe would be (never with a wrong secret first), within the window."""
    options = replace(p.options, send_test=False, round_trip=False, check_auth_enforced=False)
    reader = p.another(receiver, options, window.capped(receiver.timeout))
    try:
        ready = await _receiving_in(window, reader, _connect_and_login(reader))
    except BaseException:
        reader.close()
        raise
    return _Reader(reader, ready)


async def _connect_and_login(p: Probe) -> Ready:
    ready = await establish(p, await resolve_and_connect(p))
    if p.profile.has_auth:
        await login(p, ready)
    return ready


async def _receiving(window: Deadline, reader: _Reader, work: Awaitable[T]) -> T:
    return await _receiving_in(window, reader.probe, work)


async def _receiving_in(window: Deadline, reader: Probe, work: Awaitable[T]) -> T:
    """Run the receiver's `work`; what goes wrong is reported on the sending profile, at
    test.receive_with, naming the receiving profile."""
    try:
        async with reader.rec.step("round-trip"):
            return await work
    except mc518.Outcome:
        if window.remaining() <= 0:
            raise  # the window is over: not delivered in time, which the caller reports
        outcome: Outcome = mc518.outcome("round-trip", reader.profile.timeout)
        raise mc518.Outcome(
            (("test", "receive_with"),), f"receiving with {reader.profile.name}: {outcome.message}", outcome.hint
        ) from None
    except Outcome as outcome:
        raise type(outcome)(
            (("test", "receive_with"),), f"receiving with {reader.profile.name}: {outcome.message}", outcome.hint
        ) from None


async def _commit_pop3(window: Deadline, reader: _Reader, found: roundtrip.Found) -> roundtrip.Found:
    """QUIT, which commits a DELE (RFC 1939, the UPDATE state)."""
    if not found.removal.startswith("marked"):
        return found
    reply = await _receiving(window, reader, reader.ready.link.dialogue.command("QUIT"))
    reader.probe.state.done = True
    reader.ready.link.conn.close()
    removal = "deleted (DELE, then QUIT)" if reply.ok else f"not deleted: QUIT answered {reply.text}"
    return replace(found, removal=removal)
