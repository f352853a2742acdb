"""The GitLab (Omnibus) adapter: gitlab.rb's official template, each of its mail footguns, as a user sees them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from mailcheck.checker import FileResult, check_file
from mailcheck.config import Settings
from mailcheck.sources import source_named
from tests.cli_run import INLINE_SECRET, mailcheck, repo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "gitlab"
TEMPLATE = FIXTURES / "gitlab.rb.template"
GITLAB = source_named("gitlab")
# the documented SMTP example: lines 99-108 of the template, commented out as shipped
EXAMPLE = range(99, 109)


def check(tmp_path: Path, text: str, name: str = "gitlab.rb") -> FileResult:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return check_file(path, name, Settings(), source=GITLAB)


def seen(result: FileResult) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in result.findings]


def profiles(result: FileResult) -> dict:
    assert result.document is not None
    return result.document.data["profiles"]


def uncommented(lines: range | list[int]) -> str:
    text = TEMPLATE.read_text(encoding="utf-8").splitlines(keepends=True)
    for number in lines:
        assert text[number - 1].startswith("# gitlab_rails['"), text[number - 1]
        text[number - 1] = text[number - 1].removeprefix("# ")
    return "".join(text)


# ---------------------------------------------------------------- the official template


def test_the_template_as_shipped_configures_no_mail(tmp_path):
    repo(tmp_path)
    shutil.copy(TEMPLATE, tmp_path / "gitlab.rb")
    run = mailcheck(tmp_path, "check", "--as", "gitlab", "--format", "json", "gitlab.rb")
    assert run.exit_code == 0, run.stdout
    assert run.json()["findings"] == [] and run.json()["summary"]["profiles"] == 0
    # a walk skips it: nothing in it is a mail setting until one is uncommented
    walk = mailcheck(tmp_path, "check", ".")
    assert walk.exit_code == 2 and "no profile files" in walk.stderr


def test_the_templates_smtp_example_is_opportunistic_on_port_465(tmp_path):
    # smtp_port 465 with smtp_enable_starttls_auto true and smtp_tls false: plaintext to an
    # implicit-TLS port, upgraded only if offered; and the password written inline
    repo(tmp_path)
    (tmp_path / "gitlab.rb").write_text(uncommented(EXAMPLE), encoding="utf-8")
    run = mailcheck(tmp_path, "check", "gitlab.rb")  # found by name and content
    assert run.exit_code == 1
    assert "gitlab.rb:101:29: error MC201 [port-security-mismatch] smtp port 465" in run.stdout
    assert "gitlab.rb:103:33: error MC303 [inline-secret]" in run.stdout
    assert "gitlab.rb:106:45: error MC214 [opportunistic-starttls]" in run.stdout
    assert "set gitlab_rails['smtp_tls'] = true" in run.stdout  # the fix in GitLab's terms
    assert "smtp password" not in run.stdout
    assert "Found 3 errors, 0 warnings, 0 infos in 1 file, 1 profile." in run.stdout


def test_the_template_example_read_as_gitlab_connects(tmp_path):
    result = check(tmp_path, uncommented(EXAMPLE))
    smtp = profiles(result)["smtp"]
    assert (smtp["host"], smtp["port"], smtp["security"]) == ("smtp.server", 465, "opportunistic")
    assert smtp["auth"]["username"] == "smtp user" and smtp["auth"]["mechanism"] == "login"
    # external_url is the installer's placeholder: the sender is read at run time
    assert result.document is not None and ("from", "address") in result.document.deferred["smtp"]


def test_the_template_example_with_verify_none_adds_mc206(tmp_path):
    result = check(tmp_path, uncommented([*EXAMPLE, 112]))
    assert [rule for rule, _, _ in seen(result)] == ["MC201", "MC303", "MC214", "MC206"]
    assert seen(result)[-1] == ("MC206", 112, 44)


def test_the_templates_incoming_email_example_is_one_imap_profile(tmp_path):
    result = check(tmp_path, uncommented([327, 334, 340, 343, 346, 347, 348, 349]))
    mailbox = profiles(result)["incoming_email"]
    assert (mailbox["protocol"], mailbox["host"], mailbox["port"], mailbox["security"]) == (
        "imap",
        "imap.gmail.com",
        993,
        "tls",
    )
    assert mailbox["auth"]["username"] == "gitlab-incoming@gmail.com"
    # the template's "[REDACTED]" is a placeholder, and still an inline password
    assert seen(result) == [("MC303", 343, 43)]


# ---------------------------------------------------------------- a clean file

CLEAN = """\
external_url 'https://gitlab.example.com'
gitlab_rails['smtp_enable'] = true
gitlab_rails['smtp_address'] = "smtp.example.com"
gitlab_rails['smtp_port'] = 465
gitlab_rails['smtp_user_name'] = "gitlab@example.com"
gitlab_rails['smtp_password'] = ENV.fetch('SMTP_PASSWORD')
gitlab_rails['smtp_authentication'] = "login"
gitlab_rails['smtp_enable_starttls_auto'] = false
gitlab_rails['smtp_tls'] = true
"""


def test_implicit_tls_with_the_password_from_the_environment_is_clean(tmp_path):
    result = check(tmp_path, CLEAN)
    assert result.findings == []
    smtp = profiles(result)["smtp"]
    assert smtp["security"] == "tls" and smtp["auth"]["password"] == {"env": "SMTP_PASSWORD"}
    assert smtp["from"]["address"] == "gitlab@gitlab.example.com"  # gitlab@ the external_url's host


def test_env_and_file_references_are_not_inline_secrets(tmp_path):
    result = check(
        tmp_path,
        CLEAN.replace("ENV.fetch('SMTP_PASSWORD')", "ENV['SMTP_PASSWORD']")
        + "gitlab_rails['incoming_email_enabled'] = true\n"
        "gitlab_rails['incoming_email_address'] = 'in+%{key}@example.com'\n"
        "gitlab_rails['incoming_email_email'] = 'in@example.com'\n"
        "gitlab_rails['incoming_email_password'] = File.read('/run/secrets/imap').strip\n"
        "gitlab_rails['incoming_email_host'] = 'imap.example.com'\n"
        "gitlab_rails['incoming_email_port'] = 993\n"
        "gitlab_rails['incoming_email_ssl'] = true\n",
    )
    assert result.findings == []
    assert profiles(result)["smtp"]["auth"]["password"] == {"env": "SMTP_PASSWORD"}
    assert profiles(result)["incoming_email"]["auth"]["password"] == {"file": "/run/secrets/imap"}


def test_a_host_read_from_the_environment_is_deferred(tmp_path):
    result = check(tmp_path, CLEAN.replace('"smtp.example.com"', "ENV['SMTP_HOST']"))
    assert result.findings == []
    assert profiles(result)["smtp"]["host"] == "ENV['SMTP_HOST']"


# ---------------------------------------------------------------- GitLab's footguns


def test_mc601_smtp_tls_with_starttls_auto(tmp_path):
    result = check(tmp_path, CLEAN.replace("smtp_enable_starttls_auto'] = false", "smtp_enable_starttls_auto'] = true"))
    assert seen(result) == [("MC601", 9, 28)]  # at the switch written second
    assert "reconfigure refuses it" in result.findings[0].message
    assert "smtp_enable_starttls_auto = false" in result.findings[0].hint


def test_mc204_no_tls_at_all_with_a_login(tmp_path):
    result = check(tmp_path, CLEAN.replace("smtp_tls'] = true", "smtp_tls'] = false").replace("= 465", "= 587"))
    assert seen(result) == [("MC204", 8, 45)]
    assert profiles(result)["smtp"]["security"] == "none"


def test_starttls_auto_left_out_is_opportunistic_at_the_first_smtp_line(tmp_path):
    result = check(tmp_path, "gitlab_rails['smtp_enable'] = true\ngitlab_rails['smtp_address'] = 'smtp.example.com'\n")
    assert seen(result) == [("MC214", 1, 1)]
    assert profiles(result)["smtp"]["port"] == 25  # the mail gem's default


def test_smtp_enable_alone_is_the_local_mta_and_clean(tmp_path):
    # doc/settings/smtp.md "SMTP on localhost": localhost:25
    assert check(tmp_path, "gitlab_rails['smtp_enable'] = true\n").findings == []


def test_mc602_an_unknown_smtp_key_with_a_suggestion(tmp_path):
    result = check(tmp_path, CLEAN + "gitlab_rails['smtp_enable_starttls'] = true\n")
    assert seen(result) == [("MC602", 10, 14)]
    assert "write gitlab_rails['smtp_enable_starttls_auto']" in result.findings[0].hint


def test_mc602_an_unknown_authentication_value(tmp_path):
    result = check(tmp_path, CLEAN.replace('= "login"', '= "logon"'))
    assert seen(result) == [("MC602", 7, 39)]
    assert "reconfigure fails" in result.findings[0].message and "write 'login'" in result.findings[0].hint


def test_mc602_authentication_false_does_not_stop_the_login(tmp_path):
    result = check(tmp_path, CLEAN.replace('= "login"', "= false"))
    assert seen(result) == [("MC602", 7, 39)]
    assert "with PLAIN" in result.findings[0].message


def test_mc602_a_switch_written_as_a_string_is_true(tmp_path):
    result = check(
        tmp_path, CLEAN.replace("smtp_enable_starttls_auto'] = false", "smtp_enable_starttls_auto'] = 'false'")
    )
    assert [rule for rule, _, _ in seen(result)] == ["MC602", "MC601"]


def test_mc601_incoming_email_ssl_and_start_tls(tmp_path):
    result = check(
        tmp_path,
        "gitlab_rails['incoming_email_enabled'] = true\n"
        "gitlab_rails['incoming_email_email'] = 'in@example.com'\n"
        "gitlab_rails['incoming_email_password'] = ENV['IMAP_PASSWORD']\n"
        "gitlab_rails['incoming_email_host'] = 'imap.example.com'\n"
        "gitlab_rails['incoming_email_port'] = 993\n"
        "gitlab_rails['incoming_email_ssl'] = true\n"
        "gitlab_rails['incoming_email_start_tls'] = true\n",
    )
    assert seen(result) == [("MC601", 7, 44)]
    assert result.findings[0].profile == "incoming_email"


def test_service_desk_email_without_tls_is_cleartext(tmp_path):
    result = check(
        tmp_path,
        "gitlab_rails['service_desk_email_enabled'] = true\n"
        "gitlab_rails['service_desk_email_email'] = 'desk@example.com'\n"
        "gitlab_rails['service_desk_email_password'] = ENV['DESK_PASSWORD']\n"
        "gitlab_rails['service_desk_email_host'] = 'imap.example.com'\n",
    )
    assert seen(result) == [("MC204", 1, 1)]  # port 143, neither ssl nor start_tls: mail_room's defaults
    assert profiles(result)["service_desk_email"]["port"] == 143


def test_smtp_settings_without_smtp_enable_are_ignored_by_gitlab(tmp_path):
    result = check(tmp_path, CLEAN.replace("gitlab_rails['smtp_enable'] = true\n", ""))
    assert seen(result) == [("MC603", 2, 1)]
    assert "sends with sendmail" in result.findings[0].message


# ---------------------------------------------------------------- secrets, suppressions, hostile input


def test_every_secret_is_masked_in_every_format_and_reported(tmp_path):
    repo(tmp_path)
    (tmp_path / "gitlab.rb").write_text(
        "gitlab_rails['smtp_enable'] = false\n"  # disabled: still checked, and its password masked
        "gitlab_rails['smtp_address'] = 'smtp.example.com'\n"
        "gitlab_rails['smtp_user_name'] = 'gitlab'\n"
        f"gitlab_rails['smtp_password'] = '{INLINE_SECRET}'\n"
        f"gitlab_rails['db_password'] = \"{INLINE_SECRET}x\"\n",
        encoding="utf-8",
    )
    run = mailcheck(tmp_path, "check", "--format", "json", "gitlab.rb")
    assert ("MC303", 4) in [(f["rule"], f["line"]) for f in run.json()["findings"]]
    for output in ("text", "json", "sarif", "github", "gitlab", "junit"):
        run = mailcheck(tmp_path, "check", "--format", output, "gitlab.rb")
        assert run.exit_code == 1 and INLINE_SECRET not in run.stdout + run.stderr, output


def test_suppressions_use_ruby_comments(tmp_path):
    result = check(
        tmp_path,
        "gitlab_rails['smtp_enable'] = true\n"
        "gitlab_rails['smtp_address'] = 'relay.internal.example.com'\n"
        "gitlab_rails['smtp_enable_starttls_auto'] = false # mailcheck: disable-line MC205 -- private relay\n",
    )
    assert result.findings == []


def test_a_ruby_syntax_error_is_one_finding_with_its_position(tmp_path):
    repo(tmp_path)
    (tmp_path / "gitlab.rb").write_text(
        "gitlab_rails['smtp_enable'] = true\ngitlab_rails['smtp_address'] = \n)\n", encoding="utf-8"
    )
    run = mailcheck(tmp_path, "check", "--format", "json", "gitlab.rb")
    [finding] = run.json()["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("MC001", 2, 30)
    assert "not valid Ruby" in finding["message"] and "gitlab-ctl reconfigure" in finding["hint"]


def test_an_unclosed_block_is_one_finding(tmp_path):
    result = check(tmp_path, "if true\n  gitlab_rails['smtp_enable'] = true\n")
    assert [rule for rule, _, _ in seen(result)] == ["MC001"]


def test_latin1_bytes_are_one_finding(tmp_path):
    repo(tmp_path)
    (tmp_path / "gitlab.rb").write_bytes(b"gitlab_rails['smtp_password'] = 'p\xe4ss'\n")
    run = mailcheck(tmp_path, "check", "--as", "gitlab", "--format", "json", "gitlab.rb")
    [finding] = run.json()["findings"]
    assert (finding["rule"], finding["line"]) == ("MC001", 1)


def test_columns_count_characters_not_bytes(tmp_path):
    result = check(
        tmp_path, "# ünïcödé\ngitlab_rails['smtp_enable'] = true; gitlab_rails['smtp_address'] = 'smtp.exämple.com'\n"
    )
    assert [rule for rule, _, _ in seen(result)] == ["MC214"]


def test_importing_mailcheck_does_not_import_tree_sitter():
    code = "import mailcheck.cli, mailcheck.sources, sys; print('tree_sitter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().lower()) is False


def test_a_value_nested_thousands_deep_is_one_finding_not_a_traceback(tmp_path):
    result = check(tmp_path, "gitlab_rails['smtp_password'] = File.read('/s')" + ".strip" * 20000 + "\n")
    assert [rule for rule, _, _ in seen(result)] == ["MC001"]
    assert "nested too deeply" in result.findings[0].message
