"""The steps of one profile's probe: the one flow every protocol follows, each step timed and bounded.

    resolve -> connect -> [tls: tls-handshake -> certificate] -> greeting -> capabilities
      -> [starttls: starttls -> tls-handshake -> certificate -> capabilities-after-tls]
      -> [--check-auth-enforced: auth-enforced -> reconnect] -> login -> send-test -> quit

session.py runs them in this order (and then, with --round-trip, receive.py's step).
The protocol's Dialogue supplies the commands. A failure ends the probe with its outcome
(never a retry in a weaker mode); credentials are sent only after a verified handshake,
or in cleartext with --allow-cleartext-auth, and never while detecting a port's mode.

The steps are functions over a Probe (the profile, its settings, the deadline, the
recorder) and its State, which fills in as steps succeed: each step returns what is known
after it (a Link once connected, a Ready link once its capabilities are read), so that no
later step has to ask whether an earlier one ran. A second look at a port (secondlook.py)
is a function of its own, and never logs in.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import ssl
import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from mailcheck.hosts import parse_ip
from mailcheck.outcome import Outcome
from mailcheck.probe import tls as tlsmod
from mailcheck.probe.dialogue import Capabilities, Dialogue, Status
from mailcheck.probe.dialogues import DIALOGUES
from mailcheck.probe.options import ProbeOptions
from mailcheck.probe.report import TestMessage
from mailcheck.probe.resolve import resolve
from mailcheck.probe.sasl import authenticate, choose
from mailcheck.probe.secondlook import second_look
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
from mailcheck.protocols import PROTOCOLS, Security, older_tls_version
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
from mailcheck.rules import mc519_cleartext_auth_refused as mc519
from mailcheck.rules import mc521_accepts_any_credentials as mc521
from mailcheck.secrets import Redactor, parse_secret

# Seconds of silence after which a plaintext greeting is suspect and the port's mode is
# checked on a second connection (a quarter of the timeout when that is shorter).
GREETING_GRACE = 2.0
# How long mode detection listens before it offers a TLS handshake: plaintext mail servers
# greet as soon as they accept, and send their greeting first even if it is not awaited.
SNIFF_LISTEN = 0.25
QUIT_SECONDS = 1.0  # a polite goodbye is worth at most this much of what is left


def wrong_secret(real: str) -> str:
    """A random secret for --check-auth-enforced: new at each call, never the real one."""
    while (wrong := secrets.token_urlsafe(24)) == real:
        pass  # 192 random bits: never, in practice
    return wrong


class Login(Enum):
    """How far the login got; its value is what the report shows."""

    NOT_CONFIGURED = "not configured"  # the profile has no auth
    NOT_REACHED = "not reached"  # the probe ended before the login step
    SKIPPED = "skipped"  # the step ran, but the credentials were not tried
    FAILED = "failed"  # the credentials were tried and not accepted
    OK = "ok"


# -- what is known after each step


@dataclass(frozen=True)
class Link:
    """A connection that is open, and the protocol's dialogue on it."""

    address: str
    conn: Connection
    dialogue: Dialogue


@dataclass(frozen=True)
class Ready:
    """A link whose capabilities have been read: what the login and the test message need."""

    link: Link
    capabilities: Capabilities


@dataclass(frozen=True)
class Sent:
    """A test message the server accepted (`accepted` is time.monotonic() then)."""

    message: TestMessage
    accepted: float
    token: str | None  # with --round-trip and a receiving profile: the message's token


@dataclass
class State:
    """What the probe has found so far: filled in as steps succeed, read by the report."""

    login: Login
    link: Link | None = None  # the connection in use (the fresh one after a reconnect)
    greeted: bool = False  # a greeting was read: a polite goodbye makes sense
    tls: tlsmod.TlsFacts | None = None  # the first connection's handshake
    capabilities: Capabilities | None = None  # the latest read
    test_message: TestMessage | None = None
    done: bool = False  # said goodbye (or dropped the connection): nothing more is sent


