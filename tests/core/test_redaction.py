"""Secret values are masked in any text bound for output."""

from __future__ import annotations

from mailcheck.loader import read_document
from mailcheck.secrets import Redactor


def test_a_secret_is_masked_wherever_it_appears() -> None:
    redact = Redactor()
    redact.add("Tr0ub4dor&3")
    assert redact("535 5.7.8 auth failed for Tr0ub4dor&3 (Tr0ub4dor&3)") == "535 5.7.8 auth failed for **** (****)"


def test_a_very_short_secret_is_masked_as_a_whole_word_only() -> None:
    redact = Redactor()
    redact.add("ab1")
    assert redact("password ab1 rejected; tab1e stays") == "password **** rejected; tab1e stays"


def test_each_line_of_a_multi_line_secret_is_masked() -> None:
    redact = Redactor()
    redact.add("first-line-secret\nsecond-line-secret")
    assert redact("x second-line-secret y") == "x **** y"


def test_values_under_secret_keys_are_collected_wherever_they_are_written(tmp_path) -> None:
    path = tmp_path / "a.mail.yaml"
    path.write_text(
        "profiles:\n"
        "  a: {auth: {password: inline-one, token: {env: TOKEN}}, pass: misplaced-two}\n"
        "  b: {auth: {password: '${FROM_ENV}'}, secret: 918273645, x: {pasword: [nested-three]}}\n"
        "  password-reset: {host: smtp.example.com}\n",
        encoding="utf-8",
    )
    redact = Redactor()
    for secret in read_document(path).secret_values:
        redact.add(secret)
    text = redact("inline-one misplaced-two 918273645 nested-three TOKEN ${FROM_ENV} smtp.example.com")
    # references are not secrets, nor what a profile named like a secret holds
    assert text == "**** **** **** **** TOKEN ${FROM_ENV} smtp.example.com"


def test_a_secret_the_probe_sends_is_masked_in_every_form_a_server_could_echo() -> None:
    import base64
    from urllib.parse import quote

    secret = "p@ss word/ü+1"
    redact = Redactor()
    redact.add_secret(secret)
    raw = secret.encode()
    echoes = [
        secret,
        quote(secret, safe=""),
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]
    for echo in echoes:
        assert redact(f"535 5.7.8 bad credentials {echo} rejected") == "535 5.7.8 bad credentials **** rejected", echo


def test_many_secrets_are_each_masked_whole_and_longest_first() -> None:
    redact = Redactor()
    values = [f"secret-{n:05d}" for n in range(5000)] + ["secret-00001-and-more"]
    for value in values:
        redact.add(value)
    text = " ".join(reversed(values))
    assert redact(text) == " ".join(["****"] * len(values))
