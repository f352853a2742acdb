"""Jakarta Mail (JavaMail, Angus Mail): what the `mail.smtp.*` / `mail.smtps.*` session properties mean.

Apps on the JVM (Keycloak, Spring Boot) hand a `java.util.Properties` to `jakarta.mail.Session`
and let the SMTP provider read it. This module is the one place that says how the provider
reads them, for every adapter that builds such a session. Sources, eclipse-ee4j/angus-mail at
eca8e08baa56a83ab68ae3faaca25d8ca3c0e5ee (2025-09-19), cited as [A]:

- providers/smtp/src/main/java/org/eclipse/angus/mail/smtp/SMTPTransport.java:
  - every property is read as "mail." + name + "...", where name is the transport's protocol
    ("smtp", or "smtps" for SMTPSSLTransport, SMTPSSLTransport.java L38): L106, L207-208,
    L230-235, L680-681, L711-712. Properties of the other protocol's namespace are never read;
  - `ssl.enable` (or the smtps protocol) means implicit TLS, and the default port is then 465,
    else 25 (L206-213);
  - `starttls.enable` or `starttls.required` sends STARTTLS when the server offers it; only
    `starttls.required` fails when it does not ("STARTTLS is required but host does not
    support STARTTLS"), otherwise the session goes on in plaintext (L737-753); on an SSL
    socket STARTTLS is skipped ("STARTTLS requested but already using SSL", L738-739), so
    `ssl.enable` wins over `starttls.*`;
  - `auth` true without a user or a password makes connect fail (L689-699); a user and a
    password log in whether `auth` is set or not, when the server offers AUTH (L761-763);
  - the port is connect's, else `mail.<protocol>.port`, else the default (L710-714); the host
    defaults to localhost (L717-718);
- providers/smtp/src/main/java/org/eclipse/angus/mail/smtp/package-info.java: the property
  table (L174-L760): `starttls.enable` "If the server does not support STARTTLS, the connection
  continues without the use of TLS" (L701-715), `starttls.required` (L718-726), `ssl.enable`
  (L577-583), `ssl.checkserveridentity` "Defaults to true" (L586-597), `ssl.trust` "If set to
  "*", all hosts are trusted" (L637-646), `mail.smtp.port` "Defaults to 25" (L195-199);
- core/src/main/java/org/eclipse/angus/mail/util/PropUtil.java: a boolean whose default is
  false is true only for "true" in any case, one whose default is true is false only for
  "false" (L177-193); an int that does not parse falls back to the default (L151-166);
- core/src/main/java/org/eclipse/angus/mail/util/SocketFetcher.java: `ssl.trust` "*" trusts
  every certificate, a list of hosts trusts those hosts' certificates whatever they are
  (L383-390); `ssl.checkserveridentity` (default true) turns on the LDAPS endpoint
  identification, i.e. the certificate must name the host (L636-641);
- commit 6ea88521978dc7870f2a50a6098b7f96ea824f17 "Check server identity by default"
  (2022-03-14, first in Angus Mail 1.1.0, doc/src/main/resources/docs/CHANGES.txt L60-62):
  before it (JavaMail 1.x, com.sun.mail Jakarta Mail 1.6/2.0, Angus Mail 1.0) the default
  was false, so an older provider checks the chain but not the name unless the app sets
  `checkserveridentity` itself. mailcheck cannot see the provider's version in a config
  file, so it does not report the default; `checkserveridentity` false, `ssl.trust` "*" and
  a trust list naming the host are certificate checks turned off (tls.verify false, MC206).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mailcheck.loader import LoadProblem
from mailcheck.sources.base import Binding, note

TRANSPORTS = {"smtp": False, "smtps": True}  # protocol -> implicit TLS ([A] SMTPSSLTransport.java L38)
DEFAULT_PORT = {False: 25, True: 465}  # [A] SMTPTransport.java L206-213
SSL_SOCKET_FACTORY = "javax.net.ssl.SSLSocketFactory"
# the SMTP provider's own properties, as [A] package-info.java lists them, and those SocketFetcher
# reads (socketFactory.*), without the "mail.<protocol>." prefix: a name close to one of them
# that is not one is a typo the provider ignores
KNOWN = frozenset(
    [
        "user",
        "host",
        "port",
        "connectiontimeout",
        "timeout",
        "writetimeout",
        "executor.writetimeout",
        "from",
        "localhost",
        "localaddress",
        "localport",
        "ehlo",
        "auth",
        "auth.mechanisms",
        "auth.login.disable",
        "auth.plain.disable",
        "auth.digest-md5.disable",
        "auth.ntlm.disable",
        "auth.ntlm.domain",
        "auth.ntlm.flags",
        "auth.ntlm.unicode",
        "auth.ntlm.lmcompat",
        "auth.ntlm.v2",
        "auth.xoauth2.disable",
        "submitter",
        "dsn.notify",
        "dsn.ret",
        "allow8bitmime",
        "sendpartial",
        "sasl.enable",
        "sasl.mechanisms",
        "sasl.authorizationid",
        "sasl.realm",
        "saslrealm",
        "sasl.usecanonicalhostname",
        "quitwait",
        "quitonsessionreject",
        "reportsuccess",
        "ssl.enable",
        "ssl.checkserveridentity",
        "ssl.hostnameverifier",
        "ssl.hostnameverifier.class",
        "ssl.trust",
        "ssl.protocols",
        "ssl.ciphersuites",
        "ssl.socketFactory",
        "ssl.socketFactory.class",
        "ssl.socketFactory.port",
        "socketFactory",
        "socketFactory.class",
        "socketFactory.fallback",
        "socketFactory.port",
        "starttls.enable",
        "starttls.required",
        "proxy.host",
        "proxy.port",
        "proxy.user",
        "proxy.password",
        "socks.host",
        "socks.port",
        "mailextension",
        "userset",
        "noop.strict",
        "chunksize",
    ]
)
_BOOLEANS = {  # the switches mailcheck reads, with the provider's default
    "ssl.enable": False,
    "starttls.enable": False,
    "starttls.required": False,
    "auth": False,
    "ssl.checkserveridentity": True,
}


@dataclass
class Session:
    """What a Jakarta Mail SMTP session connects with, and which property said so."""

    protocol: str
    security: str = "none"  # the profile format's: tls | starttls | opportunistic | none
    security_at: Binding | None = None
    default_port: int = 25
    port: int | None = None  # mail.<protocol>.port, when it is a number
    port_at: Binding | None = None
    verify: bool | None = None  # False: certificate checks turned off; None: the provider's default
    verify_at: Binding | None = None
    auth: bool = False  # mail.<protocol>.auth
    auth_at: Binding | None = None
    sender: Binding | None = None  # mail.<protocol>.from, or mail.from
    notes: list[LoadProblem] = field(default_factory=list)


def is_true(value: str) -> bool:
    """A boolean property whose default is false ([A] PropUtil.java L185-188)."""
    return value.lower() == "true"


def session(
    protocol: str,
    properties: Mapping[str, Binding],
    *,
    host: str | None,
    spelt: Callable[[str], str],
    path: tuple[str, ...],
    app: str,
    implicit: bool = False,
) -> Session:
    """The session `properties` (Jakarta Mail property name -> its setting) configure for the
    transport `protocol`; `implicit` when the app turns implicit TLS on itself. `spelt` writes
    a property name as the app's file sets it (for hints), `path` is the profile's data path
    for notes, `app` the app's name for messages."""
    result = Session(protocol)
    implicit = implicit or TRANSPORTS.get(protocol, False)
    prefix = f"mail.{protocol}."
    own = {name[len(prefix) :]: binding for name, binding in properties.items() if name.startswith(prefix)}
    _other_namespaces(properties, protocol, spelt, path, app, result)
    _typos(own, prefix, spelt, path, result)
    flags = {
        name: _flag(own.get(name), default, spelt(prefix + name), path, result) for name, default in _BOOLEANS.items()
    }
    ssl_at = own.get("ssl.enable") if flags["ssl.enable"] else None
    factory = own.get("socketFactory.class")
    if not implicit and ssl_at is None and factory is not None and factory.value.strip() == SSL_SOCKET_FACTORY:
        ssl_at = factory  # SocketFetcher builds the socket with it: TLS from the first byte
    tls = implicit or ssl_at is not None
    result.default_port = DEFAULT_PORT[tls]
    starttls_at = own.get("starttls.required") if flags["starttls.required"] else None
    opportunistic_at = own.get("starttls.enable") if flags["starttls.enable"] else None
    if tls:
        result.security, result.security_at = "tls", ssl_at
        switch = starttls_at or opportunistic_at
        if switch is not None:
            result.notes.append(
                note(
                    "MC601",
                    switch,
                    f"{spelt(prefix + 'starttls.' + ('required' if starttls_at else 'enable'))} is on together with "
                    "implicit TLS: Jakarta Mail connects with TLS and skips STARTTLS "
                    '("STARTTLS requested but already using SSL")',
                    f"keep one: implicit TLS on port 465, or remove {spelt(prefix + 'ssl.enable')} and set "
                    f"{spelt(prefix + 'starttls.required')}=true for STARTTLS on port 587",
                    path + ("security",),
                )
            )
    elif starttls_at is not None:
        result.security, result.security_at = "starttls", starttls_at
    elif opportunistic_at is not None:
        result.security, result.security_at = "opportunistic", opportunistic_at
    else:
        result.security_at = own.get("starttls.enable") or own.get("starttls.required") or own.get("ssl.enable")
    _port(own.get("port"), prefix, spelt, path, app, result)
    _verify(own, flags, host, result)
    auth = own.get("auth")
    result.auth, result.auth_at = flags["auth"], auth
    result.sender = own.get("from") or properties.get("mail.from")
    return result


