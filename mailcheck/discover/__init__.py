"""`mailcheck init ADDRESS --discover`: a profile file from what the domain publishes online,
each server's mode seen on the server itself.

The places are asked in Thunderbird's order (sources.py says which and why): the domain's
autoconfig files over https (http only with --allow-http), the provider snapshot, the
provider of the MX host, the SRV records. Every server a place names is a candidate; the
candidates of a place are probed together (modes.py: connect, read the greeting or offer
TLS, ask for STARTTLS; never a login), and the first that answers, in Thunderbird's order
of preference applied to the modes seen (encrypted before plain, IMAP before POP3,
implicit TLS before STARTTLS, then the place's own order), is written with the mode seen.

Stop or merge: as Thunderbird, the first place that gives a working server wins, but per
profile, not per file: the incoming (IMAP or POP3) and the outgoing (SMTP) profile are
each taken whole from the first place that names one that answers, so a domain whose
autoconfig file lists only SMTP still gets its IMAP server from the snapshot or its SRV
records, and a place whose servers all fail to answer gives way to the next. No value of a
profile is ever mixed from two places; the header says which place gave which profile and
why the earlier ones did not, and names every candidate that was not written and why.

Each network step (one URL's fetch, one DNS lookup, one candidate's probe) ends within
--timeout; the candidates of a place are probed at once, so a place costs about one timeout
at most. Nothing found at all is an InitFailure, a one-line error.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from mailcheck.discover.fetch import NotThere
from mailcheck.discover.modes import Seen, observe
from mailcheck.discover.sources import THUNDERBIRD, Candidate, Found, Settings, places
from mailcheck.importing.servers import Address, Reading, Server, Sourced
from mailcheck.initialise import MEANING, InitFailure, preference

__all__ = ["Settings", "profile_text"]

MAX_PROBED = 8  # candidates of one group (incoming, outgoing) probed from one place
GROUPS = ("incoming", "outgoing")


@dataclass
class Chosen:
    candidate: Candidate
    seen: Seen
    place: str


def profile_text(address: str, settings: Settings) -> str:
    """The profile file for `address` (checked by initialise.user_address), or InitFailure."""
    return asyncio.run(_profile_text(address, settings))


async def _profile_text(address: str, settings: Settings) -> str:
    from mailcheck.hosts import ascii_host
    from mailcheck.importing.render import render
    from mailcheck.providers import normal_name

    domain = ascii_host(normal_name(address.rsplit("@", 1)[1]))
    if domain is None:
        raise InitFailure(f"the domain of {address!r} is not a domain name that can be looked up")
    chosen: dict[str, Chosen] = {}
    trail: list[str] = []
    about: list[str] = []
    notes: list[str] = []
    unwritten: list[str] = []
    remaining = places(address, domain, settings)
    while remaining and len(chosen) < len(GROUPS):
        name, ask = remaining.pop(0)
        try:
            found = await ask()
        except NotThere as err:
            trail.append(f"{name}: nothing there ({err}).")
            continue
        open_groups = [group for group in GROUPS if group not in chosen]
        used = await _probe_place(found, chosen, settings, unwritten)
        if used:
            trail.append(f"{name}: used for {' and '.join(used)}.")
            about += found.about
            notes += found.notes
        elif any(c.group in open_groups for c in found.candidates):
            trail.append(f"{name}: no server it names answers (below).")
        else:
            trail.append(f"{name}: it names no {' or '.join(open_groups)} server.")
    if not chosen:  # the header would have listed why each server named was not written: the error does
        why = [f"Not written: {line}" for line in unwritten]
        raise InitFailure(f"found no mail server for {domain} that answers: " + " ".join([*trail, *why]))
    unasked = [name for name, _ in remaining]
    servers = [_written(chosen[group]) for group in GROUPS if group in chosen]
    header = _header(address, trail, unasked, about, unwritten, chosen)
    reading = Reading("settings found online", domain, servers, Address(address, "--address"), notes)
    return render(reading, "", header=header, from_origin="the address given to mailcheck init")


async def _probe_place(found: Found, chosen: dict[str, Chosen], settings: Settings, unwritten: list[str]) -> list[str]:
    """Probe the candidates of the groups still open; fill `chosen`; the profiles used."""
    from mailcheck.protocols import Protocol, Security, default_port

    wanted: dict[str, list[Candidate]] = {}
    for group in GROUPS:
        if group in chosen:
            continue
        named = [c for c in found.candidates if c.group == group]
        wanted[group] = named[:MAX_PROBED]
        if len(named) > MAX_PROBED:
            unwritten.append(
                f"{len(named) - MAX_PROBED} more {group} servers of {found.name}: not probed "
                f"(only the first {MAX_PROBED} are)."
            )
        for candidate in wanted[group]:
            if candidate.server.port.value is None:  # probed, and written, on the default of the mode claimed
                default = default_port(Protocol(candidate.server.protocol), Security(candidate.claimed))
                candidate.server.port = Sourced(
                    default, f"the source names no port: {default}, the default for {MEANING[candidate.claimed]}"
                )
    keys = {_key(c) for candidates in wanted.values() for c in candidates}
    ordered = sorted(keys)
    results = await asyncio.gather(
        *(observe(p, h, port, settings.nameserver, settings.timeout) for p, h, port in ordered)
    )
    seen = dict(zip(ordered, results, strict=True))
    used = []
    for group, candidates in wanted.items():
        answering = [(i, c) for i, c in enumerate(candidates) if seen[_key(c)].mode is not None]
        for candidate in candidates:
            if seen[_key(candidate)].mode is None:
                unwritten.append(f"{_shown(candidate)} from {found.name}: {seen[_key(candidate)].what}.")
        if not answering:
            continue
        _, best = min(
            answering, key=lambda item: (*preference(item[1].server.protocol, seen[_key(item[1])].mode), item[0])
        )
        chosen[group] = Chosen(best, seen[_key(best)], found.name)
        others = [c for _, c in answering if c is not best]
        if others:
            best.server.notes.append(
                "Also answering: " + ", ".join(f"{_shown(c)} ({seen[_key(c)].mode})" for c in others) + "."
            )
        used.append(best.server.protocol)
    return used


def _key(candidate: Candidate) -> tuple[str, str, int]:
    return (candidate.server.protocol, candidate.host, int(candidate.server.port.value or 0))


def _shown(candidate: Candidate) -> str:
    return f"{candidate.server.protocol} {candidate.host}:{candidate.server.port.value}"


def _written(chosen: Chosen) -> Server:
    """The candidate's profile with the mode seen as its security."""
    server, seen, claimed = chosen.candidate.server, chosen.seen, chosen.candidate.claimed
    said = server.security
    host = chosen.candidate.host
    where = f"{host}:{server.port.value}" + (f" ({seen.address})" if seen.address != host else "")
    origin = f"mode seen on {where}: {seen.what}"
    if seen.mode == claimed:
        server.security = Sourced(seen.mode, f"{origin}; as {said.origin}", said.notes)
    else:
        server.security = Sourced(
            seen.mode,
            origin,
            [
                *said.notes,
                f"The source says {MEANING[claimed]} ({said.origin}), but {where} answers with {seen.what}: "
                f"written as seen, security: {seen.mode}.",
            ],
        )
    server.notes.insert(0, f"From {chosen.place}.")
    return server


def _header(
    address: str,
    trail: list[str],
    unasked: list[str],
    about: list[str],
    unwritten: list[str],
    chosen: dict[str, Chosen],
) -> list[str]:
    lines = [
        f"Written by `mailcheck init --discover` for {address}: each value's source is named beside it, and "
        "each security is the mode seen on the server itself (mailcheck read its greeting or offered TLS, "
        "and asked for STARTTLS; it never logged in).",
        f"Places asked, in Thunderbird's order (FindConfig.sys.mjs, FetchConfig.sys.mjs at {THUNDERBIRD}), "
        "then the SRV records; each profile is taken whole from the first place naming a server for it "
        "that answers:",
        *(f"- {line}" for line in trail),
        *([f"Not asked, every profile being found: {'; '.join(unasked)}."] if unasked else []),
        *(f"Source: {line}." for line in dict.fromkeys(about)),
        *(f"Not written: {line}" for line in unwritten),
    ]
    if "incoming" not in chosen:
        lines.append("No IMAP or POP3 server was found that answers: only SMTP is written.")
    if "outgoing" not in chosen:
        lines.append("No SMTP server was found that answers: only the incoming server is written.")
    return lines