@dataclass
class Probe:
    """What every step of one profile's probe shares, and the state they fill in."""

    profile: ProfileView
    base_dir: Path
    options: ProbeOptions
    deadline: Deadline
    contexts: tlsmod.TlsContexts  # the run's, shared by all its probes
    redact: Redactor = field(default_factory=Redactor)
    tls_settings: tlsmod.TlsSettings = field(init=False)
    rec: Recorder = field(init=False)
    state: State = field(init=False)
    started: float = field(default_factory=time.monotonic)
    secret: str | None = None  # resolved once per probe: a file is read once

    def __post_init__(self) -> None:
        self.tls_settings = tlsmod.TlsSettings.of(self.profile, self.base_dir)
        self.rec = Recorder(PROTOCOLS[self.profile.protocol].title, self.profile.timeout)
        self.state = State(Login.NOT_CONFIGURED if not self.profile.has_auth else Login.NOT_REACHED)

    def another(
        self, profile: ProfileView | None = None, options: ProbeOptions | None = None, deadline: Deadline | None = None
    ) -> Probe:
        """A probe of its own (its own steps and state) on this one's contexts, masking what
        it sends and hears in this probe's output."""
        return Probe(
            profile or self.profile,
            self.base_dir,
            options or self.options,
            deadline or self.deadline,
            self.contexts,
            self.redact,
        )

    def close(self) -> None:
        if self.state.link is not None:
            self.state.link.conn.close()


# -- steps 1 and 2: resolve, connect


async def resolve_and_connect(p: Probe) -> Link:
    profile = p.profile
    async with p.rec.step("resolve") as step:
        addresses = await resolve(profile.host, profile.port, p.deadline, p.options.nameserver)
        step.detail = ", ".join(addresses)
    async with p.rec.step("connect") as step:
        link = await connect(p, addresses)
        step.detail = f"{link.address} port {profile.port}"
    return link


async def connect(p: Probe, addresses: list[str]) -> Link:
    profile = p.profile
    errors: list[str] = []
    for address in addresses:
        try:
            conn = await Connection.open(address, profile.port, p.deadline, p.redact)
        except WireTimeout:
            raise mc503.outcome(profile.host, profile.port, profile.timeout) from None
        except OSError as err:  # asyncio's text names the address; the OS's names the reason
            errors.append(os.strerror(err.errno) if err.errno else str(err))
            continue
        conn.cleartext_auth = p.options.allow_cleartext_auth
        p.state.link = Link(address, conn, DIALOGUES[profile.protocol](conn))
        return p.state.link
    raise mc502.outcome(profile.protocol, profile.host, profile.port, "; ".join(dict.fromkeys(errors)))


# -- step 3: TLS, greeting, capabilities, in the order the security mode asks


async def establish(p: Probe, link: Link) -> Ready:
    if p.profile.security is Security.NONE:
        await greet(p, link)
        return await read_capabilities(p, link, "capabilities")
    await reach_tls(p, link)
    if p.profile.security is Security.TLS:
        await greet(p, link)
        return await read_capabilities(p, link, "capabilities")
    return await read_capabilities(p, link, "capabilities-after-tls")


async def reach_tls(p: Probe, link: Link) -> None:
    # an opportunistic profile is probed as a required upgrade: where STARTTLS is not
    # offered, the app would go on in cleartext, and MC506 says so
    if p.profile.security.upgrades:
        await greet(p, link)
        await starttls(p, await read_capabilities(p, link, "capabilities"))
    else:
        await handshake(p, link, verb=None)


async def greet(p: Probe, link: Link) -> None:
    async with p.rec.step("greeting") as step:
        if p.profile.security is not Security.TLS:
            await check_silent_port(p, link)
        step.detail = await link.dialogue.greeting()
        p.state.greeted = True


async def read_capabilities(p: Probe, link: Link, name: str) -> Ready:
    async with p.rec.step(name) as step:
        capabilities = p.state.capabilities = await link.dialogue.capabilities()
        offered = capabilities.offered()
        step.detail = ("STARTTLS; " if capabilities.starttls else "") + (
            "AUTH " + ", ".join(offered) if offered else "no AUTH"
        )
    return Ready(link, capabilities)


async def starttls(p: Probe, ready: Ready) -> None:
    verb = ready.link.dialogue.starttls_verb
    async with p.rec.step("starttls") as step:
        if not ready.capabilities.starttls:
            raise mc506.not_offered(verb, p.profile.port)
        step.detail = await ready.link.dialogue.starttls()
    await handshake(p, ready.link, verb=verb)