def _flag(binding: Binding | None, default: bool, label: str, path: tuple[str, ...], s: Session) -> bool:
    """A boolean property as PropUtil reads it; a value that is neither true nor false is noted."""
    if binding is None:
        return default
    value = binding.value
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    means = "true" if default else "false"
    s.notes.append(
        note(
            "MC602",
            binding,
            f"{label} is `{value}`: Jakarta Mail reads only true or false (in any case), "
            f"and takes anything else as {means}",
            f"write {label}={'false' if default else 'true'} (or remove it for the default, {means})",
            path,
        )
    )
    return default


def _other_namespaces(
    properties: Mapping[str, Binding],
    protocol: str,
    spelt: Callable[[str], str],
    path: tuple[str, ...],
    app: str,
    s: Session,
) -> None:
    """Properties of the other SMTP transport's namespace: never read ([A] SMTPTransport.java L106, L207)."""
    for other in TRANSPORTS:
        if other == protocol:
            continue
        for name, binding in properties.items():
            if not name.startswith(f"mail.{other}."):
                continue
            rest = name[len(f"mail.{other}.") :]
            s.notes.append(
                note(
                    "MC602",
                    binding.key_mark,
                    f"{spelt(name)} is ignored: {app} sends with the {protocol} transport, which reads only "
                    f"mail.{protocol}.* properties",
                    f"write {spelt(f'mail.{protocol}.{rest}')}" + (f" (or set the protocol to {other})"),
                    path,
                )
            )


