"""`mailcheck init --discover` against real Postfix and Dovecot: an autoconfig file served
over HTTPS on loopback names their real ports, one of them with the wrong mode, and the
profile discovery writes is the one that then passes `mailcheck probe` with a real login.

Loopback only: the DNS server on 127.0.0.1 (`--nameserver`) answers from its table, the
autoconfig server listens on port 443 of a 127.x.y.z address of its own (tests/discovery)."""

from __future__ import annotations

import json
from pathlib import Path

from ruamel.yaml import YAML

from tests.cli_run import mailcheck, repo
from tests.discovery.conftest import Site
from tests.discovery.servers import Answer, config_xml, server_xml
from tests.integration.mailservers import MailServers

CONFIG_PATH = "/mail/config-v1.1.xml"


def test_discovered_settings_are_the_real_servers_modes_and_pass_the_probe(
    mail_servers: MailServers, tmp_path: Path
) -> None:
    import trustme

    ports, alice = mail_servers.ports, mail_servers.alice
    domain = alice.address.split("@", 1)[1]
    host = mail_servers.tls_hostname  # "localhost": the name the harness's certificates are for
    site = Site(repo(tmp_path), trustme.CA())
    try:
        dns = site.resolver(a={f"autoconfig.{domain}": [], host: [mail_servers.host]})
        xml = config_xml(
            domain,
            # the file claims STARTTLS on Dovecot's implicit-TLS port and on Postfix's
            # implicit-TLS submission port: discovery must write what the servers speak
            server_xml("in", "imap", host, ports.imap_tls, "STARTTLS"),
            server_xml("out", "smtp", host, ports.smtp_tls, "STARTTLS"),
            server_xml("out", "smtp", host, ports.smtp_starttls, "STARTTLS"),
        )
        web = site.autoconfig((f"autoconfig.{domain}",), {CONFIG_PATH: Answer(xml)})
        result = site.init(alice.address, "-o", "found.mail.yaml", timeout="10")
        assert result.exit_code == 0, result.stderr
        assert web.paths() == [f"{CONFIG_PATH}?emailaddress={alice.address.replace('@', '%40')}"]

        path = site.folder / "found.mail.yaml"
        yaml = YAML()
        data = yaml.load(path.read_text(encoding="utf-8"))
        found = {name: (p["protocol"], p["host"], p["port"], p["security"]) for name, p in data["profiles"].items()}
        # Thunderbird's preference among the SMTP servers that answer: implicit TLS first
        assert found == {
            "imap": ("imap", host, ports.imap_tls, "tls"),
            "smtp": ("smtp", host, ports.smtp_tls, "tls"),
        }
        text = path.read_text(encoding="utf-8")
        assert "The source says STARTTLS required" in text and "written as seen, security: tls" in text
        assert f"Also answering: smtp {host}:{ports.smtp_starttls} (starttls)." in text.replace("\n    # ", " ")
        lint = json.loads(mailcheck(site.folder, "check", "found.mail.yaml", "--format", "json").stdout)
        assert {f["rule"] for f in lint["findings"]} <= {"MC203"}  # only: the harness's ports are not 993/465

        # the harness's CA is private: the one line a user adds for it, then the real probe
        for profile in data["profiles"].values():
            profile["tls"] = {"ca_file": str(mail_servers.ca_file)}
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)
        probe = mailcheck(
            site.folder,
            "probe",
            "--nameserver",
            dns.option,
            "--format",
            "json",
            "found.mail.yaml",
            env={"IMAP_PASSWORD": alice.password, "SMTP_PASSWORD": alice.password},
        )
        assert probe.exit_code == 0, probe.stdout + probe.stderr
        results = {r["profile"]: r for r in json.loads(probe.stdout)["results"]}
        assert {name: r["login"] for name, r in results.items()} == {"imap": "ok", "smtp": "ok"}
        assert alice.password not in probe.stdout + probe.stderr
    finally:
        for close in reversed(site.closers):
            close()
