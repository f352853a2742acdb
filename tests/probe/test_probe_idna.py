"""One host, one name: an internationalized host has one ASCII form (IDNA 2008, UTS 46
non-transitional, by the `idna` package) for the linter's host check, DNS (system resolver
and --nameserver alike) and the TLS server name and certificate check."""

from __future__ import annotations

import json

import pytest

from mailcheck.hosts import ascii_host
from mailcheck.probe.resolve import Nameserver
from tests.probe.probe_helpers import mailcheck, profile
from tests.probe.probe_servers import server_context, start_loopback_resolver


@pytest.mark.parametrize(
    ("host", "form"),
    [
        ("faß.de", "xn--fa-hia.de"),  # IDNA 2003 (Python's "idna" codec) would make it fass.de
        ("Bücher.example", "xn--bcher-kva.example"),
        ("XN--FA-HIA.DE", "xn--fa-hia.de"),
        ("bücher.example.", "xn--bcher-kva.example."),
        ("smtp.example.com", "smtp.example.com"),
        ("192.0.2.10", "192.0.2.10"),
        ("2001:db8::25", "2001:db8::25"),
        ("☃.net", None),  # a symbol, DISALLOWED in IDNA 2008
        ("xn--zz.com", None),  # not a valid A-label
        ("mail_server.example.com", None),
        ("smtp..example.com", None),
    ],
)
def test_ascii_host_is_the_one_ascii_form(host, form) -> None:
    assert ascii_host(host) == form


def test_faß_de_is_asked_of_dns_and_checked_in_tls_as_its_a_label(probe, ca, smtp) -> None:
    server = smtp("tls", context=server_context(ca, "xn--fa-hia.de"))
    resolver = start_loopback_resolver()
    try:
        body = profile("smtp", server.port, "tls") | {"host": "faß.de"}
        del body["tls"]["server_name"]  # the host itself is the name the certificate must carry
        run = probe.one(body, nameserver=Nameserver("127.0.0.1", resolver.port))
    finally:
        resolver.close()
    assert run.rules == [], run
    assert run.result.login == "ok"
    assert resolver.queries and set(resolver.queries) == {"xn--fa-hia.de."}


def test_an_invalid_international_name_is_not_looked_up(probe) -> None:
    """Past the selection (which skips a profile with MC209): the resolve step on its own."""
    resolver = start_loopback_resolver()
    try:
        body = profile("smtp", 587, "tls") | {"host": "☃.net"}
        results = probe.unselected({"p": body}, nameserver=Nameserver("127.0.0.1", resolver.port))
    finally:
        resolver.close()
    (finding,) = results["p"].findings
    assert finding.rule == "MC501"
    assert "not a valid domain name" in finding.message
    assert resolver.queries == []


def _lint_rules(folder, host: str) -> list[tuple[str, str]]:
    (folder / "hosts.mail.yaml").write_text(
        "version: 1\nprofiles:\n  outgoing:\n    protocol: smtp\n"
        f"    host: '{host}'\n    port: 587\n    security: starttls\n    from: {{address: app@example.com}}\n",
        encoding="utf-8",
    )
    result = mailcheck(folder, "check", "--format", "json", "hosts.mail.yaml")
    findings = json.loads(result.stdout)["findings"]
    return [(f["rule"], f["message"]) for f in findings if f["rule"] == "MC209"]


@pytest.mark.parametrize("host", ["☃.net", "xn--zz.com"])
def test_mailcheck_check_reports_invalid_international_names_as_mc209(tmp_path, host) -> None:
    ((rule, message),) = _lint_rules(tmp_path, host)
    assert rule == "MC209"
    assert "not a valid international domain name" in message


@pytest.mark.parametrize("host", ["faß.de", "bücher.example", "xn--fa-hia.de"])
def test_mailcheck_check_accepts_valid_international_names(tmp_path, host) -> None:
    assert _lint_rules(tmp_path, host) == []
