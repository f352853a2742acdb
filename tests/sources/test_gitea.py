"""The Gitea / Forgejo adapter: app.ini's [mailer] and [email.incoming], as Gitea reads and uses them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_run import INLINE_SECRET, mailcheck, repo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "gitea"

CLEAN = """\
[database]
DB_TYPE = mysql
HOST = 127.0.0.1:3306
USER = root

[mailer]
ENABLED = true
PROTOCOL = smtps
SMTP_ADDR = smtp.example.com
SMTP_PORT = 465
USER = gitea@example.com
FROM = "Gitea" <gitea@example.com>
"""


def check(tmp_path: Path, text: str, *args: str, name: str = "app.ini"):
    repo(tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return mailcheck(tmp_path, "check", "--format", "json", *args, name)


def found(run) -> list[tuple[str, int, int]]:
    return [(f["rule"], f["line"], f["column"]) for f in run.json()["findings"]]


def finding(run, rule: str) -> dict:
    [only] = [f for f in run.json()["findings"] if f["rule"] == rule]
    return only


def test_the_shipped_example_has_every_mail_key_commented_out(tmp_path):
    repo(tmp_path)
    shutil.copy(FIXTURES / "app.example.ini", tmp_path / "app.example.ini")
    run = mailcheck(tmp_path, "check", "--as", "gitea", "--format", "json", "app.example.ini")
    assert run.exit_code == 0, run.stdout
    assert run.json()["summary"]["profiles"] == 0 and run.json()["findings"] == []


def test_a_clean_config_has_no_finding_and_database_keys_are_not_the_mailers(tmp_path):
    run = check(tmp_path, CLEAN)
    assert run.exit_code == 0, run.stdout
    assert run.json()["summary"]["profiles"] == 1 and run.json()["findings"] == []


def test_a_walk_picks_app_ini_up_by_name_and_content(tmp_path):
    repo(tmp_path)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.ini").write_text(
        CLEAN.replace("smtps", "smtp+starttls").replace("465", "587"), encoding="utf-8"
    )
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "app.ini").write_text("[server]\nport = 8080\n", encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.json()["summary"]["files"] == 1
    assert [(f["rule"], f["file"]) for f in run.json()["findings"]] == [("MC214", "conf/app.ini")]


def test_smtp_starttls_is_opportunistic_in_gitea(tmp_path):
    # sender/smtp.go: STARTTLS only if the EHLO reply lists it, else "falling back to regular SMTP"
    run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps", "PROTOCOL = smtp+starttls").replace("465", "587"))
    assert found(run) == [("MC214", 8, 12)]
    assert "PROTOCOL = smtps" in finding(run, "MC214")["hint"]
    assert "no setting makes the upgrade required" in finding(run, "MC214")["hint"]


def test_the_protocol_inferred_from_port_587_is_opportunistic_too(tmp_path):
    run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps\n", "").replace("465", "587"))
    assert found(run) == [("MC214", 9, 13)]  # pointed at the port it was inferred from


def test_no_protocol_and_no_port_is_smtps_on_465(tmp_path):
    run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps\n", "").replace("SMTP_PORT = 465\n", ""))
    assert run.json()["findings"] == [] and run.exit_code == 0


def test_an_unknown_port_without_protocol_is_assumed_smtps(tmp_path):
    run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps\n", "").replace("465", "2525"))
    unknown = finding(run, "MC602")
    assert (unknown["line"], unknown["column"]) == (9, 13)
    assert "assumes smtps" in unknown["message"] and "PROTOCOL = smtps" in unknown["hint"]


def test_plain_smtp_with_a_login_is_cleartext(tmp_path):
    run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps", "PROTOCOL = smtp").replace("465", "25"))
    rules = {f["rule"] for f in run.json()["findings"]}
    assert "MC204" in rules and "MC214" not in rules
    assert "PROTOCOL = smtps" in finding(run, "MC204")["hint"]


@pytest.mark.parametrize(("written", "fix"), [("SMTPS", "`smtps`"), ("smtp-starttls", "`smtp+starttls`")])
def test_an_unknown_protocol_is_plaintext_smtp(tmp_path, written, fix):
    # In() returns a value and sets nothing: the sender then never starts TLS
    run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps", f"PROTOCOL = {written}"))
    unknown = finding(run, "MC602")
    assert (unknown["line"], unknown["column"]) == (8, 12)
    assert "without TLS" in unknown["message"] and fix in unknown["hint"]
    assert {"MC201", "MC204"} <= {f["rule"] for f in run.json()["findings"]}


def test_the_startls_typo_is_fixed_by_gitea_but_still_reported(tmp_path):
    run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps", "PROTOCOL = smtp+startls").replace("465", "587"))
    assert sorted(found(run)) == [("MC214", 8, 12), ("MC602", 8, 12)]
    assert "`smtp+starttls`" in finding(run, "MC602")["hint"]


def test_port_465_with_smtp_starttls_starts_in_plaintext_on_a_tls_port(tmp_path):
    run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps", "PROTOCOL = smtp+starttls"))
    assert ("MC201", 10, 13) in found(run)
    assert "PROTOCOL = smtps (port 465)" in finding(run, "MC201")["hint"]


def test_force_trust_server_cert_disables_verification(tmp_path):
    run = check(tmp_path, CLEAN + "FORCE_TRUST_SERVER_CERT = true\n")
    assert found(run) == [("MC206", 13, 27)]
    assert "FORCE_TRUST_SERVER_CERT" in finding(run, "MC206")["hint"]


def test_the_deprecated_keys_still_count(tmp_path):
    # HOST = name:port, IS_TLS_ENABLED and SKIP_VERIFY are mapped when their replacements are absent
    text = (
        "[mailer]\nENABLED = true\nHOST = smtp.example.com:587\nIS_TLS_ENABLED = false\nSKIP_VERIFY = true\n"
        "FROM = gitea@example.com\n"
    )
    run = check(tmp_path, text)
    assert sorted(found(run)) == [("MC206", 5, 15), ("MC214", 4, 18)]


def test_a_deprecated_key_next_to_its_replacement_is_ignored(tmp_path):
    run = check(tmp_path, CLEAN + "HOST = smtp.example.com:587\n")
    ignored = finding(run, "MC602")
    assert (ignored["line"], ignored["column"]) == (13, 1)
    assert "ignores the deprecated HOST because SMTP_ADDR is set" in ignored["message"]


def test_a_key_in_lower_case_is_ignored(tmp_path):
    run = check(tmp_path, CLEAN.replace("FROM =", "from ="))
    unknown = [f for f in run.json()["findings"] if f["rule"] == "MC602"]
    assert [(f["line"], f["hint"]) for f in unknown] == [(12, "write `FROM`")]


def test_a_misspelt_enabled_turns_mail_off(tmp_path):
    run = check(tmp_path, CLEAN.replace("ENABLED = true", "ENABLED = ture"))
    assert found(run) == [("MC602", 7, 11)]
    assert "sends no mail at all" in finding(run, "MC602")["message"]


def test_sendmail_and_dummy_build_no_profile(tmp_path):
    for protocol in ("sendmail", "dummy", "smtp+unix"):
        run = check(tmp_path, CLEAN.replace("PROTOCOL = smtps", f"PROTOCOL = {protocol}"))
        assert run.json()["summary"]["profiles"] == 0 and run.json()["findings"] == [], protocol


def test_an_inline_password_is_reported_and_masked_in_every_format(tmp_path):
    text = CLEAN.replace("USER = root", f"USER = root\nPASSWD = {INLINE_SECRET}") + f"PASSWD = `{INLINE_SECRET}`\n"
    repo(tmp_path)
    (tmp_path / "app.ini").write_text(text, encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", "app.ini")
    assert found(run) == [("MC303", 14, 10)]
    assert "GITEA__mailer__PASSWD" in finding(run, "MC303")["hint"]
    for output in ("text", "json", "sarif", "github", "gitlab", "junit"):
        run = mailcheck(tmp_path, "check", "--format", output, "app.ini")
        assert run.exit_code == 1 and INLINE_SECRET not in run.stdout + run.stderr, output


def test_a_password_cut_at_a_semicolon(tmp_path):
    run = check(tmp_path, CLEAN + f"PASSWD = {INLINE_SECRET};rest\n")
    cut = finding(run, "MC602")
    assert "backticks" in cut["hint"] and INLINE_SECRET not in run.stdout and "rest" not in run.stdout


def test_a_trailing_backslash_does_not_continue_the_value(tmp_path):
    # Gitea loads app.ini with IgnoreContinuation: the next line is a key of its own
    run = check(tmp_path, CLEAN + "SUBJECT_PREFIX = [git]\\\nFORCE_TRUST_SERVER_CERT = true\n")
    assert found(run) == [("MC206", 14, 27)]


def test_imap_without_tls_sends_the_login_in_cleartext(tmp_path):
    text = (
        "[email.incoming]\nENABLED = true\nREPLY_TO_ADDRESS = incoming+%{token}@example.com\n"
        "HOST = imap.example.com\nPORT = 143\nUSERNAME = incoming@example.com\n"
        "PASSWORD = $INCOMING\n"
    )
    run = check(tmp_path, text)
    rules = {f["rule"] for f in run.json()["findings"]}
    assert "MC204" in rules and "USE_TLS = true with PORT = 993" in finding(run, "MC204")["hint"]
    assert all(f["profile"] == "email.incoming" for f in run.json()["findings"] if "profile" in f)


def test_imap_without_a_port_is_an_app_constraint(tmp_path):
    text = "[email.incoming]\nENABLED = true\nHOST = imap.example.com\nUSE_TLS = true\nSKIP_TLS_VERIFY = true\n"
    run = check(tmp_path, text)
    assert sorted(found(run)) == [("MC206", 5, 19), ("MC603", 1, 1)]
    assert "no default" in finding(run, "MC603")["message"]


def test_suppressions_use_the_ini_comment_characters(tmp_path):
    text = CLEAN.replace("PROTOCOL = smtps", "PROTOCOL = smtp+starttls ; mailcheck: disable-line MC214 -- relay")
    run = check(tmp_path, text.replace("465", "587"))
    assert run.json()["findings"] == [] and run.exit_code == 0


def test_as_reads_any_file_name_and_says_where(tmp_path):
    repo(tmp_path)
    (tmp_path / "gitea.conf").write_text(CLEAN + "FORCE_TRUST_SERVER_CERT = true\n", encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--as", "gitea", "gitea.conf")
    assert "gitea.conf:13:27: warning MC206 [tls-verify-disabled]" in run.stdout


@pytest.mark.parametrize(
    ("content", "line"),
    [("[mailer]\nENABLED true\n", 2), ("[mailer\nENABLED = true\n", 1), ('[mailer]\nPASSWD = """abc\n', 2)],
)
def test_a_file_go_ini_refuses_is_one_finding_not_a_traceback(tmp_path, content, line):
    run = check(tmp_path, content)
    [only] = run.json()["findings"]
    assert (only["rule"], only["line"]) == ("MC001", line)


def test_a_file_in_another_encoding_is_one_finding(tmp_path):
    repo(tmp_path)
    (tmp_path / "app.ini").write_bytes("[mailer]\nFROM = G\xe9 <g@example.com>\n".encode("latin-1"))
    run = mailcheck(tmp_path, "check", "--as", "gitea", "--format", "json", "app.ini")
    [only] = run.json()["findings"]
    assert only["rule"] == "MC001" and "UTF-8" in json.dumps(only)