async def handshake(p: Probe, link: Link, verb: str | None) -> None:
    """The TLS handshake, right after connecting (`verb` None) or after STARTTLS/STLS."""
    async with p.rec.step("tls-handshake") as step:
        context = await p.contexts.client(p.tls_settings, p.deadline)
        try:
            await link.conn.start_tls(context, p.tls_settings.server_name)
        except SpokeFirst as err:
            if verb is not None:
                raise mc517.injected_data(verb) from None
            raise await mode_outcome(p, link.address, classify(err.data), "the server spoke first") from None
        except (ssl.SSLError, ConnectionError) as err:
            raise await handshake_failure(p, link.address, err, verb) from None
        tls = p.state.tls = tlsmod.facts(link.conn.tls)  # type: ignore[arg-type]
        step.detail = f"TLS {tls.version}, {tls.cipher}"
        if older_tls_version(tls.version, p.tls_settings.min_version):  # the context forbids it; checked anyway
            raise mc511.outcome(p.tls_settings.min_version, tls.version, f"negotiated TLS {tls.version}")
    await check_certificate(p, tls)


async def check_certificate(p: Probe, tls: tlsmod.TlsFacts) -> None:
    async with p.rec.step("certificate") as step:
        cert = tls.certificate
        if cert is None:
            step.status, step.detail = "skipped", "not checked: tls.verify is false"
            return
        step.detail = f"{cert.subject or '(no subject)'}; issued by {cert.issuer}; valid until {cert.not_after} ({cert.days_left} days left)"
        if cert.days_left < p.options.cert_warn_days:
            p.rec.outcomes.append(mc510.outcome(cert.days_left, cert.not_after, p.options.cert_warn_days))
            step.status = "warning"


# -- when something is off: what the port speaks, what the server offers


async def check_silent_port(p: Probe, link: Link) -> None:
    """A port that sends no greeting within the grace time may speak implicit TLS: offer
    a handshake on a second connection while still waiting for the greeting here."""
    grace = min(GREETING_GRACE, p.profile.timeout / 4)
    if await link.conn.wait_for_data(grace):
        return
    sniffed = await _sniff_while_waiting(p, link)
    if sniffed is not None and sniffed.speaks is Speaks.TLS:
        raise mc505.outcome(p.profile.port, p.profile.security.value, time.monotonic() - p.started)
    if sniffed is not None and sniffed.speaks is Speaks.HTTP:
        raise mc517.http(p.profile.port, p.rec.protocol, sniffed.sample)


