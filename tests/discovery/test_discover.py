"""`mailcheck init ADDRESS --discover` against loopback parts only: a DNS server on 127.0.0.1,
an HTTPS autoconfig server with a trustme certificate on port 443 of a 127.x.y.z address,
and the probe's mail servers on their standard ports there. Each test reads what a user
reads: the profile file (then `mailcheck check` on it), its comments, the one-line error."""

from __future__ import annotations

import time

import pytest
import trustme

from mailcheck.discover.fetch import MAX_BODY
from tests.cli_run import joined_comments, load_yaml, one_line_error
from tests.discovery.conftest import Site
from tests.discovery.servers import Answer, config_xml, server_xml

DOMAIN = "example.test"
ADDRESS = f"jane@{DOMAIN}"
AUTOCONFIG = f"autoconfig.{DOMAIN}"
CONFIG_PATH = "/mail/config-v1.1.xml"
WELL_KNOWN_PATH = "/.well-known/autoconfig/mail/config-v1.1.xml"
URL = f"https://{AUTOCONFIG}{CONFIG_PATH}"


def profiles(text: str) -> dict[str, tuple]:
    return {
        name: (p["protocol"], p["host"], p["port"], p["security"], p.get("auth", {}).get("username"))
        for name, p in load_yaml(text)["profiles"].items()
    }


def line_of(text: str, start: str, index: int | None = None) -> str:
    """The line that starts with `start` (the first of several with `index` 0)."""
    lines = [line for line in text.splitlines() if line.lstrip().startswith(start)]
    if index is not None:
        return lines[index]
    (line,) = lines
    return line


def standard_site(site: Site, **resolver: object) -> None:
    """IMAP with implicit TLS on 993 and SMTP with STARTTLS on 587, at imap./smtp.example.test."""
    site.mail("imap", 993, "tls")
    site.mail("smtp", 587, "starttls")
    names = {f"imap.{DOMAIN}": [], f"smtp.{DOMAIN}": [], **resolver.pop("a", {})}
    site.resolver(a=names, **resolver)


def test_autoconfig_found_and_every_mode_seen_on_the_server(site: Site) -> None:
    xml = config_xml(
        DOMAIN,
        server_xml("in", "imap", f"old-imap.{DOMAIN}", 993, "SSL"),  # does not resolve: the next is taken
        server_xml("in", "imap", f"imap.{DOMAIN}", 993, "SSL"),
        server_xml("in", "pop3", f"imap.{DOMAIN}", 995, "SSL"),  # nothing listens there
        server_xml("out", "smtp", f"smtp.{DOMAIN}", 587, "STARTTLS"),
    )
    standard_site(site, a={AUTOCONFIG: []})
    web = site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: Answer(xml)})
    result = site.init(ADDRESS, "-o", "mail.mail.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    text = (site.folder / "mail.mail.yaml").read_text(encoding="utf-8")
    assert profiles(text) == {
        "imap": ("imap", f"imap.{DOMAIN}", 993, "tls", ADDRESS),
        "smtp": ("smtp", f"smtp.{DOMAIN}", 587, "starttls", ADDRESS),
    }
    assert load_yaml(text)["profiles"]["smtp"]["from"] == {"address": ADDRESS}
    # what Thunderbird asks: the address in the query, form-encoded
    assert web.paths() == [f"{CONFIG_PATH}?emailaddress=jane%40{DOMAIN}"]
    assert web.requests[0].headers["Host"] == AUTOCONFIG
    # each value names its source, the mode the server it was seen on
    assert f"# {URL}:" in line_of(text, "host: imap.")
    assert "<hostname>" in line_of(text, "host: imap.")
    security = line_of(text, "security: tls")
    assert f"# mode seen on imap.{DOMAIN}:993 ({site.address}): a TLS handshake (implicit TLS); as {URL}:" in security
    assert f"mode seen on smtp.{DOMAIN}:587 ({site.address}): a plaintext SMTP greeting offering STARTTLS" in text
    comments = joined_comments(text)
    assert f"- {URL}: used for imap and smtp." in comments
    assert (
        f"Not written: imap old-imap.{DOMAIN}:993 from {URL}: the host old-imap.{DOMAIN} does not resolve" in comments
    )
    assert f"Not written: pop3 imap.{DOMAIN}:995 from {URL}: {site.address}: the connection was refused" in comments
    assert "Not asked, every profile being found: https://example.test/.well-known/" in comments
    assert site.check("mail.mail.yaml") == []


def test_a_source_claiming_implicit_tls_on_a_starttls_server_is_written_as_seen(site: Site) -> None:
    xml = config_xml(
        DOMAIN,
        server_xml("in", "imap", f"imap.{DOMAIN}", 993, "SSL"),
        server_xml("out", "smtp", f"smtp.{DOMAIN}", 587, "SSL"),  # charter.net's mistake: SSL on 587
    )
    standard_site(site, a={AUTOCONFIG: []})
    site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: Answer(xml)})
    result = site.init(ADDRESS)
    assert result.exit_code == 0, result.stderr
    assert profiles(result.stdout)["smtp"][3] == "starttls"
    comments = joined_comments(result.stdout)
    assert (
        f"The source says implicit TLS ({URL}:16 <socketType>SSL</socketType>: implicit TLS), but "
        f"smtp.{DOMAIN}:587 ({site.address}) answers with a plaintext SMTP greeting offering STARTTLS: "
        "written as seen, security: starttls." in comments
    )
    assert site.check_text(result.stdout) == []  # as written by the file, MC201 would be an error


