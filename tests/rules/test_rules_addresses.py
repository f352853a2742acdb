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


# --- one address policy for from.address, test.send_to and the MC402 username -----------------

# Accepted: a domain a mail server can deliver on some network (see mailcheck/addresses.py).
ACCEPTED = [
    "app@example.com",  # RFC 6761 6.5: example names are ordinary names to applications
    "app@mail.example",
    "ops@qa.test",  # RFC 6761 6.2
    "cron@localhost",  # RFC 6761 6.3: always the loopback; Postfix delivers it locally
    "cron@build.localhost",
    "app@corp.local",  # RFC 6762: multicast DNS, and many Active Directory domains
    "app@mail.internal",  # ICANN's private-use top-level name
    "app@router.home.arpa",  # RFC 8375
    "ops@[192.0.2.1]",  # RFC 5321 4.1.3 address literals
    "ops@[IPv6:2001:db8::1]",
]
# Refused, with the words of the reason.
REFUSED = [
    ("app@example", "single label"),  # RFC 5321 2.3.5: no unqualified names in SMTP
    ("app@intranet", "single label"),
    ("app@mail.invalid", ".invalid never resolve"),  # RFC 6761 6.4
    ("ops@192.0.2.1", "digits only"),  # an IP address needs its brackets
    ("ops@[300.1.1.1]", "not an IPv4 address"),
]


@pytest.mark.parametrize("address", ACCEPTED)
def test_mc401_the_policy_accepts_names_a_server_can_deliver_on_some_network(lint, address):
    run = lint(sender(f'from: {{address: "{address}"}}', f'test: {{send_to: "{address}"}}'))
    assert run.rules == [], run.output  # before: cron@localhost, .local and [192.0.2.1] failed


@pytest.mark.parametrize(("address", "why"), REFUSED, ids=[a for a, _ in REFUSED])
def test_mc401_the_policy_refuses_single_labels_invalid_and_bare_ip_domains_in_both_fields(lint, address, why):
    run = lint(sender(f'from: {{address: "{address}"}}', f'test: {{send_to: "{address}"}}'))
    assert run.rules == ["MC401", "MC401"], run.output  # before: app@example and app@intranet passed
    for finding, field in zip(run.findings, ("from.address", "test.send_to"), strict=True):
        assert f"{field} {address!r} is not a valid address" in finding.message
        assert why in finding.message


def test_mc401_a_single_label_hint_names_the_full_domain_and_the_one_exception(lint):
    finding = lint(sender("from: {address: app@intranet}")).only("MC401")
    assert "RFC 5321" in finding.message
    assert "full domain" in finding.hint and "localhost" in finding.hint


def test_mc401_an_ip_address_hint_adds_the_brackets(lint):
    finding = lint(sender("from: {address: ops@192.0.2.1}")).only("MC401")
    assert "in brackets, e.g. name@[192.0.2.1]" in finding.hint


@pytest.mark.parametrize("address", ACCEPTED)
def test_mc402_a_username_under_the_same_policy_is_the_sender(lint, address):
    run = lint(sender(f'auth: {{username: "{address}", password: {{env: SMTP_PASSWORD}}}}'))
    assert run.rules == [], run.output


@pytest.mark.parametrize(("address", "why"), REFUSED, ids=[a for a, _ in REFUSED])
def test_mc402_a_username_the_policy_refuses_is_no_sender(lint, address, why):
    run = lint(sender(f'auth: {{username: "{address}", password: {{env: SMTP_PASSWORD}}}}'))
    finding = run.only("MC402")
    assert f"the username {address!r} is not a usable address" in finding.message
    assert why in finding.message
