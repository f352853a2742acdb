"""The steps of one probe: each timed, and each failure turned into the outcome that
names the step (a timeout at the greeting is MC518 "greeting", a closed connection
during login MC517 "login"), so that this mapping exists once, not in every step.

This is the one module that maps (step, error) to an outcome: the wire's typed errors
(wire.WireError and its kinds), a connection the OS reset, and anything else as MC517's
internal error. Outcomes that need a diagnosis first (what a port that failed its TLS
handshake speaks) are the session's, which raises them as outcomes already."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mailcheck.outcome import Outcome
from mailcheck.probe.report import Step
from mailcheck.probe.wire import (
    MAX_LINE,
    MAX_REPLY_LINES,
    CleartextRefused,
    LineTooLong,
    TooManyLines,
    Unexpected,
    UnsafeHeader,
    UnsafeLine,
    WireClosed,
    WireTimeout,
)
from mailcheck.rules import mc517_protocol_error as mc517
from mailcheck.rules import mc518_step_timeout as mc518
from mailcheck.rules import mc519_cleartext_auth_refused as mc519
from mailcheck.rules import mc520_unsafe_command as mc520


class StepNote:
    """What a step reports when it succeeds."""

    def __init__(self) -> None:
        self.detail = ""
        self.status = "ok"


class Recorder:
    """The steps of one probe, each timed, and what they concluded."""

    def __init__(self, protocol: str, timeout: float) -> None:
        self.protocol = protocol
        self.timeout = timeout
        self.steps: list[Step] = []
        self.outcomes: list[Outcome] = []

    def add(self, name: str, status: str, started: float, detail: str) -> None:
        self.steps.append(Step(name, status, time.monotonic() - started, detail))

    @asynccontextmanager
    async def step(self, name: str) -> AsyncIterator[StepNote]:
        """Time a step; turn what went wrong in it into the outcome that names it."""
        note, started = StepNote(), time.monotonic()
        try:
            yield note
        except Exception as err:
            outcome = err if isinstance(err, Outcome) else self._outcome_of(name, err)
            self.add(name, "failed", started, outcome.message)
            if outcome is err:
                raise
            raise outcome from None
        self.add(name, note.status, started, note.detail)

    def _outcome_of(self, step: str, err: Exception) -> Outcome:
        if isinstance(err, WireTimeout):
            return mc518.outcome(step, self.timeout)
        if isinstance(err, (WireClosed, ConnectionError)):
            return mc517.closed(step, self.protocol)
        if isinstance(err, LineTooLong):
            return mc517.too_long(step, MAX_LINE)
        if isinstance(err, TooManyLines):
            return mc517.too_many_lines(step, MAX_REPLY_LINES)
        if isinstance(err, Unexpected):
            return mc517.unexpected(step, self.protocol, err.line)
        if isinstance(err, CleartextRefused):
            return mc519.outcome()
        if isinstance(err, UnsafeLine):
            return mc520.outcome(err.verb, err.character, err.in_secret)
        if isinstance(err, UnsafeHeader):
            return mc520.header(err.header, err.character)
        return mc517.internal(step, err)
