"""Servers that misbehave, as behaviours for probe_servers.start_line_server.

Each is what a real broken or wrong server does on a port: stay silent, drip, send
garbage, speak HTTP, refuse, hang up, send a line without end.
"""

from __future__ import annotations

from tests.probe.probe_servers import IO_TIMEOUT, Peer

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


# -- servers that answer a login with something that is not the protocol's success reply,
#    and a recording SMTP server for what reaches the wire


def recording_smtp(
    context, *, auth_reply: str = "235 2.7.0 Authentication successful", auth_line: str = "AUTH PLAIN LOGIN"
):
    """An implicit-TLS SMTP server that accepts everything and keeps every line it was sent
    (peer.received); it answers AUTH with `auth_reply` and advertises `auth_line` in EHLO."""

    def behave(peer: Peer) -> None:
        peer.starttls(context)
        peer.send(GREETING)
        while (line := peer.recv_line()) is not None:
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                peer.send(f"250-mx.mailcheck.test\r\n250-PIPELINING\r\n250 {auth_line}")
            elif verb == "AUTH":
                peer.send(auth_reply)
            elif verb in ("MAIL", "RCPT"):
                peer.send("250 2.1.0 Ok")
            elif verb == "DATA":
                peer.send("354 End data with <CR><LF>.<CR><LF>")
                while peer.recv_line() not in (None, "."):
                    pass
                peer.send("250 2.0.0 Ok: queued as REC1")
            elif verb == "QUIT":
                peer.send("221 2.0.0 Bye")
                return
            else:
                peer.send("502 5.5.2 Error: command not recognized")

    return behave


def imap_login_continuation(context):
    """Implicit-TLS IMAP that answers LOGIN with a continuation request ("+ whatever"),
    which LOGIN never asks for: not a successful login."""

    def behave(peer: Peer) -> None:
        peer.starttls(context)
        peer.send("* OK [CAPABILITY IMAP4rev1] ready")
        while (line := peer.recv_line()) is not None:
            tag, _, rest = line.partition(" ")
            command = rest.split(" ", 1)[0].upper()
            if command == "CAPABILITY":
                peer.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK CAPABILITY completed")
            elif command == "LOGIN":
                peer.send("+ whatever")
            elif command == "LOGOUT":
                peer.send(f"* BYE\r\n{tag} OK LOGOUT completed")
                return
            else:
                peer.send(f"{tag} BAD no")

    return behave


def pop3_pass_continuation(context):
    """Implicit-TLS POP3 that answers PASS with a bare "+ " (a SASL continuation), not +OK."""

    def behave(peer: Peer) -> None:
        peer.starttls(context)
        peer.send("+OK ready")
        while (line := peer.recv_line()) is not None:
            command = line.split(" ", 1)[0].upper()
            if command == "CAPA":
                peer.send("+OK\r\nUSER\r\n.")
            elif command == "USER":
                peer.send("+OK")
            elif command == "PASS":
                peer.send("+ ")
            elif command == "QUIT":
                peer.send("+OK bye")
                return
            else:
                peer.send("-ERR no")

    return behave


def echo_ok(peer: Peer) -> None:
    """Answers every line with "+OK", keeping what it got (peer.received)."""
    while peer.recv_line() is not None:
        peer.send("+OK")
