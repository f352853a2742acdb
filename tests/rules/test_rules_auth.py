"""MC301-MC304: a login needs a name and a secret, given by reference and of the right kind."""

from __future__ import annotations

import pytest


def inbox(auth: str) -> str:
    """An IMAP profile over implicit TLS whose `auth` block is the given lines."""
    return (
        "version: 1\n"
        "profiles:\n"
        "  inbox:\n"
        "    protocol: imap\n"
        "    host: imap.example.com\n"
        "    security: tls\n"
        "    auth:\n" + "".join(f"      {line}\n" for line in auth.strip().splitlines())
    )


# --- MC301 missing-username ----------------------------------------------------------


def test_mc301_auth_without_username_is_reported_at_the_auth_block(lint):
    run = lint(inbox("password: {env: IMAP_PASSWORD}"))
    finding = run.only("MC301")
    assert finding.severity == "error"
    assert finding.at == run.spot("password:")  # where the auth mapping starts
    assert "no username" in finding.message
    assert "add `username:` under auth" in finding.hint


def test_mc301_an_empty_username_is_reported_at_the_empty_value(lint):
    run = lint(inbox('username: ""\npassword: {env: IMAP_PASSWORD}'))
    assert run.only("MC301").at == run.spot("username:", '""')


def test_mc301_a_username_makes_it_clean(lint):
    assert lint(inbox("username: app@example.com\npassword: {env: IMAP_PASSWORD}")).rules == []


# --- MC302 missing-secret ------------------------------------------------------------


def test_mc302_auth_without_password_is_an_error(lint):
    run = lint(inbox("username: app@example.com"))
    finding = run.only("MC302")
    assert finding.at == run.spot("username:")
    assert "no password" in finding.message
    assert "add `password: {env: VARIABLE}`" in finding.hint


def test_mc302_xoauth2_without_token_asks_for_the_token(lint):
    run = lint(inbox("username: app@example.com\nmechanism: xoauth2"))
    finding = run.only("MC302")
    assert "no token" in finding.message and "xoauth2" in finding.message
    assert "add `token: {env: VARIABLE}`" in finding.hint


def test_mc302_an_empty_password_counts_as_missing(lint):
    run = lint(inbox('username: app@example.com\npassword: ""'))
    assert run.only("MC302").at == run.spot("password:", '""')


@pytest.mark.parametrize(
    "secret",
    ["password: {env: IMAP_PASSWORD}", "password: {file: secrets/imap-password}", 'password: "${IMAP_PASSWORD}"'],
)
def test_mc302_each_reference_form_is_a_secret(lint, secret):
    assert lint(inbox(f"username: app@example.com\n{secret}")).rules == []


# --- MC303 inline-secret -------------------------------------------------------------

INLINE_PASSWORD = "Tr0ub4dor&3-not-real"


def test_mc303_a_literal_password_is_reported_without_its_value(lint):
    run = lint(inbox(f"username: app@example.com\npassword: {INLINE_PASSWORD}"))
    finding = run.only("MC303")
    assert finding.severity == "error"
    assert finding.at == run.spot("password:", INLINE_PASSWORD)
    assert "auth.password is written inline" in finding.message
    assert "{env: NAME}" in finding.hint and "rotate" in finding.hint
    assert INLINE_PASSWORD not in finding.message + finding.hint


def test_mc303_a_literal_token_is_reported_too(lint):
    run = lint(inbox("username: app@example.com\nmechanism: xoauth2\ntoken: ya29.not-a-real-token"))
    finding = run.only("MC303")
    assert finding.at == run.spot("token:", "ya29")
    assert "auth.token" in finding.message


@pytest.mark.parametrize("output_format", ["text", "json", "github"])
def test_mc303_the_value_never_appears_in_any_output_format(lint, output_format):
    run = lint(inbox(f"username: app@example.com\npassword: {INLINE_PASSWORD}"), output_format=output_format)
    assert "MC303" in run.output
    assert INLINE_PASSWORD not in run.output
    assert "Tr0ub4dor" not in run.output


def test_mc305_a_dollar_name_without_braces_is_no_inline_secret(lint):
    # "${NAME}" is the placeholder form; "$NAME" is a shell variable: no secret in the file
    # (MC305, not "rotate"), but the probe cannot log in with it
    run = lint(inbox('username: app@example.com\npassword: "$IMAP_PASSWORD"'))
    finding = run.only("MC305")
    assert finding.at == run.spot("password:", '"$IMAP_PASSWORD"')
    assert "rotate" not in finding.hint and '"${NAME}"' in finding.hint


def test_mc303_the_placeholder_form_is_a_reference(lint):
    assert lint(inbox('username: app@example.com\npassword: "${IMAP_PASSWORD}"')).rules == []


# --- MC304 secret-for-other-mechanism ------------------------------------------------


def test_mc304_a_token_without_xoauth2_is_never_used(lint):
    run = lint(inbox("username: app@example.com\npassword: {env: IMAP_PASSWORD}\ntoken: {env: IMAP_TOKEN}"))
    finding = run.only("MC304")
    assert finding.at == run.spot("token:", "{env: IMAP_TOKEN}")
    assert "auth.token" in finding.message and "mechanism auto" in finding.message
    assert "set mechanism: xoauth2" in finding.hint


def test_mc304_a_password_with_xoauth2_is_never_used(lint):
    run = lint(
        inbox("username: app@example.com\nmechanism: xoauth2\ntoken: {env: IMAP_TOKEN}\npassword: {env: IMAP_PASSWORD}")
    )
    finding = run.only("MC304")
    assert finding.at == run.spot("password:", "{env: IMAP_PASSWORD}")
    assert "auth.password" in finding.message and "mechanism xoauth2" in finding.message
    assert "remove `password:`" in finding.hint


def test_mc304_xoauth2_with_only_a_token_is_clean(lint):
    assert lint(inbox("username: app@example.com\nmechanism: xoauth2\ntoken: {env: IMAP_TOKEN}")).rules == []
