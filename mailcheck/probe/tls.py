"""TLS for the probe: client contexts from the profile, what a failed handshake means,
and the facts of a verified one (version, cipher, certificate, days left)."""

from __future__ import annotations

import math
import ssl
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from mailcheck.probe.outcome import Outcome
from mailcheck.profile import ProfileView
from mailcheck.rules import mc507_certificate_untrusted as mc507
from mailcheck.rules import mc509_certificate_expired as mc509

VERSIONS: dict[str, ssl.TLSVersion] = {
    "1.0": ssl.TLSVersion.TLSv1,
    "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}
_NAMES = {"TLSv1": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2", "TLSv1.3": "1.3"}

# OpenSSL verify codes (x509_vfy.h) with an outcome of their own; every other one is MC507.
EXPIRED_CODES = frozenset({9, 10})  # not yet valid, expired
NAME_CODES = frozenset({62, 64})  # hostname mismatch, IP address mismatch

# Handshake failures that mean "no TLS version in common" (OpenSSL reason names).
_VERSION_REASONS = frozenset(
    {"UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_PROTOCOLS_AVAILABLE", "WRONG_SSL_VERSION"}
)


@dataclass(frozen=True)
class TlsSettings:
    """The profile's TLS settings, resolved once: what every handshake of the probe uses."""

    verify: bool
    min_version: str
    server_name: str
    ca_file: str | None  # as written, for messages
    ca_path: Path | None

    @classmethod
    def of(cls, profile: ProfileView, base_dir: Path) -> TlsSettings:
        ca_file = profile.setting("tls", "ca_file")
        return cls(
            verify=bool(profile.setting("tls", "verify")),
            min_version=str(profile.setting("tls", "min_version")),
            server_name=profile.setting("tls", "server_name") or profile.host,
            ca_file=ca_file,
            ca_path=base_dir / ca_file if ca_file else None,
        )


def client_context(settings: TlsSettings, *, check_name: bool = True) -> ssl.SSLContext:
    """The context the profile asks for; `check_name=False` only to list a certificate's names."""
    try:
        context = ssl.create_default_context(cafile=str(settings.ca_path) if settings.ca_path else None)
    except (OSError, ssl.SSLError) as err:
        raise mc507.unreadable_ca_file(settings.ca_file or "", _reason(err)) from None
    if not settings.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.check_hostname = context.check_hostname and check_name
    _set_minimum(context, settings.min_version)
    return context


def detection_context() -> ssl.SSLContext:
    """Accepts any certificate and any version: to learn what a port speaks, never to log in."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    _set_minimum(context, "1.0")
    return context


def _set_minimum(context: ssl.SSLContext, version: str) -> None:
    with warnings.catch_warnings():  # TLS 1.0/1.1 are deprecated: asked for explicitly here
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = VERSIONS[version]
    if VERSIONS[version] < ssl.TLSVersion.TLSv1_2:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 refuses TLS < 1.2 at level 1


def version_name(protocol: str | None) -> str | None:
    """"TLSv1.3" -> "1.3"."""
    return _NAMES.get(protocol or "")


def is_version_failure(err: BaseException) -> bool:
    return isinstance(err, ssl.SSLError) and getattr(err, "reason", None) in _VERSION_REASONS


def is_plaintext_answer(err: BaseException) -> bool:
    """The server's first bytes were not a TLS record: it spoke something else first."""
    return isinstance(err, ssl.SSLError) and getattr(err, "reason", None) in {
        "WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE", "HTTP_REQUEST", "HTTPS_PROXY_REQUEST"
    }


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


def certificate(peer: dict | None, now: float) -> Certificate | None:
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


def _distinguished_name(rdns: tuple) -> str:
    return ", ".join(f"{key}={value}" for rdn in rdns for key, value in rdn)