def _typos(
    own: Mapping[str, Binding], prefix: str, spelt: Callable[[str], str], path: tuple[str, ...], s: Session
) -> None:
    for rest, binding in own.items():
        if rest in KNOWN:
            continue
        close = difflib.get_close_matches(rest, KNOWN, n=1, cutoff=0.85)
        if close:
            s.notes.append(
                note(
                    "MC602",
                    binding.key_mark,
                    f"{spelt(prefix + rest)} is not a property Jakarta Mail has: it ignores it",
                    f"write {spelt(prefix + close[0])}",
                    path,
                )
            )


def _port(
    binding: Binding | None,
    prefix: str,
    spelt: Callable[[str], str],
    path: tuple[str, ...],
    app: str,
    s: Session,
) -> None:
    if binding is None:
        return
    text = binding.value
    # Integer.parseInt, after PropUtil's "0x" prefix ([A] PropUtil.java L154-160)
    digits = re.fullmatch(r"0x([+-]?[0-9A-Fa-f]+)|([+-]?[0-9]+)", text)
    number = None if digits is None else int(digits[1], 16) if digits[1] else int(digits[2])
    if number is None:
        s.notes.append(
            note(
                "MC602",
                binding,
                f"{spelt(prefix + 'port')} `{text}` is not a number: Jakarta Mail ignores it and {app} connects "
                f"to port {s.default_port}",
                f"write {spelt(prefix + 'port')}=587 (or 465 with implicit TLS)",
                path + ("port",),
            )
        )
        return
    s.port, s.port_at = number, binding


def _verify(own: Mapping[str, Binding], flags: Mapping[str, bool], host: str | None, s: Session) -> None:
    """Certificate checks turned off: `ssl.trust` "*" or naming the host, `checkserveridentity` false."""
    trust = own.get("ssl.trust")
    if trust is not None:
        trusted = trust.value.split()
        if trust.value.strip() == "*" or (host is not None and host.lower() in (t.lower() for t in trusted)):
            s.verify, s.verify_at = False, trust
            return
    identity = own.get("ssl.checkserveridentity")
    if identity is not None and not flags["ssl.checkserveridentity"]:
        s.verify, s.verify_at = False, identity


# --- what both JVM adapters read alike ---------------------------------------------------------

_PLACEHOLDER = re.compile(r"\$\{([^{}:]+)(?::([^{}]*))?\}")


@dataclass(frozen=True)
class Placeholder:
    """A value that is one `${NAME}` or `${NAME:default}` placeholder as a whole (Spring's
    PropertyPlaceholderHelper, Keycloak's StringPropertyReplacer: the default after the first
    `:` is used when NAME is not set)."""

    name: str
    default: str | None
    default_at: int  # the default's offset in the value, when there is one


def placeholder(value: str) -> Placeholder | None:
    whole = _PLACEHOLDER.fullmatch(value.strip())
    if whole is None:
        return None
    offset = len(value) - len(value.lstrip())
    return Placeholder(whole[1].strip(), whole[2], offset + whole.start(2) if whole[2] is not None else -1)


def has_placeholder(value: str) -> bool:
    """Whether any part of the value is read when the app starts (`smtp.${DOMAIN}`)."""
    return "${" in value


def resolved(value: str) -> str | None:
    """The value the app uses as far as the file tells: a placeholder's default, the value
    itself when it has none; None when only the environment can tell."""
    whole = placeholder(value)
    if whole is not None:
        return whole.default
    return None if has_placeholder(value) else value
