"""A DNS server on 127.0.0.1 for the tests (`--nameserver`): A, SRV and MX answers from
tables, every query kept, so no lookup ever leaves the machine.

A name in no table is NXDOMAIN, unless `default_a` is set: then every A query is answered
with it and every other type of a name the tables lack has an empty answer (what the
probe's SRV tests need). A name the tables know has an empty answer for the types it lacks.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

from mailcheck.probe.resolve import Nameserver

HOST = "127.0.0.1"

# (priority, weight, port, target); a target is text, or the raw labels of a hostile name
Srv = tuple[int, int, int, "str | tuple[bytes, ...]"]


@dataclass
class DnsServer:
    port: int
    sock: socket.socket
    a: dict[str, list[str]] = field(default_factory=dict)  # absolute name -> addresses
    srv: dict[str, list[Srv]] = field(default_factory=dict)
    mx: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # exchange "." is a null MX
    default_a: str | None = None
    queries: list[tuple[str, str]] = field(default_factory=list)  # (name, type)

    @property
    def nameserver(self) -> Nameserver:
        return Nameserver(HOST, self.port)

    @property
    def option(self) -> str:
        """The `--nameserver` argument."""
        return f"{HOST}:{self.port}"

    def srv_queries(self) -> list[str]:
        return [name for name, kind in self.queries if kind == "SRV"]

    def asked(self, kind: str) -> list[str]:
        return [name for name, asked in self.queries if asked == kind]

    def close(self) -> None:
        self.sock.close()

    def known(self, name: str) -> bool:
        return name in self.a or name in self.srv or name in self.mx


def start_dns(
    *,
    a: dict[str, list[str]] | None = None,
    srv: dict[str, list[Srv]] | None = None,
    mx: dict[str, list[tuple[int, str]]] | None = None,
    default_a: str | None = None,
) -> DnsServer:
    """Names are absolute (`autoconfig.example.test.`); the server runs until close()."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    server = DnsServer(sock.getsockname()[1], sock, a or {}, srv or {}, mx or {}, default_a)
    threading.Thread(target=_serve, args=(server,), daemon=True).start()
    return server


def _serve(server: DnsServer) -> None:
    import dns.message

    while True:
        try:
            data, peer = server.sock.recvfrom(4096)
        except OSError:
            return
        query = dns.message.from_wire(data)
        try:
            server.sock.sendto(_answer(server, query).to_wire(), peer)
        except OSError:
            return


def _answer(server: DnsServer, query: object) -> object:
    import dns.message
    import dns.name
    import dns.rcode
    import dns.rdataclass
    import dns.rdatatype
    import dns.rdtypes.ANY.MX
    import dns.rdtypes.IN.SRV
    import dns.rrset

    assert isinstance(query, dns.message.Message)
    question = query.question[0]
    name = str(question.name)
    server.queries.append((name, dns.rdatatype.to_text(question.rdtype)))
    response = dns.message.make_response(query)
    if question.rdtype == dns.rdatatype.A and (name in server.a or server.default_a):
        addresses = server.a[name] if name in server.a else [str(server.default_a)]
        if addresses:
            response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", "A", addresses))
    elif question.rdtype == dns.rdatatype.SRV and name in server.srv:
        rrset = response.find_rrset(response.answer, question.name, dns.rdataclass.IN, dns.rdatatype.SRV, create=True)
        for priority, weight, port, target in server.srv[name]:
            target_name = dns.name.from_text(target) if isinstance(target, str) else dns.name.Name((*target, b""))
            rrset.add(
                dns.rdtypes.IN.SRV.SRV(dns.rdataclass.IN, dns.rdatatype.SRV, priority, weight, port, target_name), 60
            )
    elif question.rdtype == dns.rdatatype.MX and server.mx.get(name):
        rrset = response.find_rrset(response.answer, question.name, dns.rdataclass.IN, dns.rdatatype.MX, create=True)
        for preference, exchange in server.mx[name]:
            rrset.add(
                dns.rdtypes.ANY.MX.MX(dns.rdataclass.IN, dns.rdatatype.MX, preference, dns.name.from_text(exchange)), 60
            )
    elif question.rdtype == dns.rdatatype.SRV or not (server.known(name) or server.default_a):
        response.set_rcode(dns.rcode.NXDOMAIN)
    return response
