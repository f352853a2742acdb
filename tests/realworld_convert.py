"""Turn published provider settings into mailcheck profiles, to lint real-world data.

Used by tests/test_realworld.py (on a small committed sample) and by
benchmarks/realworld_scan.py (on the whole data set). Not part of mailcheck: the
converter is deliberately literal, so that what the linter reports is what the provider
published, mistakes included.

Two sources, one JSON object per line:
- Thunderbird ISPDB (autoconfig) servers: `protocol`, `hostname`, `port`, `socketType`
  (SSL | STARTTLS | plain), `authentication` (password-cleartext, password-encrypted,
  OAuth2, none; in the client's order of preference) and `username` (a placeholder).
- nodemailer's well-known services: SMTP `host`, `port`, `secure` (the effective value;
  true means implicit TLS), `ignoreTLS`, `authMethod`.

What is copied verbatim: protocol, host (placeholders such as `mail.%EMAILDOMAIN%`
included: a profile in git holding one is a mistake), port, security, username. What the
converter adds because the sources do not say it and the format needs it: the secret as
an environment reference (never a value), and for SMTP the account's address as sender.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

MAIL_PROTOCOLS = ("smtp", "imap", "pop3")
# ISPDB socketType -> mailcheck security (README of the data set)
SOCKET_TYPES = {"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
# ISPDB authentication -> mailcheck SASL mechanism
ISPDB_MECHANISMS = {"password-cleartext": "plain", "password-encrypted": "cram-md5", "OAuth2": "xoauth2"}
NODEMAILER_MECHANISMS = {"PLAIN": "plain", "LOGIN": "login", "CRAM-MD5": "cram-md5", "XOAUTH2": "xoauth2"}
NODEMAILER_DEFAULT_HOST = "localhost"  # what nodemailer connects to when a preset names no host
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

Profile = dict[str, Any]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def entry_key(entry: dict[str, Any]) -> str:
    """A stable, readable name for one entry, usable as a profile name."""
    if entry["source"] == "ispdb":
        raw = f"{Path(entry['file']).stem}-{entry['protocol']}-{entry['order']}"
    else:
        raw = f"nodemailer-{entry['name']}"
    return _NAME_UNSAFE.sub("-", raw).strip("-._")[:64]


def to_profile(entry: dict[str, Any]) -> Profile | None:
    """The mailcheck profile for one entry, or None when it is not SMTP, IMAP or POP3
    (ISPDB also lists Exchange, EWS, OWA and Graph endpoints)."""
    if entry["source"] == "ispdb":
        return _from_ispdb(entry)
    if entry["source"] == "nodemailer":
        return _from_nodemailer(entry)
    raise ValueError(f"unknown source {entry['source']!r}")


def _from_ispdb(entry: dict[str, Any]) -> Profile | None:
    protocol = entry["protocol"]
    if protocol not in MAIL_PROTOCOLS:
        return None
    profile: Profile = {
        "description": f"{entry['displayName']} ({entry['file']})",
        "protocol": protocol,
        "host": entry["hostname"],
        "port": entry["port"],
        "security": SOCKET_TYPES[entry["socketType"]],
    }
    methods = [m for m in entry["authentication"] if m != "none"]
    if methods:
        # the first method listed is the one the client tries first
        profile["auth"] = _auth(entry["username"], ISPDB_MECHANISMS.get(methods[0], "auto"))
    if protocol == "smtp":
        profile["from"] = {"address": _account_address(entry.get("domains", []))}
    return profile


def _from_nodemailer(entry: dict[str, Any]) -> Profile:
    if entry.get("secure"):
        security = "tls"
    elif entry.get("ignoreTLS"):
        security = "none"
    else:
        # nodemailer upgrades when offered; mailcheck's closest mode is required STARTTLS
        security = "starttls"
    profile: Profile = {
        "description": entry["description"],
        "protocol": "smtp",
        "host": entry["host"] if entry["host"] is not None else NODEMAILER_DEFAULT_HOST,
        "security": security,
    }
    # keep a port written as a JSON string as it is written: that is a real mistake
    port = entry.get("port_raw", entry["port"])
    if port is not None:
        profile["port"] = port
    address = _account_address(entry.get("domains", []))
    mechanism = NODEMAILER_MECHANISMS.get(str(entry.get("authMethod", "")).upper(), "auto")
    profile["auth"] = _auth(address, mechanism)
    profile["from"] = {"address": address}
    return profile


def _auth(username: str | None, mechanism: str) -> dict[str, Any]:
    auth: dict[str, Any] = {}
    if username is not None:
        auth["username"] = username
    if mechanism != "auto":
        auth["mechanism"] = mechanism
    if mechanism == "xoauth2":
        auth["token"] = {"env": "MAIL_OAUTH_TOKEN"}
    else:
        auth["password"] = {"env": "MAIL_PASSWORD"}
    return auth


def _account_address(domains: Iterable[str]) -> str:
    """The sender an account at this provider would use."""
    return f"user@{next(iter(domains), 'example.com')}"


def profile_file(profiles: dict[str, Profile]) -> str:
    """A profile file's text. JSON is YAML 1.2, and json.dumps quotes every string safely."""
    return json.dumps({"version": 1, "profiles": profiles}, indent=2, ensure_ascii=False) + "\n"


def convert(entries: Iterable[dict[str, Any]]) -> Iterator[tuple[str, Profile | None]]:
    """(name, profile or None) for each entry, names made unique."""
    seen: dict[str, int] = {}
    for entry in entries:
        name = entry_key(entry)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:  # a later data set may repeat an entry; keep both, named apart
            name = f"{name[:60]}-{seen[name]}"
        yield name, to_profile(entry)
