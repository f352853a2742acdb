"""Microsoft Autodiscover responses in the POX ("plain old XML") form, for IMAP, POP3 and SMTP.

Microsoft's reference: "POX Autodiscover XML elements for Exchange"
(learn.microsoft.com/exchange/client-developer/web-service-reference/pox-autodiscover-xml-elements-for-exchange),
the elements Autodiscover > Response > Account > Protocol with Type, Server, Port, SSL ("on or
off": whether secure logon is required; on when absent), Encryption (None, SSL, TLS, Auto;
it overrides SSL), LoginName, SPA, AuthRequired (smtp), and User > AutoDiscoverSMTPAddress.
The reading follows Thunderbird's, readAutoDiscoverXML() in comm-central
mail/components/accountcreation/modules/ExchangeAutoDiscover.sys.mjs:

- only Protocol Types IMAP, POP3 and SMTP (WEB, EXCH, EXPR, EXHTTP are Exchange's own
  protocols and are skipped, so is any other type);
- a Protocol without a usable Server or Port is skipped, as Thunderbird's throws there;
- `SSL off` or `Encryption None` is no encryption. Otherwise the response does not say
  implicit TLS or STARTTLS, and Thunderbird decides by the port: STARTTLS on 143, 110, 25
  and 587, implicit TLS on any other. So does this import, and the profile says so in a
  comment. Where Thunderbird lets `SSL off` win over an Encryption element, Microsoft's
  rule (Encryption overrides SSL) is followed;
- LoginName is the username; without one, the address (--address, else the response's
  AutoDiscoverSMTPAddress);
- `SPA on` is Microsoft's Secure Password Authentication (NTLM or Kerberos), which
  mailcheck does not speak: a password login is written, with a comment;
- `AuthRequired off` on SMTP: no login.

An error response or a redirect (Action redirectAddr / redirectUrl) is a one-line error:
the import reads a file and fetches nothing.
"""

from __future__ import annotations

import re

from mailcheck.importing.servers import (
    Address,
    Credentials,
    ImportFailure,
    Reading,
    Server,
    Sourced,
    expand,
    ssl_by_port,
)
from mailcheck.importing.xmlread import Element

KIND = "an Autodiscover response (POX)"
TYPES = {"IMAP": "imap", "POP3": "pop3", "SMTP": "smtp"}
USED = {"Type", "Server", "Port", "SSL", "Encryption", "LoginName", "SPA", "AuthRequired"}
IGNORED_QUIETLY = {"TTL", "DomainRequired", "DomainName", "UsePOPAuth", "SMTPLast"}
_PORT = re.compile(r"[0-9]{1,5}")


def read(root: Element, name: str, address: Address | None) -> Reading:
    response = root.first("Response")
    if response is None:
        raise ImportFailure("the <Autodiscover> has no <Response>")
    error = response.first("Error")
    if error is not None:
        code = error.first("ErrorCode")
        message = error.first("Message")
        said = " ".join(x for x in ((code.text if code else ""), (message.text if message else "")) if x)
        raise ImportFailure(f"the Autodiscover response is an error{': ' + said if said else ''}, not settings")
    account = response.first("Account")
    if account is None:
        raise ImportFailure("the Autodiscover <Response> has no <Account>")
    action = account.first("Action")
    if action is not None and action.text in ("redirectAddr", "redirectUrl"):
        target = account.first("RedirectAddr" if action.text == "redirectAddr" else "RedirectUrl")
        to = f" to {target.text}" if target is not None and target.text else ""
        raise ImportFailure(
            f"the Autodiscover response is a redirect{to} ({action.text}): import the response found there"
        )
    notes: list[str] = []
    user = response.first("User")
    listed = user.first("AutoDiscoverSMTPAddress") if user is not None else None
    if address is None and listed is not None and "@" in listed.text:
        address = Address(listed.text, "file")
        notes.append(f"The address is the response's <AutoDiscoverSMTPAddress> ({name}:{listed.line}).")
    elif (
        address is not None and address.given and listed is not None and listed.text and listed.text != address.address
    ):
        notes.append(
            f"The response is for {listed.text} (<AutoDiscoverSMTPAddress>); --address {address.address} is used."
        )
    servers: list[Server] = []
    for protocol in account.all("Protocol"):
        kind = protocol.first("Type")
        type_text = kind.text if kind is not None else ""
        where = f"{name}:{protocol.line} <Protocol> <Type>{type_text}</Type>"
        if type_text not in TYPES:
            notes.append(f"Skipped {where}: mailcheck reads IMAP, POP3 and SMTP.")
            continue
        server = _server(protocol, TYPES[type_text], where, name, address)
        if isinstance(server, str):
            notes.append(f"Skipped {where}: {server}.")
        else:
            servers.append(server)
    if address is None:
        if any(s.auth is not None and s.auth.username.value is None for s in servers):
            raise ImportFailure(
                "the response has no <LoginName> and no <AutoDiscoverSMTPAddress>: give --address you@your-domain"
            )
        address = Address("", "stand-in")
    for server in servers:
        if server.auth is not None and server.auth.username.value is None:
            server.auth.username.value = address.address
    label = address.address or "an account"
    return Reading(KIND, label, servers, address, notes)