def test_well_known_is_used_when_autoconfig_is_absent(site: Site) -> None:
    xml = config_xml(
        DOMAIN,
        server_xml("in", "imap", f"imap.{DOMAIN}", 993, "SSL"),
        server_xml("out", "smtp", f"smtp.{DOMAIN}", 587, "STARTTLS"),
    )
    standard_site(site, a={DOMAIN: []})  # autoconfig.example.test does not exist
    web = site.autoconfig((DOMAIN,), {WELL_KNOWN_PATH: Answer(xml)})
    result = site.init(ADDRESS)
    assert result.exit_code == 0, result.stderr
    comments = joined_comments(result.stdout)
    assert (
        f"- {URL}: nothing there (the host {AUTOCONFIG} does not resolve: the name does not exist (NXDOMAIN))."
        in comments
    )
    assert f"- https://{DOMAIN}{WELL_KNOWN_PATH}: used for imap and smtp." in comments
    assert f"# https://{DOMAIN}{WELL_KNOWN_PATH}:" in line_of(result.stdout, "host: imap.")
    assert web.paths() == [f"{WELL_KNOWN_PATH}?emailaddress=jane%40{DOMAIN}"]
    assert site.check_text(result.stdout) == []


def test_the_mx_hosts_provider_from_the_snapshot(site: Site) -> None:
    """A domain hosted at Google: its MX host aspmx.l.google.com is the ISPDB's Gmail."""
    hosted = "hosted.test"
    site.mail("imap", 993, "tls")
    site.mail("smtp", 465, "tls")
    site.resolver(
        a={"imap.gmail.com": [], "smtp.gmail.com": [], "pop.gmail.com": []},
        mx={hosted: [(20, "alt1.aspmx.l.google.com."), (10, "aspmx.l.google.com."), (30, "mx.unknown.test.")]},
    )
    result = site.init(f"jane@{hosted}")
    assert result.exit_code == 0, result.stderr
    assert profiles(result.stdout) == {
        "imap": ("imap", "imap.gmail.com", 993, "tls", f"jane@{hosted}"),
        "smtp": ("smtp", "smtp.gmail.com", 465, "tls", f"jane@{hosted}"),
    }
    comments = joined_comments(result.stdout)
    assert f"- the MX records of {hosted}: used for imap and smtp." in comments
    assert f"Source: the MX host aspmx.l.google.com (preference 10) of {hosted} is " in comments
    assert f"The provider of {hosted}'s MX host aspmx.l.google.com, " in comments
    assert "# ISPDB googlemail.com.xml@" in line_of(result.stdout, "host: imap.gmail.com")
    assert "- the provider snapshot (Thunderbird's ISPDB, nodemailer's presets): nothing there" in comments
    assert site.check_text(result.stdout) == []


