"""MC204-MC207 and MC210-MC212: encryption and certificate verification."""

from __future__ import annotations

import pytest


def inbox(host: str, security: str, *, port: int = 143, auth: bool = True, tls: str = "") -> str:
    """An IMAP profile; `tls` is the flow mapping of tls settings, if any."""
    lines = [
        "version: 1",
        "profiles:",
        "  inbox:",
        "    protocol: imap",
        f'    host: "{host}"',
        f"    port: {port}",
        f"    security: {security}",
    ]
    if tls:
        lines.append(f"    tls: {tls}")
    if auth:
        lines.append("    auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}")
    return "\n".join(lines) + "\n"


# --- MC204 cleartext-auth ------------------------------------------------------------


def test_mc204_a_login_without_encryption_is_an_error_at_security(lint):
    run = lint(inbox("imap.example.com", "none"))
    finding = run.only("MC204")
    assert finding.severity == "error"
    assert finding.at == run.spot("security: none", "none")
    assert "imap.example.com" in finding.message and "cleartext" in finding.message
    assert "security: starttls (port 143)" in finding.hint
    assert "security: tls (port 993)" in finding.hint


def test_mc204_the_same_login_with_starttls_is_clean(lint):
    assert lint(inbox("imap.example.com", "starttls")).rules == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.5", "::1", "mail.localhost"])
def test_mc204_a_loopback_host_is_exempt(lint, host):
    assert lint(inbox(host, "none")).rules == []


@pytest.mark.parametrize("host", ["localhost.example.com", "10.0.0.1", "128.0.0.1"])
def test_mc204_hosts_that_only_look_local_are_not_exempt(lint, host):
    finding = lint(inbox(host, "none")).only("MC204")
    assert host in finding.message


# --- MC205 cleartext-transport -------------------------------------------------------

RELAY = """\
version: 1
profiles:
  relay:
    protocol: smtp
    host: relay.example.com
    port: 25
    security: none
    from: {address: cron@example.com}
"""


def test_mc205_plaintext_to_a_network_host_is_a_warning(lint):
    run = lint(RELAY)
    finding = run.only("MC205")
    assert finding.severity == "warning"
    assert finding.at == run.spot("security: none", "none")
    assert "relay.example.com" in finding.message
    assert "security: starttls" in finding.hint
    assert "# mailcheck: disable-line MC205 -- " in finding.hint
    assert run.exit_code == 0


def test_mc205_is_silenced_by_a_suppression_comment_with_a_reason(lint):
    run = lint(RELAY.replace("security: none", "security: none  # mailcheck: disable-line MC205 -- private network"))
    assert run.rules == []


def test_mc205_a_suppression_on_another_line_does_not_silence_it(lint):
    run = lint(RELAY.replace("port: 25", "port: 25  # mailcheck: disable-line MC205 -- wrong line"))
    assert run.rules == ["MC004", "MC205"]  # and the misplaced suppression says it hides nothing


def test_mc205_the_local_mta_is_exempt(lint):
    assert lint(RELAY.replace("relay.example.com", "localhost")).rules == []


def test_mc205_gives_way_to_mc204_when_there_is_a_login(lint):
    assert lint(inbox("imap.example.com", "none")).rules == ["MC204"]


# --- MC206 tls-verify-disabled -------------------------------------------------------


def test_mc206_verify_false_is_a_warning_at_the_value(lint):
    run = lint(inbox("imap.example.com", "tls", port=993, tls="{verify: false}"))
    finding = run.only("MC206")
    assert finding.severity == "warning"
    assert finding.at == run.spot("verify: false", "false")
    assert "tls.verify is false" in finding.message and "imap.example.com" in finding.message
    assert "remove `verify: false`" in finding.hint
    assert "tls.ca_file" in finding.hint


def test_mc206_verify_true_is_clean(lint):
    assert lint(inbox("imap.example.com", "tls", port=993, tls="{verify: true}")).rules == []


# --- MC207 weak-tls-version ----------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_mc207_a_minimum_below_tls_1_2_is_a_warning(lint, version):
    run = lint(inbox("imap.example.com", "tls", port=993, tls=f'{{min_version: "{version}"}}'))
    finding = run.only("MC207")
    assert finding.severity == "warning"
    assert finding.at == run.spot("min_version", f'"{version}"')
    assert f"min_version {version}" in finding.message and "RFC 8996" in finding.message
    assert 'min_version: "1.2"' in finding.hint


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_mc207_tls_1_2_and_up_are_clean(lint, version):
    assert lint(inbox("imap.example.com", "tls", port=993, tls=f'{{min_version: "{version}"}}')).rules == []


# --- MC210 tls-settings-unused -------------------------------------------------------


def test_mc210_tls_settings_on_a_plaintext_profile_are_reported_at_the_tls_key(lint):
    run = lint(inbox("localhost", "none", tls='{min_version: "1.3"}'))
    finding = run.only("MC210")
    assert finding.severity == "warning"
    assert finding.at == run.spot("tls: {", "tls")
    assert "security is none" in finding.message
    assert "security: starttls" in finding.hint and "remove the tls block" in finding.hint


def test_mc210_the_same_settings_with_starttls_are_used(lint):
    assert lint(inbox("localhost", "starttls", tls='{min_version: "1.3"}')).rules == []


# --- MC211 ip-host-without-server-name -----------------------------------------------


@pytest.mark.parametrize("address", ["192.0.2.10", "2001:db8::25"])
def test_mc211_an_ip_host_without_certificate_name_is_a_warning(lint, address):
    run = lint(inbox(address, "starttls"))
    finding = run.only("MC211")
    assert finding.severity == "warning"
    assert finding.at == run.spot("host:", '"')
    assert address in finding.message
    assert "tls.server_name" in finding.hint


def test_mc211_an_ip_host_with_server_name_is_clean(lint):
    assert lint(inbox("192.0.2.10", "starttls", tls="{server_name: imap.example.com}")).rules == []


def test_mc211_with_verification_off_only_mc206_speaks(lint):
    assert lint(inbox("192.0.2.10", "starttls", tls="{verify: false}")).rules == ["MC206"]


def test_mc211_a_dns_name_needs_no_server_name(lint):
    assert lint(inbox("imap.example.com", "starttls")).rules == []


# --- MC212 ca-file-not-found ---------------------------------------------------------

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def test_mc212_a_missing_relative_ca_file_is_reported_at_the_path(lint):
    run = lint(inbox("imap.example.com", "tls", port=993, tls="{ca_file: cert/internal-ca.pem}"))
    finding = run.only("MC212")
    assert finding.severity == "warning"
    assert finding.at == run.spot("ca_file", "cert/internal-ca.pem")
    assert "'cert/internal-ca.pem'" in finding.message and "profile.mail.yaml" in finding.message
    assert "relative to the profile file" in finding.hint


def test_mc212_the_ca_file_next_to_the_profile_is_found(lint):
    run = lint(
        inbox("imap.example.com", "tls", port=993, tls="{ca_file: certs/internal-ca.pem}"),
        files={"certs/internal-ca.pem": PEM},
    )
    assert run.rules == []


def test_mc212_an_absolute_path_is_left_to_the_machine_that_runs_the_app(lint):
    run = lint(inbox("imap.example.com", "tls", port=993, tls="{ca_file: /etc/ssl/private/internal-ca.pem}"))
    assert run.rules == []
