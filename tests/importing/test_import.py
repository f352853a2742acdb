"""`mailcheck import`: what a user sees, from real ISPDB files and Autodiscover responses.

The ISPDB fixtures are copies (tests/fixtures/import/README.md); the expected servers are read
from them here with the standard library's ElementTree, independently of mailcheck's reader.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli_run import Result, check_findings, joined_comments, load_yaml, mailcheck, one_line_error, repo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
ISPDB = ["aol.com", "charter.net", "gmx.net", "inbox.lv", "kokuyou.ne.jp", "office365.com"]
SECURITY = {"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return repo(tmp_path)


def run(folder: Path, *args: str) -> Result:
    return mailcheck(folder, *args)


# What `mailcheck check` reports on each import: only what the provider's own data causes.
CHECKED = {
    ("aol.com", None): [],
    ("gmx.net", None): [],
    ("inbox.lv", None): [],
    ("office365.com", None): [],
    ("autodiscover-ssl-on", None): [],
    # the file's own known mistake: implicit TLS on the submission port
    ("charter.net", None): [("smtp", "MC201")],
    ("charter.net", "jane@charter.net"): [("smtp", "MC201")],
    # cleartext only (the provider publishes nothing else), and an SMTP server without login:
    # without --address there is no sender, with it there is
    ("kokuyou.ne.jp", None): [
        ("pop3", "MC705"),
        ("pop3", "MC204"),
        ("smtp", "MC402"),
        ("smtp", "MC705"),
        ("smtp", "MC205"),
    ],
    ("kokuyou.ne.jp", "taro@kokuyou.ne.jp"): [
        ("pop3", "MC705"),
        ("pop3", "MC204"),
        ("smtp", "MC705"),
        ("smtp", "MC205"),
    ],
    # a relay on 25 without encryption, and 2525 whose mode only a probe can tell
    ("autodiscover-encryption", "ops@example.org"): [("smtp", "MC205"), ("smtp-2", "MC203")],
}


@pytest.mark.parametrize(("name", "address"), list(CHECKED))
def test_check_reports_only_what_the_provider_data_causes(folder: Path, name: str, address: str | None) -> None:
    args = ["import", str(FIXTURES / f"{name}.xml"), "-o", "out.mail.yaml"]
    result = run(folder, *args, *(["--address", address] if address else []))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert check_findings(folder, "out.mail.yaml") == CHECKED[(name, address)]


def expected_servers(name: str, address: str) -> list[tuple[str, str, int, str]]:
    local, _, domain = address.partition("@")
    provider = ET.parse(FIXTURES / f"{name}.xml").getroot().find("emailProvider")
    assert provider is not None
    servers = []
    for server in provider:
        kind = server.get("type")
        if server.tag not in ("incomingServer", "outgoingServer") or kind not in ("imap", "pop3", "smtp"):
            continue
        host = server.findtext("hostname", "").replace("%EMAILDOMAIN%", domain).replace("%EMAILLOCALPART%", local)
        servers.append((kind, host, int(server.findtext("port", "0")), SECURITY[server.findtext("socketType", "")]))
    return servers


@pytest.mark.parametrize("name", ISPDB)
@pytest.mark.parametrize("address", [None, "jane.doe@example.net"])
def test_ispdb_files_round_trip(folder: Path, name: str, address: str | None) -> None:
    result = run(folder, "import", str(FIXTURES / f"{name}.xml"), *(["--address", address] if address else []))
    assert result.exit_code == 0, result.stderr
    profiles = load_yaml(result.stdout)["profiles"]
    got = [(p["protocol"], p["host"], p["port"], p["security"]) for p in profiles.values()]
    first_domain = ET.parse(FIXTURES / f"{name}.xml").getroot().findtext("emailProvider/domain")
    assert got == expected_servers(name, address or f"user@{first_domain}")


def test_profile_names_count_repeats(folder: Path) -> None:
    result = run(folder, "import", str(FIXTURES / "gmx.net.xml"))
    assert list(load_yaml(result.stdout)["profiles"]) == ["imap", "imap-2", "pop3", "pop3-2", "smtp", "smtp-2"]


@pytest.mark.parametrize("name", ISPDB)
def test_every_comment_names_the_element_on_its_line(folder: Path, name: str) -> None:
    source = (FIXTURES / f"{name}.xml").read_text(encoding="utf-8").splitlines()
    output = run(folder, "import", str(FIXTURES / f"{name}.xml")).stdout
    cited = re.findall(rf"{re.escape(name)}\.xml:(\d+) <([A-Za-z]+)", output)
    assert len(cited) >= 4 * len(load_yaml(output)["profiles"])  # protocol, host, port, security at least
    for line, element in cited:
        assert f"<{element}" in source[int(line) - 1], (line, element)
    for line in output.splitlines():  # every value line of a profile says where it came from
        if re.match(r"    (protocol|host|port|security|auth):|      (username):", line):
            assert f"# {name}.xml:" in line, line


def test_without_address_placeholders_get_a_stand_in_and_from_is_left(folder: Path) -> None:
    raw = run(folder, "import", str(FIXTURES / "aol.com.xml")).stdout
    output = joined_comments(raw)
    assert "No --address was given: the placeholders are filled with user@aol.com, and from is left for you." in output
    smtp = load_yaml(raw)["profiles"]["smtp"]
    assert smtp["auth"]["username"] == "user@aol.com" and "from" not in smtp
    assert "    # from: {address: user@aol.com}" in raw


def test_address_fills_placeholders_and_sets_from(folder: Path) -> None:
    output = run(folder, "import", str(FIXTURES / "inbox.lv.xml"), "--address", "anna@inbox.lv").stdout
    profiles = load_yaml(output)["profiles"]
    assert {p["host"] for p in profiles.values()} == {"mail.inbox.lv"}
    assert {p["auth"]["username"] for p in profiles.values()} == {"anna@inbox.lv"}
    assert profiles["smtp"]["from"] == {"address": "anna@inbox.lv"}
    assert "imap" in profiles and "from" not in profiles["imap"]
    local = run(folder, "import", str(FIXTURES / "kokuyou.ne.jp.xml"), "--address", "taro@kokuyou.ne.jp").stdout
    assert load_yaml(local)["profiles"]["pop3"]["auth"]["username"] == "taro"  # %EMAILLOCALPART%


def test_auth_is_a_reference_and_oauth2_first_is_taken_as_thunderbird_does(folder: Path) -> None:
    output = run(folder, "import", str(FIXTURES / "aol.com.xml")).stdout
    imap = load_yaml(output)["profiles"]["imap"]
    assert imap["auth"] == {"username": "user@aol.com", "token": {"env": "IMAP_TOKEN"}, "mechanism": "xoauth2"}
    assert "# The file also lists password-cleartext" in output
    gmx = load_yaml(run(folder, "import", str(FIXTURES / "gmx.net.xml")).stdout)["profiles"]
    assert gmx["smtp-2"]["auth"]["password"] == {"env": "SMTP_2_PASSWORD"}


def test_smtp_without_login_and_username(folder: Path) -> None:
    output = run(folder, "import", str(FIXTURES / "kokuyou.ne.jp.xml")).stdout
    assert "auth" not in load_yaml(output)["profiles"]["smtp"]
    assert "    # kokuyou.ne.jp.xml:18 <authentication>none</authentication>: no login, so no auth." in output


def test_skipped_servers_are_named_in_the_header(folder: Path) -> None:
    raw = run(folder, "import", str(FIXTURES / "office365.com.xml")).stdout
    output = joined_comments(raw)
    for line, kind in ((28, "ews"), (33, "owa"), (38, "graph"), (44, "exchange")):
        assert f'Skipped office365.com.xml:{line} <incomingServer type="{kind}">' in output
    assert list(load_yaml(raw)["profiles"]) == ["imap", "pop3", "smtp"]


def test_autodiscover_ssl_on_is_decided_by_port(folder: Path) -> None:
    output = run(folder, "import", str(FIXTURES / "autodiscover-ssl-on.xml")).stdout
    profiles = load_yaml(output)["profiles"]
    output = joined_comments(output)
    assert (profiles["imap"]["port"], profiles["imap"]["security"]) == (993, "tls")
    assert (profiles["smtp"]["port"], profiles["smtp"]["security"]) == (587, "starttls")
    assert "<SSL>on</SSL> does not say implicit TLS or STARTTLS: decided by the port as Thunderbird does" in output
    assert "so port 587 is STARTTLS." in output and "so port 993 is implicit TLS." in output
    assert profiles["smtp"]["auth"]["username"] == "jane@example.com"  # <LoginName>
    assert "from" not in profiles["smtp"]  # the response's address is not the user's say-so


def test_autodiscover_encryption_auth_required_and_skips(folder: Path) -> None:
    fixture = str(FIXTURES / "autodiscover-encryption.xml")
    output = run(folder, "import", fixture, "--address", "ops@example.org").stdout
    profiles = load_yaml(output)["profiles"]
    output = joined_comments(output)
    assert [(n, p["port"], p["security"]) for n, p in profiles.items()] == [
        ("pop3", 995, "tls"),
        ("imap", 143, "starttls"),  # Encryption Auto overrides SSL off (Microsoft), decided by port
        ("smtp", 25, "none"),  # Encryption None
        ("smtp-2", 2525, "tls"),  # Encryption TLS on a port that is no plaintext one
    ]
    assert "auth" not in profiles["smtp"]  # AuthRequired off
    assert profiles["pop3"]["auth"]["username"] == "ops@example.org"  # no LoginName: the address
    assert profiles["smtp-2"]["auth"]["username"] == "ops"
    assert "Skipped autodiscover-encryption.xml:7 <Protocol> <Type>EXCH</Type>" in output
    assert "Skipped autodiscover-encryption.xml:40 <Protocol> <Type>SMTP</Type>: it has no <Port>" in output
    assert "<SPA>on</SPA> asks for Secure Password Authentication" in output
    one_line_error(run(folder, "import", fixture), "no <LoginName> and no <AutoDiscoverSMTPAddress>: give --address")


AUTODISCOVER = """<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    {}
  </Response>
