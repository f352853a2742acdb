"""The Alertmanager adapter: alertmanager.yml's global smtp_* settings and every email_config, as
Alertmanager inherits and uses them (mailcheck/sources/alertmanager.py cites its source)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from tests.cli_run import INLINE_SECRET, mailcheck, repo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "alertmanager"

CLEAN = """\
global:
  smtp_smarthost: smtp.example.com:587
  smtp_from: 'Alertmanager <alertmanager@example.com>'
  smtp_auth_username: alertmanager@example.com
  smtp_auth_password_file: /run/secrets/smtp_password
route:
  receiver: ops
receivers:
  - name: ops
    email_configs:
      - to: ops@example.com
"""


def check(folder: Path, text: str, *args: str, name: str = "alertmanager.yml"):
    repo(folder)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return mailcheck(folder, "check", "--format", "json", *args, name)


def found(run) -> list[tuple[str, int, int, str | None]]:
    return [(f["rule"], f["line"], f["column"], f["profile"]) for f in run.json()["findings"]]


def only(run, rule: str) -> dict:
    [finding] = [f for f in run.json()["findings"] if f["rule"] == rule]
    return finding


def with_email(extra: str, glob: str = CLEAN) -> str:
    """CLEAN with lines added to its email_config (indented as its keys are)."""
    return glob + "".join(f"        {line}\n" for line in textwrap.dedent(extra).splitlines())


# --- the project's own files ---------------------------------------------------------------


def test_alertmanagers_own_example_gives_one_profile_per_email_receiver(tmp_path):
    # doc/examples/simple.yml: global localhost:25 with a login and the inline password `password`,
    # inherited by the three receivers that have an email_config; the pagerduty ones are not mail
    repo(tmp_path)
    shutil.copy(FIXTURES / "simple.yml", tmp_path / "alertmanager.yml")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")  # found by its name and content
    assert run.exit_code == 1
    assert run.json()["summary"] == {"files": 1, "profiles": 3, "errors": 3, "warnings": 3, "infos": 0}
    names = ["team-X-mails.0", "team-X-pager.0", "team-Y-mails.0"]
    # MC208 on the port of `smtp_smarthost: 'localhost:25'`, MC303 on `smtp_auth_password: 'password'`
    assert found(run) == [("MC208", 3, 30, n) for n in names] + [("MC303", 6, 23, n) for n in names]
    assert "smarthost: smtp.example.com:587" in run.json()["findings"][0]["hint"]


def test_alertmanagers_test_file_with_both_global_passwords_is_refused(tmp_path):
    repo(tmp_path)
    shutil.copy(FIXTURES / "conf.smtp-both-password-and-file.yml", tmp_path / "alertmanager.yml")
    run = mailcheck(tmp_path, "check", "--format", "json", "alertmanager.yml")
    refused = only(run, "MC603")
    assert (refused["line"], refused["column"]) == (6, 28)  # smtp_auth_password_file's value
    assert "at most one of smtp_auth_password & smtp_auth_password_file must be configured" in refused["message"]
    assert "multiline" not in run.stdout and "mysecret" not in run.stdout  # the inline one stays masked


def test_alertmanagers_test_file_of_inherited_passwords_reports_only_the_inline_one(tmp_path):
    # the third email_config overrides the global password file with auth_password: 'mysecret'
    repo(tmp_path)
    shutil.copy(FIXTURES / "conf.smtp-password-global-and-local.yml", tmp_path / "alertmanager.yml")
    run = mailcheck(tmp_path, "check", "--format", "json", "alertmanager.yml")
    assert run.json()["summary"]["profiles"] == 5
    assert [(f[0], f[1], f[3]) for f in found(run) if f[0] != "MC208"] == [("MC303", 22, "email-notifications.2")]
    assert "mysecret" not in run.stdout and "myprecious" not in run.stdout


def test_a_clean_config_has_no_finding(tmp_path):
    run = check(tmp_path, CLEAN)
    assert run.exit_code == 0 and run.json()["findings"] == []
    assert run.json()["summary"]["profiles"] == 1


# --- the footguns ---------------------------------------------------------------------------


def test_a_smarthost_without_a_port_is_refused(tmp_path):
    run = check(tmp_path, CLEAN.replace("smtp.example.com:587", "smtp.example.com"))
    refused = only(run, "MC603")
    assert (refused["line"], refused["column"]) == (2, 19)
    assert "missing port in address" in refused["message"] and "Alertmanager refuses the file" in refused["message"]
    assert "smtp_smarthost: smtp.example.com:587" in refused["hint"]


def test_an_empty_port_is_refused_as_alertmanager_words_it(tmp_path):
    run = check(tmp_path, CLEAN.replace("smtp.example.com:587", "'smtp.example.com:'"))
    assert "port cannot be empty" in only(run, "MC603")["message"]


@pytest.mark.parametrize("spelling", ["false", "no", "off"])  # go-yaml v2 reads YAML 1.1 booleans
def test_require_tls_false_never_sends_starttls(tmp_path, spelling):
    text = CLEAN.replace("  smtp_auth_username: alertmanager@example.com\n", "").replace(
        "  smtp_auth_password_file: /run/secrets/smtp_password\n", ""
    )
    run = check(tmp_path, with_email(f"require_tls: {spelling}", text))
    finding = only(run, "MC205")
    assert (finding["line"], finding["column"], finding["profile"]) == (10, 22, "ops.0")
    assert "remove require_tls: false" in finding["hint"]


def test_require_tls_false_with_a_login_sends_the_password_in_cleartext(tmp_path):
    run = check(tmp_path, with_email("require_tls: false"))
    assert found(run) == [("MC204", 12, 22, "ops.0")]
    assert "LOGIN" in run.json()["findings"][0]["hint"]


def test_a_global_require_tls_left_empty_is_false(tmp_path):
    run = check(tmp_path, CLEAN.replace("route:", "  smtp_require_tls:\nroute:"))
    assert sorted(f[0] for f in found(run)) == ["MC204", "MC602"]
    assert "takes an empty value as false" in only(run, "MC602")["message"]


def test_a_quoted_boolean_is_refused(tmp_path):
    run = check(tmp_path, with_email('require_tls: "false"'))
    refused = only(run, "MC603")
    assert (refused["line"], refused["column"]) == (12, 22)
    assert "(quoted, it is text)" in refused["message"]


def test_insecure_skip_verify_is_reported_with_alertmanagers_fix(tmp_path):
    run = check(tmp_path, with_email("tls_config:\n  insecure_skip_verify: true"))
    finding = only(run, "MC206")
    assert (finding["line"], finding["column"]) == (13, 33)
    assert "remove insecure_skip_verify from tls_config" in finding["hint"]


def test_a_global_tls_config_is_inherited_and_marked_where_it_is_written(tmp_path):
    text = CLEAN.replace("route:", "  smtp_tls_config: {insecure_skip_verify: true, min_version: TLS10}\nroute:")
    run = check(tmp_path, text)
    assert found(run) == [("MC206", 6, 43, "ops.0"), ("MC207", 6, 62, "ops.0")]


def test_an_own_tls_config_replaces_the_global_one_whole(tmp_path):
    text = CLEAN.replace("route:", "  smtp_tls_config: {insecure_skip_verify: true}\nroute:")
    run = check(tmp_path, with_email("tls_config: {server_name: smtp.example.com}", text))
    assert run.json()["findings"] == []


def test_an_unknown_tls_version_is_refused(tmp_path):
    run = check(tmp_path, with_email("tls_config: {min_version: TLS1.2}"))
    assert "unknown TLS version" in only(run, "MC603")["message"]


def test_an_inline_password_is_reported_and_masked_in_every_format(tmp_path):
    text = with_email(f"auth_password: {INLINE_SECRET}").replace(
        "receivers:", f"  pagerduty_service_key_password: {INLINE_SECRET}x\nreceivers:"
    )
    for output in ("text", "json", "sarif", "github", "gitlab", "junit"):
        repo(tmp_path)
        (tmp_path / "alertmanager.yml").write_text(text, encoding="utf-8")
        run = mailcheck(tmp_path, "check", "--format", output, "alertmanager.yml")
        assert run.exit_code == 1, output
        assert INLINE_SECRET not in run.stdout + run.stderr, output
    run = mailcheck(tmp_path, "check", "--format", "json", "alertmanager.yml")
    rules = {f[0] for f in found(run)}
    assert "MC303" in rules
    assert only(run, "MC303")["line"] == 13 and "auth_password_file" in only(run, "MC303")["hint"]


def test_a_password_file_is_a_reference_not_an_inline_secret(tmp_path):
    run = check(tmp_path, with_email("auth_password_file: secrets/smtp_password"))
    assert run.json()["findings"] == []  # relative: opened from Alertmanager's working directory


def test_both_an_own_password_and_its_file_read_only_the_file(tmp_path):
    run = check(tmp_path, with_email(f"auth_password: {INLINE_SECRET}\nauth_password_file: /run/secrets/pw"))
    finding = only(run, "MC603")
    assert (finding["line"], finding["profile"]) == (12, "ops.0")
    assert "reads only the file" in finding["message"]
    assert "MC303" not in {f[0] for f in found(run)} and INLINE_SECRET not in run.stdout


def test_a_shell_variable_is_the_password_as_written(tmp_path):
    run = check(tmp_path, with_email("auth_password: ${SMTP_PASSWORD}"))
    finding = only(run, "MC602")
    assert (finding["line"], finding["column"]) == (12, 24)
    assert "expands no environment variables" in finding["message"]


def test_port_465_is_implicit_tls_unless_force_implicit_tls_says_otherwise(tmp_path):
    run = check(tmp_path, with_email("smarthost: smtp.example.com:465"))
    assert run.json()["findings"] == []
    run = check(tmp_path, with_email("smarthost: smtp.example.com:465\nforce_implicit_tls: false"))
    assert found(run) == [("MC201", 12, 37, "ops.0")]
    assert "force_implicit_tls" in run.json()["findings"][0]["hint"]


def test_force_implicit_tls_on_the_submission_port_is_a_mismatch(tmp_path):
    run = check(tmp_path, with_email("force_implicit_tls: true"))
    assert found(run) == [("MC201", 2, 36, "ops.0")]  # the inherited smarthost's port


def test_a_username_without_a_password(tmp_path):
    text = CLEAN.replace("  smtp_auth_password_file: /run/secrets/smtp_password\n", "")
    run = check(tmp_path, text)
    finding = only(run, "MC302")
    assert "auth_password_file" in finding["hint"]


def test_a_password_without_a_username_sends_without_logging_in(tmp_path):
    text = CLEAN.replace("  smtp_auth_username: alertmanager@example.com\n", "")
    run = check(tmp_path, text)
    finding = only(run, "MC603")
    assert (finding["line"], finding["column"]) == (4, 28)
    assert "without auth_username" in finding["message"]


def test_missing_smarthost_and_from_are_what_alertmanager_refuses(tmp_path):
    text = CLEAN.replace("  smtp_smarthost: smtp.example.com:587\n", "")
    run = check(tmp_path, text)
    assert "no global SMTP smarthost set" in only(run, "MC603")["message"]
    assert run.json()["summary"]["profiles"] == 0
    run = check(tmp_path, CLEAN.replace("  smtp_from: 'Alertmanager <alertmanager@example.com>'\n", ""))
    assert found(run) == [("MC603", 10, 9, "ops.0")]  # the login is an address: MC402 takes it as the sender
    assert "no global SMTP from set" in run.json()["findings"][0]["message"]
    without_from = CLEAN.replace("  smtp_from: 'Alertmanager <alertmanager@example.com>'\n", "")
    run = check(tmp_path, without_from.replace("alertmanager@example.com\n", "alertmanager\n"))
    assert "no global SMTP from set" in only(run, "MC402")["hint"]


def test_an_unknown_key_is_refused_with_the_key_meant(tmp_path):
    run = check(tmp_path, with_email("require_ssl: true"))
    finding = only(run, "MC603")
    assert (finding["line"], finding["column"]) == (12, 9)
    assert "`require_ssl`" in finding["message"] and finding["hint"] == "write `require_tls`"
    run = check(tmp_path, CLEAN.replace("route:", "  smtp_port: 587\n  resolve_timeout: 5m\nroute:"))
    assert [f[:2] for f in found(run)] == [("MC603", 6)]


def test_receivers_become_profiles_with_valid_names(tmp_path):
    text = (
        CLEAN
        + "  - name: 'Ops team / night'\n    email_configs:\n      - to: a@example.com\n      - to: b@example.com\n"
    )
    run = check(tmp_path, text.replace("smtp.example.com:587", "smtp.example.com:25"))
    assert sorted({f[3] for f in found(run)}) == ["Ops-team---night.0", "Ops-team---night.1", "ops.0"]


def test_a_duplicate_receiver_name_is_refused(tmp_path):
    run = check(tmp_path, CLEAN + "  - name: ops\n")
    finding = only(run, "MC603")
    assert finding["line"] == 12 and "is not unique" in finding["message"]


def test_suppressions_use_yaml_comments(tmp_path):
    run = check(
        tmp_path, with_email("require_tls: false  # mailcheck: disable-line MC204 -- relay on the host's network")
    )
    assert run.json()["findings"] == [] and run.exit_code == 0


def test_as_reads_a_file_of_any_name(tmp_path):
    run = check(tmp_path, CLEAN.replace(":587", ""), "--as", "alertmanager", name="am.yaml")
    assert [f[:3] for f in found(run)] == [("MC603", 2, 19)]


def test_a_walk_skips_another_programs_alertmanager_yml(tmp_path):
    repo(tmp_path)
    (tmp_path / "alertmanager.yml").write_text("image: prom/alertmanager\nreplicas: 2\n", encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.exit_code == 2 and "no profile files" in run.stderr


# --- hostile input: one finding, never a traceback ----------------------------------------------


@pytest.mark.parametrize(
    ("content", "where", "words"),
    [
        (b"global:\n  smtp_smarthost: [a\n", (3, 1), "YAML syntax error"),
        (b"global:\n\tsmtp_from: a@example.com\n", (2, 1), "tab"),
        (b"global:\n  smtp_from: caf\xe9@example.com\n", (2, 17), "not UTF-8"),
        (b"- receivers\n", (1, 1), "route:"),
        (b"", (1, 1), "route:"),
    ],
)
def test_a_file_alertmanager_cannot_read_is_one_finding(tmp_path, content, where, words):
    repo(tmp_path)
    (tmp_path / "alertmanager.yml").write_bytes(content)
    run = mailcheck(tmp_path, "check", "--format", "json", "alertmanager.yml")
    [finding] = run.json()["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("MC001", *where)
    assert words in json.dumps(finding)


def test_a_repeated_key_is_reported(tmp_path):
    run = check(tmp_path, CLEAN.replace("route:", "  smtp_from: other@example.com\nroute:"))
    assert ("MC002", 6) in [f[:2] for f in found(run)]
