"""mailcheck.hosts: what a valid host is, its one ASCII form, and which hosts are loopback.

Expected values from the specifications, not from the code under test:
- IDNA 2008 (RFC 5891) with UTS 46 non-transitional processing: `faß.de` is
  `xn--fa-hia.de` (IDNA 2003 and transitional UTS 46 map ß to "ss": `fass.de`, another
  domain); `bücher` is `xn--bcher-kva` (RFC 3492's Punycode); symbols such as U+2603 are
  DISALLOWED (RFC 5892), and an `xn--` label must decode to a valid U-label (RFC 5891, 5.4).
- Host names (RFC 1123 section 2.1, RFC 1035 section 2.3.4): letters, digits and hyphens,
  no hyphen at either end, labels of at most 63 octets, names of at most 253 characters
  (255 octets on the wire), a final dot allowed (RFC 1034 section 3.1).
- Loopback: 127.0.0.0/8 (RFC 1122 section 3.2.1.3), ::1 (RFC 4291 section 2.5.3),
  `localhost` and names below it (RFC 6761 section 6.3).
"""

from __future__ import annotations

import pytest

from mailcheck.hosts import ascii_host, host_problem, is_loopback, parse_ip


@pytest.mark.parametrize(
    ("host", "form"),
    [
        ("smtp.example.com", "smtp.example.com"),
        ("SMTP.Example.COM", "SMTP.Example.COM"),  # an ASCII name is kept as written
        ("mail.example.com.", "mail.example.com."),
        ("faß.de", "xn--fa-hia.de"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("192.0.2.10", "192.0.2.10"),
        ("2001:db8::25", "2001:db8::25"),
    ],
)
def test_the_one_ascii_form(host: str, form: str) -> None:
    assert ascii_host(host) == form
    assert host_problem(host) is None


def test_the_form_is_not_pythons_idna_2003_codec() -> None:
    assert "faß.de".encode("idna") == b"fass.de"  # the other domain IDNA 2003 makes of it
    assert ascii_host("faß.de") != "fass.de"


@pytest.mark.parametrize("host", ["☃.net", "xn--zz.com", "exa mple.com", "-smtp.example.com", "256.1.2.3"])
def test_no_ascii_form_for_what_is_not_a_host(host: str) -> None:
    assert ascii_host(host) is None
    assert host_problem(host) is not None


@pytest.mark.parametrize(
    ("host", "message", "hint"),
    [
        ("", "the host is empty", "smtp.example.com"),
        ("  ", "the host is empty", "smtp.example.com"),
        ("smtps://mail.example.com:465/x", "has a URL scheme", "host: mail.example.com;"),
        ("[2001:db8::1]", "is in brackets", "host: 2001:db8::1"),
        ("mail .example.com", "contains white space", "remove the spaces"),
        ("mail.example.com/inbox", "contains a path", "host: mail.example.com"),
        ("mail.example.com:587", "includes a port", "set host: mail.example.com and port: 587"),
        ("2001:db8::zz", "is not a valid IPv6 address", ""),
        ("256.1.2.3", "is not a valid IPv4 address", "0 to 255"),
        ("1.2.3", "is not a valid IPv4 address", ""),
        ("mail..example.com", "has an empty label", "remove the extra dot"),
        (".example.com", "has an empty label", ""),
        ("smtp-.example.com", "invalid label 'smtp-'", "no hyphen at either end"),
        ("smtp_relay.example.com", "invalid label 'smtp_relay'", "no '_'"),
        ("${SMTP_HOST}", "invalid label", "placeholders"),
        ("☃.net", "not a valid international domain name", "IDNA 2008"),
    ],
)
def test_what_is_wrong_with_a_host_and_the_fix(host: str, message: str, hint: str) -> None:
    problem = host_problem(host)
    assert problem is not None
    assert message in problem[0] and hint in problem[1]


def test_label_and_name_lengths() -> None:
    assert host_problem("a" * 63 + ".example.com") is None
    assert host_problem("a" * 64 + ".example.com") is not None
    name = ".".join(["a" * 63] * 3 + ["a" * 61])  # 253 characters
    assert len(name) == 253 and host_problem(name) is None
    problem = host_problem(name + "a")
    assert problem is not None and "longer than 253" in problem[0]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("smtp.localhost", True),
        ("127.0.0.1", True),
        ("127.255.255.254", True),
        ("::1", True),
        ("128.0.0.1", False),
        ("::2", False),
        ("localhost.example.com", False),
        ("mylocalhost", False),
        ("192.0.2.1", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_parse_ip() -> None:
    ip = parse_ip("2001:db8::1")
    assert ip is not None and ip.version == 6
    assert parse_ip("192.0.2.1") is not None
    assert parse_ip("example.com") is None and parse_ip("[::1]") is None
