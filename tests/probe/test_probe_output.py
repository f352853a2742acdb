"""What `mailcheck probe` tells the user: whose profile each line is, a summary that counts
what is shown, lint hints that fit a probe run, and hints that name the real cause (the
server's STARTTLS offer for MC504, the resolver rather than the name for MC501).

Every server is on 127.0.0.1; every wait is bounded by the profile's timeout."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator

import pytest

from mailcheck.probe.resolve import Nameserver
from tests.probe.probe_helpers import mailcheck, profile
from tests.probe.probe_servers import HOST, Peer

FAST = 1.0  # seconds: outcomes that need no waiting come well within this


# -- one line per profile, naming its file


def test_each_line_names_its_file_so_two_profiles_of_one_name_differ(probe, smtp) -> None:
    server = smtp("starttls")
    probe.write({"outgoing": profile("smtp", server.port, "starttls")}, name="a.mail.yaml")
    probe.write({"outgoing": profile("smtp", server.port, "starttls")}, name="billing.mail.yaml")
    result = mailcheck(probe.folder, "probe", "a.mail.yaml", "billing.mail.yaml")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("PASS")]
    assert len(lines) == 2 and lines[0] != lines[1]
    assert lines[0].startswith("PASS  outgoing (a.mail.yaml)        smtp 127.0.0.1:")
    assert lines[1].startswith("PASS  outgoing (billing.mail.yaml)  smtp 127.0.0.1:")


# -- the summary counts what the report shows


def test_with_profile_the_text_summary_counts_what_json_lists(probe, smtp) -> None:
    server = smtp("starttls")
    # `other` is not selected: its warning (MC206) and info (MC203) belong to no output
    other = profile("smtp", 2525, "starttls", tls={"verify": False})
    probe.write({"good": profile("smtp", server.port, "starttls"), "other": other})
    text = mailcheck(probe.folder, "probe", "--profile", "good")
    document = json.loads(mailcheck(probe.folder, "probe", "--profile", "good", "--format", "json").stdout)
    assert text.exit_code == 0, text.output
    assert document["lint"] == []
    assert {"files": 1, "profiles": 1, "errors": 0, "warnings": 0, "infos": 0}.items() <= document["summary"].items()
    assert text.stdout.splitlines()[-1].endswith(". Lint: No problems found in 1 file, 1 profile.")
    assert "MC206" not in text.stdout and "MC203" not in text.stdout


def test_the_text_summary_and_json_agree_on_lint_counts(probe, smtp) -> None:
    server = smtp("starttls")
    warned = profile(
        "smtp", server.port, "starttls", tls={"verify": False, "ca_file": "ca.pem", "server_name": "localhost"}
    )
    probe.write(
        {"good": profile("smtp", server.port, "starttls"), "warned": warned, "idle": profile("smtp", 2525, "starttls")}
    )
    text = mailcheck(probe.folder, "probe", "--profile", "good", "--profile", "warned")
    document = json.loads(
        mailcheck(probe.folder, "probe", "--profile", "good", "--profile", "warned", "--format", "json").stdout
    )
    assert [f["rule"] for f in document["lint"]] == ["MC206"]
    assert text.stdout.splitlines()[-1].endswith(". Lint: Found 0 errors, 1 warning, 0 infos in 1 file, 2 profiles.")


# -- MC203 during a probe


def test_a_probed_profile_on_a_nonstandard_port_gets_no_lint_hint_to_run_the_probe(probe, smtp) -> None:
    server = smtp("starttls")  # every test server is on a free high port: MC203 for `check`
    probe.write({"relay": profile("smtp", server.port, "starttls")})
    lint = json.loads(mailcheck(probe.folder, "check", "--format", "json").stdout)
    assert [f["rule"] for f in lint["findings"]] == ["MC203"]  # the linter still says so
    for format_name in ("text", "json", "github"):
        result = mailcheck(probe.folder, "probe", "--format", format_name)
        assert result.exit_code == 0, result.output
        assert "MC203" not in result.stdout and "mailcheck probe --profile" not in result.stdout, format_name
    sarif = json.loads(mailcheck(probe.folder, "probe", "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"] == []  # the rule is described in the log, not reported


def test_a_profile_that_is_not_probed_keeps_its_mc203(probe) -> None:
    # invalid sender: not probed (SKIP), so the port's mode stays unchecked and MC203 stays
    body = profile("smtp", 2525, "starttls", **{"from": {"address": "not an address"}})
    probe.write({"relay": body})
    result = mailcheck(probe.folder, "probe", "--format", "json")
    document = json.loads(result.stdout)
    assert {f["rule"] for f in document["lint"]} == {"MC203", "MC401"}
    assert document["not_probed"][0]["profile"] == "relay"


# -- MC504: the hint says starttls only when the plaintext side offers it


def test_mc504_against_a_plaintext_only_smtp_port_does_not_suggest_starttls(probe, smtp) -> None:
    server = smtp("none")  # greets in plaintext, offers no STARTTLS
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == ["MC504"], run
    assert run.finding.hint == (
        f"port {server.port} answered with a plaintext SMTP greeting and does not offer STARTTLS: it speaks "
        "plaintext only, so security: starttls would fail (MC506) and security: none would send credentials and "
        "mail in cleartext; use the server's implicit-TLS port (465 for SMTP) with security: tls"
    )
    assert "set security: starttls" not in run.finding.hint
    assert server.mailbox.logins == []  # detection never logs in
    assert run.wall < FAST


def test_mc504_still_says_starttls_when_the_port_offers_it(probe, smtp) -> None:
    server = smtp("starttls")
    run = probe.one(profile("smtp", server.port, "tls"))
    assert run.rules == ["MC504"], run
    assert run.finding.hint == f"port {server.port} answered with a plaintext SMTP greeting: set security: starttls"


def _pop3_without_stls(peer: Peer) -> None:
    """A POP3 server that never offers STLS, answering CAPA and QUIT only."""
    peer.send("+OK plain POP3 ready")
    while (line := peer.recv_line()) is not None:
        if line.upper() == "CAPA":
            peer.send("+OK Capability list follows\r\nUSER\r\nUIDL\r\n.")
        elif line.upper() == "QUIT":
            peer.send("+OK bye")
            return
        else:
            peer.send("-ERR not now")


def test_mc504_pop3_without_stls_reads_only_capa_on_the_detection_connection(probe, line_server) -> None:
    server = line_server(_pop3_without_stls)
    run = probe.one(profile("pop3", server.port, "tls"))
    assert run.rules == ["MC504"], run
    assert "does not offer STLS: it speaks plaintext only" in run.finding.hint
    assert "implicit-TLS port (995 for POP3) with security: tls" in run.finding.hint
    # the first connection offered a TLS handshake (its bytes are no command); the detection
    # connection sent CAPA and nothing else: no USER, no PASS, no AUTH, no credential
    detection = [peer.received for peer in server.peers if b"CAPA" in peer.received]
    assert detection == [[b"CAPA"]], [peer.received for peer in server.peers]
    sent = [line.upper() for peer in server.peers for line in peer.received]
    assert not any(line.startswith((b"USER", b"PASS", b"AUTH", b"APOP")) for line in sent)
    assert run.wall < FAST


def _greets_then_ignores_ehlo(peer: Peer) -> None:
    """An SMTP server that greets in plaintext and never answers a command."""
    peer.send("220 stall.mailcheck.test ESMTP")
    peer.pause(8)


def test_mc504_when_the_capabilities_cannot_be_read_the_hint_says_both_and_waits_little(probe, line_server) -> None:
    server = line_server(_greets_then_ignores_ehlo)
    run = probe.one(profile("smtp", server.port, "tls", timeout=3))
    assert run.rules == ["MC504"], run
    assert run.finding.hint == (
        f"port {server.port} answered with a plaintext SMTP greeting, but its capabilities could not be read: "
        "set security: starttls if it offers STARTTLS, otherwise use the server's implicit-TLS port (465 for SMTP) "
        "with security: tls"
    )
    assert run.wall < 3 / 4 + FAST  # the detection is capped at a quarter of the timeout


# -- MC501: a resolver that does not answer is not a misspelt host


@pytest.fixture
def silent_resolver() -> Iterator[socket.socket]:
    """A UDP socket on 127.0.0.1 that receives DNS queries and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    yield sock
    sock.close()