</Autodiscover>
"""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "<Account><Action>redirectAddr</Action><RedirectAddr>a@b.example</RedirectAddr></Account>",
            "the Autodiscover response is a redirect to a@b.example (redirectAddr): import the response found there",
        ),
        (
            "<Error><ErrorCode>500</ErrorCode><Message>The e-mail address cannot be found.</Message></Error>",
            "the Autodiscover response is an error: 500 The e-mail address cannot be found., not settings",
        ),
        ("<Account><Protocol><Type>WEB</Type></Protocol></Account>", "has no IMAP, POP3 or SMTP server to import"),
    ],
)
def test_autodiscover_responses_without_settings(folder: Path, body: str, message: str) -> None:
    (folder / "r.xml").write_text(AUTODISCOVER.format(body), encoding="utf-8")
    one_line_error(run(folder, "import", "r.xml"), message)


AUTOCONFIG = """<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain>
{}
</emailProvider></clientConfig>
"""


def test_a_password_in_the_file_is_never_copied(folder: Path) -> None:
    server = """<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port>
      <socketType>SSL</socketType><username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication><password>Tr0ub4dor-and-3</password></incomingServer>"""
    (folder / "p.xml").write_text(AUTOCONFIG.format(server), encoding="utf-8")
    result = run(folder, "import", "p.xml")
    assert result.exit_code == 0 and "Tr0ub4dor" not in result.stdout
    assert load_yaml(result.stdout)["profiles"]["imap"]["auth"]["password"] == {"env": "IMAP_PASSWORD"}
    assert "The file holds a <password> (line 5): it is not copied" in joined_comments(result.stdout)


def test_incomplete_servers_unknown_elements_and_values(folder: Path) -> None:
    servers = """
