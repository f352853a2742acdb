"""MC209: `host` (and `tls.server_name`) must be a DNS name or an IP address, nothing more."""

from __future__ import annotations

import pytest


def sender(host: str, *, server_name: str | None = None) -> str:
    tls = f"\n    tls: {{server_name: '{server_name}'}}" if server_name is not None else ""
    return f"""\
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: '{host}'
    port: 587
    security: starttls{tls}
    from: {{address: app@example.com}}
"""


# (host as written, what the message says, what the hint says)
BAD_HOSTS = [
    ("smtp://smtp.example.com:587", "has a URL scheme", "host: smtp.example.com"),
    ("smtp.example.com:587", "includes a port", "set host: smtp.example.com and port: 587"),
    ("smtp.example.com/mail", "contains a path", "host: smtp.example.com"),
    ("smtp .example.com", "contains white space", "remove the spaces"),
    ("smtp..example.com", "has an empty label", "remove the extra dot"),
    ("mail_server.example.com", "invalid label 'mail_server'", "no '_'"),
    ("mail.%EMAILDOMAIN%", "invalid label '%EMAILDOMAIN%'", "placeholders"),
    ("-smtp.example.com", "invalid label '-smtp'", "no hyphen at either end"),
    ("300.1.1.1", "not a valid IPv4 address", "0 to 255"),
    ("[2001:db8::25]", "is in brackets", "host: 2001:db8::25"),
    ("", "the host is empty", "smtp.example.com"),
]


@pytest.mark.parametrize(("host", "problem", "fix"), BAD_HOSTS)
def test_mc209_a_host_that_is_not_a_name_or_address_is_an_error(lint, host, problem, fix):
    run = lint(sender(host))
    finding = run.only("MC209")
    assert finding.severity == "error"
    assert finding.at == run.spot("host:", "'")
    assert finding.path == "profiles.outgoing.host"
    assert problem in finding.message
    if host:
        assert repr(host) in finding.message
    assert fix in finding.hint


@pytest.mark.parametrize(
    "host",
    [
        "smtp.example.com",
        "smtp.example.com.",  # fully qualified, with the root dot
        "smtp-1.mail.example.com",
        "bücher.example",  # an internationalized name
        "xn--bcher-kva.example",  # the same, in its ASCII form
        "localhost",
    ],
)
def test_mc209_dns_names_are_valid(lint, host):
    assert lint(sender(host)).rules == []


@pytest.mark.parametrize("address", ["192.0.2.10", "2001:db8::25"])
def test_mc209_ip_addresses_are_valid(lint, address):
    assert lint(sender(address, server_name="smtp.example.com")).rules == []


def test_mc209_checks_tls_server_name_too(lint):
    run = lint(sender("192.0.2.10", server_name="smtp.example.com:587"))
    finding = run.only("MC209")
    assert finding.at == run.spot("server_name", "'smtp.example.com:587'")
    assert finding.path == "profiles.outgoing.tls.server_name"
    assert "tls.server_name" in finding.message and "includes a port" in finding.message
