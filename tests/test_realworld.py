"""mailcheck on settings real providers publish (Thunderbird ISPDB, nodemailer).

The fixtures are a small committed sample (tests/fixtures/realworld/README.md says where
each line comes from); tests/realworld_convert.py turns each entry into a profile. Well
configured providers must pass; the real mistakes in the data must be found, each with
the rule that names it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcheck.cli import cli
from tests.realworld_convert import convert, profile_file, read_jsonl, to_profile

HERE = Path(__file__).resolve().parent

FIXTURES = HERE / "fixtures" / "realworld"
ISPDB = read_jsonl(FIXTURES / "ispdb_servers.sample.jsonl")
NODEMAILER = read_jsonl(FIXTURES / "nodemailer_services.sample.jsonl")

WELL_CONFIGURED = [
    "126.com-imap-0",
    "126.com-smtp-0",
    "googlemail.com-imap-0",  # OAuth2 listed first: xoauth2 with a token
    "googlemail.com-smtp-0",
    "office365.com-smtp-0",
    "web.de-imap-1",  # STARTTLS on 143
    "web.de-pop3-3",  # STARTTLS (STLS) on 110
    "web.de-smtp-1",
    "tiscali.it-smtp-0",  # password-encrypted: cram-md5
    "nodemailer-1und1",
    "nodemailer-Bluewin",  # 465 without explicit `secure`: nodemailer's default is TLS there
    "nodemailer-Gmail",
    "nodemailer-SendGrid",
    "nodemailer-hot.ee",  # no port: the default port for STARTTLS
]

MISTAKES = {
    "charter.net-smtp-0": ["MC201"],  # SSL on 587
    "arubapec.it-pop3-1": ["MC202"],  # POP3 on 993, the IMAPS port
    "pdx.edu-imap-1": ["MC202"],  # IMAP on 587, the submission port
    "rediffmail.com-smtp-0": ["MC203"],  # SSL on 586: cannot be checked offline
    "rediffmail.com-pop3-1": ["MC204"],  # password-cleartext over plain
    "rediffmail.com-smtp-2": ["MC204"],
    "nifty.com-smtp-0": ["MC204", "MC705"],  # password-encrypted, but the session is still plaintext
    "so.wind.ne.jp-imap-0": ["MC204", "MC705"],  # MC705: the provider publishes only plain
    "tiscali.cz-smtp-0": ["MC204", "MC208", "MC705"],  # plaintext login, on the relay port
    "kokuyou.ne.jp-smtp-0": ["MC205", "MC705"],  # plaintext, no login
    "inbox.lv-pop3-1": ["MC209"],  # host: mail.%EMAILDOMAIN%
    "mail.ee-imap-0": ["MC209"],  # host: %EMAILDOMAIN%
    "teol.net-smtp-0": ["MC301"],  # the file has no <username>
    "nodemailer-qiye.aliyun": ["MC101"],  # "port": "465", a string
    "nodemailer-Godaddy": ["MC208", "MC706"],  # MC706: the ISPDB publishes 465 tls
    "nodemailer-Postmark": ["MC203"],  # 2525
    "nodemailer-Maildev": ["MC203"],  # 1025 on localhost, plaintext: only the port is unusual
    "nodemailer-Outlook365": ["MC704"],  # a password where the ISPDB lists only OAuth2
}

NOT_MAIL_PROTOCOLS = ["office365.com-exchange-5"]


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Rule findings per converted entry: both samples, one profile file each, one run."""
    folder = tmp_path_factory.mktemp("realworld")
    (folder / ".git").mkdir()  # a repository root without mailcheck settings
    paths = []
    for name, entries in (("ispdb", ISPDB), ("nodemailer", NODEMAILER)):
        path = folder / f"{name}.mail.yaml"
        path.write_text(profile_file({k: p for k, p in convert(entries) if p is not None}), encoding="utf-8")
        paths.append(str(path))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("GITHUB_ACTIONS", raising=False)
        result = CliRunner().invoke(cli, ["check", "--format", "json", *paths])
    assert result.exit_code == 1, result.output
    by_profile: dict[str, list[dict]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        by_profile.setdefault(finding["profile"], []).append(finding)
    return by_profile


def rules_of(findings: dict[str, list[dict]], name: str) -> list[str]:
    return sorted(f["rule"] for f in findings.get(name, []))


# --- the converter -------------------------------------------------------------------


def test_every_sample_entry_is_accounted_for():
    names = [name for name, _ in convert(ISPDB + NODEMAILER)]
    assert sorted(names) == sorted(WELL_CONFIGURED + list(MISTAKES) + NOT_MAIL_PROTOCOLS)


@pytest.mark.parametrize(("socket_type", "security"), [("SSL", "tls"), ("STARTTLS", "starttls"), ("plain", "none")])
def test_ispdb_socket_types_become_security_modes(socket_type, security):
    entry = next(e for e in ISPDB if e["socketType"] == socket_type)
    assert to_profile(entry)["security"] == security


def test_ispdb_entry_is_copied_verbatim_where_the_format_allows():
    entry = next(e for e in ISPDB if e["file"] == "ispdb/inbox.lv.xml")
    profile = to_profile(entry)
    assert profile["host"] == "mail.%EMAILDOMAIN%"
    assert profile["port"] == 995
    assert profile["auth"] == {"username": "%EMAILADDRESS%", "mechanism": "plain", "password": {"env": "MAIL_PASSWORD"}}


def test_a_cleartext_password_over_plain_becomes_a_login_without_encryption():
    entry = next(e for e in ISPDB if e["file"] == "ispdb/rediffmail.com.xml" and e["protocol"] == "pop3")
    assert (entry["socketType"], entry["authentication"]) == ("plain", ["password-cleartext"])
    profile = to_profile(entry)
    assert profile["security"] == "none" and "auth" in profile


def test_oauth2_first_becomes_xoauth2_with_a_token():
    entry = next(e for e in ISPDB if e["file"] == "ispdb/googlemail.com.xml" and e["protocol"] == "imap")
    assert to_profile(entry)["auth"]["mechanism"] == "xoauth2"
    assert to_profile(entry)["auth"]["token"] == {"env": "MAIL_OAUTH_TOKEN"}


def test_authentication_none_means_no_auth_block():
    entry = next(e for e in ISPDB if e["authentication"] == ["none"])
    assert "auth" not in to_profile(entry)


def test_exchange_and_web_endpoints_are_not_converted():
    entry = next(e for e in ISPDB if e["protocol"] == "exchange")
    assert to_profile(entry) is None


# --- what mailcheck finds ------------------------------------------------------------


@pytest.mark.parametrize("name", WELL_CONFIGURED)
def test_a_well_configured_provider_passes(findings, name):
    assert rules_of(findings, name) == []


@pytest.mark.parametrize(("name", "rules"), sorted(MISTAKES.items()))
def test_a_real_mistake_is_found_with_its_rule(findings, name, rules):
    assert rules_of(findings, name) == rules


def test_every_plaintext_password_login_in_the_sample_is_an_error(findings):
    cleartext = [
        name
        for (name, profile) in convert(ISPDB)
        if profile is not None and profile["security"] == "none" and "auth" in profile
    ]
    assert len(cleartext) >= 4
    for name in cleartext:
        [mc204] = [f for f in findings[name] if f["rule"] == "MC204"]
        assert mc204["severity"] == "error"
        assert "cleartext" in mc204["message"]


def test_placeholder_hosts_are_named_in_the_finding(findings):
    for name in ("inbox.lv-pop3-1", "mail.ee-imap-0"):
        [finding] = findings[name]
        assert "%EMAILDOMAIN%" in finding["message"]
        assert finding["path"] == f"profiles.{name}.host"


def test_the_port_mistakes_name_port_and_mode(findings):
    [charter] = findings["charter.net-smtp-0"]
    assert "smtp port 587" in charter["message"] and "security is tls" in charter["message"]
    [aruba] = findings["arubapec.it-pop3-1"]
    assert "port 993 is IMAP's imaps port" in aruba["message"]
    assert "use port 995 for pop3" in aruba["hint"]
