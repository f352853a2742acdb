"""`mailcheck probe --dns`: the profile against the SRV records (RFC 6186, RFC 8314) of its
address domain, asked of a DNS server on 127.0.0.1 (`--nameserver`) that answers A queries
with 127.0.0.1 and SRV queries from a table, and counts every query."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable, Iterator

import pytest

from mailcheck.probe.resolve import Nameserver
from mailcheck.probe.srv import MAX_RECORDS
from tests.dns_server import DnsServer, Srv, start_dns
from tests.probe.probe_helpers import mailcheck, profile
from tests.probe.probe_servers import HOST

DOMAIN = "example.test"
SMTP_HOST = f"smtp.{DOMAIN}"
SUBMISSION = f"_submission._tcp.{DOMAIN}."
SUBMISSIONS = f"_submissions._tcp.{DOMAIN}."


@pytest.fixture
def srv_resolver() -> Iterator[Callable[..., DnsServer]]:
    """The shared loopback DNS server (tests/dns_server.py): SRV from the table, every A
    query answered with 127.0.0.1."""
    started: list[DnsServer] = []

    def start(records: dict[str, list[Srv]] | None = None) -> DnsServer:
        server = start_dns(srv=records, default_a=HOST)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def smtp_profile(port: int, security: str = "starttls", **extra: object) -> dict:
    return profile("smtp", port, security, **extra) | {"host": SMTP_HOST, "from": {"address": f"app@{DOMAIN}"}}


def srv_step(run):
    (step,) = [s for s in run.result.steps if s.name == "dns-srv"]
    return step


def test_a_profile_the_domain_publishes_has_no_finding(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({SUBMISSION: [(0, 1, server.port, f"{SMTP_HOST}.")]})
    run = probe.one(smtp_profile(server.port), nameserver=resolver.nameserver, dns=True)
    assert run.rules == [], run
    assert run.result.login == "ok"
    assert run.result.steps[0].name == "dns-srv"  # reported first, before the connection's steps
    step = srv_step(run)
    assert step.status == "ok"
    assert step.detail.startswith(f"{SMTP_HOST} port {server.port} with STARTTLS is published: ")
    assert sorted(resolver.srv_queries()) == [SUBMISSION, SUBMISSIONS]


def test_the_address_may_be_the_username(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({"_submission._tcp.example.com.": [(0, 1, 2525, "mx.example.com.")]})
    body = profile("smtp", server.port, "starttls") | {"host": SMTP_HOST}  # auth.username alice@example.com
    run = probe.one(body, nameserver=resolver.nameserver, dns=True)
    assert run.rules == ["MC524"], run
    assert "the SRV records of example.com publish SMTP at mx.example.com port 2525" in run.finding.message


@pytest.mark.parametrize(
    ("published", "security", "key", "listed"),
    [
        # the host and mode agree, the port does not
        ({SUBMISSION: [(0, 1, 2525, f"{SMTP_HOST}.")]}, "starttls", "port", "smtp.example.test port 2525 (STARTTLS"),
        # the host and port agree, but the domain publishes them for implicit TLS
        ({SUBMISSIONS: [(0, 1, "PORT", f"{SMTP_HOST}.")]}, "starttls", "security", "port PORT (implicit TLS"),
        # another host
        ({SUBMISSION: [(0, 1, "PORT", "mail.other.test.")]}, "starttls", "host", "mail.other.test port PORT"),
    ],
    ids=["port", "mode", "host"],
)
def test_mc524_a_profile_the_domain_does_not_publish(
    probe, smtp, srv_resolver, published, security, key, listed
) -> None:
    server = smtp(security)
    records = {
        name: [(p, w, server.port if port == "PORT" else port, t) for p, w, port, t in rows]
        for name, rows in published.items()
    }
    resolver = srv_resolver(records)
    run = probe.one(smtp_profile(server.port, security), nameserver=resolver.nameserver, dns=True)
    assert run.rules == ["MC524"], run
    assert run.result.status == "warning" and run.result.login == "ok"  # the probe itself is unchanged
    finding = run.finding
    assert finding.severity.value == "warning"
    assert finding.path.endswith(f".{key}")
    assert listed.replace("PORT", str(server.port)) in finding.message
    (name,) = records
    assert f"{name.rstrip('.')}, priority 0, weight 1)" in finding.message
    assert f"the profile uses {SMTP_HOST} port {server.port} with STARTTLS, which is not among them" in finding.message
    assert srv_step(run).status == "warning"


def test_mc524_lists_the_published_servers_preferred_first(probe, srv_resolver) -> None:
    resolver = srv_resolver(
        {
            SUBMISSION: [(10, 5, 587, "b.example.test."), (0, 1, 587, "c.example.test.")],
            SUBMISSIONS: [(10, 60, 465, "a.example.test."), (10, 40, 465, "d.example.test.")],
        }
    )
    body = smtp_profile(1, "starttls", login=False) | {"host": "wrong.example.test"}
    run = probe.one(body, nameserver=resolver.nameserver, dns=True)
    mc524 = [f for f in run.result.findings if f.rule == "MC524"]
    assert len(mc524) == 1, run
    order = re.findall(r"([a-d])\.example\.test port", mc524[0].message)
    assert order == ["c", "a", "d", "b"]  # lowest priority, then highest weight
    assert mc524[0].path.endswith(".host")


def test_mc525_the_domain_says_the_service_is_not_offered(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({SUBMISSION: [(0, 0, 0, ".")]})
    run = probe.one(smtp_profile(server.port), nameserver=resolver.nameserver, dns=True)
    assert run.rules == ["MC525"], run
    assert run.result.status == "ok"
    assert run.finding.severity.value == "info"
    assert run.finding.message == (
        f"the SRV records of {DOMAIN} say that it offers no SMTP service: _submission._tcp.{DOMAIN} has the target '.'"
    )


def test_a_not_offered_service_beside_a_published_one_is_named_in_mc524(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({SUBMISSION: [(0, 0, 0, ".")], SUBMISSIONS: [(0, 1, 465, f"{SMTP_HOST}.")]})
    run = probe.one(smtp_profile(server.port), nameserver=resolver.nameserver, dns=True)
    assert run.rules == ["MC524"], run
    assert f"_submission._tcp.{DOMAIN} says the service is not offered (target '.')" in run.finding.message


def test_no_srv_records_is_no_finding(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({})
    run = probe.one(smtp_profile(server.port), nameserver=resolver.nameserver, dns=True)
    assert run.rules == [], run
    step = srv_step(run)
    assert step.status == "ok"
    assert step.detail == (
        f"no SRV records at _submissions._tcp.{DOMAIN}, _submission._tcp.{DOMAIN} "
        "(most domains publish none): nothing to compare"
    )


@pytest.mark.parametrize(
    ("protocol", "security", "names"),
    [("imap", "tls", ["_imaps", "_imap"]), ("pop3", "starttls", ["_pop3s", "_pop3"])],
)
def test_imap_and_pop3_ask_for_their_own_services(probe, srv_resolver, protocol, security, names) -> None:
    resolver = srv_resolver({f"{names[0]}._tcp.{DOMAIN}.": [(0, 1, 993, f"mail.{DOMAIN}.")]})
    body = profile(protocol, 1, security) | {
        "host": "127.0.0.1",
        "auth": {"username": f"app@{DOMAIN}", "password": "x"},
    }
    run = probe.one(body, nameserver=resolver.nameserver, dns=True)
    assert sorted(resolver.srv_queries()) == sorted(f"{n}._tcp.{DOMAIN}." for n in names)
    # an IP literal host is compared as written: it is not the published name
    assert "MC524" in run.rules, run


def test_dns_is_off_by_default(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({SUBMISSION: [(0, 1, 2525, f"{SMTP_HOST}.")]})
    run = probe.one(smtp_profile(server.port), nameserver=resolver.nameserver)
    assert run.rules == [], run
    assert [s for s in run.result.steps if s.name == "dns-srv"] == []
    assert resolver.queries and resolver.srv_queries() == []  # the host was resolved, no SRV asked


def test_a_profile_without_an_address_is_not_looked_up(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({})
    body = profile("smtp", server.port, "starttls", auth={"username": "alice"}) | {"host": SMTP_HOST}
    run = probe.one(body, nameserver=resolver.nameserver, dns=True)
    assert "MC524" not in run.rules and "MC525" not in run.rules
    step = srv_step(run)
    assert step.status == "skipped" and "no address" in step.detail
    assert resolver.srv_queries() == []


def test_a_silent_resolver_skips_the_step_within_the_timeout(probe, smtp) -> None:
    server = smtp("starttls")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    try:
        body = profile("smtp", server.port, "starttls", timeout=1) | {"from": {"address": f"app@{DOMAIN}"}}
        run = probe.one(body, nameserver=Nameserver(HOST, sock.getsockname()[1]), dns=True)
    finally:
        sock.close()
    assert run.rules == [], run  # the host is an IP literal: the probe itself needs no DNS
    assert run.result.login == "ok"
    step = srv_step(run)
    assert step.status == "skipped"
    assert "no answer from the DNS server 127.0.0.1 port" in step.detail and "within the timeout of 1s" in step.detail
    assert run.wall < 3


HOSTILE_LABEL = b"evil\x1b[31m\x07\r\nX-Injected: yes"


def _hostile_records(port: int) -> list[Srv]:
    records: list[Srv] = []
    for i in range(300):  # hundreds of records with control characters in their names
        records.append((0, 1, 2000 + i, (HOSTILE_LABEL[:40] + str(i).encode(), b"example", b"test")))
    for i in range(20):  # names as long as DNS allows (four labels of 63 bytes), a NUL or DEL in each
        records.append((0, 1, 3000 + i, (b"h" * 61 + bytes([97 + i]) + b"\x00", b"x" * 63, b"y\x7f" * 31, b"z" * 61)))
    records.append((0, 1, 4000, (b"dot.inside", b"example", b"test")))  # a dot within a label
    records.append((1, 1, 0, f"{SMTP_HOST}."))  # port 0
    return records


def test_a_hostile_answer_is_bounded_and_nothing_of_it_leaks(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({SUBMISSION: _hostile_records(server.port)})
    path = probe.write({"p": smtp_profile(server.port)})
    outputs = {}
    for fmt in ("text", "json", "github", "junit", "sarif"):
        result = mailcheck(
            probe.folder, "probe", str(path), "--dns", "--nameserver", f"{HOST}:{resolver.port}", "--format", fmt
        )
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        outputs[fmt] = result.stdout
    for fmt, text in outputs.items():
        assert "evil" not in text and "Injected" not in text and "hhhhhhhh" not in text, fmt
        assert "\x1b" not in text and "\x07" not in text, fmt
    data = json.loads(outputs["json"])
    (result,) = data["results"]
    (step,) = [s for s in result["steps"] if s["step"] == "dns-srv"]
    assert step["status"] == "ok" and result["findings"] == []
    assert step["detail"].startswith("no usable SRV records")
    assert f"{MAX_RECORDS} records ignored (no host name or port)" in step["detail"]
    assert f"{len(_hostile_records(0)) - MAX_RECORDS} records past the first {MAX_RECORDS} not read" in step["detail"]
    assert len(step["detail"]) < 500


def test_hostile_records_beside_a_good_one_leave_only_the_good_one(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    records = _hostile_records(server.port)[:5] + [(5, 1, 2525, f"{SMTP_HOST}.")]
    resolver = srv_resolver({SUBMISSION: records})
    run = probe.one(smtp_profile(server.port), nameserver=resolver.nameserver, dns=True)
    assert run.rules == ["MC524"], run
    assert f"publish SMTP at {SMTP_HOST} port 2525 (STARTTLS" in run.finding.message
    assert "(5 records ignored (no host name or port))" in run.finding.message
    assert all(c.isprintable() for c in run.finding.message)


def test_cli_dns_reports_mc524_and_exits_0(probe, smtp, srv_resolver) -> None:
    server = smtp("starttls")
    resolver = srv_resolver({SUBMISSIONS: [(0, 1, 465, f"{SMTP_HOST}.")]})
    path = probe.write({"outgoing": smtp_profile(server.port)})
    result = mailcheck(probe.folder, "probe", str(path), "--dns", "--nameserver", f"{HOST}:{resolver.port}")
    assert result.exit_code == 0, result.output
    assert "WARN  outgoing" in result.stdout
    assert "warning MC524 [srv-disagrees] the SRV records of example.test publish SMTP at " in result.stdout
    assert f"{SMTP_HOST} port 465 (implicit TLS, _submissions._tcp.{DOMAIN}, priority 0, weight 1)" in result.stdout


def test_many_long_valid_names_are_listed_up_to_a_bound(probe, srv_resolver) -> None:
    longest = [(0, i, 465, f"{'h' * 62}{chr(97 + i)}.{'x' * 63}.{'y' * 63}.{'z' * 61}.") for i in range(26)]
    resolver = srv_resolver({SUBMISSIONS: longest})
    body = smtp_profile(1, "starttls", login=False)
    run = probe.one(body, nameserver=resolver.nameserver, dns=True)
    (finding,) = [f for f in run.result.findings if f.rule == "MC524"]
    assert finding.message.count(" port 465 (implicit TLS") == 5
    assert "; and 21 more; the profile uses" in finding.message
    assert "weight 25)" in finding.message.split(";")[0]  # the highest weight first
    assert len(finding.message) < 2000
