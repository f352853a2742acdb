"""Settings as a review shows them: whatever a secret key holds is never shown."""

from __future__ import annotations

import pytest

from mailcheck.review.settings import flatten

SECRET = "hunter2-very-secret"


@pytest.mark.parametrize(
    ("profile", "setting"),
    [
        ({"pasword": SECRET}, "pasword"),
        ({"auth": {"pasword": SECRET}}, "auth.pasword"),
        ({"smtp_password": SECRET}, "smtp_password"),
        ({"tls": {"client_secret": SECRET}}, "tls.client_secret"),
        ({"EMAIL_HOST_PASSWORD": SECRET}, "EMAIL_HOST_PASSWORD"),
        ({"auth": {"password": {"env": "X", "default": SECRET}}}, "auth.password"),
        ({"auth": {"password": {"env": SECRET}}}, "auth.password"),  # not a variable name
        ({"auth": {"password": [SECRET]}}, "auth.password"),
        ({"auth": {"password": {"nested": {"deeper": [SECRET]}}}}, "auth.password"),
        ({"auth": {"password": 12345678}}, "auth.password"),
        ({"auth": {"password": True}}, "auth.password"),
        ({"auth": {"token": {SECRET: "key, not value"}}}, "auth.token"),
    ],
)
def test_a_secret_in_any_form_is_one_inline_setting(profile: dict, setting: str) -> None:
    settings = flatten(profile)
    assert settings[setting].shown == "inline secret" and settings[setting].secret
    shown = " ".join(s.shown for s in settings.values())
    assert SECRET not in shown and "12345678" not in shown
    assert not [key for key in settings if key.startswith(f"{setting}.")]  # not descended into


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ({"env": "SMTP_PASSWORD"}, "env SMTP_PASSWORD"),
        ({"file": "secrets/smtp"}, "file secrets/smtp"),
        ("${SMTP_PASSWORD}", "env SMTP_PASSWORD"),
        ("", "empty"),
        (None, "empty"),
    ],
)
def test_a_well_formed_reference_is_shown_as_where_the_secret_is(value: object, shown: str) -> None:
    assert flatten({"auth": {"password": value}})["auth.password"].shown == shown


def test_changes_to_an_inline_secret_are_seen_without_showing_it() -> None:
    def digest(value: object) -> object:
        return flatten({"smtp_pass": value})["smtp_pass"].value

    assert digest([SECRET]) == digest([SECRET])
    assert digest([SECRET]) != digest([SECRET + "!"])
    assert digest(12345678) != digest("12345678")


def test_a_secret_inside_a_list_of_another_setting_is_masked_in_its_value() -> None:
    settings = flatten({"extra": [{"user": "app", "password": SECRET}, {"api_key": {"env": "K"}}]})
    assert settings["extra"].shown == '[{"user": "app", "password": "inline secret"}, {"api_key": "env K"}]'
