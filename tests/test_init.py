"""`mailcheck init ADDRESS`: the real command line, then `mailcheck check` on what it wrote.

The expected servers are written out here from the snapshot's own upstream files (the ISPDB
file or nodemailer preset named beside each), not read through mailcheck's index.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from mailcheck.initialise import choose, profile_text
from mailcheck.providers import DATA_FILE
from mailcheck.providers.index import Server, index
from tests.cli_run import check_findings, load_yaml, mailcheck, one_line_error, repo


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return repo(tmp_path)


# What `mailcheck check` reports on `init`'s output: nothing, or exactly what the provider's
# published data forces.
CHECKED: dict[str, list[tuple[str, str]]] = {
    "jane@gmail.com": [],
    "jane@outlook.com": [],  # OAuth2 only: a token with xoauth2
    "jane@hotmail.com": [],
    "jane@gmx.net": [],
    "jane@yahoo.com": [],
    "jane@aol.com": [],  # the ISPDB's 465 over nodemailer's 587
    "jane@web.de": [],  # %EMAILLOCALPART%
    "jane@yahoo.co.jp": [],  # POP3 only, with TLS
    "jane@mit.edu": [],  # IMAP OAuth2 only, SMTP a password
    "jane@proton.me": [],  # a nodemailer preset only: SMTP only
    "jane@teol.net": [],  # SMTP without <username>
    # the ISPDB file's own mistake: implicit TLS on the submission port
    "jane@charter.net": [("smtp", "MC201")],
    # the first implicit-TLS SMTP server the file lists is on port 586
    "jane@rediffmail.com": [("smtp", "MC203")],
    # POP3 only and cleartext only: nothing a port or security setting fixes
    "jane@nifty.com": [("pop3", "MC705"), ("pop3", "MC204"), ("smtp", "MC705"), ("smtp", "MC204")],
    # cleartext only, and SMTP without login on 25
    "jane@kokuyou.ne.jp": [("pop3", "MC705"), ("pop3", "MC204"), ("smtp", "MC705"), ("smtp", "MC205")],
    # IMAP in cleartext only, SMTP with STARTTLS
    "jane@peoplepc.com": [("imap", "MC705"), ("imap", "MC204")],
}


@pytest.mark.parametrize("address", list(CHECKED))
def test_check_reports_only_what_the_provider_data_forces(folder: Path, address: str) -> None:
    result = mailcheck(folder, "init", address, "-o", "out.mail.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert check_findings(folder, "out.mail.yaml") == CHECKED[address]


PASSWORD = {"env": "SMTP_PASSWORD"}


# (protocol, host, port, security, username) per profile, from the upstream entries
SERVERS = {
    # ISPDB googlemail.com.xml: imap first, pop3 second; OAuth2 and password-cleartext
    "jane@gmail.com": {
        "imap": ("imap", "imap.gmail.com", 993, "tls", "jane@gmail.com"),
        "smtp": ("smtp", "smtp.gmail.com", 465, "tls", "jane@gmail.com"),
    },
    # ISPDB gmx.net.xml (not nodemailer's mail.gmx.com): SSL listed before STARTTLS
    "jane@gmx.net": {
        "imap": ("imap", "imap.gmx.net", 993, "tls", "jane@gmx.net"),
        "smtp": ("smtp", "mail.gmx.net", 465, "tls", "jane@gmx.net"),
    },
    "jane@hotmail.com": {
        "imap": ("imap", "outlook.office365.com", 993, "tls", "jane@hotmail.com"),
        "smtp": ("smtp", "smtp-mail.outlook.com", 587, "starttls", "jane@hotmail.com"),
    },
    "jane@aol.com": {
        "imap": ("imap", "imap.aol.com", 993, "tls", "jane@aol.com"),
        "smtp": ("smtp", "smtp.aol.com", 465, "tls", "jane@aol.com"),
    },
    "jane@web.de": {
        "imap": ("imap", "imap.web.de", 993, "tls", "jane"),
        "smtp": ("smtp", "smtp.web.de", 465, "tls", "jane"),
    },
    "jane@yahoo.co.jp": {
        "pop3": ("pop3", "pop.mail.yahoo.co.jp", 995, "tls", "jane"),
        "smtp": ("smtp", "smtp.mail.yahoo.co.jp", 465, "tls", "jane"),
    },
    # rediffmail.com.xml: pop3 995 SSL before 110 plain
    "jane@rediffmail.com": {
        "pop3": ("pop3", "pop.rediffmail.com", 995, "tls", "jane@rediffmail.com"),
        "smtp": ("smtp", "smtp.rediffmail.com", 586, "tls", "jane@rediffmail.com"),
    },
    # nodemailer's Proton preset: SMTP only, no username form (the address is assumed)
    "jane@proton.me": {"smtp": ("smtp", "smtp.protonmail.ch", 587, "starttls", "jane@proton.me")},
}


@pytest.mark.parametrize("address", list(SERVERS))
def test_servers_are_the_providers_in_thunderbirds_order(folder: Path, address: str) -> None:
    result = mailcheck(folder, "init", address)
    assert result.exit_code == 0, result.stderr
    profiles = load_yaml(result.stdout)["profiles"]
    got = {
        name: (p["protocol"], p["host"], p["port"], p["security"], p["auth"]["username"])
        for name, p in profiles.items()
    }
    assert got == SERVERS[address]
    assert profiles["smtp"]["from"] == {"address": address}
    for name, profile in profiles.items():
        assert "from" not in profile or name == "smtp"


def test_auth_is_a_password_reference_or_a_token_where_only_oauth2_is_listed(folder: Path) -> None:
    gmail = load_yaml(mailcheck(folder, "init", "jane@gmail.com").stdout)["profiles"]
    assert gmail["smtp"]["auth"] == {"username": "jane@gmail.com", "password": PASSWORD}
    assert gmail["imap"]["auth"] == {"username": "jane@gmail.com", "password": {"env": "IMAP_PASSWORD"}}
    outlook = load_yaml(mailcheck(folder, "init", "jane@outlook.com").stdout)["profiles"]
    assert outlook["smtp"]["auth"] == {
        "username": "jane@outlook.com",
        "token": {"env": "SMTP_TOKEN"},
        "mechanism": "xoauth2",
    }
    assert outlook["imap"]["auth"]["mechanism"] == "xoauth2"
    mit = load_yaml(mailcheck(folder, "init", "jane@mit.edu").stdout)["profiles"]
    assert mit["imap"]["auth"]["token"] == {"env": "IMAP_TOKEN"}
    assert mit["smtp"]["auth"] == {"username": "jane", "password": PASSWORD}  # %EMAILLOCALPART%
    nifty = load_yaml(mailcheck(folder, "init", "jane@nifty.com").stdout)["profiles"]
    assert nifty["smtp"]["auth"]["mechanism"] == "cram-md5"  # password-encrypted
    kokuyou = load_yaml(mailcheck(folder, "init", "jane@kokuyou.ne.jp").stdout)["profiles"]
    assert "auth" not in kokuyou["smtp"] and kokuyou["smtp"]["from"] == {"address": "jane@kokuyou.ne.jp"}


def test_every_value_says_which_source_it_came_from(folder: Path) -> None:
    commits = {name: source["commit"] for name, source in json.loads(DATA_FILE.read_text("utf-8"))["sources"].items()}
    output = mailcheck(folder, "init", "jane@gmail.com").stdout
    assert f"commit {commits['ispdb']} (MPL-2.0)" in re.sub(r"\n# ", " ", output)
    for line in output.splitlines():
        if re.match(r"    (protocol|host|port|security|auth):|      username:", line):
            assert f"# ISPDB googlemail.com.xml@{commits['ispdb'][:8]}" in line, line
    assert "<socketType>SSL: implicit TLS" in output and "<username>%EMAILADDRESS%" in output
    assert "; the same in nodemailer's Gmail preset" in output
    assert "# Also published: pop3 pop.gmail.com:995 tls (the ISPDB)." in output
    proton = mailcheck(folder, "init", "jane@proton.me").stdout
    assert f"# nodemailer Proton@{commits['nodemailer'][:8]} host" in proton
    assert "nodemailer" in proton and "(MIT)" in proton


def test_unknown_domains_and_bad_addresses_are_one_line_errors(folder: Path) -> None:
    one_line_error(
        mailcheck(folder, "init", "jane@example.org"),
        "the provider snapshot",
        "does not know example.org",
        "give --discover to look it up online",
    )
    one_line_error(mailcheck(folder, "init", "jane"), "'jane' is not an e-mail address")
    one_line_error(mailcheck(folder, "init", "jane@intranet"), "the domain is a single label")
    assert not list(folder.glob("*.mail.yaml"))


def test_output_file_is_written_atomically_and_never_replaced_without_force(folder: Path) -> None:
    stdout = mailcheck(folder, "init", "jane@gmx.net").stdout
    assert mailcheck(folder, "init", "jane@gmx.net", "-o", "-").stdout == stdout
    assert mailcheck(folder, "init", "jane@gmx.net", "-o", "mail/gmx.mail.yaml").exit_code == 0
    target = folder / "mail" / "gmx.mail.yaml"
    assert target.read_text(encoding="utf-8") == stdout
    target.write_text("mine\n", encoding="utf-8")
    one_line_error(
        mailcheck(folder, "init", "jane@gmx.net", "-o", "mail/gmx.mail.yaml"),
        "mail/gmx.mail.yaml exists: give --force to replace it",
    )
    assert target.read_text(encoding="utf-8") == "mine\n"
    (folder / "dangling.mail.yaml").symlink_to(folder / "nowhere")
    one_line_error(mailcheck(folder, "init", "jane@gmx.net", "-o", "dangling.mail.yaml"), "exists")
    assert mailcheck(folder, "init", "jane@gmx.net", "-o", "mail/gmx.mail.yaml", "--force").exit_code == 0
    assert target.read_text(encoding="utf-8") == stdout
    assert sorted(p.name for p in (folder / "mail").iterdir()) == ["gmx.mail.yaml"]  # no temporary file left


def _server(protocol: str, port: int, security: str, source: str = "ispdb") -> Server:
    return Server(protocol, f"{protocol}.example.com", port, security, None, (), source, None, ())


def test_thunderbirds_order_of_preference() -> None:
    plain_imap, tls_pop = _server("imap", 143, "none"), _server("pop3", 995, "tls")
    starttls_imap, tls_imap = _server("imap", 143, "starttls"), _server("imap", 993, "tls")
    assert choose([plain_imap, tls_pop])[0] == tls_pop  # encrypted before plain
    assert choose([tls_pop, starttls_imap])[0] == starttls_imap  # then IMAP before POP3
    assert choose([starttls_imap, tls_imap]) == (tls_imap, starttls_imap)  # then implicit TLS first
    first, second = _server("smtp", 465, "tls"), _server("smtp", 2465, "tls")
    assert choose([second, first]) == (second, first)  # ties keep the source's order
    nodemailer = _server("smtp", 465, "tls", "nodemailer")
    assert choose([nodemailer, _server("smtp", 587, "starttls")])[1] == nodemailer  # the ISPDB first


def test_every_snapshot_provider_gives_a_profile_check_finds_only_data_mistakes_in(folder: Path) -> None:
    """Each provider's first domain: only what its chosen servers' own data causes is found."""
    data = index()
    expected: dict[str, set[str]] = {}
    for provider in data.providers.values():
        if not provider.domains or data.owners_of_domain(provider.domains[0])[0].id != provider.id:
            continue
        domain = provider.domains[0]
        name = f"{domain}.mail.yaml"
        (folder / name).write_text(profile_text(f"jane@{domain}"), encoding="utf-8")
        expected[name] = set()
        for protocol in ("smtp", "imap", "pop3"):
            servers = choose([s for s in provider.servers if s.protocol == protocol])
            if servers and servers[0].security == "none":
                expected[name].add("MC705")
    assert len(expected) > 150
    result = mailcheck(folder, "check", ".", "--format", "json")
    found: dict[str, set[str]] = defaultdict(set)
    for finding in result.json()["findings"]:
        found[Path(finding["file"]).name].add(finding["rule"])
    for name, rules in found.items():
        # cleartext (MC705 with MC204 or MC205), port 25 submission (MC208) and the two
        # port mistakes of the data (charter.net's MC201, rediffmail.com's MC203)
        assert rules <= {"MC705", "MC204", "MC205", "MC208", "MC201", "MC203"}, (name, rules)
        assert ("MC705" in rules) == bool(expected[name]), (name, rules)
    assert {name for name, rules in found.items() if "MC201" in rules} == {"charter.net.mail.yaml"}
    assert {name for name, rules in found.items() if "MC203" in rules} == {"rediffmail.com.mail.yaml"}


def test_help(folder: Path) -> None:
    result = mailcheck(folder, "init", "--help")
    assert result.exit_code == 0 and "ISPDB" in result.stdout and "--force" in result.stdout
    assert "--discover" in result.stdout and "--nameserver" in result.stdout and "--allow-http" in result.stdout
