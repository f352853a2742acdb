"""Bounded line I/O over one TCP connection that can be upgraded to TLS in place.

A plain asyncio.Protocol rather than StreamReader/StreamWriter, for two reasons:
`loop.start_tls` can wrap the very same protocol on Python 3.10 (StreamWriter.start_tls
is 3.11+), and the buffer is ours to bound: reading pauses once it holds MAX_LINE bytes
without a line end, so a server sending an endless line costs MAX_LINE bytes, not memory
without end. Every wait is bounded by the probe's one Deadline.

Every command line goes out through one guard (`_encode`): a line holding CR,
LF or NUL is refused and nothing of it is written, whatever the dialogue built it from,
as CPython's smtplib (SMTP.putcmd, bpo-43124) and ftplib (FTP.putline, bpo-30119) and
aiosmtplib (SMTPProtocol.execute_command) refuse such command arguments.

What goes wrong on the wire is one typed hierarchy, WireError, which steps.py alone maps,
with the step it happened in, to the outcome that names it:

    WireError
      WireTimeout, WireClosed              the deadline passed; the server hung up
      LineTooLong, TooManyLines            a reply past the bounds
      Unexpected, SpokeFirst               what the protocol does not allow here
      UnsafeLine, UnsafeHeader             a line refused before anything of it was written
      CleartextRefused                     a credential refused on an unencrypted connection
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import Awaitable
from typing import TypeVar

from mailcheck.secrets import Redactor

MAX_LINE = 8192  # bytes; RFC 5321 allows 512 per reply line, IMAP capability lines run to ~1 KB
MAX_REPLY_LINES = 200  # lines in one reply; EHLO and CAPA answer in tens

T = TypeVar("T")

# What would end a command line early (CR, LF) or truncate it in a C server (NUL): the
# rest of the line would be read as a command of its own, e.g. `USER joe\r\nDELE 1`.
_UNSAFE = re.compile("[\r\n\0]")
_VERB = re.compile(r"[A-Za-z]+")


class WireError(Exception):
    """The connection cannot go on: the session maps each kind to an outcome."""


class WireTimeout(WireError):
    """The probe's deadline passed while waiting."""


class WireClosed(WireError):
    """The server closed the connection."""


class LineTooLong(WireError):
    """A line grew past MAX_LINE bytes without ending."""


class TooManyLines(WireError):
    """A reply went on past MAX_REPLY_LINES lines."""


class SpokeFirst(WireError):
    """Plaintext arrived before the TLS handshake began: after a STARTTLS reply (an
    injection), or right after connecting on what should be an implicit-TLS port."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data


class Unexpected(WireError):
    """A line that is not what the protocol allows here (garbage, HTTP, another protocol)."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


class UnsafeLine(WireError):
    """A command line holding CR, LF or NUL, refused before anything of it was written.

    Carries the command verb and the character only: the line itself may hold a secret,
    and is never part of a message."""

    def __init__(self, verb: str, character: str, in_secret: bool) -> None:
        super().__init__(f"{verb} command line with {character!r} refused")
        self.verb = verb
        self.character = character
        self.in_secret = in_secret  # the character is in the credential, not in the rest of the line


class UnsafeHeader(WireError):
    """A test-message header value holding CR, LF or NUL: it would end the header and add
    others (header injection). Names the header and the character, never the value."""

    def __init__(self, header: str, character: str) -> None:
        super().__init__(f"{header} header with {character!r} refused")
        self.header = header
        self.character = character


class CleartextRefused(WireError):
    """A credential was about to be written on a connection that may not carry one."""


def verb_of(line: str) -> str:
    """The command word a line starts with ("USER" of "USER joe"), for messages."""
    match = _VERB.match(line)
    return match.group().upper() if match else "a"


def _encode(line: str, verb: str | None, *, in_secret: bool) -> bytes:
    """The line as sent, with its CRLF; UnsafeLine for a line that would be more than one."""
    unsafe = _UNSAFE.search(line)
    if unsafe is not None:
        raise UnsafeLine(verb or verb_of(line), unsafe.group(), in_secret)
    return line.encode("utf-8") + b"\r\n"


