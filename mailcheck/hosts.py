"""What a valid `host` is, its one ASCII form, and which hosts are loopback: shared by the
linter and the probe.

An internationalized name has one ASCII form, used for everything: the host check (MC209),
DNS (the system resolver and --nameserver alike) and TLS (SNI and the certificate's name
check). It is the `idna` package's: IDNA 2008 (RFC 5890-5891) with the UTS 46 mapping,
non-transitional (https://pypi.org/project/idna/, https://unicode.org/reports/tr46/).
Not Python's "idna" codec, which is IDNA 2003 (RFC 3490): it makes `faß.de` into
`fass.de`, another domain than IDNA 2008's `xn--fa-hia.de`, and lets `☃.net` through.
"""

from __future__ import annotations

import ipaddress
import re

import idna

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: traffic that never leaves the machine."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    ip = parse_ip(host)
    return ip is not None and ip.is_loopback


def host_problem(host: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) for a host that is not a DNS name or IP literal."""
    if not host.strip():
        return "the host is empty", "set host to the server's DNS name, e.g. smtp.example.com"
    if _SCHEME.match(host):
        bare = _SCHEME.sub("", host).split("/", 1)[0].rsplit(":", 1)[0]
        return f"the host {host!r} has a URL scheme", f"write the name alone: host: {bare}; the scheme is `protocol`"
    if host.startswith("[") and host.endswith("]"):
        return f"the host {host!r} is in brackets", f"write the address without brackets: host: {host[1:-1]}"
    if any(c.isspace() for c in host):
        return f"the host {host!r} contains white space", "remove the spaces"
    if "/" in host:
        return f"the host {host!r} contains a path", f"keep only the name: host: {host.split('/', 1)[0]}"
    if ":" in host and parse_ip(host) is None:
        name, _, port = host.rpartition(":")
        if port.isdigit():
            return f"the host {host!r} includes a port", f"set host: {name} and port: {port}"
        return f"{host!r} is not a valid IPv6 address", "check the address"
    return _name_problem(host)


def ascii_host(host: str) -> str | None:
    """The one ASCII form of `host` for DNS and TLS: an IP literal or an ASCII name as
    written, an internationalized name (or one with `xn--` labels) as IDNA 2008 A-labels,
    e.g. "faß.de" -> "xn--fa-hia.de"; None when it is neither a valid name nor an IP literal."""
    form, _ = _ascii_form(host)
    return form


def _name_problem(host: str) -> tuple[str, str] | None:
    return _ascii_form(host)[1]


def _ascii_form(host: str) -> tuple[str | None, tuple[str, str] | None]:
    """(the ASCII form, None) or (None, (what is wrong, how to fix it))."""
    if parse_ip(host) is not None:
        return host, None
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if all(label.isdigit() for label in labels):
        return None, (f"{host!r} is not a valid IPv4 address", "write four numbers from 0 to 255, e.g. 192.0.2.10")
    form = host
    if not host.isascii() or any(label.lower().startswith("xn--") for label in labels):
        try:
            form = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError) as err:
            return None, (
                f"the host {host!r} is not a valid international domain name: {err}",
                "check the spelling: IDNA 2008 allows letters, digits and hyphens of a script (no symbols "
                "or emoji), and an xn-- label must be the ASCII form of such a name",
            )
    if len(form.rstrip(".")) > 253:
        return None, ("the host name is longer than 253 characters", "check the value")
    for label in form.removesuffix(".").split("."):
        if not label:
            return None, (
                f"the host {host!r} has an empty label (two dots in a row, or a leading dot)",
                "remove the extra dot",
            )
        if not _LABEL.match(label):
            return None, (
                f"the host {host!r} has an invalid label {label!r}",
                "use letters, digits and hyphens only (no '_', '%' or placeholders; no hyphen at either end)",
            )
    return form, None
