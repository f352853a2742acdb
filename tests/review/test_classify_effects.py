"""mailcheck.review.classify: the security effect of each kind of changed setting
(tests/review/test_classify.py covers host moves and the Public Suffix List).

What is weaker follows the specifications the rules cite: cleartext carries mail and
credentials readable on the path (RFC 8314 section 1), an unverified certificate allows
interception (RFC 6125, RFC 7817), TLS 1.0 and 1.1 are deprecated (RFC 8996), port 465 and
993/995 start with TLS while 587/143/110 start in cleartext (RFC 8314 section 3, RFC 6409).
"""

from __future__ import annotations

import pytest

from mailcheck.review.classify import Effect, Side, classify
from mailcheck.review.settings import Setting

WEAKER, STRONGER, SAME = Effect.WEAKENING, Effect.STRENGTHENING, Effect.NEUTRAL


def side(**values: object) -> Side:
    """A profile's settings, keyed as the review keys them (dots for nesting)."""
    return Side({key.replace("__", "."): Setting(str(value), value) for key, value in values.items()})


def effect(
    key: str, before: object, after: object, old: Side | None = None, new: Side | None = None
) -> tuple[Effect, str]:
    was = None if before is None else Setting(str(before), before)
    now = None if after is None else Setting(str(after), after)
    return classify(key, was, now, old or side(), new or side())


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("starttls", "none", WEAKER),
        ("tls", "none", WEAKER),
        ("none", "tls", STRONGER),
        ("none", "starttls", STRONGER),
        ("tls", "starttls", SAME),  # both encrypt
        ("starttls", "tls", SAME),
    ],
)
def test_security(before: str, after: str, expected: Effect) -> None:
    assert (
        effect("security", before, after, side(host="smtp.example.com"), side(host="smtp.example.com"))[0] is expected
    )


def test_cleartext_says_what_travels_in_it() -> None:
    with_login = side(host="smtp.example.com", auth__username="app")
    assert effect("security", "tls", "none", with_login, with_login) == (
        WEAKER,
        "mail and credentials would travel in cleartext",
    )
    anonymous = side(host="mx.example.com")
    assert effect("security", "tls", "none", anonymous, anonymous) == (WEAKER, "mail would travel in cleartext")


def test_cleartext_to_loopback_crosses_no_network() -> None:
    local = side(host="127.0.0.1", auth__username="app")
    assert effect("security", "starttls", "none", local, local)[0] is SAME


@pytest.mark.parametrize(
    ("before", "after", "expected"), [(True, False, WEAKER), (False, True, STRONGER), (True, True, SAME)]
)
def test_certificate_verification(before: bool, after: bool, expected: Effect) -> None:
    assert effect("tls.verify", before, after)[0] is expected


@pytest.mark.parametrize(
    ("before", "after", "expected", "reason"),
    [
        ("1.2", "1.0", WEAKER, "accepts TLS 1.0 (deprecated by RFC 8996)"),
        ("1.2", "1.1", WEAKER, "accepts TLS 1.1 (deprecated by RFC 8996)"),
        ("1.3", "1.2", WEAKER, "accepts TLS 1.2"),
        ("1.2", "1.3", STRONGER, "requires TLS 1.3 or later"),
        ("1.2", "banana", SAME, ""),
    ],
)
def test_minimum_tls_version(before: str, after: str, expected: Effect, reason: str) -> None:
    assert effect("tls.min_version", before, after) == (expected, reason)


def _secret(kind: str, digest: str = "d1") -> Setting:
    return Setting(kind, (kind, digest), secret=True)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (("env", "SMTP_PASSWORD"), ("inline", "d1"), WEAKER),  # moved into the file
        (None, ("inline", "d1"), WEAKER),  # written into the file
        (("inline", "d1"), ("inline", "d2"), WEAKER),  # a new secret in the git history
        (("inline", "d1"), ("env", "SMTP_PASSWORD"), STRONGER),  # out of the file
        (("env", "A"), ("file", "/run/secrets/b"), SAME),
    ],
)
def test_secrets_in_the_file(before: tuple[str, str] | None, after: tuple[str, str], expected: Effect) -> None:
    was = None if before is None else Setting(before[0], before, secret=True)
    now = Setting(after[0], after, secret=True)
    assert classify("auth.password", was, now, side(), side())[0] is expected


def test_rotating_an_inline_secret_out_says_to_rotate_it() -> None:
    verdict = classify("auth.password", _secret("inline"), Setting("env X", ("env", "X"), secret=True), side(), side())
    assert verdict[0] is STRONGER and "rotate it" in verdict[1]


def test_a_secret_under_a_misspelt_key_is_judged_as_a_secret() -> None:
    assert classify("auth.pasword", None, _secret("inline"), side(), side())[0] is WEAKER


@pytest.mark.parametrize(("before", "after", "expected"), [("set", None, WEAKER), (None, "set", STRONGER)])
def test_authentication_removed_or_added(before: str | None, after: str | None, expected: Effect) -> None:
    assert effect("auth", before, after)[0] is expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (465, 587, WEAKER),  # implicit TLS to a port that starts in cleartext
        (587, 465, STRONGER),
        (993, 143, WEAKER),
        (995, 110, WEAKER),
        (587, 2525, SAME),  # not a well-known port: the security setting says how it starts
        (25, 587, SAME),  # both start in cleartext
    ],
)
def test_ports_that_start_with_or_without_tls(before: int, after: int, expected: Effect) -> None:
    same = side(security="starttls")
    assert effect("port", before, after, same, same)[0] is expected


def test_a_port_change_that_follows_a_security_change_is_the_security_changes_effect() -> None:
    assert effect("port", 465, 587, side(security="tls"), side(security="starttls"))[0] is SAME


@pytest.mark.parametrize("key", ["description", "timeout", "from.address", "from.name"])
def test_settings_without_a_rule_are_neutral(key: str) -> None:
    assert effect(key, "a", "b") == (SAME, "")
