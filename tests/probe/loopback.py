"""A real TCP connection on 127.0.0.1 for the wire and protocol unit tests: the probe's
`Connection` on one end, a scripted peer (the test) on the other.

No thread and no server loop: the test writes what a server would send and reads what the
client sent, each step awaited on the one event loop, so a test reads as the exchange it
checks. Every wait is bounded (`PEER_TIMEOUT`), and `run` bounds the whole scenario.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from mailcheck.probe.wire import Connection, Deadline
from mailcheck.secrets import Redactor

HOST = "127.0.0.1"
PEER_TIMEOUT = 5.0  # seconds for any one step of the peer
T = TypeVar("T")


class LoopbackPeer:
    """The server end: sends bytes, reads the client's lines."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._pending = b""

    async def send(self, data: bytes) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(loop.sock_sendall(self.sock, data), PEER_TIMEOUT)

    async def send_lines(self, *lines: str) -> None:
        """Each line with CRLF, as a server writes replies."""
        await self.send("".join(f"{line}\r\n" for line in lines).encode("utf-8"))

    async def line(self) -> bytes:
        """The next line the client wrote, with its CRLF."""
        loop = asyncio.get_running_loop()
        while b"\n" not in self._pending:
            chunk = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), PEER_TIMEOUT)
            if not chunk:
                raise EOFError(f"the client closed after {self._pending!r}")
            self._pending += chunk
        end = self._pending.index(b"\n") + 1
        line, self._pending = self._pending[:end], self._pending[end:]
        return line

    async def command(self) -> str:
        """The next command line, decoded, without its CRLF."""
        return (await self.line()).decode("utf-8").removesuffix("\r\n")

    async def nothing_more(self, seconds: float = 0.2) -> bytes:
        """What the client wrote within `seconds` beyond the lines read (b"" for nothing)."""
        loop = asyncio.get_running_loop()
        try:
            self._pending += await asyncio.wait_for(loop.sock_recv(self.sock, 65536), seconds)
        except asyncio.TimeoutError:
            pass
        return self._pending

    def close(self) -> None:
        self.sock.close()


@asynccontextmanager
async def connected(
    seconds: float = PEER_TIMEOUT, redact: Redactor | None = None
) -> AsyncIterator[tuple[Connection, LoopbackPeer]]:
    """A Connection (with a Deadline of `seconds`) to a peer on 127.0.0.1."""
    loop = asyncio.get_running_loop()
    listener = socket.create_server((HOST, 0))
    listener.setblocking(False)
    try:
        port = listener.getsockname()[1]
        accepting = asyncio.ensure_future(loop.sock_accept(listener))
        conn = await Connection.open(HOST, port, Deadline(seconds), Redactor() if redact is None else redact)
        server_sock, _ = await asyncio.wait_for(accepting, PEER_TIMEOUT)
    finally:
        listener.close()
    server_sock.setblocking(False)
    peer = LoopbackPeer(server_sock)
    try:
        yield conn, peer
    finally:
        conn.close()
        peer.close()


def run(scenario: Callable[[], Awaitable[T]], seconds: float = 20.0) -> T:
    """Run one scenario on a fresh event loop, bounded as a whole."""

    async def bounded() -> T:
        return await asyncio.wait_for(scenario(), seconds)

    return asyncio.run(bounded())
