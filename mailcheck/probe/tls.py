"""TLS for the probe: client contexts from the profile, what a failed handshake means,
and the facts of a verified one (version, cipher, certificate, days left).

Building a context is blocking work: loading the system trust store or a CA bundle takes
tens of milliseconds of CPU. Done on the event loop for every handshake, 300 profiles
stalled each other past their deadlines (false MC518). So the contexts of a run
(TlsContexts) are built once per distinct setting, in a thread, and shared.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import ssl
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mailcheck.hosts import ascii_host
from mailcheck.outcome import Outcome
from mailcheck.probe.localfile import FileRefused, read_regular_file
from mailcheck.probe.offloop import in_thread
from mailcheck.probe.wire import Deadline
from mailcheck.profile import ProfileView
from mailcheck.protocols import TLS_VERSIONS
from mailcheck.rules import mc507_certificate_untrusted as mc507
from mailcheck.rules import mc509_certificate_expired as mc509

# ssl.TLSVersion names its members as OpenSSL names the versions, with "_" for ".".
VERSIONS: dict[str, ssl.TLSVersion] = {v.name: ssl.TLSVersion[v.negotiated.replace(".", "_")] for v in TLS_VERSIONS}
_NAMES = {v.negotiated: v.name for v in TLS_VERSIONS}

# OpenSSL verify codes (x509_vfy.h) with an outcome of their own; every other one is MC507.
EXPIRED_CODES = frozenset({9, 10})  # not yet valid, expired
NAME_CODES = frozenset({62, 64})  # hostname mismatch, IP address mismatch

# Handshake failures that mean "no TLS version in common" (OpenSSL reason names).
_VERSION_REASONS = frozenset(
    {"UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_PROTOCOLS_AVAILABLE", "WRONG_SSL_VERSION"}
)

MAX_CA_FILE_BYTES = 8 * 1024 * 1024  # the Mozilla bundle is about 220 KiB
# The certificates of a PEM bundle; what lies between them (comments, often UTF-8, as in
# certifi's bundle) is left out, since `cadata` takes ASCII PEM only.
_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")


@dataclass(frozen=True)
class TlsSettings:
    """The profile's TLS settings, resolved once: what every handshake of the probe uses."""

    verify: bool
    min_version: str
    server_name: str  # the ASCII form (A-labels): what SNI carries and the certificate must match
    ca_file: str | None  # as written, for messages
    ca_path: Path | None

    @classmethod
    def of(cls, profile: ProfileView, base_dir: Path) -> TlsSettings:
        ca_file = profile.setting("tls", "ca_file")
        name = profile.setting("tls", "server_name") or profile.host
        return cls(
            verify=bool(profile.setting("tls", "verify")),
            min_version=str(profile.setting("tls", "min_version")),
            server_name=ascii_host(name) or name,
            ca_file=ca_file,
            ca_path=base_dir / ca_file if ca_file else None,
        )


@dataclass(frozen=True)
class _ContextKey:
    """What makes two client contexts differ (the server name does not: it goes per handshake)."""

    verify: bool
    min_version: str
    ca_path: Path | None
    check_name: bool


