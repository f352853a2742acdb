"""Which mode a port speaks, found out on a connection of its own, without credentials.

Used when the profile's mode looks wrong (MC504, MC505) and to name what answered
instead (an HTTP server, another mail protocol, garbage). It listens first, since
plaintext mail servers greet at once; if the port stays silent it sends a TLS
ClientHello, made by an SSLObject over memory buffers so that the raw answer can be
classified, and reads the first bytes of the answer. Nothing else is ever sent on that
connection.

When a port the profile takes for implicit TLS greets in plaintext, `offers_starttls`
reads the plaintext side's capabilities on one more connection (EHLO, CAPABILITY or CAPA,
which carry no credentials), so the hint can say whether STARTTLS is there to switch to.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from enum import Enum

from mailcheck.outcome import Outcome
from mailcheck.probe.dialogues import DIALOGUES
from mailcheck.probe.tls import detection_context
from mailcheck.probe.wire import Connection, Deadline, WireError
from mailcheck.protocols import Protocol
from mailcheck.secrets import Redactor

_TLS_RECORD_TYPES = (0x15, 0x16)  # alert, handshake: a TLS server's first record


class Speaks(str, Enum):
    TLS = "a TLS handshake"
    GREETING = "a plaintext greeting"
    HTTP = "HTTP"
    TEXT = "plaintext"
    GARBAGE = "bytes of no known protocol"
    SILENT = "nothing"
    CLOSED = "a closed connection"


@dataclass(frozen=True)
class Sniffed:
    speaks: Speaks
    sample: str = ""  # the first line received, for messages
    protocol: Protocol | None = None  # whose greeting it is, for GREETING

    def describe(self) -> str:
        if self.speaks is Speaks.GREETING and self.protocol is not None:
            return f"a plaintext {self.protocol.value.upper()} greeting"
        return self.speaks.value


def classify(first: bytes) -> Sniffed:
    """What the first bytes from a server are."""
    sample = first.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    if not first:
        return Sniffed(Speaks.CLOSED)
    if first[0] in _TLS_RECORD_TYPES and first[1:2] == b"\x03":
        return Sniffed(Speaks.TLS)
    if first.startswith(b"HTTP/"):
        return Sniffed(Speaks.HTTP, sample)
    for protocol, dialogue in DIALOGUES.items():
        if dialogue.looks_like_greeting(first):
            return Sniffed(Speaks.GREETING, sample, protocol)
    if sample.isascii() and sample.isprintable():
        return Sniffed(Speaks.TEXT, sample)
    return Sniffed(Speaks.GARBAGE, sample)


async def sniff(address: str, port: int, server_name: str, deadline: Deadline, listen_first: float) -> Sniffed:
    """Listen for `listen_first` seconds, then offer a TLS handshake; what the port answered."""
    try:
        conn = await Connection.open(address, port, deadline, Redactor())
    except (OSError, WireError):
        return Sniffed(Speaks.CLOSED)
    try:
        if listen_first <= 0 or not await conn.wait_for_data(listen_first):
            conn.write(client_hello(server_name))
        return classify(await conn.read_some())
    except WireError:
        return Sniffed(Speaks.SILENT)
    finally:
        conn.close()


def client_hello(server_name: str) -> bytes:
    """The bytes of a TLS ClientHello for `server_name` (sent as SNI when it is a name)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = detection_context().wrap_bio(incoming, outgoing, server_hostname=server_name)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:  # expected: it now waits for the ServerHello
        pass
    return outgoing.read()


async def offers_starttls(address: str, port: int, protocol: Protocol, deadline: Deadline) -> bool | None:
    """Whether the plaintext greeting side of `port` advertises STARTTLS (STLS for POP3):
    the greeting, then the capabilities command, and nothing else; None when it cannot
    tell (the connection failed, the server refused or ran out of the deadline)."""
    try:
        conn = await Connection.open(address, port, deadline, Redactor())
    except (OSError, WireError):
        return None
    try:
        dialogue = DIALOGUES[protocol](conn)
        await dialogue.greeting()
        return (await dialogue.capabilities()).starttls
    except (OSError, WireError, Outcome):  # Outcome: a refusal, e.g. a 421 greeting or EHLO refused
        return None
    finally:
        conn.close()