def test_srv_records(site: Site) -> None:
    srv_domain = "srv.test"
    site.mail("imap", 993, "tls")
    site.mail("smtp", 587, "starttls")
    site.resolver(
        a={f"mail.{srv_domain}": [], srv_domain: []},
        srv={
            f"_imaps._tcp.{srv_domain}": [(0, 1, 993, f"mail.{srv_domain}.")],
            f"_imap._tcp.{srv_domain}": [(0, 0, 0, ".")],
            f"_submissions._tcp.{srv_domain}": [(5, 1, 465, f"mail.{srv_domain}.")],  # nothing listens
            f"_submission._tcp.{srv_domain}": [(0, 1, 587, f"mail.{srv_domain}.")],
        },
    )
    result = site.init(f"jane@{srv_domain}")
    assert result.exit_code == 0, result.stderr
    assert profiles(result.stdout) == {
        "imap": ("imap", f"mail.{srv_domain}", 993, "tls", f"jane@{srv_domain}"),
        "smtp": ("smtp", f"mail.{srv_domain}", 587, "starttls", f"jane@{srv_domain}"),
    }
    text = result.stdout
    assert f"# SRV _imaps._tcp.{srv_domain} priority 0 weight 1: target" in line_of(text, "host: mail.", 0)
    assert f"# SRV _submission._tcp.{srv_domain} priority 0 weight 1: port" in line_of(text, "port: 587")
    comments = joined_comments(text)
    assert f"_imap._tcp.{srv_domain} has the target '.': the service is not offered." in comments
    assert f"Not written: smtp mail.{srv_domain}:465 from the SRV records of {srv_domain}: " in comments
    assert site.check_text(text) == []


def test_nothing_found_is_a_one_line_error(site: Site) -> None:
    site.resolver()
    started = time.monotonic()
    result = site.init("jane@nothing.test", "-o", "out.mail.yaml")
    one_line_error(
        result,
        "found no mail server for nothing.test that answers: ",
        "https://autoconfig.nothing.test/mail/config-v1.1.xml: nothing there (the host autoconfig.nothing.test "
        "does not resolve",
        "the MX records of nothing.test: nothing there (nothing.test does not exist (NXDOMAIN)).",
        "the SRV records of nothing.test: nothing there (no usable SRV record).",
    )
    assert time.monotonic() - started < 5
    assert not (site.folder / "out.mail.yaml").exists()


def test_unreachable_servers_everywhere_are_a_one_line_error(site: Site) -> None:
    xml = config_xml(DOMAIN, server_xml("in", "imap", f"imap.{DOMAIN}", 993, "SSL"))
    site.resolver(a={AUTOCONFIG: [], f"imap.{DOMAIN}": []})  # no mail server listens
    site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: Answer(xml)})
    one_line_error(
        site.init(ADDRESS),
        f"{URL}: no server it names answers",
        f"Not written: imap imap.{DOMAIN}:993 from {URL}: {site.address}: the connection was refused or closed.",
    )


# -- hostile answers: each is "nothing there" with its reason, and the SRV records are used instead

