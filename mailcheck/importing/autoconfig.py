"""Thunderbird autoconfig files (`clientConfig` version 1.1), as Thunderbird reads them.

The format: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat and the
ISPDB's README (github.com/thunderbird/autoconfig). The reading follows Thunderbird's own,
readFromXML() in comm-central mail/components/accountcreation/modules/readFromXML.sys.mjs:

- the first `<emailProvider>`; its `<domain>`s (the first one is the domain placeholders are
  filled with when no address is given);
- each `<incomingServer type="imap|pop3">` and `<outgoingServer type="smtp">`; other types
  (exchange, nntp, ews, owa, graph) are skipped, as mailcheck checks SMTP, IMAP and POP3;
- `<hostname>` (placeholders filled), `<port>` (1..65535), the first `<socketType>` it
  knows, exactly as Thunderbird spells them: `SSL` (implicit TLS: mailcheck's tls),
  `STARTTLS` (required upgrade: starttls), `plain` (none);
- the first `<authentication>` mailcheck can write: `password-cleartext` (and the
  deprecated `plain`) a password, `password-encrypted` (and `secure`) CRAM-MD5, `OAuth2` a
  token with XOAUTH2; for smtp `none`, `client-IP-address` and `smtp-after-pop` no login.
  `GSSAPI` and `NTLM` are not mechanisms mailcheck speaks;
- `<username>` with %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% filled in.

Where Thunderbird drops a server (no hostname, no socketType it knows) the import skips it
and says so in the header; where it is only incomplete (no port, no username, no
authentication) the profile is written with the format's default and a comment saying which.
A `<password>` in the file is never copied: the profile reads the secret from the environment.
"""

from __future__ import annotations

import re

from mailcheck.importing.servers import (
    STAND_IN_LOCAL_PART,
    Address,
    Credentials,
    ImportFailure,
    Reading,
    Server,
    Sourced,
    expand,
    leftover_placeholder,
    uses_placeholders,
)
from mailcheck.importing.xmlread import Element

