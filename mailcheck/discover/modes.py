"""Which mode a candidate server really speaks, seen on the server before it is written.

A source's word is not taken for the mode: the ISPDB has implicit TLS on a STARTTLS port
(charter.net), and an autoconfig file is whatever its author typed. So each candidate is
resolved (the probe's resolver, so `--nameserver` counts), connected to, and sniffed as the
probe sniffs a port (probe/sniff.py): listen first, since plaintext mail servers greet at
once, then offer a TLS ClientHello. A plaintext greeting of the right protocol is asked for
its capabilities (EHLO, CAPABILITY, CAPA: offers_starttls), which says starttls or none.
Nothing else is sent: no login, no credential, ever.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailcheck.outcome import Outcome
from mailcheck.probe.resolve import Nameserver, resolve
from mailcheck.probe.sniff import Sniffed, Speaks, offers_starttls, sniff
from mailcheck.probe.wire import Deadline
from mailcheck.protocols import Protocol

LISTEN_FIRST = 1.0  # seconds of listening for a greeting before a ClientHello (an eighth of the timeout when less)
MAX_ADDRESSES = 4  # addresses of one host tried in turn


@dataclass(frozen=True)
class Seen:
    """What a candidate's port answered: its mode (tls, starttls, none), or None when it
    is not usable, with what was seen, or why not, in words."""

    mode: str | None
    address: str  # the address that answered ("" when the name did not resolve)
    what: str


async def observe(protocol: str, host: str, port: int, nameserver: Nameserver | None, timeout: float) -> Seen:
    """The mode `host`:`port` speaks for `protocol`, within `timeout` seconds."""
    deadline = Deadline(timeout)
    try:
        addresses = await resolve(host, port, deadline, nameserver)
    except Outcome as err:
        return Seen(None, "", err.message)
    wanted = Protocol(protocol)
    listen = min(LISTEN_FIRST, timeout / 8)
    reasons: list[str] = []
    for address in addresses[:MAX_ADDRESSES]:
        if deadline.remaining() <= 0:
            reasons.append(f"{address}: not tried, the timeout of {timeout:g}s ran out")
            break
        sniffed = await sniff(address, port, host, deadline, listen)
        if sniffed.speaks is Speaks.TLS:
            return Seen("tls", address, "a TLS handshake (implicit TLS)")
        if sniffed.speaks is Speaks.GREETING and sniffed.protocol is wanted:
            offered = await offers_starttls(address, port, wanted, deadline)
            if offered is None:
                reasons.append(f"{address}: {sniffed.describe()}, but its capabilities could not be read")
                continue
            verb = "STLS" if wanted is Protocol.POP3 else "STARTTLS"
            if offered:
                return Seen("starttls", address, f"{sniffed.describe()} offering {verb}")
            return Seen("none", address, f"{sniffed.describe()} without {verb}: no encryption")
        reasons.append(f"{address}: {_unusable(sniffed, wanted, timeout)}")
    return Seen(None, addresses[0] if addresses else "", "; ".join(reasons))


def _unusable(sniffed: Sniffed, wanted: Protocol, timeout: float) -> str:
    """Why the port is no `wanted` server, in words of mailcheck's own (no server text)."""
    if sniffed.speaks is Speaks.GREETING:
        return f"{sniffed.describe()}, not {wanted.value.upper()}"
    if sniffed.speaks is Speaks.CLOSED:
        return "the connection was refused or closed"
    if sniffed.speaks is Speaks.SILENT:
        return f"no answer within the timeout of {timeout:g}s"
    return f"it answers with {sniffed.describe()}, not a mail server's greeting or a TLS handshake"