<incomingServer type="imap"><hostname>imap.example.com</hostname><socketType>SSL</socketType>
  <authentication>GSSAPI</authentication><frobnicate>1</frobnicate></incomingServer>
<incomingServer type="pop3"><hostname>pop.example.com</hostname><port>995</port><socketType>ssl</socketType></incomingServer>
<incomingServer type="imap"><port>993</port><socketType>SSL</socketType></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>99999</port>
  <socketType>STARTTLS</socketType><username>%EMAILADDRESS</username></outgoingServer>
<futureServer/>"""
    (folder / "i.xml").write_text(AUTOCONFIG.format(servers), encoding="utf-8")
    result = run(folder, "import", "i.xml", "-o", "i.mail.yaml")
    assert result.exit_code == 0, result.stderr
    output = (folder / "i.mail.yaml").read_text(encoding="utf-8")
    profiles = load_yaml(output)["profiles"]
    output = joined_comments(output)
    assert list(profiles) == ["imap", "smtp"]
    assert "port" not in profiles["imap"] and "port" not in profiles["smtp"]
    assert "mailcheck's default for imap with tls (993) applies" in output
    assert "has a <port> at line 8 that is not a port number (1-65535)" in output
    assert "Skipped i.xml:6 <incomingServer" in output and "the file has ssl" in output
    assert "Skipped i.xml:7 <incomingServer" in output and "it has no <hostname>" in output
    assert "Not imported from this server: <frobnicate>." in output
    assert "which mailcheck does not speak" in output  # GSSAPI
    assert "%EMAILADDRESS is not a placeholder Thunderbird fills" in output
    assert profiles["smtp"]["auth"]["username"] == "%EMAILADDRESS"  # as Thunderbird would use it
    assert "no <authentication> mailcheck speaks: a password is assumed" in output
    assert check_findings(folder, "i.mail.yaml") == [("smtp", "MC402")]  # that login is no address to send from


HOSTILE_HOSTS = [
    "imap.example.com\nprofiles: {}",
    'x" # y',
    "a: b",
    "- [x]",
    "{env: X}",
    "yes",
    "1.2",
    "\u202eevil",
    "é.example",
]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_values_from_the_file_cannot_change_the_yaml(folder: Path, host: str) -> None:
    escaped = host.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "&#10;")
    server = f"""<incomingServer type="imap"><hostname>{escaped}</hostname><port>993</port>
      <socketType>SSL</socketType><username>a&#10;b #c</username></incomingServer>"""
    (folder / "h.xml").write_text(AUTOCONFIG.format(server), encoding="utf-8")
    result = run(folder, "import", "h.xml", "-o", "h.mail.yaml")
    assert result.exit_code == 0, result.stderr
    profiles = load_yaml((folder / "h.mail.yaml").read_text(encoding="utf-8"))["profiles"]
    assert list(profiles) == ["imap"]
    assert profiles["imap"]["host"] == host.strip() and profiles["imap"]["auth"]["username"] == "a\nb #c"
    check = run(folder, "check", "h.mail.yaml", "--format", "json")
    assert check.exit_code in (0, 1) and "MC001" not in check.stdout and "MC101" not in check.stdout


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<clientConfig><emailProvider><domain>&lol3;</domain></emailProvider></clientConfig>"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"version: 1\nprofiles: {}\n", "is not XML mailcheck reads: line 1, column 1: syntax error"),
        (b"", "no element found"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not XML mailcheck reads"),
        (b"<clientConfig><emailProvider>", "no element found"),
        (BILLION_LAUGHS, "line 2: a document type declaration (<!DOCTYPE>) is not read"),
        (b'<!DOCTYPE c SYSTEM "http://127.0.0.1:9/x.dtd"><clientConfig/>', "document type declaration"),
        (b"<clientConfig>&xxe;</clientConfig>", "undefined entity"),
        (b"<a>" * 100 + b"</a>" * 100, "elements nested deeper than 64 levels"),
        (b"<r>" + b"<e/>" * 100_001 + b"</r>", "more than 100,000 elements"),
        (b"<html><body>Not found</body></html>", "its root element is <html>"),
        (b"<clientConfig/>", "the <clientConfig> has no <emailProvider>"),
        (b"<clientConfig><emailProvider/></clientConfig>", "names no <domain> to fill the placeholders with"),
        (AUTOCONFIG.format("").encode(), "has no IMAP, POP3 or SMTP server to import (it lists none)"),
    ],
)
def test_hostile_and_broken_files_are_one_line_errors(folder: Path, content: bytes, message: str) -> None:
    (folder / "bad.xml").write_bytes(content)
    one_line_error(run(folder, "import", "bad.xml"), message)
    assert list(folder.iterdir()) == [folder / ".git", folder / "bad.xml"]


