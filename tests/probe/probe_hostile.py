"""Servers that misbehave, as behaviours for probe_servers.start_line_server.

Each is what a real broken or wrong server does on a port: stay silent, drip, send
garbage, speak HTTP, refuse, hang up, send a line without end.
"""

from __future__ import annotations

from probe_servers import IO_TIMEOUT, Peer

GREETING = "220 mx.mailcheck.test ESMTP"
HTTP_RESPONSE = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def silent(peer: Peer) -> None:
    """Accepts the connection and never says a word (nor reads one)."""
    peer.pause(IO_TIMEOUT)


def drip(peer: Peer) -> None:
    """Sends its greeting one byte a second."""
    for byte in (GREETING + "\r\n").encode():
        peer.send(bytes([byte]))
        peer.pause(1.0)
        if peer.stop.is_set():
            return


def garbage(peer: Peer) -> None:
    """Greets with binary noise (a fixed pattern, so that failures are reproducible)."""
    peer.send(bytes((i * 37 + 11) % 256 for i in range(300)) + b"\r\n")
    peer.pause(IO_TIMEOUT)


def http(peer: Peer) -> None:
    """A web server: waits for a request, answers anything with 400, closes."""
    if peer.sock.recv(4096):
        peer.send(HTTP_RESPONSE)


def greet_421(peer: Peer) -> None:
    peer.send("421 4.3.2 mx.mailcheck.test Service not available, closing transmission channel")


def close_at_once(peer: Peer) -> None:
    """Accepts and hangs up (returning closes the socket)."""


def endless_line(peer: Peer) -> None:
    """A greeting line that never ends."""
    peer.send(b"220 ")
    while not peer.stop.is_set():
        peer.send(b"x" * 65536)


def greet_then_silent(peer: Peer) -> None:
    """Greets, then never answers EHLO."""
    peer.send(GREETING)
    peer.pause(IO_TIMEOUT)


def endless_ehlo(peer: Peer) -> None:
    """Answers EHLO with continuation lines that never end."""
    peer.send(GREETING)
    peer.recv_line()
    while not peer.stop.is_set():
        peer.send("250-MAILCHECK-FILLER " * 3 + "x")


def _ehlo_with_starttls(peer: Peer) -> None:
    peer.send(GREETING)
    peer.recv_line()
    peer.send("250-mx.mailcheck.test\r\n250-PIPELINING\r\n250 STARTTLS")
    peer.recv_line()


def starttls_refused(peer: Peer) -> None:
    """Advertises STARTTLS, then refuses it."""
    _ehlo_with_starttls(peer)
    peer.send("454 4.7.0 TLS not available due to local problem")
    peer.recv_line()


def starttls_injection(peer: Peer) -> None:
    """Says "go ahead" to STARTTLS and sends more plaintext in the same packet (a MITM injection)."""
    _ehlo_with_starttls(peer)
    peer.send("220 2.0.0 Ready to start TLS\r\n250 injected-by-a-man-in-the-middle")
    peer.pause(IO_TIMEOUT)


def other_protocol_pop3(peer: Peer) -> None:
    """A POP3 server, where the profile expects SMTP."""
    peer.send("+OK POP3 ready")
    peer.pause(IO_TIMEOUT)
