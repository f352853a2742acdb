"""Secrets are masked where they are written, in every output format and message.

A field is secret when its key looks like a secret key in any spelling; everything written
under it is masked over its whole source span, whatever its YAML style, type, nesting or
tag, and never appears in a message, a path or a fingerprint.
"""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_run import mailcheck, repo, write

FORMATS = ("text", "json", "github", "sarif", "gitlab", "junit")

HEAD = """\
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 465
    security: starttls
    from: {address: app@example.com}
"""


def outputs(folder, *paths: str, probe_formats: tuple[str, ...] = ()) -> dict[str, str]:
    """Every check format's output, `mailcheck diff` of the file against an empty one, and
    the probe's output in `probe_formats`."""
    found = {f: mailcheck(folder, "check", "--format", f, *paths).stdout for f in FORMATS}
    for output_format in probe_formats:
        found[f"probe {output_format}"] = mailcheck(folder, "probe", "--format", output_format, *paths).stdout
    for output_format in ("markdown", "json"):
        write(folder, "empty.mail.yaml", "version: 1\nprofiles: {}\n")
        found[f"diff {output_format}"] = mailcheck(
            folder, "diff", "empty.mail.yaml", paths[0], "--format", output_format
        ).stdout
    return found


def assert_hidden(folder, secret: str, *also: str) -> None:
    for name, text in outputs(folder, "app.mail.yaml").items():
        for piece in (secret, *also):
            assert piece not in text, f"{piece!r} shown by {name}:\n{text}"


# (what is written after the key, the decoded secret, other spellings of it that must not show)
WRITTEN = [
    ('"pa\\\\ss-Zq8-word"', "pa\\ss-Zq8-word", ["pa\\\\ss-Zq8-word"]),  # escaped in double quotes
    ("'it''s-Zq8-word'", "it's-Zq8-word", ["it''s-Zq8-word"]),  # '' in single quotes
    (
        "first-Zq8-half\n        second-Zq8-half",
        "first-Zq8-half second-Zq8-half",
        ["first-Zq8-half", "second-Zq8-half"],
    ),
    (
        ">\n        folded-Zq8-one\n        folded-Zq8-two",
        "folded-Zq8-one folded-Zq8-two\n",
        ["folded-Zq8-one", "folded-Zq8-two"],
    ),
    ("|\n        literal-Zq8-one\n        literal-Zq8-two", "literal-Zq8-one", ["literal-Zq8-two"]),
    ("84736251", "84736251", []),  # a number
    ("[list-Zq8-item, 2]", "list-Zq8-item", []),
    ("{nested: map-Zq8-value}", "map-Zq8-value", []),
    ("{env: SMTP_PASSWORD, default: default-Zq8-value}", "default-Zq8-value", []),
    ('"\\x5A\\x71\\x38-hex-escaped"', "Zq8-hex-escaped", ["\\x5A\\x71\\x38-hex-escaped", "hex-escaped"]),
    ("!!str tagged-Zq8-value", "tagged-Zq8-value", []),
]


@pytest.mark.parametrize(("written", "secret", "also"), WRITTEN, ids=[w[1][:16] for w in WRITTEN])
def test_a_password_is_masked_however_it_is_written(tmp_path, written, secret, also) -> None:
    text = HEAD + f"    auth:\n      username: app@example.com\n      password: {written}\n"
    write(repo(tmp_path), "app.mail.yaml", text)
    assert_hidden(tmp_path, secret, *also)


@pytest.mark.parametrize(
    "key", ["pasword", "passwd", "smtp_password", "client_secret", "EMAIL_HOST_PASSWORD", "apiKey", "imap-pw", "secert"]
)
def test_a_secret_under_a_misspelt_or_app_style_key_is_masked(tmp_path, key) -> None:
    write(repo(tmp_path), "app.mail.yaml", HEAD + f"    {key}: plain-Zq8-value\n")
    assert_hidden(tmp_path, "plain-Zq8-value")


def test_a_secret_reached_through_an_alias_is_masked_where_the_anchor_is(tmp_path) -> None:
    text = (
        "x-shared: {greeting: &pw anchored-Zq8-value}\n" + HEAD + "    auth: {username: a@example.com, password: *pw}\n"
    )
    write(repo(tmp_path), "app.mail.yaml", text)
    assert_hidden(tmp_path, "anchored-Zq8-value")


def test_a_tag_that_rejects_the_secret_does_not_quote_it(tmp_path) -> None:
    # before: "'tagged-Zq8-value' is not a valid !!int" in every format and in diff
    write(
        repo(tmp_path),
        "app.mail.yaml",
        HEAD + "    auth: {username: a@example.com, password: !!int tagged-Zq8-value}\n",
    )
    for name, text in outputs(tmp_path, "app.mail.yaml").items():
        assert "tagged-Zq8-value" not in text, name
    result = mailcheck(tmp_path, "check", "--format", "json", "app.mail.yaml")
    assert result.json()["findings"][0]["message"] == "the value is not a valid !!int"