def test_external_entities_are_never_read(folder: Path) -> None:
    (folder / "secret.txt").write_text("imap.attacker.example", encoding="utf-8")
    xxe = f"""<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file://{folder}/secret.txt">]>
<clientConfig><emailProvider><domain>example.com</domain><incomingServer type="imap">
<hostname>&x;</hostname><port>993</port><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>"""
    (folder / "xxe.xml").write_text(xxe, encoding="utf-8")
    result = run(folder, "import", "xxe.xml")
    one_line_error(result, "document type declaration")
    assert "attacker" not in result.stderr


def test_files_over_the_bound_and_not_files(folder: Path) -> None:
    with open(folder / "huge.xml", "wb") as handle:
        handle.truncate(16 * 1024 * 1024 + 1)  # sparse: nothing is read
    one_line_error(run(folder, "import", "huge.xml"), "huge.xml is 16.0 MiB, above the 16 MiB bound of a profile file")
    one_line_error(run(folder, "import", "missing.xml"), "missing.xml does not exist")
    (folder / "sub").mkdir()
    one_line_error(run(folder, "import", "sub"), "sub is a directory")
    os.mkfifo(folder / "fifo.xml")
    one_line_error(run(folder, "import", "fifo.xml"), "fifo.xml is not a regular file")
    one_line_error(
        run(folder, "import", str(FIXTURES / "aol.com.xml"), "--address", "jane"),
        "--address 'jane' is not an e-mail address",
    )
    one_line_error(
        run(folder, "import", str(FIXTURES / "aol.com.xml"), "--address", "jane@intranet"),
        "the domain is a single label",
    )