class CaFileProblem(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TlsContexts:
    """The client contexts of one run: each built the first time a probe needs it, in a
    thread (so no probe's deadline pays for another's trust store), and shared after."""

    def __init__(self) -> None:
        self._built: dict[_ContextKey, asyncio.Future[ssl.SSLContext]] = {}

    async def client(self, settings: TlsSettings, deadline: Deadline, *, check_name: bool = True) -> ssl.SSLContext:
        """The context the profile asks for; `check_name=False` only to list a certificate's names.
        Raises the MC507 outcome for a CA file that cannot be used, WireTimeout past the deadline."""
        key = _ContextKey(
            settings.verify,
            settings.min_version,
            Path(os.path.abspath(settings.ca_path)) if settings.verify and settings.ca_path else None,  # no disk access
            check_name and settings.verify,
        )
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = in_thread(lambda: _build(key), "tls-context")
        try:
            return await deadline.within(asyncio.shield(built))  # one probe's timeout must not cancel the others'
        except CaFileProblem as err:
            raise mc507.unreadable_ca_file(settings.ca_file or "", err.reason) from None


def _build(key: _ContextKey) -> ssl.SSLContext:
    """Blocking: run off the event loop."""
    if not key.verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif key.ca_path is not None:
        pem = _ca_certificates(key.ca_path)
        try:
            context = ssl.create_default_context(cadata=pem)
        except ssl.SSLError as err:
            raise CaFileProblem(_reason(err)) from None
    else:
        context = ssl.create_default_context()
    context.check_hostname = context.check_hostname and key.check_name
    _set_minimum(context, key.min_version)
    return context


def _ca_certificates(path: Path) -> str:
    """The PEM certificates of a CA file, read as a regular file of bounded size (a FIFO
    named here must not hang the run), for load_verify_locations(cadata=...)."""
    try:
        data = read_regular_file(path, MAX_CA_FILE_BYTES)
    except FileRefused as err:
        raise CaFileProblem(f"it {err}") from None
    certificates = _PEM_CERTIFICATE.findall(data)
    if not certificates:
        raise CaFileProblem("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    return b"\n".join(certificates).decode("ascii")


@lru_cache(maxsize=1)
def detection_context() -> ssl.SSLContext:
    """Accepts any certificate and any version: to learn what a port speaks, never to log in.
    Built once: it has no settings, and loads no certificates."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    _set_minimum(context, TLS_VERSIONS[0].name)  # the oldest a profile may ask for
    return context


def _set_minimum(context: ssl.SSLContext, version: str) -> None:
    with warnings.catch_warnings():  # TLS 1.0/1.1 are deprecated: asked for explicitly here
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = VERSIONS[version]
    if VERSIONS[version] < ssl.TLSVersion.TLSv1_2:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 refuses TLS < 1.2 at level 1


def version_name(protocol: str | None) -> str | None:
    """ "TLSv1.3" -> "1.3"."""
    return _NAMES.get(protocol or "")


def is_version_failure(err: BaseException) -> bool:
    return isinstance(err, ssl.SSLError) and getattr(err, "reason", None) in _VERSION_REASONS


def chain_outcome(err: ssl.SSLCertVerificationError, settings: TlsSettings) -> Outcome | None:
    """MC507 or MC509 for a failed verification; None for a name mismatch (MC508, which
    needs a second look at the certificate)."""
    code = err.verify_code
    if code in NAME_CODES:
        return None
    if code in EXPIRED_CODES:
        return mc509.outcome(code, err.verify_message)
    return mc507.outcome(code, err.verify_message, settings.ca_file)


def describe_error(err: BaseException) -> str:
    if isinstance(err, ssl.SSLError):
        return _reason(err)
    if isinstance(err, ConnectionError):
        return "the server closed the connection during the handshake"
    return str(err) or type(err).__name__


def _reason(err: BaseException) -> str:
    if isinstance(err, ssl.SSLError) and err.reason:
        return f"[SSL: {err.reason}]"
    return getattr(err, "strerror", None) or str(err)


@dataclass(frozen=True)
class Certificate:
    subject: str
    issuer: str
    not_after: str  # ISO 8601, UTC
    days_left: int
    names: tuple[str, ...]  # DNS names and IP addresses it is valid for


@dataclass(frozen=True)
class TlsFacts:
    version: str  # "1.3"
    cipher: str
    certificate: Certificate | None  # None when verification is off (the peer's certificate is not decoded)


def facts(tls: ssl.SSLObject, now: float | None = None) -> TlsFacts:
    cipher = tls.cipher()
    return TlsFacts(
        version=version_name(tls.version()) or str(tls.version()),
        cipher=cipher[0] if cipher else "",
        certificate=certificate(tls.getpeercert(), time.time() if now is None else now),
    )


def certificate(peer: dict[str, Any] | None, now: float) -> Certificate | None:
    if not peer or "notAfter" not in peer:
        return None
    expires = ssl.cert_time_to_seconds(peer["notAfter"])
    return Certificate(
        subject=_distinguished_name(peer.get("subject", ())),
        issuer=_distinguished_name(peer.get("issuer", ())),
        not_after=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires)),
        days_left=math.floor((expires - now) / 86400),
        names=tuple(value.strip() for kind, value in peer.get("subjectAltName", ()) if kind in ("DNS", "IP Address")),
    )


def _distinguished_name(rdns: tuple[Any, ...]) -> str:
    return ", ".join(f"{key}={value}" for rdn in rdns for key, value in rdn)