BIG = b"<clientConfig>" + b" " * (MAX_BODY + 10) + b"</clientConfig>"
HOSTILE = {
    "oversized with its length": (Answer(BIG), f"the answer is {len(BIG):,} bytes, above the bound of {MAX_BODY:,}"),
    "oversized without a length": (
        Answer(BIG, length=False),
        f"the answer is longer than the bound of {MAX_BODY:,} bytes",
    ),
    "redirect": (
        Answer(b"", 301, None, {"Location": "http://evil.test/steal?x=\x1b[31m"}),
        "HTTP 301 Moved Permanently: a redirect to http://evil.test/steal?x=\\x1b[31m, not followed",
    ),
    "not XML": (
        Answer(b"<html>hello</html>", content_type="text/html"),
        "Content-Type text/html is not XML (text/xml, application/xml, text/rdf)).",
    ),
    "a DTD": (
        Answer(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><clientConfig>&a;</clientConfig>'),
        "the answer is not XML mailcheck reads: line 1: a document type declaration (<!DOCTYPE>) is not read",
    ),
    "another root": (Answer(b"<html/>"), "the answer's root element is <html>, not <clientConfig>"),
    "a server error": (Answer(b"oops", 500, "text/plain"), "HTTP 500 Internal Server Error"),
}


def srv_fallback(site: Site, **a: list[str]) -> None:
    site.mail("imap", 993, "tls")
    site.mail("smtp", 587, "starttls")
    site.resolver(
        a={f"mail.{DOMAIN}": [], AUTOCONFIG: [], **a},
        srv={
            f"_imaps._tcp.{DOMAIN}": [(0, 1, 993, f"mail.{DOMAIN}.")],
            f"_submission._tcp.{DOMAIN}": [(0, 1, 587, f"mail.{DOMAIN}.")],
        },
    )


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_answer_is_refused_with_its_reason(site: Site, case: str) -> None:
    answer, reason = HOSTILE[case]
    srv_fallback(site)
    web = site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: answer})
    result = site.init(ADDRESS)
    assert result.exit_code == 0, result.stderr
    comments = joined_comments(result.stdout)
    assert f"- {URL}: nothing there ({reason}" in comments, comments[:3000]
    assert f"- the SRV records of {DOMAIN}: used for imap and smtp." in comments
    assert "\x1b" not in result.stdout
    assert len(web.requests) == 1  # a redirect is not followed: neither asked again nor looked up
    assert not [name for name, _ in site.dns.queries if "evil" in name]
    assert load_yaml(result.stdout)["profiles"]["imap"]["host"] == f"mail.{DOMAIN}"


def test_a_slow_server_is_cut_off_at_the_timeout(site: Site) -> None:
    srv_fallback(site)
    site.autoconfig(
        (AUTOCONFIG,), {CONFIG_PATH: Answer(b"<clientConfig>" + b" " * 1000 + b"</clientConfig>", drip=0.05)}
    )
    started = time.monotonic()
    result = site.init(ADDRESS, timeout="1.5")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert (
        f"- {URL}: nothing there (no complete answer from {site.address} within the timeout of 1.5s)."
        in joined_comments(result.stdout)
    )
    assert elapsed < 1.5 + 4  # the fetch's timeout, then the other places (each fast here)


@pytest.mark.parametrize(
    ("names", "other_ca", "reason"),
    [
        ((AUTOCONFIG,), True, "certificate refused: unable to get local issuer certificate"),
        (
            ("www.other.test",),
            False,
            f"certificate refused: Hostname mismatch, certificate is not valid for '{AUTOCONFIG}'",
        ),
    ],
    ids=["untrusted", "wrong-name"],
)
def test_a_bad_certificate_is_refused(site: Site, names: tuple[str, ...], other_ca: bool, reason: str) -> None:
    xml = config_xml(DOMAIN, server_xml("in", "imap", f"evil.{DOMAIN}", 993, "SSL"))
    srv_fallback(site, **{f"evil.{DOMAIN}": []})
    site.autoconfig(names, {CONFIG_PATH: Answer(xml)}, ca=trustme.CA() if other_ca else None)
    result = site.init(ADDRESS)
    assert result.exit_code == 0, result.stderr
    assert f"- {URL}: nothing there ({site.address}: {reason})." in joined_comments(result.stdout)
    assert "evil" not in result.stdout


