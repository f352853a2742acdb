"""The Authelia adapter on Authelia's own config.template.yml, its footguns, and what a walk and `--as` pick up."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli_run import INLINE_SECRET, mailcheck, repo, write

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "authelia"
TEMPLATE = FIXTURES / "config.template.yml"

CLEAN = """\
notifier:
  smtp:
    address: 'submission://smtp.example.com:587'
    username: 'authelia@example.com'
    password: '{{ secret "/run/secrets/smtp_password" }}'
    sender: 'Authelia <authelia@example.com>'
    tls:
      minimum_version: 'TLS1.2'
"""


def _check(folder: Path, text: str, *args: str) -> dict:
    repo(folder)
    write(folder, "configuration.yml", text)
    run = mailcheck(folder, "check", "--format", "json", *args, "configuration.yml")
    return run.json()


def _found(report: dict) -> list[tuple[str, int, int]]:
    return [(f["rule"], f["line"], f["column"]) for f in report["findings"]]


def _finding(report: dict, rule: str) -> dict:
    [finding] = [f for f in report["findings"] if f["rule"] == rule]
    return finding


def test_the_official_template_has_its_smtp_notifier_commented_out(tmp_path):
    repo(tmp_path)
    shutil.copy(TEMPLATE, tmp_path / "config.template.yml")
    run = mailcheck(tmp_path, "check", "--as", "authelia", "--format", "json", "config.template.yml")
    assert run.exit_code == 0, run.stdout
    assert run.json()["summary"]["profiles"] == 0 and run.json()["findings"] == []
    # a walk does not claim it as Authelia's: it configures no notifier.smtp
    shutil.copy(TEMPLATE, tmp_path / "configuration.yml")
    walked = mailcheck(tmp_path, "check", ".")
    assert walked.exit_code == 2 and "no profile files" in walked.stderr + walked.stdout


def test_the_templates_smtp_block_uncommented(tmp_path):
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    start = lines.index("# notifier:")
    wanted = ("# notifier:", "  # smtp:", "    # address:", "    # username:", "    # password:", "    # sender:")
    for index in range(start, start + 60):
        if lines[index].startswith(wanted):
            lines[index] = lines[index].replace("# ", "", 1)
    text = "\n".join(lines) + "\n"
    report = _check(tmp_path, text)
    password_line = lines.index("    password: 'password'") + 1
    address_line = lines.index("    address: 'smtp://127.0.0.1:25'") + 1
    # 127.0.0.1: nothing crosses a network; Authelia verifies the certificate against the IP (validator/notifier.go
    # L83-85), the login goes to port 25, and the password is inline
    assert _found(report) == [("MC211", address_line, 14), ("MC208", address_line, 32), ("MC303", password_line, 15)]
    assert "'password'" not in json.dumps(report)


def test_a_clean_config_has_no_finding(tmp_path):
    report = _check(tmp_path, CLEAN)
    assert report["findings"] == [] and report["summary"]["profiles"] == 1


def test_disable_require_tls_is_opportunistic_starttls(tmp_path):
    text = CLEAN.replace("submission://smtp.example.com:587", "smtp://smtp.example.com:25").replace(
        "    tls:", "    disable_require_tls: true\n    tls:"
    )
    report = _check(tmp_path, text)
    assert _found(report) == [("MC208", 3, 39), ("MC214", 7, 26)]
    finding = _finding(report, "MC214")
    assert "the login and the mail then cross the network in cleartext" in finding["message"]
    assert "remove disable_require_tls" in finding["hint"]


def test_disable_starttls_with_a_login_is_cleartext_auth(tmp_path):
    text = CLEAN.replace("    tls:", "    disable_starttls: true\n    tls:")
    report = _check(tmp_path, text)
    assert ("MC204", 7, 23) in _found(report)
    assert "remove disable_starttls" in _finding(report, "MC204")["hint"]


def test_skip_verify_and_tls_1_0(tmp_path):
    text = CLEAN.replace("      minimum_version: 'TLS1.2'", "      skip_verify: true\n      minimum_version: TLS1.0")
    report = _check(tmp_path, text)
    assert _found(report) == [("MC206", 8, 20), ("MC207", 9, 24)]
    assert "certificates_directory" in _finding(report, "MC206")["hint"]
    assert "minimum_version: 'TLS1.2'" in _finding(report, "MC207")["hint"]


def test_the_port_does_not_choose_implicit_tls_the_scheme_does(tmp_path):
    # no scheme is smtp://, which asks for STARTTLS even on 465
    report = _check(tmp_path, CLEAN.replace("submission://smtp.example.com:587", "smtp.example.com:465"))
    assert _found(report) == [("MC201", 3, 32)]
    assert "submissions://smtp.example.com:465" in _finding(report, "MC201")["hint"]
    secure = _check(tmp_path, CLEAN.replace("submission://smtp.example.com:587", "submissions://smtp.example.com"))
    assert secure["findings"] == []


def test_legacy_host_and_port_465_are_implicit_tls(tmp_path):
    text = CLEAN.replace(
        "    address: 'submission://smtp.example.com:587'", "    host: smtp.example.com\n    port: 465"
    )
    assert _check(tmp_path, text)["findings"] == []
    both = CLEAN.replace("    username:", "    port: 587\n    username:")
    finding = _finding(_check(tmp_path, both), "MC603")
    assert (finding["line"], finding["column"]) == (4, 11)
    assert "the deprecated keys and the new key can't both be configured" in finding["message"]


def test_an_unknown_scheme_stops_authelia(tmp_path):
    report = _check(tmp_path, CLEAN.replace("submission://smtp.example.com:587", "smtps://smtp.example.com:465"))
    assert _found(report) == [("MC603", 3, 14)]
    assert (
        "scheme must be one of 'smtp', 'submission', or 'submissions' but is configured as 'smtps'"
        in _finding(report, "MC603")["message"]
    )


def test_authelias_start_up_checks(tmp_path):
    no_sender = CLEAN.replace("    sender: 'Authelia <authelia@example.com>'\n", "")
    report = _check(tmp_path, no_sender)
    finding = _finding(report, "MC603")
    assert (finding["line"], "notifier: smtp: option 'sender' is required") == (2, finding["message"].split(": ", 1)[1])
    unknown = CLEAN.replace("    sender:", "    sendr: x\n    sender:")
    finding = _finding(_check(tmp_path, unknown), "MC603")
    assert "configuration key not expected: notifier.smtp.sendr" in finding["message"]
    assert finding["hint"] == "write `sender`"
    versions = CLEAN.replace("'TLS1.2'", "'TLS1.3'\n      maximum_version: 'TLS1.2'")
    assert (
        "minimum version TLS1.3 is greater than the maximum version TLS1.2"
        in _finding(_check(tmp_path, versions), "MC603")["message"]
    )
    both = CLEAN.replace("notifier:\n", "notifier:\n  filesystem:\n    filename: /config/n.txt\n")
    assert "only one of the 'smtp' or 'filesystem'" in _finding(_check(tmp_path, both), "MC603")["message"]


def test_an_inline_password_is_masked_in_every_format(tmp_path):
    repo(tmp_path)
    text = CLEAN.replace("'{{ secret \"/run/secrets/smtp_password\" }}'", INLINE_SECRET) + (
        f"session:\n  secret: {INLINE_SECRET}\n"
    )
    write(tmp_path, "configuration.yml", text)
    for output in ("text", "json", "sarif", "github", "gitlab", "junit"):
        run = mailcheck(tmp_path, "check", "--format", output, "configuration.yml")
        assert run.exit_code == 1 and INLINE_SECRET not in run.stdout + run.stderr, output
    report = mailcheck(tmp_path, "check", "--format", "json", "configuration.yml").json()
    finding = _finding(report, "MC303")
    assert (finding["line"], finding["column"]) == (5, 15)
    assert "AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE" in finding["hint"]


def test_a_password_from_the_environment_is_a_reference(tmp_path):
    text = CLEAN.replace("    password: '{{ secret \"/run/secrets/smtp_password\" }}'\n", "")
    assert _check(tmp_path, text)["findings"] == []  # AUTHELIA_NOTIFIER_SMTP_PASSWORD(_FILE) where Authelia runs
    env = CLEAN.replace('secret "/run/secrets/smtp_password"', 'env "SMTP_PASSWORD"')
    assert _check(tmp_path, env)["findings"] == []


def test_home_assistants_configuration_yaml_is_not_claimed(tmp_path):
    repo(tmp_path)
    write(tmp_path, "configuration.yaml", "homeassistant:\n  name: Home\nnotifier:\n  smtp: true\n")
    run = mailcheck(tmp_path, "check", ".")
    assert run.exit_code == 2 and "no profile files" in run.stderr + run.stdout
    write(
        tmp_path,
        "configuration.yaml",
        "notify:\n  - name: mail\n    platform: smtp\n    server: smtp.example.com\n    port: 587\n"
        "    sender: ha@example.com\n    recipient: me@example.com\n",
    )
    walked = mailcheck(tmp_path, "check", "--format", "json", ".").json()
    assert "notifier.smtp" not in json.dumps(walked)
    forced = mailcheck(tmp_path, "check", "--as", "authelia", "--format", "json", "configuration.yaml")
    assert forced.exit_code == 0 and forced.json()["summary"]["profiles"] == 0


def test_suppressions_use_yaml_comments(tmp_path):
    text = CLEAN.replace(
        "      minimum_version: 'TLS1.2'", "      skip_verify: true  # mailcheck: disable-line MC206 -- lab"
    )
    report = _check(tmp_path, text)
    assert report["findings"] == []


def test_hostile_input_is_one_finding(tmp_path):
    broken = _check(tmp_path, "notifier:\n  smtp:\n    address: [smtp\n")
    assert [f["rule"] for f in broken["findings"]] == ["MC001"]
    unquoted = _check(tmp_path, 'notifier:\n  smtp:\n    password: {{ secret "/run/secrets/p" }}\n')
    [finding] = unquoted["findings"]
    assert finding["rule"] == "MC001" and "quote each template expression" in finding["hint"]
    repo(tmp_path)
    write(tmp_path, "configuration.yml", "notifier:\n  smtp:\n    sender: caf\xe9@example.com\n".encode("latin-1"))
    run = mailcheck(tmp_path, "check", "--as", "authelia", "--format", "json", "configuration.yml")
    [finding] = run.json()["findings"]
    assert (finding["rule"], finding["line"]) == ("MC001", 3)
    listed = _check(tmp_path, "- notifier\n", "--as", "authelia")
    [finding] = listed["findings"]
    assert finding["rule"] == "MC001" and "not a mapping" in finding["message"]