def test_mc501_no_answer_from_the_nameserver_blames_the_resolver_not_the_name(probe, silent_resolver) -> None:
    port = silent_resolver.getsockname()[1]
    body = profile("smtp", 587, "starttls", timeout=1) | {"host": "smtp.example.com"}
    run = probe.one(body, nameserver=Nameserver(HOST, port))
    assert run.rules == ["MC501"], run
    assert run.finding.message == (
        f"the host smtp.example.com could not be resolved: no answer from the DNS server 127.0.0.1 port {port} "
        "(--nameserver) within the timeout of 1s"
    )
    assert "spelling" not in run.finding.hint and "does not resolve" not in run.finding.message
    assert f"check the --nameserver address and port (127.0.0.1 port {port})" in run.finding.hint
    assert "reachable" in run.finding.hint
    silent_resolver.settimeout(0)
    assert silent_resolver.recv(4096)  # the query did reach it
    assert 0.9 < run.wall < 1.0 + FAST


def _servfail_resolver() -> tuple[socket.socket, threading.Thread]:
    import dns.message
    import dns.rcode

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    sock.settimeout(5)

    def serve() -> None:
        try:
            while True:
                data, peer = sock.recvfrom(4096)
                response = dns.message.make_response(dns.message.from_wire(data))
                response.set_rcode(dns.rcode.SERVFAIL)
                sock.sendto(response.to_wire(), peer)
        except OSError:
            return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return sock, thread


def test_mc501_a_failing_nameserver_is_named_with_its_own_hint(probe) -> None:
    sock, thread = _servfail_resolver()
    try:
        body = profile("smtp", 587, "starttls", timeout=2) | {"host": "smtp.example.com"}
        run = probe.one(body, nameserver=Nameserver(HOST, sock.getsockname()[1]))
    finally:
        sock.close()
        thread.join(5)
    assert run.rules == ["MC501"], run
    assert re.search(
        r"the DNS server 127\.0\.0\.1 port \d+ \(--nameserver\) gave no usable answer: .*SERVFAIL", run.finding.message
    )
    assert "spelling" not in run.finding.hint and "--nameserver" in run.finding.hint
    assert run.wall < 2.0


def test_mc501_nxdomain_still_points_at_the_spelling(probe) -> None:
    from tests.probe.probe_servers import start_nxdomain_resolver

    resolver = start_nxdomain_resolver()
    try:
        body = profile("smtp", 587, "starttls") | {"host": "smtp.exmaple.com"}
        run = probe.one(body, nameserver=Nameserver(HOST, resolver.port))
    finally:
        resolver.close()
    assert run.rules == ["MC501"], run
    assert run.finding.message.endswith("does not resolve: the name does not exist (NXDOMAIN)")
    assert run.finding.hint.startswith("check the spelling of host")
