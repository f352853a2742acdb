#!/usr/bin/env python3
"""Build mailcheck's offline provider knowledge from Thunderbird's ISPDB and nodemailer's presets.

    python scripts/build_providers.py \\
        --ispdb PATH/TO/autoconfig/ispdb --ispdb-commit SHA \\
        --services PATH/TO/nodemailer/lib/well-known/services.json --nodemailer-commit SHA \\
        [--out mailcheck/providers]

Reads the upstream files themselves (the ISPDB's clientConfig v1.1 XML files, nodemailer's
services.json), never a copy of them at run time: mailcheck reads only what this writes.

Writes two files into --out:
- `data.json`: the sources (repository, commit, licence), every provider with its domains,
  MX domains, SMTP/IMAP/POP3 servers (each with its source) and where the sources disagree,
  and indexes by domain, MX domain and literal server hostname;
- `names.txt`: every name the indexes hold, one per line, so `mailcheck check` can tell
  cheaply whether a profile needs the full index at all (README, Speed).

Where the two sources disagree both are kept: a nodemailer preset whose host is an ISPDB
server joins that ISPDB provider as a server of source `nodemailer`; a domain nodemailer
gives a provider that the ISPDB gives another is indexed to both, the ISPDB's first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMAT = 1
MAIL_PROTOCOLS = ("smtp", "imap", "pop3")
SOCKET_TYPES = {"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
PLACEHOLDERS = ("%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%")
NODEMAILER_DEFAULT_PORTS = {True: 465, False: 587}  # nodemailer's fallback without `port`


def _text(node: ET.Element | None) -> str | None:
    if node is None or node.text is None:
        return None
    return node.text.strip() or None


def _fix_placeholder(value: str | None, notes: list[str]) -> str | None:
    """`%EMAILADDRESS` (a missing closing `%`, as some ISPDB files write it) as meant."""
    if value is None:
        return None
    for placeholder in PLACEHOLDERS:
        bare = placeholder[:-1]
        if bare in value and placeholder not in value:
            notes.append(f"malformed placeholder {bare!r} read as {placeholder}")
            value = value.replace(bare, placeholder)
    return value


def _host(name: str) -> str:
    """A hostname in lower case, its placeholders (`%EMAILDOMAIN%`) as the sources write them."""
    return "".join(part if part in PLACEHOLDERS else part.lower() for part in re.split(r"(%[A-Z]+%)", name))


def read_ispdb_file(path: Path) -> dict[str, Any] | None:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(path, parser).getroot()
    provider = root.find("emailProvider")
    if provider is None:
        return None
    domains: list[str] = []
    mx: list[str] = []
    in_mx = False
    for child in provider:
        if child.tag is ET.Comment:  # `<!-- MX -->` heads the MX domains that follow it
            in_mx = re.search(r"\bMX\b", child.text or "") is not None
        elif child.tag == "domain" and (domain := _text(child)):
            domains.append(domain.lower())  # Thunderbird looks every <domain> up alike
            if in_mx:
                mx.append(domain.lower())
    servers = []
    for kind in ("incomingServer", "outgoingServer"):
        for order, node in enumerate(provider.findall(kind)):
            protocol = node.get("type")
            if protocol not in MAIL_PROTOCOLS:
                continue  # Exchange, EWS, OWA and Graph endpoints: not what profiles hold
            notes: list[str] = []
            hostname = _text(node.find("hostname"))
            port = _text(node.find("port"))
            socket_type = _text(node.find("socketType"))
            if hostname is None or port is None or socket_type not in SOCKET_TYPES:
                continue
            username = _fix_placeholder(_text(node.find("username")), notes)
            if username is None:
                notes.append("no <username>")
            servers.append(
                {
                    "protocol": protocol,
                    "host": _host(hostname),
                    "port": int(port),
                    "security": SOCKET_TYPES[socket_type],
                    "username": username,
                    "auth": [a for n in node.findall("authentication") if (a := _text(n))],
                    "source": "ispdb",
                    "order": order,
                    **({"notes": notes} if notes else {}),
                }
            )
    result: dict[str, Any] = {
        "ispdb_id": provider.get("id") or path.stem,
        "name": _text(provider.find("displayName")) or provider.get("id") or path.stem,
        "sources": ["ispdb"],
        "file": f"ispdb/{path.name}",
        "domains": domains,
        "mx": mx,
        "servers": servers,
    }
    docs = [d.get("url") for d in provider.findall("documentation") if d.get("url")]
    if docs:
        result["documentation"] = docs
    enable = provider.find("enable")
    if enable is None:
        enable = root.find("enable")
    if enable is not None:
        english = [n for n in enable.findall("instruction") if n.get("lang") in (None, "en", "en-US")]
        result["enable"] = {"url": enable.get("visiturl"), "instruction": _text(english[0]) if english else None}
    return result


def nodemailer_server(name: str, entry: dict[str, Any]) -> dict[str, Any] | None:
    host = entry.get("host")
    if not host:
        return None
    notes: list[str] = []
    port = entry.get("port")
    if isinstance(port, str):
        notes.append(f"port written as the JSON string {port!r}")
        port = int(port)
    secure = entry.get("secure")
    if port is None:
        port = NODEMAILER_DEFAULT_PORTS[bool(secure)]
        notes.append(f"no port: nodemailer falls back to {port}")
    if secure is None and port == 465:
        secure = True
        notes.append("port 465 without `secure`: nodemailer turns implicit TLS on itself")
    if secure:
        security = "tls"
    elif entry.get("ignoreTLS"):
        security = "none"
        notes.append("ignoreTLS: never upgrades")
    else:
        security = "starttls"
        if not entry.get("requireTLS"):
            # the server offers STARTTLS; the preset only does not insist on it
            notes.append("no requireTLS: nodemailer upgrades only when offered (opportunistic)")
    server: dict[str, Any] = {
        "protocol": "smtp",
        "host": _host(str(host)),
        "port": port,
        "security": security,
        "username": None,
        "auth": [entry["authMethod"]] if entry.get("authMethod") else [],
        "source": "nodemailer",
        "preset": name,
    }
    if notes:
        server["notes"] = notes
    return server


def build(ispdb: Path, services: Path, ispdb_commit: str, nodemailer_commit: str) -> dict[str, Any]:
    providers: dict[str, dict[str, Any]] = {}
    for path in sorted(ispdb.glob("*.xml")):
        read = read_ispdb_file(path)
        if read is not None:
            # the file's name, which Thunderbird looks domains up by: six Zoho files share one id
            providers[path.stem] = read

    ispdb_hosts: dict[str, list[str]] = {}
    for pid, provider in providers.items():
        for server in provider["servers"]:
            if "%" not in server["host"]:
                ispdb_hosts.setdefault(server["host"], [])
                if pid not in ispdb_hosts[server["host"]]:
                    ispdb_hosts[server["host"]].append(pid)

    disagreements: list[dict[str, Any]] = []
    claimed: list[tuple[str, str]] = []  # (domain, provider) that nodemailer gives
    presets = json.loads(services.read_text(encoding="utf-8"))
    for name, entry in sorted(presets.items()):
        server = nodemailer_server(name, entry)
        preset_domains = [d.lower() for d in entry.get("domains", [])]
        owners = ispdb_hosts.get(server["host"], []) if server else []
        if server is not None and owners:
            pid = next((p for p in owners if set(providers[p]["domains"]) & set(preset_domains)), owners[0])
            provider = providers[pid]
            if "nodemailer" not in provider["sources"]:
                provider["sources"].append("nodemailer")
            provider.setdefault("presets", []).append(name)
            published = {
                (s["port"], s["security"])
                for s in provider["servers"]
                if s["host"] == server["host"] and s["protocol"] == "smtp"
            }
            if (server["port"], server["security"]) not in published:
                disagreements.append(
                    {
                        "kind": "server",
                        "provider": pid,
                        "host": server["host"],
                        "ispdb": sorted([port, security] for port, security in published),
                        "nodemailer": [server["port"], server["security"]],
                        "preset": name,
                    }
                )
            provider["servers"].append(server)
        else:
            pid = f"nodemailer:{name}"
            providers[pid] = {
                "name": entry.get("description") or name,
                "sources": ["nodemailer"],
                "presets": [name],
                "domains": [],
                "mx": [],
                "servers": [server] if server else [],
            }
        for domain in preset_domains:
            claimed.append((domain, pid))

    domains: dict[str, list[str]] = {}
    mx: dict[str, list[str]] = {}
    for pid, provider in providers.items():
        if "ispdb" in provider["sources"]:
            for domain in provider["domains"]:
                domains.setdefault(domain, []).append(pid)
            for domain in provider["mx"]:
                mx.setdefault(domain, []).append(pid)
    for domain, pid in claimed:
        owners = domains.setdefault(domain, [])
        if pid in owners:
            continue
        if owners:
            disagreements.append({"kind": "domain", "domain": domain, "ispdb": list(owners), "nodemailer": pid})
        owners.append(pid)
        if domain not in providers[pid]["domains"]:
            providers[pid].setdefault("nodemailer_domains", []).append(domain)

    hosts: dict[str, list[str]] = {}
    for pid, provider in providers.items():
        for server in provider["servers"]:
            if "%" not in server["host"]:
                owners = hosts.setdefault(server["host"], [])
                if pid not in owners:
                    owners.append(pid)

    return {
        "format": FORMAT,
        "sources": {
            "ispdb": {
                "name": "Thunderbird ISPDB",
                "repository": "https://github.com/thunderbird/autoconfig",
                "commit": ispdb_commit,
                "path": "ispdb/",
                "licence": "MPL-2.0",
            },
            "nodemailer": {
                "name": "nodemailer well-known services",
                "repository": "https://github.com/nodemailer/nodemailer",
                "commit": nodemailer_commit,
                "path": "lib/well-known/services.json",
                "licence": "MIT",
            },
        },
        "providers": providers,
        "domains": dict(sorted(domains.items())),
        "mx": dict(sorted(mx.items())),
        "hosts": dict(sorted(hosts.items())),
        "disagreements": disagreements,
    }


def names(data: dict[str, Any]) -> list[str]:
    """Every name a lookup can start from: domains, MX domains, literal server hostnames."""
    return sorted({*data["domains"], *data["mx"], *data["hosts"]})


def write_atomic(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write(data: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "data.json", out / "names.txt"]
    write_atomic(written[0], json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n")
    write_atomic(written[1], "\n".join(names(data)) + "\n")
    return written


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ispdb", type=Path, required=True, help="the ISPDB's ispdb/ folder of XML files")
    parser.add_argument("--ispdb-commit", required=True, help="the thunderbird/autoconfig commit it is from")
    parser.add_argument("--services", type=Path, required=True, help="nodemailer's lib/well-known/services.json")
    parser.add_argument("--nodemailer-commit", required=True, help="the nodemailer/nodemailer commit it is from")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "mailcheck" / "providers")
    args = parser.parse_args(list(argv) if argv is not None else None)
    data = build(args.ispdb, args.services, args.ispdb_commit, args.nodemailer_commit)
    for path in write(data, args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    print(
        f"{len(data['providers'])} providers, {len(data['domains'])} domains, {len(data['mx'])} MX domains, "
        f"{len(data['hosts'])} hosts, {len(data['disagreements'])} disagreements"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
