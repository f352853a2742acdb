"""The Keycloak adapter: a realm's smtpServer in realm JSON, on Keycloak's own test realm and its footguns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_run import INLINE_SECRET, mailcheck, repo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "keycloak"

CLEAN = {
    "realm": "demo",
    "smtpServer": {
        "host": "smtp.example.com",
        "port": "465",
        "from": "keycloak@example.com",
        "fromDisplayName": "Keycloak",
        "ssl": "true",
        "auth": "true",
        "user": "keycloak@example.com",
        "password": "${vault.smtp_password}",
    },
}


def _realm(folder: Path, smtp: dict[str, str], name: str = "demo-realm.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"realm": "demo", "smtpServer": smtp}, indent=2) + "\n", encoding="utf-8")
    return path


def _line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def _check(folder: Path, *args: str) -> list[tuple[str, int, int]]:
    run = mailcheck(folder, "check", "--format", "json", *args)
    return [(f["rule"], f["line"], f["column"]) for f in run.json()["findings"]]


def test_keycloaks_own_test_realm_is_read_by_name_and_content(tmp_path):
    # localhost:3025 without TLS or login: only the port cannot be judged offline
    repo(tmp_path)
    shutil.copy(FIXTURES / "testrealm-excerpt.json", tmp_path / "testrealm.json")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.json()["summary"]["profiles"] == 1
    assert [(f["rule"], f["file"], f["line"]) for f in run.json()["findings"]] == [("MC203", "testrealm.json", 14)]
    assert "--profile smtpServer" in run.json()["findings"][0]["hint"]


def test_a_clean_realm_with_implicit_tls_and_a_vault_password_has_no_finding(tmp_path):
    repo(tmp_path)
    (tmp_path / "demo-realm.json").write_text(json.dumps(CLEAN, indent=2), encoding="utf-8")
    run = mailcheck(tmp_path, "check", "demo-realm.json")
    assert run.exit_code == 0, run.stdout
    assert "No problems found in 1 file, 1 profile." in run.stdout


def test_starttls_is_opportunistic_in_keycloak_and_the_hint_says_it_cannot_be_required(tmp_path):
    repo(tmp_path)
    smtp = dict(CLEAN["smtpServer"], port="587", starttls="true")
    del smtp["ssl"]
    path = _realm(tmp_path, smtp)
    run = mailcheck(tmp_path, "check", path.name)
    assert f"{path.name}:{_line(path, 'starttls')}:17: error MC214 [opportunistic-starttls]" in run.stdout
    assert "Keycloak cannot require STARTTLS" in run.stdout and '"ssl": "true" with "port": "465"' in run.stdout


def test_ssl_and_starttls_both_true_is_mc601_and_implicit_tls_wins(tmp_path):
    repo(tmp_path)
    path = _realm(tmp_path, dict(CLEAN["smtpServer"], starttls="true"))
    run = mailcheck(tmp_path, "check", "--format", "json", path.name)
    [finding] = run.json()["findings"]
    assert (finding["rule"], finding["line"]) == ("MC601", _line(path, "starttls"))
    assert "skips STARTTLS" in finding["message"]  # ssl wins: no MC214 and no MC201 on port 465


@pytest.mark.parametrize("spelling", ["TRUE", "yes", "True"])
def test_a_switch_other_than_exactly_true_is_off(tmp_path, spelling):
    repo(tmp_path)
    path = _realm(tmp_path, dict(CLEAN["smtpServer"], ssl=spelling, port="587"))
    found = _check(tmp_path, path.name)
    line = _line(path, '"ssl"')
    assert ("MC602", line, 12) in found
    assert any(rule == "MC204" for rule, _, _ in found)  # the login then crosses in plaintext
    run = mailcheck(tmp_path, "check", path.name)
    assert f'"ssl" is "{spelling}": Keycloak turns it on only for exactly "true"' in run.stdout


def test_auth_without_user_is_mc301_and_without_from_is_mc402(tmp_path):
    repo(tmp_path)
    smtp = dict(CLEAN["smtpServer"])
    del smtp["user"], smtp["from"]
    path = _realm(tmp_path, smtp)
    run = mailcheck(tmp_path, "check", path.name)
    assert "error MC301 [missing-username]" in run.stdout
    assert 'with "auth": "true" Keycloak refuses to connect without one' in run.stdout
    assert "error MC402 [missing-sender]" in run.stdout and "Invalid sender address" in run.stdout


def test_user_without_auth_true_is_mc603(tmp_path):
    repo(tmp_path)
    smtp = dict(CLEAN["smtpServer"])
    del smtp["auth"]
    path = _realm(tmp_path, smtp)
    found = _check(tmp_path, path.name)
    assert found == [("MC603", _line(path, '"user"'), 13)]


def test_an_inline_password_is_mc303_and_masked_in_every_format(tmp_path):
    repo(tmp_path)
    path = _realm(tmp_path, dict(CLEAN["smtpServer"], password=INLINE_SECRET))
    for output in ("text", "json", "sarif", "github", "gitlab", "junit"):
        run = mailcheck(tmp_path, "check", "--format", output, path.name)
        assert run.exit_code == 1 and INLINE_SECRET not in run.stdout + run.stderr, output
    assert ("MC303", _line(path, "password"), 17) in _check(tmp_path, path.name)


def test_an_import_placeholder_is_a_reference_and_its_default_an_inline_secret(tmp_path):
    repo(tmp_path)
    path = _realm(tmp_path, dict(CLEAN["smtpServer"], password="${SMTP_PASSWORD}"))
    assert _check(tmp_path, path.name) == []
    path = _realm(tmp_path, dict(CLEAN["smtpServer"], password="${SMTP_PASSWORD:" + INLINE_SECRET + "}"))
    run = mailcheck(tmp_path, "check", path.name)
    # the default starts after `"${SMTP_PASSWORD:` on the password's line
    assert f"{path.name}:{_line(path, 'password')}:34: error MC303" in run.stdout
    assert INLINE_SECRET not in run.stdout


def test_a_misspelt_key_is_ignored_by_keycloak(tmp_path):
    repo(tmp_path)
    smtp = dict(CLEAN["smtpServer"])
    smtp["startTls"] = "true"
    path = _realm(tmp_path, smtp)
    run = mailcheck(tmp_path, "check", path.name)
    assert f"{path.name}:{_line(path, 'startTls')}:5: error MC602" in run.stdout and 'write "starttls"' in run.stdout


def test_a_realm_import_custom_resource_is_read_with_as(tmp_path):
    repo(tmp_path)
    (tmp_path / "import.yaml").write_text(
        "apiVersion: k8s.keycloak.org/v2alpha1\nkind: KeycloakRealmImport\nmetadata: {name: demo}\nspec:\n"
        "  keycloakCRName: kc\n  realm:\n    realm: demo\n    smtpServer:\n      host: smtp.example.com\n"
        '      port: "587"\n      starttls: "true"\n      from: keycloak@example.com\n',
        encoding="utf-8",
    )
    assert _check(tmp_path, "--as", "keycloak", "import.yaml") == [("MC214", 11, 17)]


def test_broken_json_is_one_finding_and_a_realm_without_mail_is_not_reported(tmp_path):
    repo(tmp_path)
    (tmp_path / "broken-realm.json").write_text('{"realm": "x", "smtpServer": {"host": "a"\n', encoding="utf-8")
    (tmp_path / "other-realm.json").write_text('{"realm": "x", "enabled": true}\n', encoding="utf-8")
    (tmp_path / "latin1-realm.json").write_bytes(b'{"smtpServer": {"host": "caf\xe9"}}\n')
    run = mailcheck(tmp_path, "check", "--format", "json", "broken-realm.json", "latin1-realm.json")
    assert [(f["file"], f["rule"]) for f in run.json()["findings"]] == [
        ("broken-realm.json", "MC001"),
        ("latin1-realm.json", "MC001"),
    ]
    assert "not valid JSON" in run.json()["findings"][0]["message"]
    walk = mailcheck(tmp_path, "check", "--format", "json", "other-realm.json")
    assert walk.json()["findings"] == []
