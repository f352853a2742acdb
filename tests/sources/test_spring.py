"""The Spring Boot adapter: spring.mail.* in application.properties and application.yml, and Jakarta Mail's footguns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_run import INLINE_SECRET, mailcheck, repo, write

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "spring"

CLEAN = """\
spring.mail.host=smtp.example.com
spring.mail.port=587
spring.mail.username=app@example.com
spring.mail.password=${SMTP_PASSWORD}
spring.mail.properties.mail.smtp.auth=true
spring.mail.properties.mail.smtp.starttls.enable=true
spring.mail.properties.mail.smtp.starttls.required=true
"""


def _findings(folder: Path, *args: str) -> list[tuple[str, int, int]]:
    run = mailcheck(folder, "check", "--format", "json", *args)
    return [(f["rule"], f["line"], f["column"]) for f in run.json()["findings"]]


def test_the_documentations_example_alone_configures_no_sender(tmp_path):
    # no spring.mail.host: Spring Boot creates no JavaMailSender, so there is nothing to check
    repo(tmp_path)
    shutil.copy(FIXTURES / "application.yml", tmp_path / "application.yml")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.exit_code == 0 and run.json()["findings"] == []


def test_the_documentations_example_with_a_host_and_starttls_enable_is_opportunistic(tmp_path):
    repo(tmp_path)
    text = (FIXTURES / "application.yml").read_text(encoding="utf-8")
    text = text.replace(
        "  mail:\n", "  mail:\n    host: smtp.example.com\n    port: 587\n    username: app@example.com\n"
    )
    text += '      "[mail.smtp.starttls.enable]": true\n'
    write(tmp_path, "application.yml", text)
    run = mailcheck(tmp_path, "check", "application.yml")
    assert "application.yml:10:38: error MC214 [opportunistic-starttls]" in run.stdout
    assert "add spring.mail.properties.mail.smtp.starttls.required=true" in run.stdout


def test_a_clean_properties_file_has_no_finding(tmp_path):
    repo(tmp_path)
    write(tmp_path, "application.properties", CLEAN)
    run = mailcheck(tmp_path, "check", "application.properties")
    assert run.exit_code == 0, run.stdout
    assert "No problems found in 1 file, 1 profile." in run.stdout


def test_the_same_settings_in_yaml_with_nested_and_bracketed_keys_are_clean(tmp_path):
    repo(tmp_path)
    write(
        tmp_path,
        "application.yml",
        """\
        spring:
          mail:
            host: smtp.example.com
            port: 587
            username: app@example.com
            password: ${SMTP_PASSWORD}
            properties:
              "[mail.smtp.starttls.required]": true
              mail:
                smtp:
                  auth: true
        """,
    )
    assert _findings(tmp_path, "application.yml") == []


def test_ssl_enabled_on_port_587_is_mc201(tmp_path):
    repo(tmp_path)
    write(
        tmp_path,
        "application.properties",
        CLEAN.replace("spring.mail.properties.mail.smtp.starttls", "#") + "spring.mail.ssl.enabled=true\n",
    )
    run = mailcheck(tmp_path, "check", "application.properties")
    assert "application.properties:2:18: error MC201 [port-security-mismatch]" in run.stdout
    assert "(not ssl.enable); for implicit TLS use port 465" in run.stdout


def test_ssl_enable_with_starttls_is_mc601(tmp_path):
    repo(tmp_path)
    text = (
        CLEAN.replace("spring.mail.port=587", "spring.mail.port=465")
        + "spring.mail.properties.mail.smtp.ssl.enable=true\n"
    )
    assert [
        rule for rule, _, _ in _findings(tmp_path, "--as", "spring", write(tmp_path, "mail.properties", text).name)
    ] == ["MC601"]


def test_smtps_properties_with_the_smtp_protocol_are_ignored(tmp_path):
    repo(tmp_path)
    text = CLEAN.replace("mail.smtp.starttls.required", "mail.smtps.starttls.required")
    write(tmp_path, "application.properties", text)
    run = mailcheck(tmp_path, "check", "application.properties")
    assert (
        "application.properties:7:1: error MC602 [unrecognised-app-value] spring.mail.properties.mail.smtps"
        in run.stdout
    )
    assert "reads only mail.smtp.* properties" in run.stdout
    assert "application.properties:6:50: error MC214" in run.stdout  # and so the upgrade is not required


def test_the_smtps_protocol_is_implicit_tls_on_465(tmp_path):
    repo(tmp_path)
    write(
        tmp_path,
        "application.properties",
        "spring.mail.host=smtp.example.com\nspring.mail.protocol=smtps\nspring.mail.username=app@example.com\n"
        "spring.mail.password=${SMTP_PASSWORD}\nspring.mail.properties.mail.smtps.auth=true\n",
    )
    assert _findings(tmp_path, "application.properties") == []


def test_ssl_trust_star_is_mc206(tmp_path):
    repo(tmp_path)
    write(tmp_path, "application.properties", CLEAN + "spring.mail.properties.mail.smtp.ssl.trust=*\n")
    assert _findings(tmp_path, "application.properties") == [("MC206", 8, 44)]


def test_a_password_default_is_an_inline_secret_masked_in_every_format(tmp_path):
    repo(tmp_path)
    text = CLEAN.replace("${SMTP_PASSWORD}", "${SMTP_PASSWORD:" + INLINE_SECRET + "}")
    text += f"spring.datasource.password={INLINE_SECRET}x\n"
    write(tmp_path, "application.properties", text)
    assert ("MC303", 4, 38) in _findings(tmp_path, "application.properties")
    for output in ("text", "json", "sarif", "github", "gitlab", "junit"):
        run = mailcheck(tmp_path, "check", "--format", output, "application.properties")
        assert run.exit_code == 1 and INLINE_SECRET not in run.stdout + run.stderr, output


def test_a_literal_password_in_yaml_is_mc303(tmp_path):
    repo(tmp_path)
    write(
        tmp_path,
        "application.yml",
        f"spring:\n  mail:\n    host: smtp.example.com\n    port: 465\n    username: app@example.com\n"
        f"    password: {INLINE_SECRET}\n    ssl:\n      enabled: true\n",
    )
    run = mailcheck(tmp_path, "check", "application.yml")
    assert "application.yml:6:15: error MC303 [inline-secret]" in run.stdout and INLINE_SECRET not in run.stdout


@pytest.mark.parametrize("written", ["yes", "TRUE"])
def test_yaml_11_booleans_are_what_spring_binds(tmp_path, written):
    # SnakeYAML reads a bare yes as true, and Jakarta Mail takes "true" in any case
    repo(tmp_path)
    write(
        tmp_path,
        "application.yml",
        f'spring:\n  mail:\n    host: smtp.example.com\n    port: 587\n    properties:\n      "[mail.smtp.starttls.required]": {written}\n'
        "      mail.from: app@example.com\n",
    )
    assert _findings(tmp_path, "application.yml") == []


def test_a_misspelt_property_and_spring_mail_from_are_reported(tmp_path):
    repo(tmp_path)
    write(
        tmp_path,
        "application.properties",
        CLEAN + "spring.mail.properties.mail.smtp.starttls.requried=true\nspring.mail.from=app@example.com\n",
    )
    run = mailcheck(tmp_path, "check", "application.properties")
    assert "application.properties:8:1: error MC602" in run.stdout
    assert "write spring.mail.properties.mail.smtp.starttls.required" in run.stdout
    assert "application.properties:9:1: error MC602" in run.stdout and "mail.from" in run.stdout


def test_a_boolean_jakarta_mail_does_not_read_is_reported(tmp_path):
    repo(tmp_path)
    write(tmp_path, "application.properties", CLEAN.replace("starttls.required=true", "starttls.required=yes"))
    run = mailcheck(tmp_path, "check", "application.properties")
    assert "application.properties:7:52: error MC602" in run.stdout and "takes anything else as false" in run.stdout
    assert "error MC214" in run.stdout


def test_suppressions_and_continuation_lines_in_properties(tmp_path):
    repo(tmp_path)
    write(
        tmp_path,
        "application.properties",
        "! relay on the private network: no TLS there\n"
        "# mailcheck: disable-next-line MC205 -- relay on the private network\n"
        "spring.mail.host = relay.internal.example.com\n"
        "spring.mail.properties.mail.from : \\\n"
        "    app@example.com\n"
        "spring.mail.port 25\n",
    )
    assert _findings(tmp_path, "application.properties") == []
    # without the comment: MC205 at the first spring.mail line, the sender read across the continuation
    text = (tmp_path / "application.properties").read_text(encoding="utf-8").replace("# mailcheck", "# not")
    write(tmp_path, "application.properties", text)
    assert _findings(tmp_path, "application.properties") == [("MC205", 3, 1)]


def test_a_profile_document_is_a_profile_of_its_own(tmp_path):
    repo(tmp_path)
    write(
        tmp_path,
        "application.properties",
        CLEAN
        + "#---\nspring.config.activate.on-profile=dev\nspring.mail.properties.mail.smtp.starttls.required=false\n",
    )
    run = mailcheck(tmp_path, "check", "--format", "json", "application.properties")
    assert run.json()["summary"]["profiles"] == 2
    assert [(f["rule"], f["line"]) for f in run.json()["findings"]] == [("MC214", 6)]
    assert "spring.mail.dev" in run.stdout


def test_hostile_input_is_one_finding(tmp_path):
    repo(tmp_path)
    write(tmp_path, "application.properties", "spring.mail.host=smtp.example.com\nspring.mail.password=\\u12zz\n")
    write(tmp_path, "application.yml", "spring:\n  mail:\n    host: [unclosed\n")
    write(tmp_path, "application-x.properties", b"spring.mail.host=caf\xe9\n")
    run = mailcheck(
        tmp_path, "check", "--format", "json", "application.properties", "application.yml", "application-x.properties"
    )
    found = [(f["file"], f["rule"], f["line"]) for f in run.json()["findings"]]
    assert sorted(found) == [
        ("application-x.properties", "MC001", 1),
        ("application.properties", "MC001", 2),
        ("application.yml", "MC001", 4),
    ]
    assert "malformed" in run.stdout and "Spring Boot fails to start" in run.stdout


def test_a_walk_skips_application_files_without_mail_settings(tmp_path):
    repo(tmp_path)
    write(tmp_path, "application.properties", "server.port=8080\nspring.datasource.password=secret\n")
    write(tmp_path, "config/application.properties", CLEAN)
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.json()["summary"]["files"] == 1 and run.json()["findings"] == []