def test_output_file_is_written_atomically_and_never_replaced_without_force(folder: Path) -> None:
    fixture = str(FIXTURES / "gmx.net.xml")
    stdout = run(folder, "import", fixture).stdout
    assert run(folder, "import", fixture, "-o", "-").stdout == stdout
    assert run(folder, "import", fixture, "-o", "mail/gmx.mail.yaml").exit_code == 0
    assert (folder / "mail" / "gmx.mail.yaml").read_text(encoding="utf-8") == stdout
    (folder / "mail" / "gmx.mail.yaml").write_text("mine\n", encoding="utf-8")
    one_line_error(
        run(folder, "import", fixture, "-o", "mail/gmx.mail.yaml"),
        "mail/gmx.mail.yaml exists: give --force to replace it",
    )
    assert (folder / "mail" / "gmx.mail.yaml").read_text(encoding="utf-8") == "mine\n"
    (folder / "dangling.mail.yaml").symlink_to(folder / "nowhere")
    one_line_error(run(folder, "import", fixture, "-o", "dangling.mail.yaml"), "exists")
    assert run(folder, "import", fixture, "-o", "mail/gmx.mail.yaml", "--force").exit_code == 0
    assert (folder / "mail" / "gmx.mail.yaml").read_text(encoding="utf-8") == stdout
    assert sorted(p.name for p in (folder / "mail").iterdir()) == ["gmx.mail.yaml"]  # no temporary file left


def test_output_is_never_the_input(folder: Path) -> None:
    (folder / "gmx.xml").write_bytes((FIXTURES / "gmx.net.xml").read_bytes())
    os.link(folder / "gmx.xml", folder / "same.xml")
    for target in ("gmx.xml", "./gmx.xml", "same.xml"):
        one_line_error(run(folder, "import", "gmx.xml", "-o", target, "--force"), "is the file being imported")
    assert (folder / "gmx.xml").read_bytes() == (FIXTURES / "gmx.net.xml").read_bytes()


def test_help_names_the_formats(folder: Path) -> None:
    result = run(folder, "import", "--help")
    assert result.exit_code == 0
    assert "Thunderbird autoconfig XML" in result.stdout and "Autodiscover POX" in result.stdout
