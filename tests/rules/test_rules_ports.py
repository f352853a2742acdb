"""MC201-MC203 and MC208: the port must fit the protocol and the security mode."""

from __future__ import annotations

import pytest


def profile(protocol: str, port: int | None, security: str, *, auth: bool = False) -> str:
    """A minimal profile; smtp ones get a sender so that only the port matters."""
    lines = [
        "version: 1",
        "profiles:",
        "  box:",
        f"    protocol: {protocol}",
        "    host: mail.example.com",
        *([f"    port: {port}"] if port is not None else []),
        f"    security: {security}",
    ]
    if auth:
        lines.append("    auth: {username: app@example.com, password: {env: MAIL_PASSWORD}}")
    if protocol == "smtp":
        lines.append("    from: {address: app@example.com}")
    return "\n".join(lines) + "\n"


# --- MC201 port-security-mismatch ----------------------------------------------------

# (protocol, port, the wrong mode, the mode the port speaks)
MISMATCHES = [
    ("smtp", 465, "starttls", "tls"),
    ("smtp", 465, "none", "tls"),
    ("smtp", 587, "tls", "starttls"),
    ("smtp", 25, "tls", "starttls"),
    ("imap", 993, "starttls", "tls"),
    ("imap", 993, "none", "tls"),
    ("imap", 143, "tls", "starttls"),
    ("pop3", 995, "starttls", "tls"),
    ("pop3", 995, "none", "tls"),
    ("pop3", 110, "tls", "starttls"),
]


@pytest.mark.parametrize(("protocol", "port", "wrong", "right"), MISMATCHES)
def test_mc201_a_well_known_port_with_the_other_mode_is_an_error(lint, protocol, port, wrong, right):
    run = lint(profile(protocol, port, wrong))
    finding = run.finding("MC201")  # with security: none, MC205 also warns about cleartext
    assert finding.severity == "error"
    assert finding.at == run.spot(f"port: {port}", str(port))
    assert finding.path == "profiles.box.port"
    assert f"{protocol} port {port}" in finding.message
    assert f"security is {wrong}" in finding.message
    assert f"set security: {right}" in finding.hint
    assert run.exit_code == 1


@pytest.mark.parametrize(("protocol", "port", "wrong", "right"), MISMATCHES)
def test_mc201_the_same_port_with_the_mode_it_speaks_is_clean(lint, protocol, port, wrong, right):
    assert lint(profile(protocol, port, right)).rules == []


@pytest.mark.parametrize(("protocol", "port"), [("smtp", 25), ("smtp", 587), ("imap", 143), ("pop3", 110)])
def test_mc201_plaintext_on_a_starttls_port_is_no_mismatch(lint, protocol, port):
    # The port starts in plaintext either way; the lack of encryption is MC204/MC205's concern.
    assert "MC201" not in lint(profile(protocol, port, "none")).rules


def test_mc201_the_hint_names_the_other_port_for_the_mode_as_written(lint):
    finding = lint(profile("smtp", 587, "tls")).only("MC201")
    assert "use port 465" in finding.hint
    assert "WRONG_VERSION_NUMBER" in finding.hint


def test_mc201_starttls_on_an_implicit_tls_port_warns_of_the_hang(lint):
    finding = lint(profile("smtp", 465, "starttls")).only("MC201")
    assert "use port 587" in finding.hint
    assert "hang" in finding.hint


def test_mc201_a_merged_port_is_reported_where_it_is_written(lint):
    run = lint(
        """
        version: 1
        x-submission: &submission
          protocol: smtp
          host: smtp.example.com
          port: 587
        profiles:
          outgoing:
            <<: *submission
            security: tls
            from: {address: app@example.com}
        """
    )
    finding = run.only("MC201")
    assert finding.at == run.spot("port: 587", "587")
    assert finding.profile == "outgoing"


@pytest.mark.parametrize(
    ("protocol", "security"), [("smtp", "tls"), ("smtp", "starttls"), ("imap", "tls"), ("pop3", "starttls")]
)
def test_mc201_without_a_port_the_default_follows_the_mode(lint, protocol, security):
    assert lint(profile(protocol, None, security)).rules == []


# --- MC202 port-of-other-protocol ----------------------------------------------------

# (protocol, port, security, whose port it is, the protocol's own port for that mode)
FOREIGN_PORTS = [
    ("imap", 587, "starttls", "SMTP's submission", 143),
    ("pop3", 993, "tls", "IMAP's imaps", 995),
    ("smtp", 143, "starttls", "IMAP's imap", 587),
    ("smtp", 995, "tls", "POP3's pop3s", 465),
    ("imap", 110, "starttls", "POP3's pop3", 143),
    ("pop3", 465, "tls", "SMTP's submissions", 995),
]


@pytest.mark.parametrize(("protocol", "port", "security", "owner", "own_port"), FOREIGN_PORTS)
def test_mc202_a_port_of_another_mail_protocol_is_an_error(lint, protocol, port, security, owner, own_port):
    run = lint(profile(protocol, port, security))
    finding = run.only("MC202")
    assert finding.at == run.spot(f"port: {port}", str(port))
    assert f"port {port} is {owner} port" in finding.message
    assert f"protocol is {protocol}" in finding.message
    assert f"use port {own_port} for {protocol}" in finding.hint
    assert "swapped" in finding.hint


@pytest.mark.parametrize(("protocol", "port", "security", "owner", "own_port"), FOREIGN_PORTS)
def test_mc202_the_protocols_own_port_is_clean(lint, protocol, port, security, owner, own_port):
    assert lint(profile(protocol, own_port, security)).rules == []


# --- MC203 nonstandard-port ----------------------------------------------------------


def test_mc203_a_port_outside_the_well_known_set_is_an_info_that_does_not_fail(lint):
    run = lint(profile("smtp", 2525, "starttls"))
    finding = run.only("MC203")
    assert finding.severity == "info"
    assert finding.at == run.spot("port: 2525", "2525")
    assert "port 2525" in finding.message and "25, 465, 587" in finding.message
    assert "STARTTLS" in finding.message
    assert "mailcheck probe" in finding.hint
    assert run.exit_code == 0  # the default fail level is error


def test_mc203_names_the_protocols_own_ports(lint):
    finding = lint(profile("imap", 1143, "tls")).only("MC203")
    assert "143, 993" in finding.message
    assert "implicit TLS" in finding.message


def test_mc203_a_well_known_port_is_not_reported(lint):
    assert lint(profile("smtp", 587, "starttls")).rules == []


# --- MC208 submission-on-port-25 -----------------------------------------------------


def test_mc208_an_authenticated_client_on_port_25_is_warned(lint):
    run = lint(profile("smtp", 25, "starttls", auth=True))
    finding = run.only("MC208")
    assert finding.severity == "warning"
    assert finding.at == run.spot("port: 25", "25")
    assert "port 25" in finding.message
    assert "587" in finding.hint and "465" in finding.hint
    assert run.exit_code == 0


def test_mc208_a_relay_on_port_25_without_login_is_fine(lint):
    assert lint(profile("smtp", 25, "starttls")).rules == []


def test_mc208_the_same_login_on_the_submission_port_is_fine(lint):
    assert lint(profile("smtp", 587, "starttls", auth=True)).rules == []


def test_mc208_only_concerns_smtp(lint):
    # IMAP on 25 is a wrong port (MC202), not a submission on the relay port
    assert lint(profile("imap", 25, "starttls", auth=True)).rules == ["MC202"]