def test_keys_written_inside_a_secret_are_not_in_messages_paths_or_fingerprints(tmp_path) -> None:
    text = HEAD + "    auth: {username: a@example.com, password: {key-Zq8-secret: 1, key-Zq8-secret: 2}}\n"
    write(repo(tmp_path), "app.mail.yaml", text)
    assert_hidden(tmp_path, "key-Zq8-secret")
    findings = mailcheck(tmp_path, "check", "--format", "json", "app.mail.yaml").json()["findings"]
    about = [f for f in findings if f["path"].startswith("profiles.outgoing.auth.password")]
    assert {f["path"] for f in about} == {"profiles.outgoing.auth.password"}


def test_a_reference_is_not_a_secret_and_stays_readable(tmp_path) -> None:
    line = "    auth: {username: a@example.com, password: {env: SMTP_PASSWORD}, mechanism: nope}\n"
    write(repo(tmp_path), "app.mail.yaml", HEAD + line)
    text = mailcheck(tmp_path, "check", "app.mail.yaml").stdout
    assert line.rstrip() in text  # the MC101 finding on `mechanism` shows the line as written
    sarif = json.loads(mailcheck(tmp_path, "check", "--format", "sarif", "app.mail.yaml").stdout)
    snippets = [r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] for r in sarif["runs"][0]["results"]]
    assert line.rstrip() in snippets


# -- generated: a random secret, in a random position and form, never in any output ------


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CLOSED_PORT = _closed_port()

SECRET_KEYS = ["password", "token", "pasword", "smtp_pass", "clientSecret", "API_KEY", "db-passwd", "credentials"]
# a YAML-safe alphabet without spaces, so every form below can hold the secret as it is
ALPHABET = string.ascii_letters + string.digits + "-_.+=/@%^~"


def _double_quoted(secret: str, escape: list[bool]) -> str:
    return '"' + "".join(f"\\x{ord(c):02x}" if e else c for c, e in zip(secret, escape, strict=True)) + '"'


@st.composite
def placements(draw: st.DrawFn) -> tuple[str, str]:
    """(a profile file holding the secret, the secret) with the secret in a random place and form."""
    secret = "Zq" + draw(st.text(ALPHABET, min_size=8, max_size=24)) + "Xj"
    escape = draw(st.lists(st.booleans(), min_size=len(secret), max_size=len(secret)))
    forms = [
        secret,
        f"'{secret}'",
        _double_quoted(secret, escape),
        f"!!str {secret}",
        f"[{secret}]",
        f"{{inner: {secret}}}",
        f"{{env: SMTP_PASSWORD, default: {secret}}}",
    ]
    if secret.isdigit():
        forms.append(secret)
    value = draw(st.sampled_from(forms))
    key = draw(st.sampled_from(SECRET_KEYS))
    where = draw(st.sampled_from(["auth", "profile", "extension", "flow-auth"]))
    # each placement in a profile shares its line with a finding (MC303, MC102 or MC101), so
    # the source line is shown; valid profiles are probed too
    if where == "auth":
        body = f"    auth:\n      username: app@example.com\n      {key}: {value}\n"
    elif where == "flow-auth":
        body = f"    auth: {{username: app@example.com, {key}: {value}}}\n"
    elif where == "profile":
        body = f"    {key}: {value}\n"
    else:
        body = ""
    # a closed port on loopback: the probe runs (and is refused at once), nothing leaves the machine
    text = (
        HEAD.replace("host: smtp.example.com", "host: 127.0.0.1\n    tls: {server_name: smtp.example.com}").replace(
            "port: 465", f"port: {CLOSED_PORT}"
        )
        + body
    )
    if where == "extension":
        text = f"x-secrets: {{{key}: {value}, timeout: yes}}\n" + text
    return text, secret


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(placements())
def test_a_random_secret_in_a_random_place_and_form_is_in_no_output(tmp_path_factory, placement) -> None:
    text, secret = placement
    folder = repo(tmp_path_factory.mktemp("masking"))
    write(folder, "app.mail.yaml", text)
    for name, output in outputs(folder, "app.mail.yaml", probe_formats=("text", "sarif", "junit")).items():
        assert secret not in output, f"{name} shows the secret of:\n{text}\n{output}"
        # nor its beginning or end (a partly masked value); a middle piece may be a word of the docs
        assert secret[:8] not in output and secret[-8:] not in output, f"{name}:\n{text}\n{output}"
    json.loads(mailcheck(folder, "check", "--format", "json", "app.mail.yaml").stdout)  # still valid JSON


def test_a_profile_named_like_a_secret_is_a_profile_not_a_secret(tmp_path) -> None:
    # a password-reset mailer is common; its settings are not secrets
    write(repo(tmp_path), "app.mail.yaml", HEAD.replace("  outgoing:", "  password-reset:"))
    text = mailcheck(tmp_path, "check", "app.mail.yaml").stdout
    assert "    port: 465" in text and "****" not in text
    findings = mailcheck(tmp_path, "check", "--format", "json", "app.mail.yaml").json()["findings"]
    assert [f["path"] for f in findings] == ["profiles.password-reset.port"]
