"""Generated profiles with a secret in a random key, form and place: `mailcheck diff` never
shows it, in Markdown or JSON, whether the profile is added, removed or changed."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_run import mailcheck

# Secret keys as the format and other tools spell them (see mailcheck.secrets.is_secret_key)
STEMS = [
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "credential",
    "pasword",
    "passwrod",
    "secert",
    "credentails",
]
PREFIXES = ["", "smtp_", "EMAIL_HOST_", "client_", "imap-", "app."]
SUFFIXES = ["", "_value", "1", "-plain"]


@st.composite
def secret_keys(draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(PREFIXES)) + draw(st.sampled_from(STEMS)) + draw(st.sampled_from(SUFFIXES))
    return draw(st.sampled_from([key, key.upper(), key.title().replace("_", "")]))


SECRETS = st.text("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-", min_size=6, max_size=16).map(
    lambda tail: f"Zq{tail}"  # a prefix no word of the review starts with
)


def _forms(secret: str) -> list[str]:
    """The secret as YAML, in the styles and types a profile could hold it."""
    quoted = json.dumps(secret)
    return [
        secret,
        quoted,
        f"'{secret}'",
        f"[{secret}]",
        f"{{env: X, default: {secret}}}",
        f"{{nested: {{deeper: [{quoted}]}}}}",
        f"!!str {secret}",
    ]


PLACES = [  # where the key is written: (indent, lines before the key)
    ("    ", ""),
    ("      ", "    auth:\n      username: u@example.com\n"),
    ("      ", "    tls:\n      verify: true\n"),
    ("        ", "    extra:\n      inner:\n"),
    ("        ", "    extra:\n      - name: x\n"),
]


def _file(body: str) -> str:
    return (
        "version: 1\nprofiles:\n  base:\n    protocol: smtp\n    host: smtp.example.com\n"
        "    port: 587\n    security: starttls\n    from: {address: a@example.com}\n" + body
    )


def _profile(key: str, value: str, place: tuple[str, str]) -> str:
    indent, before = place
    return (
        "  leaky:\n    protocol: smtp\n    host: smtp.example.com\n    port: 587\n"
        f"    security: starttls\n{before}{indent}{key}: {value}\n    from: {{address: a@example.com}}\n"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=secret_keys(),
    first=SECRETS,
    second=SECRETS,
    form=st.integers(0, len(_forms("x")) - 1),
    place=st.sampled_from(PLACES),
    scenario=st.sampled_from(["added", "removed", "changed"]),
)
def test_no_secret_reaches_the_review(
    tmp_path: Path, key: str, first: str, second: str, form: int, place: tuple[str, str], scenario: str
) -> None:
    old = "" if scenario == "added" else _profile(key, _forms(first)[form], place)
    new = "" if scenario == "removed" else _profile(key, _forms(second)[form], place)
    (tmp_path / "old.mail.yaml").write_text(_file(old))
    (tmp_path / "new.mail.yaml").write_text(_file(new))
    for format_name in ("markdown", "json"):
        result = mailcheck(tmp_path, "diff", "old.mail.yaml", "new.mail.yaml", "--format", format_name)
        assert result.exit_code == 0, result.stderr
        assert first not in result.stdout and second not in result.stdout, result.stdout