def test_control_characters_from_the_file_are_escaped_in_the_output(site: Site) -> None:
    hostile_host = "imap.example.test&#10;  evil: yes&#x9b;31m&#x202e;&#x7f;"
    xml = config_xml(
        DOMAIN,
        server_xml("in", "imap", hostile_host, 993, "SSL", username="%EMAILADDRESS%&#10;x: y"),
        server_xml("out", "smtp", f"smtp.{DOMAIN}", 587, "STARTTLS"),
        provider="evil&#10;version: 2",
    )
    standard_site(site, a={AUTOCONFIG: []})
    site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: Answer(xml)})
    result = site.init(ADDRESS)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "\x9b" not in text and "\u202e" not in text and "\x7f" not in text
    assert not any(line.startswith(("  evil", "evil", "x:")) for line in text.splitlines())
    data = load_yaml(text)
    assert data["version"] == 1 and list(data["profiles"]) == ["smtp"]  # the hostile host is never reached
    assert "Not written: imap imap.example.test\\x0a  evil: yes\\x9b31m\\u202e\\x7f:993 from " in joined_comments(text)
    assert "No IMAP or POP3 server was found that answers: only SMTP is written." in joined_comments(text)


def test_http_only_when_allowed(site: Site) -> None:
    xml = config_xml(
        DOMAIN,
        server_xml("in", "imap", f"imap.{DOMAIN}", 993, "SSL"),
        server_xml("out", "smtp", f"smtp.{DOMAIN}", 587, "STARTTLS"),
    )
    standard_site(site, a={AUTOCONFIG: []})
    web = site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: Answer(xml)}, http=True)
    without = site.init(ADDRESS)
    assert web.requests == []  # never asked over http without --allow-http
    assert without.exit_code == 2 and f"https://{AUTOCONFIG}" in without.stderr
    allowed = site.init(ADDRESS, "--allow-http")
    assert allowed.exit_code == 0, allowed.stderr
    assert f"- http://{AUTOCONFIG}{CONFIG_PATH}: used for imap and smtp." in joined_comments(allowed.stdout)
    assert f"- {URL}: nothing there ({site.address}: connection refused)." in joined_comments(allowed.stdout)


def test_discover_options_need_discover(site: Site) -> None:
    from tests.cli_run import mailcheck

    one_line_error(mailcheck(site.folder, "init", ADDRESS, "--allow-http"), "--allow-http only go with --discover")
    site.resolver()
    one_line_error(
        mailcheck(site.folder, "init", ADDRESS, "--discover", "--nameserver", "localhost"),
        "--nameserver wants an IP address",
    )


def test_a_ca_file_that_holds_no_certificate_is_a_one_line_error_before_anything_is_asked(site: Site) -> None:
    from tests.cli_run import mailcheck

    dns = site.resolver()
    (site.folder / "not-a-ca.pem").write_text("password: not a certificate\n", encoding="utf-8")
    result = mailcheck(
        site.folder, "init", ADDRESS, "--discover", "--nameserver", dns.option, "--ca-file", "not-a-ca.pem"
    )
    one_line_error(result, "--ca-file not-a-ca.pem: no CA certificate could be read from it")
    assert dns.queries == []


def test_a_file_naming_hundreds_of_servers_is_probed_only_up_to_a_bound(site: Site) -> None:
    from mailcheck.discover import MAX_PROBED

    many = [server_xml("in", "imap", f"gone{i}.{DOMAIN}", 993, "SSL") for i in range(300)]
    xml = config_xml(DOMAIN, *many, server_xml("out", "smtp", f"smtp.{DOMAIN}", 587, "STARTTLS"))
    standard_site(site, a={AUTOCONFIG: []})
    site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: Answer(xml)})
    started = time.monotonic()
    result = site.init(ADDRESS)
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 5
    asked = {name for name in site.dns.asked("A") if name.startswith("gone")}
    assert len(asked) == MAX_PROBED  # the first ones only: none of the others is looked up
    comments = joined_comments(result.stdout)
    assert (
        f"Not written: {300 - MAX_PROBED} more incoming servers of {URL}: not probed (only the first {MAX_PROBED} are)."
        in comments
    )
    assert list(load_yaml(result.stdout)["profiles"]) == ["smtp"]


