"""One profile's probe, start to end: pipeline.py's steps in their order, then with
--round-trip receive.py's; `Session.run()` never raises, and what it found is in `outcomes`.
"""

from __future__ import annotations

import time
from pathlib import Path

from mailcheck.outcome import Outcome
from mailcheck.probe import tls as tlsmod
from mailcheck.probe.dialogue import Capabilities
from mailcheck.probe.options import ProbeOptions
from mailcheck.probe.pipeline import (
    Login,
    Probe,
    check_auth_enforced,
    establish,
    goodbye,
    login,
    resolve_and_connect,
    send_test,
)
from mailcheck.probe.receive import round_trip, window_seconds
from mailcheck.probe.report import Step, TestMessage
from mailcheck.probe.wire import Deadline
from mailcheck.profile import ProfileView
from mailcheck.rules import mc518_step_timeout as mc518
from mailcheck.secrets import Redactor


class Session:
    """The probe of one profile. `run()` never raises: what it found is in `outcomes`."""

    def __init__(
        self,
        profile: ProfileView,
        base_dir: Path,
        options: ProbeOptions,
        deadline: Deadline | None = None,
        contexts: tlsmod.TlsContexts | None = None,
        receiver: ProfileView | None = None,
    ) -> None:
        self.probe = Probe(
            profile, base_dir, options, deadline or Deadline(profile.timeout), contexts or tlsmod.TlsContexts()
        )
        self.receiver = receiver  # with --round-trip: the profile test.receive_with names

    @property
    def round_trip_window(self) -> float:
        """Seconds the round trip may wait for the test message after it was accepted (0
        when there is no round trip): --round-trip-timeout, or the profile's timeout."""
        return window_seconds(self.probe) if self.probe.options.round_trip and self.receiver is not None else 0.0

    @property
    def redact(self) -> Redactor:
        return self.probe.redact

    @property
    def outcomes(self) -> list[Outcome]:
        return self.probe.rec.outcomes

    @property
    def steps(self) -> list[Step]:
        return self.probe.rec.steps

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.probe.started

    @property
    def tls(self) -> tlsmod.TlsFacts | None:
        return self.probe.state.tls

    @property
    def capabilities(self) -> Capabilities | None:
        return self.probe.state.capabilities

    @property
    def login(self) -> Login:
        return self.probe.state.login

    @property
    def test_message(self) -> TestMessage | None:
        return self.probe.state.test_message

    async def run(self) -> None:
        p = self.probe
        try:
            ready = await establish(p, await resolve_and_connect(p))
            if p.options.check_auth_enforced:
                ready = await check_auth_enforced(p, ready)
            if p.profile.has_auth:
                await login(p, ready)
            sent = await send_test(p, ready, with_token=self.receiver is not None)
            if sent is not None and sent.token is not None and self.receiver is not None:
                await goodbye(p)  # the SMTP connection is not kept waiting while the mailbox is searched
                await round_trip(p, self.receiver, sent, sent.token)
            elif p.options.round_trip and p.state.test_message is not None:
                p.rec.add("round-trip", "skipped", time.monotonic(), "the profile has no test.receive_with")
        except Outcome as outcome:
            p.rec.outcomes.append(outcome)
        finally:
            await goodbye(p)

    def ran_out(self) -> None:
        """The probe overran its deadline (a safety net: every wait is bounded already)."""
        self.probe.rec.outcomes.append(mc518.outcome("probe", self.probe.profile.timeout))
        self.probe.close()
