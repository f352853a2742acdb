"""Loopback parts for `init --discover`: an HTTPS (or HTTP) autoconfig server on port 443 (80)
of an address of 127.0.0.0/8 of its own, and mail servers on their standard ports there.

Each test takes a fresh loopback address (`loopback_address`), so the standard ports are
free, and the profile written has the ports a real domain would have (no MC203). Binding
ports below 1024 needs root, as the tests have here and in CI; without it they skip.
"""

from __future__ import annotations

import itertools
import os
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

import pytest
import trustme

T = TypeVar("T")
_counter = itertools.count(1)


def loopback_address() -> str:
    """A 127.x.y.z address no other test of this run uses."""
    n = next(_counter)
    return f"127.{100 + os.getpid() % 100}.{n // 250}.{1 + n % 250}"


def bind_or_skip(bind: Callable[[], T], what: str) -> T:
    """`bind()`, or the test skipped with the reason (ports below 1024 need root); with
    CI=true a failure, as for the integration suite: CI runs as root, and a skipped test
    there would pass unseen."""
    try:
        return bind()
    except OSError as err:
        reason = (
            f"{what} needs root (the tests run as root here and in CI)"
            if isinstance(err, PermissionError)
            else f"{what} could not be bound"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true, but {reason}: {err}", pytrace=False)
        pytest.skip(f"{reason}: {err}")


@dataclass
class Answer:
    """What the autoconfig server sends for one path."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/xml"
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True  # send Content-Length (else the body ends when the connection closes)
    drip: float = 0.0  # seconds between bytes of the body


@dataclass
class Request:
    path: str  # with the query
    headers: dict[str, str]


class AutoconfigServer:
    def __init__(self, address: str, port: int, routes: dict[str, Answer], context: ssl.SSLContext | None) -> None:
        self.address = address
        self.requests: list[Request] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(Request(self.path, dict(self.headers)))
                answer = routes.get(self.path.split("?", 1)[0])
                if answer is None:
                    answer = Answer(b"not here", 404, "text/plain")
                self.send_response(answer.status)
                if answer.content_type:
                    self.send_header("Content-Type", answer.content_type)
                if answer.length:
                    self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Connection", "close")
                self.end_headers()
                if answer.drip:
                    for byte in answer.body:
                        if server.stop.wait(answer.drip):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                else:
                    self.wfile.write(answer.body)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def get_request(self) -> tuple[socket.socket, object]:
                sock, peer = self.socket.accept()
                sock.settimeout(10)
                if context is None:
                    return sock, peer
                return context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), peer

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client refusing the certificate, or hanging up: expected here

        self.httpd = bind_or_skip(lambda: Server((address, port), Handler), f"an HTTP server on {address}:{port}")
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def https_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


def config_xml(domain: str, *servers: str, provider: str = "") -> bytes:
    """A clientConfig 1.1 file with these <incomingServer>/<outgoingServer> elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.1">\n'
        f'  <emailProvider id="{provider or domain}">\n    <domain>{domain}</domain>\n'
        f"    <displayName>{domain} mail</displayName>\n" + "".join(servers) + "  </emailProvider>\n</clientConfig>\n"
    ).encode()


def server_xml(
    kind: str, protocol: str, host: str, port: int, socket_type: str, username: str = "%EMAILADDRESS%"
) -> str:
    element = "incomingServer" if kind == "in" else "outgoingServer"
    return (
        f'    <{element} type="{protocol}">\n      <hostname>{host}</hostname>\n      <port>{port}</port>\n'
        f"      <socketType>{socket_type}</socketType>\n      <authentication>password-cleartext</authentication>\n"
        f"      <username>{username}</username>\n    </{element}>\n"
    )
