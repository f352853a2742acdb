"""One autoconfig URL fetched as hostile input: bounded in size and time, verified, no redirect.

The standard library's http.client does the HTTP (status line, headers, chunked bodies,
its own bounds of 100 headers and 64 KiB per line); this module decides where it connects
and what it accepts:

- the URL's host is resolved by the probe's resolver (probe/resolve.py), so `--nameserver`
  covers these lookups too, and the connection goes to the address it gave (_PinnedHTTPS),
  while TLS still sends the URL's host as SNI and verifies the certificate for that name
  (the system's trust store, or only `--ca-file`'s certificates);
- the whole exchange, lookup included, ends within one Deadline (`--timeout`): http.client
  blocks, so it runs in a daemon thread (offloop.in_thread) whose socket is shut down when
  the time is up, and a server dripping bytes costs the timeout, never more;
- only a 200 with an XML Content-Type (text/xml, application/xml, text/rdf: the types
  Thunderbird's FetchHTTP.sys.mjs reads as XML) and a body of at most MAX_BODY bytes is
  taken; anything else is a NotThere with the reason, for the caller to show;
- redirects are not followed: a 3xx names its Location in the reason and ends there. A
  redirect hands the answer to another host (often plain http), and `mailcheck import`
  can read the file it points at once the user has looked at it.

Nothing is ever sent but one GET with the address in the query, as Thunderbird sends it.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from mailcheck.outcome import Outcome, quote
from mailcheck.probe.resolve import Nameserver, resolve
from mailcheck.probe.wire import Deadline, WireTimeout

MAX_BODY = 1 << 20  # 1 MiB; a real config-v1.1.xml is 2 to 5 KiB
MAX_ADDRESSES = 4  # addresses of one name tried in turn
XML_TYPES = ("text/xml", "application/xml", "text/rdf")


class NotThere(Exception):
    """The URL gave no autoconfig file: a one-line reason, safe to show."""


@dataclass(frozen=True)
class Fetched:
    url: str  # as asked, with the query
    address: str  # the IP address the answer came from
    body: bytes


class UnusableCaFile(Exception):
    """--ca-file holds no certificate OpenSSL can read: a one-line reason."""


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Verification on, for the URL's host name: the system's CAs, or only `ca_file`'s."""
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except (ssl.SSLError, OSError) as err:  # not PEM, no certificate in it, unreadable
        reason = err.reason if isinstance(err, ssl.SSLError) else err.strerror
        raise UnusableCaFile(
            f"--ca-file {ca_file}: no CA certificate could be read from it ({reason or err})"
        ) from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class _Pinned(http.client.HTTPConnection):
    """HTTP to an address the probe's resolver gave; the Host header stays the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a resolved address: SNI and certificate verification for the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.address = address
        self.tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


async def fetch(url: str, nameserver: Nameserver | None, deadline: Deadline, context: ssl.SSLContext) -> Fetched:
    """The body of `url` (http or https), or NotThere with the reason."""
    from mailcheck.probe.offloop import in_thread

    parts = urlsplit(url)
    host, https = parts.hostname or "", parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        addresses = await resolve(host, port, deadline, nameserver)
    except Outcome as err:
        raise NotThere(err.message) from None
    reasons: list[str] = []
    for address in addresses[:MAX_ADDRESSES]:
        if deadline.remaining() <= 0:
            break
        timeout = max(deadline.remaining(), 0.01)
        conn: http.client.HTTPConnection = (
            _PinnedHTTPS(host, port, address, timeout, context) if https else _Pinned(host, port, address, timeout)
        )
        try:
            return Fetched(
                url, address, await deadline.within(in_thread(functools.partial(_get, conn, target), f"fetch-{host}"))
            )
        except WireTimeout:
            _abort(conn)
            raise NotThere(f"no complete answer from {address} within the timeout of {deadline.seconds:g}s") from None
        except _Refused as err:
            _abort(conn)
            raise NotThere(str(err)) from None  # the server answered: another address would not differ
        except (OSError, http.client.HTTPException) as err:
            _abort(conn)
            reasons.append(f"{address}: {_describe(err)}")
    raise NotThere("; ".join(reasons) or f"no address of {host} could be tried within the timeout")


class _Refused(Exception):
    """The server answered, but not with an autoconfig file."""


def _get(conn: http.client.HTTPConnection, target: str) -> bytes:
    """The blocking exchange (in a worker thread): one GET, the answer checked and bounded."""
    try:
        return _exchange(conn, target)
    finally:
        conn.close()


def _exchange(conn: http.client.HTTPConnection, target: str) -> bytes:
    from mailcheck import __version__

    conn.request(
        "GET",
        target,
        headers={
            "User-Agent": f"mailcheck/{__version__} (init --discover)",
            "Accept": "application/xml, text/xml;q=0.9",
            "Connection": "close",
        },
    )
    response = conn.getresponse()
    status, reason = response.status, quote(response.reason or "", 60)
    if 300 <= status < 400:
        location = quote(response.getheader("Location") or "(no Location)", 200)
        raise _Refused(f"HTTP {status} {reason}: a redirect to {location}, not followed")
    if status != 200:
        raise _Refused(f"HTTP {status} {reason}".rstrip())
    kind = (response.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()
    if kind not in XML_TYPES:
        raise _Refused(f"Content-Type {quote(kind, 60) or '(none)'} is not XML ({', '.join(XML_TYPES)})")
    length = response.getheader("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > MAX_BODY:
        raise _Refused(f"the answer is {int(length):,} bytes, above the bound of {MAX_BODY:,}")
    body = response.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise _Refused(f"the answer is longer than the bound of {MAX_BODY:,} bytes")
    return body


def _abort(conn: http.client.HTTPConnection) -> None:
    """End the worker's exchange: shutdown wakes a recv blocked in its thread."""
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    conn.close()


def _describe(err: BaseException) -> str:
    if isinstance(err, ssl.SSLCertVerificationError):
        return f"certificate refused: {quote(err.verify_message or str(err), 160).rstrip('.')}"
    if isinstance(err, ssl.SSLError):
        return f"TLS failed: {quote(err.reason or str(err), 160)}"
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(err, OSError):
        return quote(err.strerror or type(err).__name__, 160)
    return f"not an HTTP answer ({type(err).__name__})"