def test_each_profile_comes_whole_from_the_first_place_that_has_one(site: Site) -> None:
    """The autoconfig file lists only SMTP: the IMAP profile comes from the SRV records."""
    xml = config_xml(DOMAIN, server_xml("out", "smtp", f"smtp.{DOMAIN}", 587, "STARTTLS"))
    site.mail("imap", 993, "tls")
    site.mail("smtp", 587, "starttls")
    site.resolver(
        a={AUTOCONFIG: [], f"smtp.{DOMAIN}": [], f"mail.{DOMAIN}": []},
        srv={
            f"_imaps._tcp.{DOMAIN}": [(0, 1, 993, f"mail.{DOMAIN}.")],
            f"_submission._tcp.{DOMAIN}": [(0, 1, 587, f"mail.{DOMAIN}.")],  # not used: SMTP is found first
        },
    )
    site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: Answer(xml)})
    result = site.init(ADDRESS)
    assert result.exit_code == 0, result.stderr
    assert profiles(result.stdout) == {
        "imap": ("imap", f"mail.{DOMAIN}", 993, "tls", ADDRESS),
        "smtp": ("smtp", f"smtp.{DOMAIN}", 587, "starttls", ADDRESS),
    }
    comments = joined_comments(result.stdout)
    assert f"- {URL}: used for smtp." in comments
    assert f"- the SRV records of {DOMAIN}: used for imap." in comments
    assert f"# From the SRV records of {DOMAIN}." in result.stdout and f"# From {URL}." in result.stdout
    assert f"# {URL}:" in line_of(result.stdout, "host: smtp.")
    assert f"# SRV _imaps._tcp.{DOMAIN}" in line_of(result.stdout, "host: mail.")
    assert site.check_text(result.stdout) == []


def test_hostile_mail_servers_are_not_written_and_cost_the_timeout_at_most(site: Site) -> None:
    """Candidates that stay silent, send binary garbage, an endless line or an HTTP answer."""
    from tests.probe.probe_servers import Peer, start_line_server

    def hostile(kind: str):
        def behave(peer: Peer) -> None:
            if kind == "silent":
                peer.pause(30)
            elif kind == "garbage":
                peer.send(b"\x00\xff\x1b[31m" * 5000)
            elif kind == "endless":
                while not peer.stop.is_set():
                    peer.send(b"220" + b"-" * 1000)
            else:
                peer.send("HTTP/1.1 400 Bad Request\r\n\r\n")

        return behave

    ports = {}
    for kind in ("silent", "garbage", "endless", "http"):
        server = start_line_server(hostile(kind), site.address, 0)
        site.closers.append(server.close)
        ports[kind] = server.port
    site.resolver(a={AUTOCONFIG: [], f"mx.{DOMAIN}": []})
    servers = (server_xml("out", "smtp", f"mx.{DOMAIN}", port, "STARTTLS") for port in ports.values())
    site.autoconfig((AUTOCONFIG,), {CONFIG_PATH: Answer(config_xml(DOMAIN, *servers))})
    started = time.monotonic()
    result = site.init(ADDRESS, timeout="2")
    assert time.monotonic() - started < 2 * 4  # the candidates are probed at once: one timeout, not four
    one_line_error(result, f"{URL}: no server it names answers")
    for port in ports.values():
        assert f"Not written: smtp mx.{DOMAIN}:{port} from {URL}: " in result.stderr
    assert not any(c in result.stderr for c in ("\x00", "\xff", "\x1b"))
