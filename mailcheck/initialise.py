"""`mailcheck init ADDRESS`: a profile file for an address, from the packaged provider snapshot.

Offline: the address's domain is looked up in the snapshot (mailcheck/providers/,
Thunderbird's ISPDB and nodemailer's presets) with `owners_of_domain`, the ISPDB's provider
preferred as everywhere else. Of its servers one SMTP server and one incoming server (IMAP,
else POP3) are written, each value with a comment naming the source it came from (the ISPDB
file and the snapshot's commit, or the nodemailer preset).

Which server, when a provider publishes several: the ISPDB's before a nodemailer preset's,
then Thunderbird's order of preference, sortTriesByPreference() in comm-central
mail/components/accountcreation/modules/GuessConfig.sys.mjs (read at commit
058114d3481d87fe774349f1d1b902e2d7faf9db):

1. encrypted (implicit TLS or STARTTLS) before plain;
2. IMAP before POP3;
3. implicit TLS ("SSL") before STARTTLS;
4. otherwise the source's own order (the sort is stable, and Thunderbird's readFromXML takes
   a file's first server as the default and the others as alternatives).

So: implicit TLS, then STARTTLS, then plain, for each protocol; an IMAP server over any POP3
one unless only the POP3 one is encrypted. The others are named in a comment.

The login: the provider's username template (%EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%)
filled in from the address; a password `{env: SMTP_PASSWORD}` / `{env: IMAP_PASSWORD}` where
the provider lists a password login (CRAM-MD5 for the ISPDB's password-encrypted), a token
with `mechanism: xoauth2` only where it lists OAuth2 alone, and no auth where an SMTP server
takes no login. The text is rendered by importing/render.py and written by
importing/output.py, as `mailcheck import`'s is.

Without --discover nothing is looked up online, and a domain the snapshot does not know is a
one-line error. `--discover` (mailcheck/discover/) asks the domain's autoconfig files, this
snapshot, the MX host's provider and the SRV records, in Thunderbird's order, and writes each
server with the mode seen on it; it builds the snapshot's candidates with plan(),
published_server() and source_names() here, so both paths write the same values and comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailcheck.importing.servers import Address, Credentials, ImportFailure, Reading, Server, Sourced
from mailcheck.providers import expand, normal_name
from mailcheck.providers.index import Index, Provider, index
from mailcheck.providers.index import Server as Published

__all__ = [
    "InitFailure",
    "Plan",
    "UnknownDomain",
    "choose",
    "plan",
    "preference",
    "profile_text",
    "published_server",
    "source_names",
    "user_address",
]

ORDER = "the ISPDB's before nodemailer's, encrypted before plain, IMAP before POP3, implicit TLS before STARTTLS"
SOCKET_TYPE = {"tls": "SSL", "starttls": "STARTTLS", "none": "plain"}
MEANING = {"tls": "implicit TLS", "starttls": "STARTTLS required", "none": "no encryption"}
# ISPDB authentication values: (kind, mechanism); the same reading as importing/autoconfig.py
PASSWORD_LOGINS: dict[str, str | None] = {
    "password-cleartext": None,
    "plain": None,
    "password-encrypted": "cram-md5",
    "secure": "cram-md5",
}
SMTP_WITHOUT_LOGIN = ("none", "client-IP-address", "smtp-after-pop")


class InitFailure(ImportFailure):
    """The profile cannot be written; a one-line reason (an ImportFailure, as output.py raises)."""


class UnknownDomain(InitFailure):
    pass


@dataclass(frozen=True)
class Plan:
    """What is written for an address: its provider and the servers chosen, with the others."""

    address: str
    provider: Provider
    others: tuple[Provider, ...]  # further owners of the domain, not used
    outgoing: tuple[Published, ...]  # in order of preference: the first is written
    incoming: tuple[Published, ...]


def user_address(value: str) -> str:
    """ADDRESS, checked under the policy of every address field (MC401)."""
    from mailcheck.addresses import address_problem

    value = value.strip()
    if "@" not in value:
        raise InitFailure(f"{value!r} is not an e-mail address")
    problem = address_problem(value)
    if problem is not None:
        raise InitFailure(f"{value!r} is not usable: {problem.message}")
    return value


def preference(protocol: str, security: str | None) -> tuple[bool, bool, bool]:
    """Thunderbird's sortTriesByPreference as a sort key (False sorts first): encrypted
    before plain, IMAP before POP3, implicit TLS before STARTTLS. `init --discover` sorts
    the modes seen on the servers with it."""
    return (security == "none", protocol == "pop3", security == "starttls")


def _preference(server: Published) -> tuple[bool, bool, bool, bool]:
    """The same for the snapshot's servers, the ISPDB's first."""
    return (server.source != "ispdb", *preference(server.protocol, server.security))


def choose(servers: list[Published]) -> tuple[Published, ...]:
    """`servers` in order of preference (stable: ties keep the source's order)."""
    return tuple(sorted(servers, key=_preference))


def plan(address: str, data: Index | None = None) -> Plan:
    data = data if data is not None else index()
    domain = normal_name(address.rsplit("@", 1)[1])
    owners = data.owners_of_domain(domain)
    if not owners:
        raise UnknownDomain(
            f"the provider snapshot (Thunderbird's ISPDB and nodemailer's presets, offline) does not know "
            f"{domain}: give --discover to look it up online (the domain's autoconfig files, its MX host, its SRV records)"
        )
    provider = owners[0]
    outgoing = choose([s for s in provider.servers if s.protocol == "smtp"])
    incoming = choose([s for s in provider.servers if s.protocol in ("imap", "pop3")])
    if not outgoing and not incoming:
        raise InitFailure(f"the provider snapshot knows {domain} ({provider.title}) but lists no server for it")
    return Plan(address, provider, tuple(owners[1:]), outgoing, incoming)


def profile_text(address: str, data: Index | None = None) -> str:
    """The profile file for `address` (checked by user_address), or InitFailure."""
    from mailcheck.importing.render import render

    data = data if data is not None else index()
    chosen = plan(address, data)
    servers = [published_server(chosen, group, data) for group in (chosen.incoming, chosen.outgoing) if group]
    reading = Reading("the provider snapshot", chosen.provider.title, servers, Address(address, "--address"))
    return render(reading, "", header=_header(chosen, data), from_origin="the address given to mailcheck init")


def _commit(data: Index, source: str) -> str:
    return data.sources[source]["commit"][:8]


def _label(server: Published, provider: Provider, data: Index) -> str:
    """`ISPDB googlemail.com.xml@c6ad7965` or `nodemailer Gmail@2f667f42` (the snapshot's commit)."""
    if server.source == "ispdb":
        file = (provider.file or provider.id).removeprefix("ispdb/")
        return f"ISPDB {file}@{_commit(data, 'ispdb')}"
    return f"nodemailer {server.preset}@{_commit(data, 'nodemailer')}"


def source_names(chosen: Plan, written: tuple[Published, ...], data: Index) -> list[str]:
    """The snapshot's files behind the `written` servers: the ISPDB file, nodemailer's
    presets, each at its commit with its licence (also `init --discover`'s header)."""
    used = {s.source for s in written}
    sources = []
    if "ispdb" in used:
        ispdb = data.sources["ispdb"]
        sources.append(
            f"Thunderbird's ISPDB file {(chosen.provider.file or '').removeprefix('ispdb/')} at "
            f"{ispdb['repository']} commit {ispdb['commit']} ({ispdb['licence']})"
        )
    if "nodemailer" in used:
        node = data.sources["nodemailer"]
        presets = sorted({s.preset or "" for s in written if s.preset})
        sources.append(
            f"nodemailer's preset {', '.join(presets)} in {node['path']} at {node['repository']} "
            f"commit {node['commit']} ({node['licence']})"
        )
    return sources


def _header(chosen: Plan, data: Index) -> list[str]:
    provider = chosen.provider
    sources = source_names(chosen, (*chosen.outgoing[:1], *chosen.incoming[:1]), data)
    notes = [
        f"Written by `mailcheck init` for {chosen.address} from the provider snapshot packaged with mailcheck, "
        f"offline: {provider.title}.",
        *(f"Source: {source}." for source in sources),
        f"Where the provider publishes several servers the first in Thunderbird's order is written ({ORDER}); "
        "the others are named above each profile.",
    ]
    if chosen.others:
        notes.append(
            f"{normal_name(chosen.address.rsplit('@', 1)[1])} is also claimed by "
            + ", ".join(p.title for p in chosen.others)
            + f"; {provider.title} is used, as the provider rules do."
        )
    if not chosen.incoming:
        notes.append(f"The snapshot lists no IMAP or POP3 server for {provider.title}: only SMTP is written.")
    if not chosen.outgoing:
        notes.append(f"The snapshot lists no SMTP server for {provider.title}: only {chosen.incoming[0].protocol}.")
    return notes


def published_server(chosen: Plan, group: tuple[Published, ...], data: Index) -> Server:
    """The profile of `group`'s first server, each value with its origin; the others of
    the group (in order of preference) are named in a note."""
    published, alternatives = group[0], group[1:]
    provider, address = chosen.provider, chosen.address
    label = _label(published, provider, data)
    ispdb = published.source == "ispdb"
    host_value = published.hostname(address)
    host_origin = f"{label} <hostname>" if ispdb else f"{label} host"
    if published.host.lower() != host_value:
        host_origin += f" {published.host}"
    host = Sourced(host_value, host_origin)
    port = Sourced(published.port, f"{label} <port>" if ispdb else f"{label} port")
    written = f" <socketType>{SOCKET_TYPE[published.security]}" if ispdb else ""
    security = Sourced(published.security, f"{label}{written}: {MEANING[published.security]}")
    element = "incomingServer" if published.protocol != "smtp" else "outgoingServer"
    origin = f'{label} <{element} type="{published.protocol}">' if ispdb else f"{label} preset"
    same = [s for s in alternatives if _pair(s, address) == _pair(published, address)]
    others = [s for s in alternatives if s not in same]
    if same:
        origin += "; the same in " + ", ".join(_source_name(s) for s in same)
    server = Server(published.protocol, origin, host, port, security, None)
    for note in published.notes:
        required = "; security: starttls here requires the upgrade" if "opportunistic" in note else ""
        server.notes.append(f"The snapshot notes about {label}: {note}{required}.")
    if others:
        server.notes.append("Also published: " + ", ".join(_described(s, address) for s in others) + ".")
    _credentials(server, published, provider, address, label)
    return server


def _pair(server: Published, address: str) -> tuple[str, str, int, str]:
    return (server.protocol, server.hostname(address), server.port, server.security)


def _source_name(server: Published) -> str:
    return "the ISPDB" if server.source == "ispdb" else f"nodemailer's {server.preset} preset"


def _described(server: Published, address: str) -> str:
    """`pop3 pop.gmail.com:995 tls (the ISPDB)`."""
    return f"{server.protocol} {server.hostname(address)}:{server.port} {server.security} ({_source_name(server)})"


def _credentials(server: Server, published: Published, provider: Provider, address: str, label: str) -> None:
    auth = published.auth
    password = next((value for value in auth if value in PASSWORD_LOGINS), None)
    others = [value for value in auth if value != password]
    if password is not None:
        kind, mechanism, origin = "password", PASSWORD_LOGINS[password], f"{label} <authentication>{password}"
    elif auth and all(value == "OAuth2" for value in auth):
        kind, mechanism, origin = "token", "xoauth2", f"{label} <authentication>OAuth2 only: a token"
        others = []
    elif published.protocol == "smtp" and auth and all(value in SMTP_WITHOUT_LOGIN for value in auth):
        server.auth_notes.append(f"{label} <authentication>{auth[0]}: no login, so no auth.")
        return
    elif auth:
        kind, mechanism = "password", None
        origin = f"{label} <authentication>{auth[0]}, not one mailcheck reads: a password is assumed"
        others = list(auth[1:])
    else:
        kind, mechanism = "password", None
        origin = f"{label} names no login method: a password is assumed"
    credentials = Credentials(kind, mechanism, origin, _username(published, provider, address, label))
    if "OAuth2" in others:
        others.remove("OAuth2")
        variable = f"{server.protocol.upper()}_TOKEN"
        credentials.notes.append(
            f"The provider also takes OAuth2: to log in with it, write token: {{env: {variable}}} and "
            "mechanism: xoauth2 instead of the password."
        )
    if others:
        credentials.notes.append(f"The snapshot also lists {', '.join(others)} for this server.")
    server.auth = credentials


def _username(published: Published, provider: Provider, address: str, label: str) -> Sourced:
    if published.username:
        return Sourced(expand(published.username, address), f"{label} <username>{published.username}")
    forms = [s.username for s in provider.servers if s.username and s.source == "ispdb"]
    if forms and all(form == forms[0] for form in forms):
        return Sourced(
            expand(forms[0], address),
            f"{label} gives no username: {forms[0]}, the form of the provider's other servers",
        )
    return Sourced(address, f"{label} gives no username: the address is assumed (%EMAILADDRESS%)")