def _server(protocol: Element, kind: str, where: str, name: str, address: Address | None) -> Server | str:
    server_element = protocol.first("Server")
    if server_element is None or not server_element.text:
        return "it has no <Server>"
    port_element = protocol.first("Port")
    if port_element is None or not _PORT.fullmatch(port_element.text) or not 1 <= int(port_element.text) <= 65535:
        return "it has no <Port> that is a port number (1-65535), and Thunderbird needs one"
    port = int(port_element.text)
    host_text = expand(server_element.text, address) if address else server_element.text
    host = Sourced(host_text, f"{name}:{server_element.line} <Server>")
    security = _security(protocol, port, name)
    server = Server(kind, where, host, Sourced(port, f"{name}:{port_element.line} <Port>"), security, None)
    required = protocol.first("AuthRequired")
    if kind == "smtp" and required is not None and required.text.lower() == "off":
        server.auth_notes.append(f"{name}:{required.line} <AuthRequired>off</AuthRequired>: no login, so no auth.")
    else:
        server.auth = Credentials("password", None, _auth_origin(protocol, name), _username(protocol, name, address))
        spa = protocol.first("SPA")
        if spa is not None and spa.text.lower() == "on":
            server.auth.notes.append(
                f"{name}:{spa.line} <SPA>on</SPA> asks for Secure Password Authentication (NTLM or Kerberos), "
                "which mailcheck does not speak: a password login is written; check that the server takes one."
            )
    unused = sorted({child.name for child in protocol.children} - USED - IGNORED_QUIETLY)
    if unused:
        server.notes.append("Not imported from this server: " + ", ".join(f"<{u}>" for u in unused) + ".")
    return server


def _security(protocol: Element, port: int, name: str) -> Sourced:
    encryption = protocol.first("Encryption")
    ssl = protocol.first("SSL")
    if encryption is not None and encryption.text:
        said, line = f"<Encryption>{encryption.text}</Encryption>", encryption.line
        plain = encryption.text.lower() == "none"
        if ssl is not None:
            said += " (it overrides <SSL>)"
    elif ssl is not None and ssl.text:
        said, line = f"<SSL>{ssl.text}</SSL>", ssl.line
        plain = ssl.text.lower() == "off"
    else:
        said, line = "no <SSL>: on, Microsoft's default", protocol.line
        plain = False
    origin = f"{name}:{line} {said}"
    if plain:
        return Sourced("none", origin + ": no encryption")
    mode = ssl_by_port(port)
    how = "STARTTLS" if mode == "starttls" else "implicit TLS"
    return Sourced(
        mode,
        origin,
        [
            f"{said.split(' (')[0]} does not say implicit TLS or STARTTLS: decided by the port as Thunderbird does "
            f"(STARTTLS on 143, 110, 25 and 587, implicit TLS on any other), so port {port} is {how}."
        ],
    )


def _auth_origin(protocol: Element, name: str) -> str:
    return f"{name}:{protocol.line} <Protocol>: a password login"


def _username(protocol: Element, name: str, address: Address | None) -> Sourced:
    login = protocol.first("LoginName")
    if login is not None and login.text:
        value = expand(login.text, address) if address else login.text
        return Sourced(value, f"{name}:{login.line} <LoginName>")
    if address is None:
        return Sourced(None, f"{name}:{protocol.line} no <LoginName>: the address")
    return Sourced(address.address, f"{name}:{protocol.line} no <LoginName>: the address, as Thunderbird assumes")
