"""One profile's probe: the one flow every protocol follows, each step timed and bounded.

    resolve -> connect -> [tls: tls-handshake -> certificate] -> greeting -> capabilities
      -> [starttls: starttls -> tls-handshake -> certificate -> capabilities-after-tls]
      -> [--check-auth-enforced: auth-enforced -> reconnect] -> login -> send-test -> quit
      -> [--round-trip: round-trip, with the receiving profile (roundtrip.py)]

The protocol's Dialogue supplies the commands. A failure ends the probe with its outcome
(never a retry in a weaker mode); credentials are sent only after a verified handshake,
or in cleartext with --allow-cleartext-auth, and never while detecting a port's mode.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import ssl
import time
import uuid
from collections.abc import Awaitable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from mailcheck.hosts import parse_ip
from mailcheck.probe import roundtrip
from mailcheck.probe import tls as tlsmod
from mailcheck.probe.dialogue import Capabilities, Dialogue, Status
from mailcheck.probe.dialogues import DIALOGUES
from mailcheck.probe.imap import ImapDialogue
from mailcheck.probe.options import ProbeOptions
from mailcheck.probe.outcome import Outcome
from mailcheck.probe.report import RoundTrip, Step, TestMessage
from mailcheck.probe.resolve import resolve
from mailcheck.probe.sasl import authenticate, choose
from mailcheck.probe.secret_source import SecretUnavailable, resolve_secret
from mailcheck.probe.smtp import SmtpDialogue, test_message
from mailcheck.probe.sniff import Sniffed, Speaks, classify, offers_starttls, sniff
from mailcheck.probe.steps import Recorder
from mailcheck.probe.wire import (
    Connection,
    Deadline,
    SpokeFirst,
    UnsafeHeader,
    UnsafeLine,
    WireError,
    WireTimeout,
)
from mailcheck.profile import ProfileView
from mailcheck.protocols import PROTOCOLS, Protocol, Security, older_tls_version
from mailcheck.rules import mc502_connection_refused as mc502
from mailcheck.rules import mc503_connect_timeout as mc503
from mailcheck.rules import mc504_tls_expected_plaintext_found as mc504
from mailcheck.rules import mc505_plaintext_expected_tls_found as mc505
from mailcheck.rules import mc506_starttls_not_offered as mc506
from mailcheck.rules import mc508_certificate_name_mismatch as mc508
from mailcheck.rules import mc510_certificate_expiring as mc510
from mailcheck.rules import mc511_tls_version_too_old as mc511
from mailcheck.rules import mc512_auth_not_offered as mc512
from mailcheck.rules import mc513_auth_mechanism_unsupported as mc513
from mailcheck.rules import mc514_auth_failed as mc514
from mailcheck.rules import mc515_secret_unavailable as mc515
from mailcheck.rules import mc517_protocol_error as mc517
from mailcheck.rules import mc518_step_timeout as mc518
from mailcheck.rules import mc519_cleartext_auth_refused as mc519
from mailcheck.rules import mc521_accepts_any_credentials as mc521
from mailcheck.rules import mc522_test_message_not_delivered as mc522
from mailcheck.rules import mc523_test_message_in_junk as mc523
from mailcheck.secrets import Redactor, parse_secret

# Seconds of silence after which a plaintext greeting is suspect and the port's mode is
# checked on a second connection (a quarter of the timeout when that is shorter).
GREETING_GRACE = 2.0
# How long mode detection listens before it offers a TLS handshake: plaintext mail servers
# greet as soon as they accept, and send their greeting first even if it is not awaited.
SNIFF_LISTEN = 0.25
QUIT_SECONDS = 1.0  # a polite goodbye is worth at most this much of what is left

T = TypeVar("T")


def wrong_secret(real: str) -> str:
    """A random secret for --check-auth-enforced: new at each call, never the real one."""
    while (wrong := secrets.token_urlsafe(24)) == real:
        pass  # 192 random bits: never, in practice
    return wrong


class Session:
    """The probe of one profile. `run()` never raises: what it found is in `outcomes`."""

    def __init__(
        self,
        profile: ProfileView,
        base_dir: Path,
        options: ProbeOptions,
        deadline: Deadline | None = None,
        context: ssl.SSLContext | None = None,
        contexts: tlsmod.TlsContexts | None = None,
        receiver: ProfileView | None = None,
    ) -> None:
        self.profile = profile
        self.receiver = receiver  # with --round-trip: the profile test.receive_with names
        self.base_dir = base_dir
        self.options = options
        self.deadline = deadline or Deadline(profile.timeout)
        self.tls_settings = tlsmod.TlsSettings.of(profile, base_dir)
        self.contexts = contexts or tlsmod.TlsContexts()  # the run's, shared by all its probes
        self.lax_context = context  # set only for a second look, which never logs in
        self.redact = Redactor()
        self.rec = Recorder(PROTOCOLS[profile.protocol].title, profile.timeout)
        self.started = time.monotonic()
        self.conn: Connection | None = None
        self.dialogue: Dialogue | None = None
        self.address = ""
        self.greeted = False
        self.tls: tlsmod.TlsFacts | None = None
        self.capabilities: Capabilities | None = None
        self.login = "not configured" if not profile.has_auth else "not reached"
        self.test_message: TestMessage | None = None
        self.resolved_secret: str | None = None
        self.done = False  # said goodbye (or dropped the connection): nothing more is sent
        self.accepted: float | None = None  # time.monotonic() when the test message was accepted
        self.token: str | None = None  # with --round-trip: the test message's token
        self.round_trip_deadline: Deadline | None = None

    @property
    def round_trip_window(self) -> float:
        """Seconds the round trip may wait for the test message after it was accepted (0
        when there is no round trip): --round-trip-timeout, or the profile's timeout."""
        return self._window() if self.options.round_trip and self.receiver is not None else 0.0

    def _window(self) -> float:
        return self.options.round_trip_timeout or self.profile.timeout

    @property
    def outcomes(self) -> list[Outcome]:
        return self.rec.outcomes

    @property
    def steps(self) -> list[Step]:
        return self.rec.steps

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    async def run(self) -> None:
        try:
            await self._resolve_and_connect()
            await self._establish()
            if self.options.check_auth_enforced:
                await self._check_auth_enforced()
            if self.profile.has_auth:
                await self._login()
            await self._send_test()
            if self.accepted is not None and self.token is not None and self.receiver is not None:
                await self._quit()  # the SMTP connection is not kept waiting while the mailbox is searched
                await self._round_trip(self.receiver, self.token, self.accepted)
            elif self.options.round_trip and self.test_message is not None:
                self.rec.add("round-trip", "skipped", time.monotonic(), "the profile has no test.receive_with")
        except Outcome as outcome:
            self.rec.outcomes.append(outcome)
        finally:
            await self._quit()

    def ran_out(self) -> None:
        """The probe overran its deadline (a safety net: every wait is bounded already)."""
        self.rec.outcomes.append(mc518.outcome("probe", self.profile.timeout))
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    # -- steps 1 and 2: resolve, connect

    async def _resolve_and_connect(self) -> None:
        profile = self.profile
        async with self.rec.step("resolve") as step:
            addresses = await resolve(profile.host, profile.port, self.deadline, self.options.nameserver)
            step.detail = ", ".join(addresses)
        async with self.rec.step("connect") as step:
            await self._connect(addresses)
            step.detail = f"{self.address} port {profile.port}"

    async def _connect(self, addresses: list[str]) -> None:
        profile = self.profile
        errors: list[str] = []
        for address in addresses:
            try:
                self.conn = await Connection.open(address, profile.port, self.deadline, self.redact)
            except WireTimeout:
                raise mc503.outcome(profile.host, profile.port, profile.timeout) from None
            except OSError as err:  # asyncio's text names the address; the OS's names the reason
                errors.append(os.strerror(err.errno) if err.errno else str(err))
                continue
            self.address = address
            self.conn.cleartext_auth = self.options.allow_cleartext_auth
            self.dialogue = DIALOGUES[profile.protocol](self.conn)
            return
        raise mc502.outcome(profile.protocol, profile.host, profile.port, "; ".join(dict.fromkeys(errors)))

    # -- step 3: TLS, greeting, capabilities, in the order the security mode asks

    async def _establish(self) -> None:
        if self.profile.security is Security.NONE:
            await self._greet()
            await self._read_capabilities("capabilities")
            return
        await self._reach_tls()
        if self.profile.security is Security.TLS:
            await self._greet()
            await self._read_capabilities("capabilities")
        else:
            await self._read_capabilities("capabilities-after-tls")

    async def _reach_tls(self) -> None:
        # an opportunistic profile is probed as a required upgrade: where STARTTLS is not
        # offered, the app would go on in cleartext, and MC506 says so
        if self.profile.security.upgrades:
            await self._greet()
            await self._read_capabilities("capabilities")
            await self._starttls()
        else:
            await self._handshake(verb=None)

    async def _greet(self) -> None:
        assert self.dialogue is not None
        async with self.rec.step("greeting") as step:
            if self.profile.security is not Security.TLS:
                await self._check_silent_port()
            step.detail = await self.dialogue.greeting()
            self.greeted = True

    async def _read_capabilities(self, name: str) -> None:
        assert self.dialogue is not None
        async with self.rec.step(name) as step:
            self.capabilities = await self.dialogue.capabilities()
            offered = self.capabilities.offered()
            step.detail = ("STARTTLS; " if self.capabilities.starttls else "") + (
                "AUTH " + ", ".join(offered) if offered else "no AUTH"
            )

    async def _starttls(self) -> None:
        assert self.dialogue is not None and self.capabilities is not None
        verb = self.dialogue.starttls_verb
        async with self.rec.step("starttls") as step:
            if not self.capabilities.starttls:
                raise mc506.not_offered(verb, self.profile.port)
            step.detail = await self.dialogue.starttls()
        await self._handshake(verb=verb)

    async def _handshake(self, verb: str | None) -> None:
        """The TLS handshake, right after connecting (`verb` None) or after STARTTLS/STLS."""
        assert self.conn is not None
        async with self.rec.step("tls-handshake") as step:
            context = self.lax_context or await self.contexts.client(self.tls_settings, self.deadline)
            try:
                await self.conn.start_tls(context, self.tls_settings.server_name)
            except SpokeFirst as err:
                if verb is not None:
                    raise mc517.injected_data(verb) from None
                raise await self._mode_outcome(classify(err.data), "the server spoke first") from None
            except (ssl.SSLError, ConnectionError) as err:
                if self.lax_context is not None:
                    raise
                raise await self._handshake_failure(err, verb) from None
            self.tls = tlsmod.facts(self.conn.tls)  # type: ignore[arg-type]
            step.detail = f"TLS {self.tls.version}, {self.tls.cipher}"
            if self.lax_context is None and older_tls_version(
                self.tls.version, self.tls_settings.min_version
            ):  # the context forbids it; checked anyway
                raise mc511.outcome(
                    self.tls_settings.min_version, self.tls.version, f"negotiated TLS {self.tls.version}"
                )
        if self.lax_context is None:
            await self._check_certificate()

    async def _check_certificate(self) -> None:
        assert self.tls is not None
        async with self.rec.step("certificate") as step:
            cert = self.tls.certificate
            if cert is None:
                step.status, step.detail = "skipped", "not checked: tls.verify is false"
                return
            step.detail = f"{cert.subject or '(no subject)'}; issued by {cert.issuer}; valid until {cert.not_after} ({cert.days_left} days left)"
            if cert.days_left < self.options.cert_warn_days:
                self.rec.outcomes.append(mc510.outcome(cert.days_left, cert.not_after, self.options.cert_warn_days))
                step.status = "warning"

    # -- when something is off: what the port speaks, what the server offers

    async def _check_silent_port(self) -> None:
        """A port that sends no greeting within the grace time may speak implicit TLS: offer
        a handshake on a second connection while still waiting for the greeting here."""
        assert self.conn is not None
        grace = min(GREETING_GRACE, self.profile.timeout / 4)
        if self.lax_context is not None or await self.conn.wait_for_data(grace):
            return
        sniffed = await self._sniff_while_waiting()
        if sniffed is not None and sniffed.speaks is Speaks.TLS:
            raise mc505.outcome(self.profile.port, self.profile.security.value, time.monotonic() - self.started)
        if sniffed is not None and sniffed.speaks is Speaks.HTTP:
            raise mc517.http(self.profile.port, self.rec.protocol, sniffed.sample)

    async def _sniff_while_waiting(self) -> Sniffed | None:
        """What a second connection finds; None when the greeting arrives here first."""
        assert self.conn is not None
        detection = asyncio.ensure_future(self._sniff(listen_first=0))
        greeting = asyncio.ensure_future(self.conn.wait_for_data(self.deadline.remaining()))
        try:
            done, _ = await asyncio.wait({detection, greeting}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (detection, greeting):
                task.cancel()
            await asyncio.gather(detection, greeting, return_exceptions=True)
        return detection.result() if detection in done and greeting not in done else None

    async def _sniff(self, listen_first: float) -> Sniffed:
        return await sniff(self.address, self.profile.port, self.tls_settings.server_name, self.deadline, listen_first)

    async def _handshake_failure(self, err: Exception, verb: str | None) -> Outcome:
        """Why a handshake failed: the certificate, the port's mode, or the TLS version (found
        out with a second, laxer handshake when OpenSSL's error does not say)."""
        if isinstance(err, ssl.SSLCertVerificationError):
            return await self._verification_failure(err)
        reason = tlsmod.describe_error(err)
        version_failure = tlsmod.is_version_failure(err)
        if verb is None and not version_failure:  # implicit TLS: does the port speak TLS at all?
            sniffed = await self._sniff(listen_first=min(SNIFF_LISTEN, self.profile.timeout / 8))
            if sniffed.speaks is not Speaks.TLS:
                return await self._mode_outcome(sniffed, reason)
        best = await self._look_again(tlsmod.detection_context())
        minimum = self.tls_settings.min_version
        if version_failure or (best is not None and older_tls_version(best.version, minimum)):
            return mc511.outcome(minimum, best.version if best else None, reason)
        return mc517.handshake_failed("tls-handshake", reason)

    async def _mode_outcome(self, sniffed: Sniffed, reason: str) -> Outcome:
        port, protocol = self.profile.port, self.rec.protocol
        if sniffed.speaks is Speaks.GREETING and sniffed.protocol is self.profile.protocol:
            # the hint says starttls only when the plaintext side offers it (else MC506 next run);
            # bounded like the greeting grace, so a server that stalls costs seconds, not the timeout
            cap = self.deadline.capped(min(GREETING_GRACE, self.profile.timeout / 4))
            starttls = await offers_starttls(self.address, port, self.profile.protocol, cap)
            return mc504.outcome(port, sniffed.describe(), sniffed.sample, self.profile.protocol, starttls)
        if sniffed.speaks is Speaks.GREETING and sniffed.protocol is not None:
            return mc517.other_protocol(port, protocol, PROTOCOLS[sniffed.protocol].title, sniffed.sample)
        if sniffed.speaks is Speaks.HTTP:
            return mc517.http(port, protocol, sniffed.sample)
        if sniffed.speaks is Speaks.TEXT:
            return mc517.unexpected("tls-handshake", protocol, sniffed.sample)
        if sniffed.speaks is Speaks.GARBAGE:
            return mc517.not_tls(port, protocol, sniffed.sample)
        if sniffed.speaks is Speaks.CLOSED:
            return mc517.closed("tls-handshake", protocol)
        return mc517.handshake_failed("tls-handshake", reason)

    async def _verification_failure(self, err: ssl.SSLCertVerificationError) -> Outcome:
        outcome = tlsmod.chain_outcome(err, self.tls_settings)
        if outcome is not None:
            return outcome
        seen = await self._look_again(await self.contexts.client(self.tls_settings, self.deadline, check_name=False))
        names = list(seen.certificate.names) if seen is not None and seen.certificate is not None else []
        via_server_name = self.profile.written("tls", "server_name") or parse_ip(self.profile.host) is not None
        return mc508.outcome(self.tls_settings.server_name, err.verify_message, names, via_server_name)

    async def _look_again(self, context: ssl.SSLContext) -> tlsmod.TlsFacts | None:
        """A second connection up to the TLS handshake with a laxer context, to learn what the
        server offers (the names its certificate is valid for, its best TLS version). It
        stops after the handshake: a second look never logs in."""
        other = Session(
            self.profile, self.base_dir, self.options, self.deadline, context=context, contexts=self.contexts
        )
        try:
            await other._connect([self.address])
            await other._reach_tls()
            return other.tls
        except (Outcome, WireError, OSError):
            return None
        finally:
            other.close()

    # -- with --check-auth-enforced: a wrong login first, then a fresh connection

    async def _check_auth_enforced(self) -> None:
        """One login with the profile's username and a random wrong secret, before the real one
        and guarded as it is: a server that accepts it accepts anything (MC521), so the real
        login would prove nothing and is not tried. Skipped where the real login cannot run
        either (it then reports why); never retried, never more than one attempt."""
        assert self.conn is not None and self.dialogue is not None and self.capabilities is not None
        profile = self.profile
        async with self.rec.step("auth-enforced") as step:
            method = choose(profile.mechanism, self.capabilities) if profile.has_auth else None
            real, skipped = None, ""
            if not profile.has_auth:
                skipped = "the profile has no auth"
            elif not self.conn.encrypted and not self.options.allow_cleartext_auth:
                skipped = "the connection is not encrypted and cleartext auth is not allowed"
            elif method is None:
                skipped = "the server offers no usable authentication"
            else:
                try:
                    real = await self._secret()
                except mc515.Outcome:
                    skipped = f"the profile's {profile.secret_field} is not available"
            if method is None or real is None:  # the login step reports why it cannot run either
                step.status, step.detail = "skipped", f"not checked: {skipped}"
                return
            username = profile.username or ""
            wrong = wrong_secret(real)
            self.redact.add_secret(wrong)  # masked wherever a server echoes it
            reply = await authenticate(self.dialogue, method, username, wrong, self.capabilities)
            if reply.ok:
                self.login = "skipped"
                raise mc521.outcome(username, method.name, profile.secret_field, reply.text)
            if reply.status is not Status.REFUSED:
                self.conn.broken = True
                raise mc517.not_a_login_reply(method.name, self.dialogue.title, reply.text, self.dialogue.success_reply)
            step.detail = (
                f"{method.name} as {username} with a random wrong {profile.secret_field} refused: {reply.text}"
            )
        await self._reconnect()

    async def _reconnect(self) -> None:
        """A fresh connection, established and verified as the first one, for the real login
        after a refused wrong one. RFC 4954, RFC 9051 and RFC 1939 allow a second attempt on
        the same connection, but servers delay, count or hang up after a failure (Dovecot's
        auth_failure_delay, Postfix's error limits): the real login does not share its fate."""
        assert self.conn is not None
        async with self.rec.step("reconnect") as step:
            fresh = Session(self.profile, self.base_dir, self.options, self.deadline, contexts=self.contexts)
            fresh.redact = self.redact  # what it sends is masked in this probe's output
            try:
                await fresh._connect([self.address])
                await fresh._establish()
            except BaseException:
                fresh.close()
                raise
            self.conn.close()
            self.conn, self.dialogue, self.capabilities = fresh.conn, fresh.dialogue, fresh.capabilities
            tls = f", TLS {fresh.tls.version}" if fresh.tls is not None else ""
            step.detail = f"{self.address} port {self.profile.port}{tls}, for the real login"

    # -- steps 6 to 8: login, test message, goodbye

    async def _login(self) -> None:
        assert self.conn is not None and self.dialogue is not None and self.capabilities is not None
        profile = self.profile
        async with self.rec.step("login") as step:
            self.login = "skipped"
            if not self.conn.encrypted and not self.options.allow_cleartext_auth:
                raise mc519.outcome()
            method = choose(profile.mechanism, self.capabilities)
            if method is None:
                raise self._no_usable_method()
            secret = await self._secret()
            username = profile.username or ""
            self.login = "failed"
            try:
                reply = await authenticate(self.dialogue, method, username, secret, self.capabilities)
            except UnsafeLine:  # refused before it was written: the credentials were not tried
                self.login = "skipped"
                raise
            if reply.status is Status.REFUSED:
                raise mc514.outcome(username, method.name, reply.text)
            if not reply.ok:  # a continuation where none belongs, another positive SMTP code
                self.conn.broken = True
                raise mc517.not_a_login_reply(method.name, self.dialogue.title, reply.text, self.dialogue.success_reply)
            self.login = "ok"
            step.detail = f"{method.name} as {username}: {reply.text}"

    def _no_usable_method(self) -> Outcome:
        assert self.conn is not None and self.dialogue is not None and self.capabilities is not None
        offered = self.capabilities.offered()
        if offered and self.profile.mechanism != "auto":
            return mc513.outcome(self.profile.mechanism, offered)
        return mc512.outcome(self.conn.encrypted, self.capabilities.starttls, self.dialogue.starttls_verb)

    async def _secret(self) -> str:
        if self.resolved_secret is not None:  # resolved once per probe: a file is read once
            return self.resolved_secret
        field = self.profile.secret_field
        raw = self.profile.setting("auth", field)
        ref = parse_secret(raw)
        try:
            secret = await resolve_secret(ref, raw, self.base_dir, self.deadline, self.options.environ)
        except SecretUnavailable as err:
            raise mc515.outcome(field, str(err), ref.kind) from None
        self.redact.add_secret(secret)
        self.resolved_secret = secret
        return secret

    async def _send_test(self) -> None:
        profile = self.profile
        if not (self.options.send_test or self.options.round_trip) or not isinstance(self.dialogue, SmtpDialogue):
            return
        async with self.rec.step("send-test") as step:
            if not profile.written("test", "send_to"):
                step.status, step.detail = "skipped", "the profile has no test.send_to"
                return
            sender = profile.sender_address or profile.username or ""
            recipient = profile.setting("test", "send_to")
            token = uuid.uuid4().hex if self.options.round_trip and self.receiver is not None else None
            await self.dialogue.envelope(sender, recipient)
            try:
                message_id, message = test_message(profile.name, sender, recipient, token)
            except UnsafeHeader:  # the server waits for the message now: no polite QUIT
                self.dialogue.conn.broken = True
                raise
            reply = await self.dialogue.transmit(message)
            self.accepted, self.token = time.monotonic(), token
            self.test_message = TestMessage(message_id, reply)
            step.detail = f"{message_id} from {sender} to {recipient}: {reply}"

    async def _quit(self) -> None:
        """A polite QUIT/LOGOUT when the dialogue is still sane; the connection closes anyway."""
        if self.conn is None or self.done:
            return
        self.done = True
        try:
            if self.greeted and not self.conn.broken and self.deadline.remaining() > 0:
                assert self.dialogue is not None
                started = time.monotonic()
                self.conn.deadline = self.deadline.capped(QUIT_SECONDS)
                try:
                    await self.dialogue.quit()
                    status = "ok"
                except (WireError, OSError):
                    status = "skipped"
                self.rec.add("quit", status, started, "")
        finally:
            self.conn.close()

    # -- with --round-trip: read the test message back with the receiving profile

    async def _round_trip(self, receiver: ProfileView, token: str, accepted: float) -> None:
        """Look for the test message with `receiver` until the window that began when the
        server accepted it ends (roundtrip.py); found in Junk is MC523, not found MC522."""
        assert self.test_message is not None
        window = Deadline(self._window())
        window.at = accepted + self._window()
        protocol = PROTOCOLS[receiver.protocol].title
        mailbox: roundtrip.Mailbox = (
            roundtrip.ImapMailbox(token, accepted)
            if receiver.protocol is Protocol.IMAP
            else roundtrip.Pop3Mailbox(token, accepted)
        )
        self.round_trip_deadline = window
        async with self.rec.step("round-trip") as step:
            found, looks, note = await self._look_until_found(receiver, mailbox, window)
            waited = time.monotonic() - accepted
            if found is None:
                self.test_message = replace(
                    self.test_message, round_trip=RoundTrip(receiver.name, False, waited, looks)
                )
                raise mc522.outcome(receiver.name, protocol, waited, looks, mailbox.where, note)
            self.test_message = replace(
                self.test_message,
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
                self.rec.outcomes.append(mc523.outcome(receiver.name, found.folder, found.latency))

    async def _look_until_found(
        self, receiver: ProfileView, mailbox: roundtrip.Mailbox, window: Deadline
    ) -> tuple[roundtrip.Found | None, int, str]:
        """Look on the schedule until found or the window is over: (what was found, how many
        looks, a note on how the last one ended)."""
        looks, found, note = 0, None, ""
        kept: Session | None = None  # IMAP: one connection for every look; POP3: one per look
        try:
            for pause in roundtrip.pauses():
                started = time.monotonic()
                reader = kept
                try:
                    if reader is None:
                        reader = await self._open_receiver(receiver, window)
                        if isinstance(mailbox, roundtrip.ImapMailbox):
                            assert isinstance(reader.dialogue, ImapDialogue)
                            await self._receiving(reader, mailbox.prepare(reader.dialogue))
                            kept = reader
                    assert reader.conn is not None and reader.dialogue is not None
                    reader.conn.deadline = window.capped(receiver.timeout)
                    looks += 1
                    found = await self._receiving(reader, mailbox.look(reader.dialogue))
                    if found is not None and isinstance(mailbox, roundtrip.Pop3Mailbox):
                        found = await self._commit_pop3(reader, found)
                except mc518.Outcome:  # the window ran out during a look
                    if window.remaining() > 0:
                        raise  # the receiving profile's own timeout, reported as its MC518
                    note = "; the last look did not finish in time"
                    break
                finally:
                    if reader is not None and reader is not kept:
                        await reader._quit()
                if found is not None:
                    break
                if not await roundtrip.pause_before_next(window, pause, time.monotonic() - started):
                    break
        finally:
            if kept is not None:
                await kept._quit()
        return found, looks, note

    async def _open_receiver(self, receiver: ProfileView, window: Deadline) -> Session:
        """A session of the receiving profile, established, verified and logged in as its
        own probe would be (never with a wrong secret first), within the window."""
        options = replace(self.options, send_test=False, round_trip=False, check_auth_enforced=False)
        reader = Session(receiver, self.base_dir, options, window.capped(receiver.timeout), contexts=self.contexts)
        reader.redact = self.redact  # what it sends and hears is masked in this probe's output
        try:
            await self._receiving(reader, reader._connect_and_login())
        except BaseException:
            reader.close()
            raise
        return reader

    async def _connect_and_login(self) -> None:
        await self._resolve_and_connect()
        await self._establish()
        if self.profile.has_auth:
            await self._login()

    async def _receiving(self, reader: Session, work: Awaitable[T]) -> T:
        """Run the receiver's `work`; what goes wrong is reported on this (the sending)
        profile, at test.receive_with, naming the receiving profile."""
        try:
            async with reader.rec.step("round-trip"):
                return await work
        except mc518.Outcome:
            if self.round_trip_deadline is None or self.round_trip_deadline.remaining() <= 0:
                raise  # the window is over: not delivered in time, which the caller reports
            outcome: Outcome = mc518.outcome("round-trip", reader.profile.timeout)
            raise mc518.Outcome(
                (("test", "receive_with"),), f"receiving with {reader.profile.name}: {outcome.message}", outcome.hint
            ) from None
        except Outcome as outcome:
            raise type(outcome)(
                (("test", "receive_with"),), f"receiving with {reader.profile.name}: {outcome.message}", outcome.hint
            ) from None

    async def _commit_pop3(self, reader: Session, found: roundtrip.Found) -> roundtrip.Found:
        """QUIT, which commits a DELE (RFC 1939, the UPDATE state)."""
        assert reader.dialogue is not None and reader.conn is not None
        if not found.removal.startswith("marked"):
            return found
        reply = await self._receiving(reader, reader.dialogue.command("QUIT"))
        reader.done = True
        reader.conn.close()
        removal = "deleted (DELE, then QUIT)" if reply.ok else f"not deleted: QUIT answered {reply.text}"
        return replace(found, removal=removal)
