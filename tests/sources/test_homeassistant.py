"""The Home Assistant adapter: SMTP notifiers in configuration.yaml, each footgun as a user sees it."""

from __future__ import annotations

import importlib
import shutil
import sys
import textwrap
import types
from pathlib import Path

import pytest

from mailcheck import sources
from mailcheck.checker import FileResult, check_file
from mailcheck.config import Settings
from mailcheck.sources import homeassistant as adapter
from mailcheck.sources import source_named
from tests.cli_run import INLINE_SECRET, Result, mailcheck, repo, write

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "homeassistant"
HOME_ASSISTANT = source_named("homeassistant")


def check(tmp_path: Path, text: str, name: str = "configuration.yaml") -> FileResult:
    path = write(tmp_path, name, text)
    return check_file(path, name, Settings(), source=HOME_ASSISTANT)


def profiles(result: FileResult) -> dict:
    assert result.document is not None
    return result.document.data["profiles"]


def run(tmp_path: Path, text: str, *args: str) -> Result:
    repo(tmp_path)
    write(tmp_path, "configuration.yaml", text)
    return mailcheck(tmp_path, "check", "--as", "homeassistant", "--format", "json", *args, "configuration.yaml")


def found(result: Result) -> list[tuple[str, int, int]]:
    return [(f["rule"], f["line"], f["column"]) for f in result.json()["findings"]]


def notifier(*lines: str) -> str:
    """configuration.yaml with one SMTP notifier: the lines given, then sender and recipient."""
    body = "".join(f"    {line}\n" for line in lines)
    return (
        "notify:\n  - name: mail\n    platform: smtp\n"
        + body
        + "    sender: ha@example.com\n    recipient: me@example.com\n"
    )


# ---------------------------------------------------------------- the fixtures


def test_the_documented_minimal_notifier_is_clean_and_takes_the_platforms_defaults(tmp_path):
    repo(tmp_path)
    shutil.copy(FIXTURES / "notify_minimal.yaml", tmp_path / "configuration.yaml")
    result = mailcheck(tmp_path, "check", "--as", "homeassistant", "--format", "json", "configuration.yaml")
    assert result.exit_code == 0 and result.json()["findings"] == []
    assert result.json()["summary"]["profiles"] == 1
    mail = profiles(check_file(tmp_path / "configuration.yaml", "c", Settings(), source=HOME_ASSISTANT))["mail"]
    # const.py: localhost, 587, starttls (required); no login without username and password
    assert (mail["host"], mail["port"], mail["security"]) == ("localhost", 587, "starttls")
    assert "auth" not in mail and mail["from"] == {"address": "homeassistant@example.com"}


def test_a_realistic_configuration_has_one_profile_for_its_smtp_notifier_and_nothing_else(tmp_path):
    repo(tmp_path)
    shutil.copy(FIXTURES / "configuration.yaml", tmp_path / "configuration.yaml")
    result = mailcheck(tmp_path, "check", "--as", "homeassistant", "--format", "json", "configuration.yaml")
    assert result.exit_code == 0, result.stdout
    assert result.json()["findings"] == [] and result.json()["summary"]["profiles"] == 1
    checked = check_file(tmp_path / "configuration.yaml", "c", Settings(), source=HOME_ASSISTANT)
    assert list(profiles(checked)) == ["mail"]  # not influxdb, not the group or file notifiers
    mail = profiles(checked)["mail"]
    assert (mail["host"], mail["port"], mail["security"], mail["timeout"]) == ("smtp.gmail.com", 587, "starttls", 15)
    # !secret is read from secrets.yaml when Home Assistant starts: deferred, never an inline secret
    assert mail["auth"] == {"username": "!secret smtp_username", "password": {"env": "smtp_password"}}
    assert checked.document is not None
    assert checked.document.deferred["mail"] >= {("auth", "password"), ("auth", "username"), ("from", "address")}


def test_an_included_notify_file_is_read_with_as(tmp_path):
    repo(tmp_path)
    shutil.copy(FIXTURES / "notify_included.yaml", tmp_path / "notify.yaml")
    result = mailcheck(tmp_path, "check", "--as", "homeassistant", "--format", "json", "notify.yaml")
    assert result.exit_code == 0 and result.json()["findings"] == []
    alerts = profiles(check_file(tmp_path / "notify.yaml", "n", Settings(), source=HOME_ASSISTANT))["alerts"]
    assert (alerts["port"], alerts["security"]) == (465, "tls")
    assert alerts["auth"]["password"] == {"env": "SMTP_PASSWORD"}  # !env_var: the environment, as the probe reads it


# ---------------------------------------------------------------- which files are Home Assistant's


