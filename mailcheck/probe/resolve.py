"""Step 1: the host's addresses, within the probe's deadline.

IP literals need no lookup. Names go to the system resolver (`getaddrinfo`, so
/etc/hosts counts) or, with `--nameserver`, to that server only, through dnspython:
tests point it at a resolver on 127.0.0.1 so that no query leaves the machine. Both are
asked for the name's one ASCII form (hosts.ascii_host, IDNA 2008): given a Unicode name,
getaddrinfo would apply IDNA 2003 and dnspython IDNA 2008, two names for one host.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from mailcheck.hosts import ascii_host, parse_ip
from mailcheck.probe.offloop import in_thread
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

    def __str__(self) -> str:
        return f"{self.address} port {self.port}"


async def resolve(host: str, port: int, deadline: Deadline, nameserver: Nameserver | None) -> list[str]:
    """Addresses to try, in order; raises the MC501 outcome."""
    if parse_ip(host) is not None:
        return [host]
    # An ASCII name the host check dislikes (`smtp_relay`, a Docker service) is still asked
    # as written: every resolver sees the same bytes. Only a Unicode name needs converting.
    name = ascii_host(host) or (host if host.isascii() else None)
    if name is None:
        raise mc501.outcome(host, "it is not a valid domain name")
    if nameserver is not None:
        return await _ask_nameserver(name, host, nameserver, deadline)
    return await _ask_system(name, host, port, deadline)


async def _ask_system(name: str, host: str, port: int, deadline: Deadline) -> list[str]:
    """`name` (the ASCII form) through getaddrinfo, off the loop (offloop.in_thread says why
    not loop.getaddrinfo); `host` as written, for messages."""
    lookup = in_thread(lambda: socket.getaddrinfo(name, port, type=socket.SOCK_STREAM), f"resolve-{name}")
    try:
        infos = await deadline.within(lookup)
    except WireTimeout:
        raise mc501.no_answer(host, None, f"within the timeout of {deadline.seconds:g}s") from None
    except socket.gaierror as err:
        if err.errno == socket.EAI_AGAIN:  # "Temporary failure in name resolution": no server answered
            raise mc501.no_answer(host, None, f"({err.strerror})") from None
        raise mc501.outcome(host, err.strerror or str(err)) from None
    except UnicodeError:
        raise mc501.outcome(host, "it is not a valid domain name") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def _ask_nameserver(name: str, host: str, nameserver: Nameserver, deadline: Deadline) -> list[str]:
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
                answer = await deadline.within(resolver.resolve(name, record, lifetime=deadline.remaining()))
            except dns.resolver.NoAnswer:
                continue
            addresses.extend(item.to_text() for item in answer)
    except dns.resolver.NXDOMAIN:
        raise mc501.outcome(host, "the name does not exist (NXDOMAIN)") from None
    except (dns.exception.Timeout, WireTimeout):  # not the name's fault: the server said nothing
        raise mc501.no_answer(host, str(nameserver), f"within the timeout of {deadline.seconds:g}s") from None
    except dns.resolver.NoNameservers as err:  # SERVFAIL, REFUSED, or a reply that would not parse
        raise mc501.server_failed(host, str(nameserver), str(err)) from None
    except dns.exception.DNSException as err:
        raise mc501.outcome(host, f"{type(err).__name__}: {err}") from None
    if not addresses:
        raise mc501.outcome(host, "the name has no A or AAAA record")
    return addresses