KIND = "a Thunderbird autoconfig file (clientConfig 1.1)"
SOCKET_TYPES = {"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
# authentication value: (kind, mechanism) of the profile's auth; None: no login
PASSWORD = ("password", None)
AUTHENTICATION: dict[str, tuple[str, str | None] | None] = {
    "password-cleartext": PASSWORD,
    "plain": PASSWORD,
    "password-encrypted": ("password", "cram-md5"),
    "secure": ("password", "cram-md5"),
    "OAuth2": ("token", "xoauth2"),
}
SMTP_WITHOUT_LOGIN = ("none", "client-IP-address", "smtp-after-pop")
NOT_SPOKEN = ("GSSAPI", "NTLM")
USED = {"hostname", "port", "socketType", "authentication", "username", "password"}
_PORT = re.compile(r"[0-9]{1,5}")


def read(root: Element, name: str, address: Address | None) -> Reading:
    providers = root.all("emailProvider")
    if not providers:
        raise ImportFailure("the <clientConfig> has no <emailProvider>")
    provider = providers[0]
    notes: list[str] = []
    version = root.attrs.get("version")
    if version != "1.1":
        notes.append(f"The file says clientConfig version {version or '(none)'}; it is read as version 1.1.")
    if len(providers) > 1:
        notes.append(
            f"Only the first <emailProvider> is read, as Thunderbird does ({len(providers) - 1} more ignored)."
        )
    domains = [d.text for d in provider.all("domain") if d.text]
    if address is None:
        domain = domains[0] if domains else provider.attrs.get("id", "")
        if not domain or "@" in domain or leftover_placeholder(domain) or uses_placeholders(domain):
            raise ImportFailure(
                "the <emailProvider> names no <domain> to fill the placeholders with: give --address you@your-domain"
            )
        address = Address(f"{STAND_IN_LOCAL_PART}@{domain}", "stand-in")
    label = provider.attrs.get("id") or (domains[0] if domains else "")
    display = provider.first("displayName")
    if display is not None and display.text:
        label = f'{label} "{expand(display.text, address)}"' if label else expand(display.text, address)
    servers: list[Server] = []
    for element in provider.children:
        if element.name not in ("incomingServer", "outgoingServer"):
            continue
        wanted = ("imap", "pop3") if element.name == "incomingServer" else ("smtp",)
        kind = element.attrs.get("type", "")
        where = f'{name}:{element.line} <{element.name} type="{kind}">'
        if kind not in wanted:
            notes.append(f"Skipped {where}: mailcheck reads only imap, pop3 and smtp servers.")
            continue
        server = _server(element, kind, where, name, address)
        if isinstance(server, str):
            notes.append(f"Skipped {where}: {server}.")
        else:
            servers.append(server)
    return Reading(KIND, label, servers, address, notes)


def _server(element: Element, protocol: str, where: str, name: str, address: Address) -> Server | str:
    """The server, or why Thunderbird would not use it either."""
    host_element = element.first("hostname")
    if host_element is None or not host_element.text:
        return "it has no <hostname>"
    host = Sourced(expand(host_element.text, address), f"{name}:{host_element.line} <hostname>")
    if host.value != host_element.text:
        host.origin += f" {host_element.text}"
    _note_leftover(host, host_element.text)
    security = _security(element, name)
    if security is None:
        written = ", ".join(s.text or "(empty)" for s in element.all("socketType")) or "none"
        return f"no <socketType> Thunderbird knows (SSL, STARTTLS, plain; the file has {written})"
    server = Server(protocol, where, host, _port(element, name, protocol, security), security, None)
    _credentials(server, element, name, address)
    unused = sorted({child.name for child in element.children} - USED)
    if unused:
        server.notes.append("Not imported from this server: " + ", ".join(f"<{u}>" for u in unused) + ".")
    return server


def _security(element: Element, name: str) -> Sourced | None:
    for socket in element.all("socketType"):
        if socket.text in SOCKET_TYPES:  # Thunderbird takes the first it knows
            meaning = {"tls": "implicit TLS", "starttls": "STARTTLS required", "none": "no encryption"}
            mode = SOCKET_TYPES[socket.text]
            return Sourced(mode, f"{name}:{socket.line} <socketType>{socket.text}</socketType>: {meaning[mode]}")
    return None


def _port(element: Element, name: str, protocol: str, security: Sourced) -> Sourced:
    port = element.first("port")
    if port is not None and _PORT.fullmatch(port.text) and 1 <= int(port.text) <= 65535:
        return Sourced(int(port.text), f"{name}:{port.line} <port>")
    from mailcheck.protocols import Protocol, Security, default_port

    default = default_port(Protocol(protocol), Security(str(security.value)))
    why = "has no <port>" if port is None else f"has a <port> at line {port.line} that is not a port number (1-65535)"
    return Sourced(
        None,
        "",
        [
            f"The server {why}: left out, so mailcheck's default for {protocol} with {security.value} ({default}) applies."
        ],
    )


def _credentials(server: Server, element: Element, name: str, address: Address) -> None:
    chosen: tuple[str, str | None] | None = None
    chosen_element: Element | None = None
    no_login: Element | None = None
    others: list[str] = []
    unspoken: list[str] = []
    for auth in element.all("authentication"):
        value = auth.text
        if chosen is None and no_login is None:
            if value in AUTHENTICATION:
                chosen, chosen_element = AUTHENTICATION[value], auth
                continue
            if server.protocol == "smtp" and value in SMTP_WITHOUT_LOGIN:
                no_login = auth
                continue
        if value in NOT_SPOKEN or (value not in AUTHENTICATION and value not in SMTP_WITHOUT_LOGIN):
            unspoken.append(value or "(empty)")
        else:
            others.append(value)
    secret = element.first("password")
    if secret is not None:
        server.auth_notes.append(
            f"The file holds a <password> (line {secret.line}): it is not copied; the profile reads the secret from the environment."
        )
    if unspoken:
        server.auth_notes.append(
            "The file also lists "
            + ", ".join(unspoken)
            + ", which mailcheck does not speak (it logs in with a password, CRAM-MD5 or XOAUTH2)."
        )
    if no_login is not None:
        server.auth_notes.insert(
            0, f"{name}:{no_login.line} <authentication>{no_login.text}</authentication>: no login, so no auth."
        )
        if others:
            server.auth_notes.append("The file also lists " + ", ".join(others) + ": add auth to log in that way.")
        return
    if chosen is None:
        chosen = PASSWORD
        origin = f"{name}:{element.line} no <authentication> mailcheck speaks: a password is assumed"
    else:
        assert chosen_element is not None
        origin = f"{name}:{chosen_element.line} <authentication>{chosen_element.text}</authentication>"
    kind, mechanism = chosen
    server.auth = Credentials(kind, mechanism, origin, _username(element, name, address))
    if others:
        server.auth.notes.append(
            "The file also lists "
            + ", ".join(others)
            + " (Thunderbird takes the first it can use; so does this import)."
        )


def _username(element: Element, name: str, address: Address) -> Sourced:
    written = element.first("username")
    if written is None or not written.text:
        return Sourced(
            address.address,
            f"{name}:{element.line} no <username>: the address is assumed (%EMAILADDRESS%)",
        )
    value = Sourced(expand(written.text, address), f"{name}:{written.line} <username>{written.text}</username>")
    _note_leftover(value, written.text)
    return value


def _note_leftover(value: Sourced, text: str) -> None:
    leftover = leftover_placeholder(text)
    if leftover is not None:
        value.notes.append(
            f"{leftover} is not a placeholder Thunderbird fills (%EMAILADDRESS%, %EMAILLOCALPART%, "
            "%EMAILDOMAIN%): written as it is; correct it by hand."
        )