async def _sniff_while_waiting(p: Probe, link: Link) -> Sniffed | None:
    """What a second connection finds; None when the greeting arrives here first."""
    detection = asyncio.ensure_future(_sniff(p, link.address, listen_first=0))
    greeting = asyncio.ensure_future(link.conn.wait_for_data(p.deadline.remaining()))
    try:
        done, _ = await asyncio.wait({detection, greeting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (detection, greeting):
            task.cancel()
        await asyncio.gather(detection, greeting, return_exceptions=True)
    return detection.result() if detection in done and greeting not in done else None


async def _sniff(p: Probe, address: str, listen_first: float) -> Sniffed:
    return await sniff(address, p.profile.port, p.tls_settings.server_name, p.deadline, listen_first)


async def handshake_failure(p: Probe, address: str, err: Exception, verb: str | None) -> Outcome:
    """Why a handshake failed: the certificate, the port's mode, or the TLS version (found
    out with a second, laxer handshake when OpenSSL's error does not say)."""
    if isinstance(err, ssl.SSLCertVerificationError):
        return await _verification_failure(p, address, err)
    reason = tlsmod.describe_error(err)
    version_failure = tlsmod.is_version_failure(err)
    if verb is None and not version_failure:  # implicit TLS: does the port speak TLS at all?
        sniffed = await _sniff(p, address, listen_first=min(SNIFF_LISTEN, p.profile.timeout / 8))
        if sniffed.speaks is not Speaks.TLS:
            return await mode_outcome(p, address, sniffed, reason)
    best = await second_look(p.profile, p.tls_settings, address, p.deadline, tlsmod.detection_context())
    minimum = p.tls_settings.min_version
    if version_failure or (best is not None and older_tls_version(best.version, minimum)):
        return mc511.outcome(minimum, best.version if best else None, reason)
    return mc517.handshake_failed("tls-handshake", reason)


async def mode_outcome(p: Probe, address: str, sniffed: Sniffed, reason: str) -> Outcome:
    profile = p.profile
    port, protocol = profile.port, p.rec.protocol
    if sniffed.speaks is Speaks.GREETING and sniffed.protocol is profile.protocol:
        # the hint says starttls only when the plaintext side offers it (else MC506 next run);
        # bounded like the greeting grace, so a server that stalls costs seconds, not the timeout
        cap = p.deadline.capped(min(GREETING_GRACE, profile.timeout / 4))
        offered = await offers_starttls(address, port, profile.protocol, cap)
        return mc504.outcome(port, sniffed.describe(), sniffed.sample, profile.protocol, offered)
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


async def _verification_failure(p: Probe, address: str, err: ssl.SSLCertVerificationError) -> Outcome:
    outcome = tlsmod.chain_outcome(err, p.tls_settings)
    if outcome is not None:
        return outcome
    lax = await p.contexts.client(p.tls_settings, p.deadline, check_name=False)
    seen = await second_look(p.profile, p.tls_settings, address, p.deadline, lax)
    names = list(seen.certificate.names) if seen is not None and seen.certificate is not None else []
    via_server_name = p.profile.written("tls", "server_name") or parse_ip(p.profile.host) is not None
    return mc508.outcome(p.tls_settings.server_name, err.verify_message, names, via_server_name)


# -- with --check-auth-enforced: a wrong login first, then a fresh connection


async def check_auth_enforced(p: Probe, ready: Ready) -> Ready:
    """One login with the profile's username and a random wrong secret, before the real one
    and guarded as it is: a server that accepts it accepts anything (MC521), so the real
    login would prove nothing and is not tried. Skipped where the real login cannot run
    either (it then reports why); never retried, never more than one attempt. Returns the
    link the real login is to use."""
    profile = p.profile
    conn, dialogue, capabilities = ready.link.conn, ready.link.dialogue, ready.capabilities
    async with p.rec.step("auth-enforced") as step:
        method = choose(profile.mechanism, capabilities) if profile.has_auth else None
        real, skipped = None, ""
        if not profile.has_auth:
            skipped = "the profile has no auth"
        elif not conn.encrypted and not p.options.allow_cleartext_auth:
            skipped = "the connection is not encrypted and cleartext auth is not allowed"
        elif method is None:
            skipped = "the server offers no usable authentication"
        else:
            try:
                real = await _secret(p)
            except mc515.Outcome:
                skipped = f"the profile's {profile.secret_field} is not available"
        if method is None or real is None:  # the login step reports why it cannot run either
            step.status, step.detail = "skipped", f"not checked: {skipped}"
            return ready
        username = profile.username or ""
        wrong = wrong_secret(real)
        p.redact.add_secret(wrong)  # masked wherever a server echoes it
        reply = await authenticate(dialogue, method, username, wrong, capabilities)
        if reply.ok:
            p.state.login = Login.SKIPPED
            raise mc521.outcome(username, method.name, profile.secret_field, reply.text)
        if reply.status is not Status.REFUSED:
            conn.broken = True
            raise mc517.not_a_login_reply(method.name, dialogue.title, reply.text, dialogue.success_reply)
        step.detail = f"{method.name} as {username} with a random wrong {profile.secret_field} refused: {reply.text}"
    return await reconnect(p, ready)


async def reconnect(p: Probe, ready: Ready) -> Ready:
    """A fresh connection, established and verified as the first one, for the real login
    after a refused wrong one. RFC 4954, RFC 9051 and RFC 1939 allow a second attempt on
    the same connection, but servers delay, count or hang up after a failure (Dovecot's
    auth_failure_delay, Postfix's error limits): the real login does not share its fate."""
    address = ready.link.address
    async with p.rec.step("reconnect") as step:
        fresh = p.another()
        try:
            fresh_ready = await establish(fresh, await connect(fresh, [address]))
        except BaseException:
            fresh.close()
            raise
        ready.link.conn.close()
        p.state.link, p.state.capabilities = fresh_ready.link, fresh_ready.capabilities
        tls = f", TLS {fresh.state.tls.version}" if fresh.state.tls is not None else ""
        step.detail = f"{address} port {p.profile.port}{tls}, for the real login"
    return fresh_ready


# -- steps 6 to 8: login, test message, goodbye


async def login(p: Probe, ready: Ready) -> None:
    profile = p.profile
    conn, dialogue, capabilities = ready.link.conn, ready.link.dialogue, ready.capabilities
    async with p.rec.step("login") as step:
        p.state.login = Login.SKIPPED
        if not conn.encrypted and not p.options.allow_cleartext_auth:
            raise mc519.outcome()
        method = choose(profile.mechanism, capabilities)
        if method is None:
            raise _no_usable_method(p, ready)
        secret = await _secret(p)
        username = profile.username or ""
        p.state.login = Login.FAILED
        try:
            reply = await authenticate(dialogue, method, username, secret, capabilities)
        except UnsafeLine:  # refused before it was written: the credentials were not tried
            p.state.login = Login.SKIPPED
            raise
        if reply.status is Status.REFUSED:
            raise mc514.outcome(username, method.name, reply.text)
        if not reply.ok:  # a continuation where none belongs, another positive SMTP code
            conn.broken = True
            raise mc517.not_a_login_reply(method.name, dialogue.title, reply.text, dialogue.success_reply)
        p.state.login = Login.OK
        step.detail = f"{method.name} as {username}: {reply.text}"


def _no_usable_method(p: Probe, ready: Ready) -> Outcome:
    offered = ready.capabilities.offered()
    if offered and p.profile.mechanism != "auto":
        return mc513.outcome(p.profile.mechanism, offered)
    return mc512.outcome(ready.link.conn.encrypted, ready.capabilities.starttls, ready.link.dialogue.starttls_verb)


async def _secret(p: Probe) -> str:
    if p.secret is not None:  # resolved once per probe: a file is read once
        return p.secret
    name = p.profile.secret_field
    raw = p.profile.setting("auth", name)
    ref = parse_secret(raw)
    try:
        secret = await resolve_secret(ref, raw, p.base_dir, p.deadline, p.options.environ)
    except SecretUnavailable as err:
        raise mc515.outcome(name, str(err), ref.kind) from None
    p.redact.add_secret(secret)
    p.secret = secret
    return secret


async def send_test(p: Probe, ready: Ready, *, with_token: bool) -> Sent | None:
    """With --send-test (or --round-trip), an SMTP profile's test message; `with_token`
    marks it for the round trip (there is a receiving profile)."""
    profile, dialogue = p.profile, ready.link.dialogue
    if not (p.options.send_test or p.options.round_trip) or not isinstance(dialogue, SmtpDialogue):
        return None
    async with p.rec.step("send-test") as step:
        if not profile.written("test", "send_to"):
            step.status, step.detail = "skipped", "the profile has no test.send_to"
            return None
        sender = profile.sender_address or profile.username or ""
        recipient = profile.setting("test", "send_to")
        token = uuid.uuid4().hex if p.options.round_trip and with_token else None
        await dialogue.envelope(sender, recipient)
        try:
            message_id, message = test_message(profile.name, sender, recipient, token)
        except UnsafeHeader:  # the server waits for the message now: no polite QUIT
            dialogue.conn.broken = True
            raise
        reply = await dialogue.transmit(message)
        sent = Sent(TestMessage(message_id, reply), time.monotonic(), token)
        p.state.test_message = sent.message
        step.detail = f"{message_id} from {sender} to {recipient}: {reply}"
    return sent


async def goodbye(p: Probe) -> None:
    """A polite QUIT/LOGOUT when the dialogue is still sane; the connection closes anyway."""
    state = p.state
    if state.link is None or state.done:
        return
    state.done = True
    conn = state.link.conn
    try:
        if state.greeted and not conn.broken and p.deadline.remaining() > 0:
            started = time.monotonic()
            conn.deadline = p.deadline.capped(QUIT_SECONDS)
            try:
                await state.link.dialogue.quit()
                status = "ok"
            except (WireError, OSError):
                status = "skipped"
            p.rec.add("quit", status, started, "")
    finally:
        conn.close()
