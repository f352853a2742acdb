"""Fixtures for `init --discover`: a loopback "site" per test, its DNS server, autoconfig
server and mail servers on one 127.x.y.z address of its own. Nothing leaves 127.0.0.0/8:
every lookup goes to the DNS server on 127.0.0.1 (`--nameserver`), which answers only
from its tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme

from tests.cli_run import Result, mailcheck, repo
from tests.discovery.servers import Answer, AutoconfigServer, bind_or_skip, https_context, loopback_address
from tests.dns_server import DnsServer, Srv, start_dns
from tests.probe.probe_helpers import USERS
from tests.probe.probe_servers import imap_behaviour, pop3_behaviour, server_context, start_line_server, start_smtp


@dataclass
class Site:
    folder: Path
    ca: trustme.CA
    address: str = field(default_factory=loopback_address)
    dns: DnsServer | None = None
    closers: list = field(default_factory=list)

    def resolver(
        self,
        a: dict[str, list[str]] | None = None,
        mx: dict[str, list[tuple[int, str]]] | None = None,
        srv: dict[str, list[Srv]] | None = None,
    ) -> DnsServer:
        """The DNS server; names in `a` without addresses get this site's address."""
        table = {f"{name}.": addresses or [self.address] for name, addresses in (a or {}).items()}
        srv_table = {f"{name}.": rows for name, rows in (srv or {}).items()}
        self.dns = start_dns(a=table, mx={f"{k}.": v for k, v in (mx or {}).items()}, srv=srv_table)
        self.closers.append(self.dns.close)
        return self.dns

    def autoconfig(
        self, names: tuple[str, ...], routes: dict[str, Answer], *, ca: trustme.CA | None = None, http: bool = False
    ) -> AutoconfigServer:
        """An HTTPS server on this site's address, port 443, with a certificate for `names`
        from the test CA (or `ca`); with `http`, plain HTTP on port 80."""
        context = None if http else https_context(ca or self.ca, *names)
        server = AutoconfigServer(self.address, 80 if http else 443, routes, context)
        self.closers.append(server.close)
        return server

    def mail(self, protocol: str, port: int, mode: str) -> None:
        """A mail server on this site's address: mode tls (implicit), starttls or none."""
        context = server_context(self.ca)
        if protocol == "smtp":
            server = bind_or_skip(
                lambda: start_smtp(mode, context, USERS, host=self.address, port=port), f"SMTP on {self.address}:{port}"
            )
            self.closers.append(server.controller.stop)
            return
        make = imap_behaviour if protocol == "imap" else pop3_behaviour
        behaviour = make(context, USERS, implicit_tls=mode == "tls")
        line = bind_or_skip(
            lambda: start_line_server(behaviour, self.address, port), f"{protocol} on {self.address}:{port}"
        )
        self.closers.append(line.close)

    def init(self, address: str, *args: str, timeout: str = "3") -> Result:
        assert self.dns is not None
        (self.folder / "ca.pem").write_bytes(self.ca.cert_pem.bytes())
        return mailcheck(
            self.folder,
            "init",
            address,
            "--discover",
            "--nameserver",
            self.dns.option,
            "--ca-file",
            "ca.pem",
            "--timeout",
            timeout,
            *args,
        )

    def check(self, path: str) -> list[tuple[str, str, str]]:
        result = mailcheck(self.folder, "check", path, "--format", "json")
        return [(f["profile"], f["rule"], f["message"]) for f in result.json()["findings"]]

    def check_text(self, text: str) -> list[tuple[str, str, str]]:
        """`mailcheck check`'s findings on `text`, saved as the user would save init's output."""
        (self.folder / "out.mail.yaml").write_text(text, encoding="utf-8")
        return self.check("out.mail.yaml")


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def site(tmp_path: Path, ca: trustme.CA) -> Iterator[Site]:
    made = Site(repo(tmp_path), ca)
    yield made
    for close in reversed(made.closers):
        close()