def test_recognises_only_files_with_an_smtp_notify_platform():
    assert adapter.recognises((FIXTURES / "configuration.yaml").read_text(encoding="utf-8"))
    assert adapter.recognises("notify 2:\n  platform: smtp\n  sender: a@example.com\n")  # a labelled key, one mapping
    assert adapter.recognises(
        "homeassistant:\n  packages:\n    mail:\n      notify:\n        - platform: smtp\n          sender: a@b.c\n"
    )
    # Authelia's configuration.yml has a notifier with smtp, but no notify platform
    authelia = "notifier:\n  smtp:\n    address: submission://smtp.example.com:587\n    sender: a@example.com\n"
    assert not adapter.recognises(authelia)
    assert not adapter.recognises("notify:\n  - platform: file\n    filename: n.log\nsmtp: {platform: smtp}\n")
    assert not adapter.recognises("notify:\n  - platform: smtp\n  bad: [\n")  # YAML Home Assistant refuses
    assert not adapter.recognises("")


def test_a_walk_claims_a_home_assistant_configuration_and_skips_one_without_smtp(tmp_path, monkeypatch):
    try:
        importlib.import_module("mailcheck.sources.authelia")
    except ModuleNotFoundError:  # Authelia's adapter shares the name; until it exists, it recognises nothing
        stub = types.ModuleType("mailcheck.sources.authelia")
        stub.recognises = lambda text: False  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "mailcheck.sources.authelia", stub)
    sources.adapter.cache_clear()
    repo(tmp_path)
    write(tmp_path, "ha/configuration.yaml", notifier("encryption: none", "server: smtp.example.com"))
    write(tmp_path, "other/configuration.yaml", "notify:\n  - platform: file\n    filename: n.log\n")
    result = mailcheck(tmp_path, "check", "--format", "json", ".")
    sources.adapter.cache_clear()
    assert result.json()["summary"]["files"] == 1
    assert [(f["rule"], f["file"]) for f in result.json()["findings"]] == [("MC205", "ha/configuration.yaml")]


# ---------------------------------------------------------------- footguns


def test_encryption_none_with_a_login_to_a_real_host_is_mc204_at_encryption(tmp_path):
    result = run(
        tmp_path,
        notifier("server: smtp.example.com", "encryption: none", "username: u", "password: !secret smtp_password"),
    )
    assert found(result) == [("MC204", 5, 17)]
    assert "encryption: starttls" in result.json()["findings"][0]["hint"]


def test_encryption_none_to_a_loopback_relay_is_not_reported(tmp_path):
    result = run(tmp_path, notifier("server: 127.0.0.1", "port: 25", "encryption: none"))
    assert result.exit_code == 0 and found(result) == []


def test_port_465_with_the_default_starttls_is_mc201_with_home_assistants_fix(tmp_path):
    result = run(tmp_path, notifier("server: smtp.example.com", "port: 465"))
    assert found(result) == [("MC201", 5, 11)]
    assert "Home Assistant connects to `port` as written" in result.json()["findings"][0]["hint"]
    assert "encryption: tls with port: 465" in result.json()["findings"][0]["hint"]


def test_encryption_tls_without_a_port_connects_to_587_and_is_mc201_at_encryption(tmp_path):
    result = run(tmp_path, notifier("server: smtp.example.com", "encryption: tls"))
    assert found(result) == [("MC201", 5, 17)]


@pytest.mark.parametrize("value", ["false", "no", "off", "0"])
def test_verify_ssl_false_in_any_spelling_cv_boolean_takes_is_mc206(tmp_path, value):
    result = run(tmp_path, notifier("server: smtp.example.com", f"verify_ssl: {value}"))
    assert found(result) == [("MC206", 5, 17)]
    assert "verify_ssl: false" in result.json()["findings"][0]["hint"]


def test_verify_ssl_false_without_tls_is_not_a_tls_finding(tmp_path):
    text = notifier("server: relay.lan", "port: 25", "encryption: none  # mailcheck: disable-line MC205 -- lab relay")
    result = run(tmp_path, text.replace("    sender:", "    verify_ssl: false\n    sender:"))
    assert found(result) == []  # the suppression in the file's own comment syntax, and no MC206


@pytest.mark.parametrize(("value", "fix"), [("ssl", "tls"), ("STARTTLS", "starttls"), ("start_tls", "starttls")])
def test_an_unknown_encryption_is_refused_at_start_up_mc603(tmp_path, value, fix):
    result = run(tmp_path, notifier("server: smtp.example.com", f"encryption: {value}"))
    assert found(result) == [("MC603", 5, 17)]
    [finding] = result.json()["findings"]
    assert f"encryption `{value}` is not one Home Assistant takes" in finding["message"]
    assert "Invalid config for 'notify' from integration 'smtp'" in finding["message"]
    assert finding["hint"] == f"write encryption: {fix}"