class Deadline:
    """The one time limit of a profile's probe: every step takes what is left of it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def capped(self, seconds: float) -> Deadline:
        """A deadline at most `seconds` away and never later than this one."""
        capped = Deadline(self.seconds)
        capped.at = min(self.at, time.monotonic() + seconds)
        return capped

    async def within(self, awaitable: Awaitable[T]) -> T:
        """Await with the time left; WireTimeout when it runs out."""
        try:
            return await asyncio.wait_for(awaitable, timeout=self.remaining())
        except asyncio.TimeoutError:
            raise WireTimeout() from None


class _Buffered(asyncio.Protocol):
    """Collects what the server sends, up to `limit` bytes beyond which reading pauses."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.eof = False
        self.transport: asyncio.BaseTransport | None = None
        self._paused = False
        self._waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.data += data
        if len(self.data) >= self.limit and not self._paused:
            self._paused = True
            self.transport.pause_reading()  # type: ignore[union-attr]
        self._wake()

    def eof_received(self) -> None:
        self.eof = True
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self._wake()

    def take(self, count: int) -> bytes:
        chunk = bytes(self.data[:count])
        del self.data[:count]
        if self._paused and len(self.data) < self.limit and not self.eof:
            self._paused = False
            self.transport.resume_reading()  # type: ignore[union-attr]
        return chunk

    def arrival(self) -> asyncio.Future[None]:
        """A future that is done when something new arrives (data or the end).

        Created synchronously, right after the caller found the buffer lacking: a coroutine
        would only create it when its task first runs, and miss data arriving before that."""
        self._waiter = asyncio.get_running_loop().create_future()
        return self._waiter

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class Connection:
    """One probe connection: lines in and out, TLS upgrade, and the credential gate."""

    def __init__(self, transport: asyncio.Transport, protocol: _Buffered, deadline: Deadline, redact: Redactor) -> None:
        self._transport = transport
        self._protocol = protocol
        self.deadline = deadline
        self.redact = redact
        self.tls: ssl.SSLObject | None = None
        self.cleartext_auth = False  # set by the session only with --allow-cleartext-auth
        self.broken = False  # after a wire error the dialogue cannot go on (no polite QUIT)

    @classmethod
    async def open(cls, address: str, port: int, deadline: Deadline, redact: Redactor) -> Connection:
        """Connect; OSError (refused, unreachable) or WireTimeout."""
        protocol = _Buffered(MAX_LINE)
        loop = asyncio.get_running_loop()
        transport, _ = await deadline.within(loop.create_connection(lambda: protocol, address, port))
        return cls(transport, protocol, deadline, redact)

    @property
    def encrypted(self) -> bool:
        return self.tls is not None

    @property
    def local_address(self) -> str:
        return str(self._transport.get_extra_info("sockname")[0])

    async def read_line(self) -> str:
        """One line without its line end, decoded leniently (servers send Latin-1 too)."""
        try:
            while True:
                end = self._protocol.data.find(b"\n", 0, MAX_LINE)
                if end >= 0:
                    return self._protocol.take(end + 1).rstrip(b"\r\n").decode("utf-8", "replace")
                if len(self._protocol.data) >= MAX_LINE:
                    raise LineTooLong()
                if self._protocol.eof:
                    raise WireClosed()
                await self.deadline.within(self._protocol.arrival())
        except WireError:
            self.broken = True
            raise

    async def wait_for_data(self, seconds: float) -> bool:
        """Whether the server sends anything (or closes) within `seconds`."""
        try:
            while not self._protocol.data and not self._protocol.eof:
                await self.deadline.capped(seconds).within(self._protocol.arrival())
        except WireTimeout:
            return False
        return True

    async def read_some(self) -> bytes:
        """Whatever the server sent first (b"" when it closed); for mode detection only."""
        if not await self.wait_for_data(self.deadline.remaining()):
            raise WireTimeout()
        return self._protocol.take(MAX_LINE)

    def write(self, data: bytes) -> None:
        self._transport.write(data)

    def write_line(self, line: str, *, verb: str | None = None) -> None:
        """Write one command line; UnsafeLine, and nothing written, if it holds CR, LF or NUL.
        `verb` names the command in that case (default: the line's first word)."""
        self._transport.write(_encode(line, verb, in_secret=False))

    def write_secret(self, line: str, secret_part: str, *, verb: str | None = None) -> None:
        """Write a line that carries a credential (`secret_part`, masked in all output in
        every form a server could echo it in).

        The last gate before the wire: only over TLS (verified as the profile asks, since
        the handshake would have failed otherwise), or in cleartext when explicitly allowed.
        """
        if not (self.encrypted or self.cleartext_auth):
            raise CleartextRefused()
        self.redact.add_secret(secret_part)
        _encode(secret_part, verb or verb_of(line), in_secret=True)  # the credential's own characters first
        self._transport.write(_encode(line, verb, in_secret=False))

    async def start_tls(self, context: ssl.SSLContext, server_hostname: str) -> None:
        """Upgrade this connection: right after connecting (implicit TLS) or after STARTTLS's reply."""
        # Stop reading plaintext now: loop.start_tls only takes over the transport once its task
        # runs, and bytes read in between would land in our buffer, unseen by the handshake,
        # which would then wait out the deadline. Paused, they stay in the socket for TLS.
        self._transport.pause_reading()
        if self._protocol.data:
            self.broken = True
            raise SpokeFirst(self._protocol.take(MAX_LINE))
        if self._protocol.eof:  # a closed transport would never finish a handshake
            self.broken = True
            raise WireClosed()
        loop = asyncio.get_running_loop()
        try:
            transport = await self.deadline.within(
                loop.start_tls(
                    self._transport,
                    self._protocol,
                    context,
                    server_hostname=server_hostname,
                    ssl_handshake_timeout=self.deadline.remaining() + 1.0,  # ours ends first
                )
            )
        except BaseException:
            self.broken = True
            raise
        assert transport is not None  # start_tls returns None only for a closing loop
        self._transport = transport
        self._protocol.transport = transport
        self.tls = transport.get_extra_info("ssl_object")

    def close(self) -> None:
        """Drop the connection at once: a probe never waits for a peer to say goodbye."""
        self._transport.abort()
