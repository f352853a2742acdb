"""Step 1: the host's addresses, within the probe's deadline.

IP literals need no lookup. Names go to the system resolver (`getaddrinfo`, so
/etc/hosts counts) or, with `--nameserver`, to that server only, through dnspython:
tests point it at a resolver on 127.0.0.1 so that no query leaves the machine.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass

from mailcheck.hosts import parse_ip
from mailcheck.probe.wire import Deadline, WireTimeout
from mailcheck.rules import mc501_dns_failure as mc501


@dataclass(frozen=True)
class Nameserver:
    address: str  # an IP literal: the nameserver itself must not need a lookup
    port: int = 53

    @classmethod
    def parse(cls, text: str) -> Nameserver:
        """HOST, HOST:PORT, [V6] or [V6]:PORT; ValueError for anything else."""
        host, port = text, "53"
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else (rest or "53")
        elif text.count(":") == 1:
            host, port = text.split(":")
        if parse_ip(host) is None or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"--nameserver wants an IP address and an optional port, not {text!r}")
        return cls(host, int(port))


async def resolve(host: str, port: int, deadline: Deadline, nameserver: Nameserver | None) -> list[str]:
    """Addresses to try, in order; raises the MC501 outcome."""
    if parse_ip(host) is not None:
        return [host]
    try:
        if nameserver is not None:
            return await _ask_nameserver(host, nameserver, deadline)
        return await _ask_system(host, port, deadline)
    except WireTimeout:
        raise mc501.outcome(host, f"no answer from DNS within the timeout of {deadline.seconds:g}s") from None


async def _ask_system(host: str, port: int, deadline: Deadline) -> list[str]:
    try:
        infos = await deadline.within(_getaddrinfo(host, port))
    except socket.gaierror as err:
        raise mc501.outcome(host, err.strerror or str(err)) from None
    except UnicodeError:
        raise mc501.outcome(host, "it is not a valid domain name") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _getaddrinfo(host: str, port: int) -> asyncio.Future[list]:
    """getaddrinfo in a daemon thread of its own.

    Not loop.getaddrinfo: its executor's threads are joined when the event loop and the
    interpreter end, so one lookup stuck in a slow resolver would hold the whole run past
    every deadline. A daemon thread is simply left behind."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[list] = loop.create_future()

    def settle(result: list | None, error: BaseException | None) -> None:
        if future.done():  # the deadline passed meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result or [])

    def lookup() -> None:
        try:
            result, error = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM), None
        except (OSError, UnicodeError) as err:
            result, error = None, err
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=lookup, name=f"mailcheck-resolve-{host}", daemon=True).start()
    return future


async def _ask_nameserver(host: str, nameserver: Nameserver, deadline: Deadline) -> list[str]:
    import dns.asyncresolver
    import dns.exception
    import dns.resolver

    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = [nameserver.address]
    resolver.port = nameserver.port
    addresses: list[str] = []
    try:
        for record in ("A", "AAAA"):
            try:
                answer = await deadline.within(resolver.resolve(host, record, lifetime=deadline.remaining()))
            except dns.resolver.NoAnswer:
                continue
            addresses.extend(item.to_text() for item in answer)
    except dns.resolver.NXDOMAIN:
        raise mc501.outcome(host, "the name does not exist (NXDOMAIN)") from None
    except dns.exception.Timeout:
        raise WireTimeout() from None
    except dns.exception.DNSException as err:
        raise mc501.outcome(host, f"{type(err).__name__}: {err}") from None
    if not addresses:
        raise mc501.outcome(host, "the name has no A or AAAA record")
    return addresses