def test_an_inline_password_is_mc303_and_masked_in_every_format(tmp_path):
    text = notifier("server: smtp.example.com", "username: u@example.com", f"password: {INLINE_SECRET}")
    text += f"influxdb:\n  host: influx.lan\n  password: '{INLINE_SECRET}x'\n"  # another integration's, masked too
    result = run(tmp_path, text)
    assert found(result) == [("MC303", 6, 15)]
    assert "!secret smtp_password" in result.json()["findings"][0]["hint"]
    for output in ("text", "json", "sarif", "github", "gitlab", "junit"):
        shown = mailcheck(tmp_path, "check", "--as", "homeassistant", "--format", output, "configuration.yaml")
        assert shown.exit_code == 1 and INLINE_SECRET not in shown.stdout + shown.stderr, output


def test_a_secret_password_is_no_inline_secret(tmp_path):
    result = run(tmp_path, notifier("server: smtp.example.com", "username: u", "password: !secret smtp_password"))
    assert result.exit_code == 0 and found(result) == []


def test_an_env_var_default_is_an_inline_secret_and_masked(tmp_path):
    text = notifier("server: smtp.example.com", "username: u", f"password: !env_var SMTP_PASSWORD {INLINE_SECRET}")
    result = run(tmp_path, text)
    assert found(result) == [("MC303", 6, 15)]
    text_output = mailcheck(tmp_path, "check", "--as", "homeassistant", "configuration.yaml")
    assert INLINE_SECRET not in text_output.stdout and "6 |     password: ****" in text_output.stdout


def test_a_username_without_a_password_sends_without_logging_in_mc603(tmp_path):
    result = run(tmp_path, notifier("server: smtp.example.com", "username: u@example.com"))
    assert found(result) == [("MC603", 5, 15)]
    assert "logs in only with both" in result.json()["findings"][0]["message"]


def test_an_unquoted_numeric_password_is_mc602_without_its_value(tmp_path):
    result = run(tmp_path, notifier("server: smtp.example.com", "username: u", "password: 0123456789"))
    rules = found(result)
    assert ("MC602", 6, 15) in rules
    assert "0123456789" not in result.stdout


def test_a_key_the_platform_does_not_have_is_ignored_mc602(tmp_path):
    result = run(tmp_path, notifier("host: smtp.example.com"))
    assert found(result) == [("MC602", 4, 5)]  # and the server stays localhost: nothing crosses a network
    assert result.json()["findings"][0]["hint"] == "write `server`"


def test_a_missing_recipient_is_refused_mc603_and_a_missing_sender_is_mc402(tmp_path):
    result = run(tmp_path, "notify:\n  - platform: smtp\n    server: smtp.example.com\n")
    assert [rule for rule, _, _ in found(result)] == ["MC402", "MC603"]
    messages = " ".join(f["message"] + f["hint"] for f in result.json()["findings"])
    assert "`recipient` is missing" in messages and "sender: it is required" in messages


def test_two_notifiers_with_one_service_name_are_mc603_and_get_two_profiles(tmp_path):
    text = notifier("server: smtp.example.com")
    text += "  - platform: smtp\n    name: Mail\n    server: smtp.example.com\n"
    text += "    sender: b@example.com\n    recipient: me@example.com\n"
    result = run(tmp_path, text)
    assert found(result) == [("MC603", 8, 11)]
    assert "notify.mail" in result.json()["findings"][0]["message"]
    assert set(profiles(check(tmp_path, text))) == {"mail", "Mail"}


def test_profile_names_come_from_name_made_valid_and_unique(tmp_path):
    text = "notify:\n" + "".join(
        f"  - {{platform: smtp, {name}sender: a@example.com, recipient: b@example.com}}\n"
        for name in ("", "", "name: 'Büro Mail!', ")
    )
    assert list(profiles(check(tmp_path, text))) == ["notify", "notify-2", "B_ro_Mail_"]


def test_a_server_from_secrets_is_deferred_not_judged(tmp_path):
    result = run(tmp_path, notifier("server: !secret smtp_server", "port: !secret smtp_port"))
    assert result.exit_code == 0 and found(result) == []


# ---------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"notify:\n  - platform: smtp\n    server: [unclosed\n", 4),
        (b"notify:\n  - platform: smtp\n    password: \xff\xfe\n", 3),
        (b"notify:\n  - platform: smtp\n    server: !!python/object:os.system ls\n", 3),
        (b"notify: !unknown x\n", 1),
    ],
)
def test_a_file_home_assistant_cannot_read_is_one_finding(tmp_path, content, line):
    repo(tmp_path)
    write(tmp_path, "configuration.yaml", content)
    result = mailcheck(tmp_path, "check", "--as", "homeassistant", "--format", "json", "configuration.yaml")
    [finding] = result.json()["findings"]
    assert (finding["rule"], finding["line"]) == ("MC001", line)


def test_a_home_assistant_config_without_smtp_has_no_profile(tmp_path):
    result = run(tmp_path, textwrap.dedent("notify:\n  - platform: file\n    filename: n.log\n"))
    assert result.exit_code == 0 and result.json()["summary"]["profiles"] == 0
