"""The Nextcloud adapter on Nextcloud's config.sample.php (mail section) and config.php's footguns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_run import INLINE_SECRET, mailcheck, repo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "nextcloud"

CLEAN = """\
<?php
$CONFIG = array (
  'mail_smtpmode' => 'smtp',
  'mail_smtphost' => 'smtp.example.com',
  'mail_smtpport' => 465,
  'mail_smtpsecure' => 'ssl',
  'mail_smtpauth' => true,
  'mail_smtpname' => 'cloud@example.com',
  'mail_smtppassword' => getenv('SMTP_PASSWORD'),
  'mail_from_address' => 'cloud',
  'mail_domain' => 'example.com',
);
"""


def _write(folder: Path, text: str, name: str = "config.php") -> None:
    repo(folder)
    (folder / name).write_text(text, encoding="utf-8")


def _findings(run) -> set[tuple[str, int, int]]:
    return {(f["rule"], f["line"], f["column"]) for f in run.json()["findings"]}


def test_nextclouds_sample_mail_section_is_read_as_127_0_0_1_on_port_25(tmp_path):
    # loopback, so no MC214; the IP host is MC211 (PHP verifies the name 127.0.0.1 when STARTTLS is offered)
    repo(tmp_path)
    shutil.copy(FIXTURES / "config.sample.php", tmp_path / "config.php")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.json()["summary"]["profiles"] == 1
    assert [(f["rule"], f["file"], f["line"], f["column"]) for f in run.json()["findings"]] == [
        ("MC211", "config.php", 57, 20)
    ]
    assert "peer_name" in run.json()["findings"][0]["hint"]


def test_a_clean_config_has_no_finding(tmp_path):
    _write(tmp_path, CLEAN)
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.exit_code == 0, run.stdout
    assert run.json()["summary"]["profiles"] == 1 and run.json()["findings"] == []


def test_empty_smtpsecure_on_587_with_a_login_is_opportunistic_and_the_password_inline(tmp_path):
    text = (
        CLEAN.replace("465", "587")
        .replace("'ssl'", "''")
        .replace("getenv('SMTP_PASSWORD')", f"'{INLINE_SECRET}'")
        .replace(");", "  'dbpassword' => 'db-Secret-77',\n);")
    )
    _write(tmp_path, text)
    run = mailcheck(tmp_path, "check", "config.php")
    assert run.exit_code == 1
    assert "config.php:6:24: error MC214 [opportunistic-starttls]" in run.stdout
    assert "Nextcloud cannot require STARTTLS" in run.stdout
    assert "config.php:9:26: error MC303 [inline-secret]" in run.stdout
    assert "getenv('SMTP_PASSWORD')" in run.stdout  # the hint in config.php's terms
    for form in ("text", "json", "sarif", "github", "gitlab", "junit"):
        shown = mailcheck(tmp_path, "check", "--format", form, "config.php").stdout
        assert INLINE_SECRET not in shown and "db-Secret-77" not in shown, form


def test_tls_is_not_a_nextcloud_value_and_is_opportunistic(tmp_path):
    _write(tmp_path, CLEAN.replace("465", "587").replace("'ssl'", "'tls'"))
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert _findings(run) == {("MC214", 6, 24), ("MC602", 6, 24)}
    message = next(f["message"] for f in run.json()["findings"] if f["rule"] == "MC602")
    assert "only exactly 'ssl'" in message


def test_ssl_on_587_is_implicit_tls_on_the_submission_port(tmp_path):
    _write(tmp_path, CLEAN.replace("465", "587"))
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert {f["rule"] for f in run.json()["findings"]} == {"MC201"}


def test_verify_peer_false_in_the_stream_options_turns_verification_off(tmp_path):
    options = "  'mail_smtpstreamoptions' => array ('ssl' => array ('verify_peer' => false)),\n);"
    _write(tmp_path, CLEAN.replace(");", options))
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert _findings(run) == {("MC206", 12, 71)}
    assert "mail_smtpstreamoptions" in run.json()["findings"][0]["hint"]


def test_smtpauth_true_without_a_name_sends_without_a_login(tmp_path):
    _write(tmp_path, CLEAN.replace("'cloud@example.com'", "''"))
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert _findings(run) == {("MC603", 7, 22)}
    assert "does not log in without a user name" in run.json()["findings"][0]["message"]


def test_the_string_false_turns_the_login_on_and_qmail_sends_over_smtp(tmp_path):
    text = CLEAN.replace("=> true", "=> 'false'").replace("'mail_smtpmode' => 'smtp'", "'mail_smtpmode' => 'qmail'")
    _write(tmp_path, text)
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert _findings(run) == {("MC602", 3, 22), ("MC602", 7, 22)}
    messages = " ".join(f["message"] for f in run.json()["findings"])
    assert "'qmail'" in messages and "PHP's (bool)" in messages


def test_sendmail_mode_makes_no_smtp_profile(tmp_path):
    _write(tmp_path, CLEAN.replace("'mail_smtpmode' => 'smtp'", "'mail_smtpmode' => 'sendmail'").replace("465", "25"))
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert run.json()["summary"]["profiles"] == 0 and run.json()["findings"] == []


def test_a_login_written_with_smtpauth_false_is_not_used(tmp_path):
    _write(tmp_path, CLEAN.replace("=> true", "=> false"))
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert _findings(run) == {("MC603", 7, 22)}


def test_suppressions_use_php_comments(tmp_path):
    text = CLEAN.replace("465", "587").replace("'ssl',", "'', // mailcheck: disable-line MC214 -- relay on our LAN")
    _write(tmp_path, text)
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert run.json()["findings"] == [] and run.exit_code == 0


def test_a_host_read_from_the_environment_is_deferred(tmp_path):
    _write(tmp_path, CLEAN.replace("'smtp.example.com'", "getenv('SMTP_HOST')"))
    run = mailcheck(tmp_path, "check", "--format", "json", "config.php")
    assert run.exit_code == 0 and run.json()["findings"] == []


def test_a_php_file_of_another_program_is_left_alone(tmp_path):
    _write(tmp_path, "<?php\n$CONFIG = array('dbtype' => 'sqlite3');\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "config.php").write_text("<?php\nreturn ['mail_host' => 'x'];\n", encoding="utf-8")
    run = mailcheck(tmp_path, "check", ".")
    assert run.exit_code == 2 and "no profile files" in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("<?php\n$CONFIG = array (\n  'mail_smtphost' => 'x'\n  'mail_smtpport' => 25,\n);\n", "config.php:4:"),
        ("<?php\n$CONFIG = [\n  'mail_smtphost' => 'sm\u00e9tp',\n  'mail_smtpport' => 25,,\n];\n", "config.php:"),
    ],
)
def test_broken_php_is_one_finding(tmp_path, text, where):
    _write(tmp_path, text)
    run = mailcheck(tmp_path, "check", "config.php")
    assert run.exit_code == 1
    assert run.stdout.count("MC001") == 1 and where in run.stdout and "not valid PHP" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
