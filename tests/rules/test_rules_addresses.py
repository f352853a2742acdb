"""MC401-MC402: an SMTP profile needs a valid address to send from."""

from __future__ import annotations

import pytest


def sender(*lines: str) -> str:
    """An smtp profile with the given extra lines (from, test, auth)."""
    return (
        "version: 1\n"
        "profiles:\n"
        "  outgoing:\n"
        "    protocol: smtp\n"
        "    host: smtp.example.com\n"
        "    port: 587\n"
        "    security: starttls\n" + "".join(f"    {line}\n" for line in lines)
    )


# --- MC401 invalid-address -----------------------------------------------------------

# (address, what the validator says is wrong)
BAD_ADDRESSES = [
    ("a@b@c", "invalid characters: '@'"),
    ("Name <a@example.com>", "display name"),
    ("a..b@example.com", "two periods in a row"),
    ("@example.com", "something before the @-sign"),
    ("helpdesk.example.com", "must have an @-sign"),
    ("a@-example.com", "hyphen"),
]


@pytest.mark.parametrize(("address", "problem"), BAD_ADDRESSES)
def test_mc401_an_invalid_sender_address_is_an_error(lint, address, problem):
    run = lint(sender(f"from: {{address: '{address}'}}"))
    finding = run.only("MC401")
    assert finding.severity == "error"
    assert finding.at == run.spot("address:", f"'{address}'")
    assert finding.path == "profiles.outgoing.from.address"
    assert f"from.address {address!r} is not a valid address" in finding.message
    assert problem in finding.message
    assert "bare address" in finding.hint


def test_mc401_a_display_name_in_the_address_belongs_in_from_name(lint):
    finding = lint(sender("from: {address: 'Helpdesk <help@example.com>'}")).only("MC401")
    assert "put the display name in from.name" in finding.hint


@pytest.mark.parametrize(
    "address",
    ["first.last+tag@example.co.uk", "a@example.com", "o'brien@example.org", "jörg@bücher.example"],
)
def test_mc401_valid_addresses_pass(lint, address):
    assert lint(sender(f'from: {{address: "{address}"}}')).rules == []


def test_mc401_checks_the_test_recipient_too(lint):
    run = lint(sender("from: {address: app@example.com}", "test: {send_to: ops@@example.com}"))
    finding = run.only("MC401")
    assert finding.at == run.spot("send_to:", "ops@@example.com")
    assert "test.send_to 'ops@@example.com'" in finding.message


def test_mc401_a_valid_test_recipient_passes(lint):
    assert lint(sender("from: {address: app@example.com}", "test: {send_to: ops@example.com}")).rules == []


# --- MC402 missing-sender ------------------------------------------------------------


def test_mc402_a_login_that_is_not_an_address_and_no_from_is_an_error(lint):
    run = lint(sender("auth: {username: apikey, password: {env: API_KEY}}"))
    finding = run.only("MC402")
    assert finding.severity == "error"
    assert finding.at == run.spot("username:", "apikey")
    assert "no from.address" in finding.message and "'apikey'" in finding.message
    assert "add `from: {address:" in finding.hint


def test_mc402_no_auth_and_no_from_is_reported_at_the_protocol(lint):
    run = lint(sender())
    finding = run.only("MC402")
    assert finding.at == run.spot("protocol: smtp", "smtp")
    assert "there is no username" in finding.message


def test_mc402_a_login_that_is_an_address_is_the_sender(lint):
    assert lint(sender("auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}")).rules == []


def test_mc402_from_address_makes_any_login_fine(lint):
    run = lint(sender("auth: {username: apikey, password: {env: API_KEY}}", "from: {address: app@example.com}"))
    assert run.rules == []


def test_mc402_receiving_profiles_send_nothing(lint):
    source = sender("auth: {username: apikey, password: {env: API_KEY}}")
    source = source.replace("protocol: smtp", "protocol: imap").replace("port: 587", "port: 143")
    assert lint(source).rules == []
